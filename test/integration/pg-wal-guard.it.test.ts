/**
 * WAL protection against a real PostgreSQL (docs/postgres.md#wal-protection):
 *  1. heavy writes to a table no connector captures: the connector with heartbeats keeps its
 *     retained WAL bounded, a stopped connector's slot grows and its WAL protection level
 *     climbs (metrics, one log line per level); the connector without heartbeats is measured beside;
 *  2. a slot PostgreSQL really invalidates (max_slot_wal_keep_size small, WAL switched while the
 *     connector is stopped) fails the connector with CDC_PG_SLOT_LOST and the recovery steps;
 *     the server setting is restored after.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { stackEnv, SKIP_REASON } from '../helpers/stack-env.ts';
import { PgFixture } from '../helpers/pg-fixture.ts';
import { Daemon, connectorConfig, writeConfig } from '../helpers/daemon.ts';
import { Rest, freePort } from '../helpers/rest-client.ts';
import { readUntil, waitForTopics } from '../helpers/kafka-reader.ts';

const env = stackEnv();
let db: PgFixture;
before(async () => {
  if (!env) return;
  db = await PgFixture.create(env, 'walg');
  await db.query(`CREATE TABLE t (id int PRIMARY KEY, v text)`);
  await db.query(`CREATE TABLE noise (id bigserial PRIMARY KEY, pad text)`);
  await db.query(`CREATE TABLE r (id int PRIMARY KEY, v text)`);
  await db.query(`INSERT INTO r VALUES (1, 'a'), (2, 'b'), (3, 'c')`);
});
after(async () => { if (db) await db.drop(); });

const MB = 1024 * 1024;

async function retained(slot: string): Promise<number> {
  const r = await db.query(`SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint::text AS r FROM pg_replication_slots WHERE slot_name = $1`, [slot]);
  return Number((r.rows[0] as { r: string } | undefined)?.r ?? -1);
}

async function metric(port: number, name: string, labels: Record<string, string>): Promise<number | null> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    if (Object.entries(labels).every(([k, v]) => line.includes(`${k}="${v}"`))) return Number(line.split(' ').pop());
  }
  return null;
}

test('heartbeats keep retained WAL bounded while only an uncaptured table is written; a slot nobody reads grows and climbs the WAL protection levels', { skip: env ? false : SKIP_REASON, timeout: 240_000 }, async () => {
  const suffix = db.database.slice(-8);
  const hb = `hb_${suffix}`, quiet = `nohb_${suffix}`, parked = `park_${suffix}`;
  const port = await freePort(), metricsPort = await freePort();
  const common = { 'table.include.list': 'public\\.t', 'publication.autocreate.mode': 'filtered', 'snapshot.mode': 'no_data', 'status.update.interval.ms': 1000 };
  const base = { env: env!, database: db.database, restPort: port };
  const daemon = new Daemon(writeConfig({ ...base, name: hb, worker: { 'metrics.port': metricsPort }, connector: { ...common, 'heartbeat.interval.ms': 1000 } }), env!).start();
  const api = new Rest(`http://127.0.0.1:${port}`);
  try {
    await daemon.withLog(async () => {
      await api.waitFor(`/connectors/${hb}/status`, (b) => b.tasks?.[0]?.state === 'RUNNING');
      // warn at 1 byte: the level shows at once in the status of a running task.
      assert.equal((await api.post('/connectors', { name: quiet, config: connectorConfig({ ...base, name: quiet, connector: { ...common, 'slot.wal.warn.bytes': 1 } }) })).status, 201);
      assert.equal((await api.post('/connectors', { name: parked, config: connectorConfig({ ...base, name: parked, connector: { ...common, 'slot.wal.warn.bytes': 16 * MB, 'slot.wal.critical.bytes': 48 * MB } }) })).status, 201);
      for (const n of [quiet, parked]) await api.waitFor(`/connectors/${n}/status`, (b) => b.tasks?.[0]?.state === 'RUNNING');
      // Parked: stopped, so nothing reads its slot; its monitor keeps watching (invariant 5).
      assert.equal((await api.put(`/connectors/${parked}/stop`)).status, 204);
      await db.waitForSlot(parked, (s) => s !== null && !s.active);
      const quietStatus = await api.waitFor(`/connectors/${quiet}/status`, (b) => /WAL protection/.test(b.tasks?.[0]?.reason ?? ''), 30_000);
      assert.equal(quietStatus.tasks[0].state, 'RUNNING');
      assert.match(quietStatus.tasks[0].reason, /slot "nohb_\w+" retains more WAL than slot\.wal\.warn\.bytes \(1 B\)/);
      assert.equal(typeof quietStatus.tasks[0].since, 'number');

      const slots = [hb, quiet, parked];
      const startLsn = (await db.query(`SELECT pg_current_wal_lsn()::text AS l`)).rows[0].l as string;
      const flushBefore = (await db.slot(hb))!.confirmedFlush;
      const peak: Record<string, number> = Object.fromEntries(slots.map((s) => [s, 0]));
      // Small transactions of ~1.5 MB of WAL, 100 ms apart, for 50 s, to a table no connector captures.
      const t0 = Date.now();
      while (Date.now() - t0 < 50_000) {
        await db.query(`INSERT INTO noise (pad) SELECT repeat(md5(g::text), 8) FROM generate_series(1, 2500) g`);
        if ((Date.now() - t0) % 5000 < 150) for (const s of slots) peak[s] = Math.max(peak[s]!, await retained(s));
        await new Promise((r) => setTimeout(r, 100));
      }
      const written = Number((await db.query(`SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1)::bigint::text AS d`, [startLsn])).rows[0].d);
      // Give the last heartbeat and running-xacts record a moment, as a quiet system would.
      await new Promise((r) => setTimeout(r, 17_000));
      const end: Record<string, number> = {};
      for (const s of slots) end[s] = await retained(s);
      const flushAfter = (await db.slot(hb))!.confirmedFlush;
      process.stdout.write(`# wal-guard: ${(written / MB).toFixed(0)} MB written to the uncaptured table; retained at end / peak: ${slots.map((s) => `${s.split('_')[0]} ${(end[s]! / MB).toFixed(1)} / ${(peak[s]! / MB).toFixed(1)} MB`).join(', ')}\n`);
      assert.ok(written > 100 * MB, `the load wrote ${written} bytes of WAL`);
      assert.ok(flushAfter > flushBefore, 'the heartbeat connector confirmed new positions although no captured change came');
      assert.ok(end[hb]! < written / 4, `heartbeats: retained ${end[hb]} bytes, bounded well below the ${written} written`);
      // Without heartbeats the connector confirms the server's keepalive positions (streaming.ts), so its slot is bounded too.
      assert.ok(end[quiet]! < written / 4, `no heartbeats: retained ${end[quiet]} bytes of the ${written} written`);
      assert.ok(end[parked]! >= written * 0.9, `a slot nobody reads retains what was written (${end[parked]} of ${written})`);
      assert.equal(await metric(metricsPort, 'cdc_postgres_slot_wal_guard_state', { connector: parked }), 2, 'the stopped connector\'s slot is critical');
      assert.equal(await metric(metricsPort, 'cdc_postgres_slot_wal_threshold_bytes', { connector: parked, level: 'critical' }), 48 * MB);
      assert.equal(await metric(metricsPort, 'cdc_postgres_slot_wal_guard_state', { connector: hb }), 0);
      // One line per level change, not one per sample.
      const lines = daemon.output.split('\n').filter((l) => l.includes(`"connector":"${parked}"`) && l.includes('WAL protection'));
      assert.deepEqual(lines.map((l) => /"walLevel":"(\w+)"/.exec(l)?.[1]), ['warn', 'critical'], lines.join('\n'));
    });
  } finally {
    await daemon.stop();
  }
});

test('a slot PostgreSQL invalidates while the connector is stopped fails it with CDC_PG_SLOT_LOST, what was lost and how to resnapshot', { skip: env ? false : SKIP_REASON, timeout: 180_000 }, async () => {
  const name = `lost_${db.database.slice(-8)}`;
  const port = await freePort();
  const daemon = new Daemon(writeConfig({ env: env!, name, database: db.database, restPort: port, connector: { 'table.include.list': 'public\\.t', 'publication.autocreate.mode': 'filtered', 'snapshot.mode': 'initial', 'status.update.interval.ms': 1000 } }), env!).start();
  const api = new Rest(`http://127.0.0.1:${port}`);
  const admin = new pg.Client({ ...env!.pg, database: 'postgres' });
  await admin.connect();
  const before = (await admin.query(`SELECT setting FROM pg_settings WHERE name = 'max_slot_wal_keep_size'`)).rows[0].setting as string;
  try {
    await daemon.withLog(async () => {
      await api.waitFor(`/connectors/${name}/status`, (b) => b.tasks?.[0]?.state === 'RUNNING');
      await db.query(`INSERT INTO t VALUES (1, 'a')`);
      await api.waitFor(`/connectors/${name}/offsets`, (b) => typeof b.offsets?.[0]?.offset?.lsn_proc === 'number');
      assert.equal((await api.put(`/connectors/${name}/stop`)).status, 204);
      await db.waitForSlot(name, (s) => s !== null && !s.active);
      // A cap of one segment, then several segments of WAL and a checkpoint: the slot is invalidated for real.
      await admin.query(`ALTER SYSTEM SET max_slot_wal_keep_size = '16MB'`);
      await admin.query(`SELECT pg_reload_conf()`);
      for (let i = 0; i < 4; i++) {
        await db.query(`INSERT INTO noise (pad) SELECT repeat(md5(g::text), 8) FROM generate_series(1, 20000) g`);
        await admin.query(`SELECT pg_switch_wal()`);
      }
      await admin.query(`CHECKPOINT`);
      const st = (await db.query(`SELECT wal_status FROM pg_replication_slots WHERE slot_name = $1`, [name])).rows[0] as { wal_status: string };
      assert.equal(st.wal_status, 'lost', 'the server invalidated the slot');
      assert.equal((await api.put(`/connectors/${name}/resume`)).status, 202);
      const failed = await api.waitFor(`/connectors/${name}/status`, (b) => b.tasks?.[0]?.state === 'FAILED', 60_000);
      const trace = String(failed.tasks[0].trace ?? '');
      assert.match(trace, /CDC_PG_SLOT_LOST/);
      assert.match(trace, /changes after LSN [0-9A-F]+\/[0-9A-F]+ \(the connector's committed offset\) up to the invalidation can no longer be read/);
      assert.match(trace, /snapshot\.mode=when_needed/);
      assert.match(trace, /DELETE \/connectors\/<name>\/offsets/);
      const slot = (await db.query(`SELECT wal_status FROM pg_replication_slots WHERE slot_name = $1`, [name])).rows[0] as { wal_status: string } | undefined;
      assert.equal(slot?.wal_status, 'lost', 'no new slot was made silently over the lost one');
      process.stdout.write(`# wal-guard: lost slot reported as: ${trace.split('\n')[0]}\n`);
    });
  } finally {
    await daemon.stop();
    await admin.query(before === '-1' ? `ALTER SYSTEM RESET max_slot_wal_keep_size` : `ALTER SYSTEM SET max_slot_wal_keep_size = '${before}MB'`);
    await admin.query(`SELECT pg_reload_conf()`);
    await admin.end();
  }
});

test('slot.wal.limit.action=resnapshot: past the limit the slot is dropped and a new snapshot is taken from a new slot', { skip: env ? false : SKIP_REASON, timeout: 180_000 }, async () => {
  const name = `rs_${db.database.slice(-8)}`;
  const port = await freePort();
  const daemon = new Daemon(writeConfig({ env: env!, name, database: db.database, restPort: port, connector: {
    'table.include.list': 'public\\.r', 'publication.autocreate.mode': 'filtered', 'status.update.interval.ms': 1000,
    'slot.wal.limit.bytes': 24 * MB, 'slot.wal.limit.action': 'resnapshot',
  } }), env!).start();
  const api = new Rest(`http://127.0.0.1:${port}`);
  try {
    await daemon.withLog(async () => {
      await api.waitFor(`/connectors/${name}/status`, (b) => b.tasks?.[0]?.state === 'RUNNING');
      const topic = `${name}.public.r`;
      await readUntil(env!, await waitForTopics(env!, [topic]), (rs) => rs.length >= 3, 60_000);
      // restart_lsn follows the server's running-transactions records, so a busy server passes 24 MB.
      const t0 = Date.now();
      while (!/slot dropped, its WAL is free/.test(daemon.output) && Date.now() - t0 < 90_000) {
        await db.query(`INSERT INTO noise (pad) SELECT repeat(md5(g::text), 8) FROM generate_series(1, 2500) g`);
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.match(daemon.output, /slot\.wal\.limit\.action=resnapshot: slot dropped, its WAL is free/);
      await api.waitFor(`/connectors/${name}/status`, (b) => b.tasks?.[0]?.state === 'RUNNING' && !/CDC_PG_WAL_RESNAPSHOT/.test(b.tasks[0].reason ?? ''), 60_000);
      const rs = await readUntil(env!, await waitForTopics(env!, [topic]), (x) => x.length >= 6, 60_000);
      const reads = rs.filter((x) => (x.value as { op?: string } | null)?.op === 'r').map((x) => (x.key as { id: number }).id).sort();
      assert.deepEqual(reads, [1, 1, 2, 2, 3, 3], 'the initial snapshot, then the new one');
      assert.equal((await db.slot(name)) !== null, true, 'a new slot');
      assert.ok((await retained(name)) < 24 * MB, 'the new slot starts below the limit');
      const steps = daemon.output.split('\n').filter((l) => /slot\.wal\.limit\.action=resnapshot/.test(l) && /"msg"/.test(l)).length;
      process.stdout.write(`# wal-guard: resnapshot after ${Date.now() - t0} ms of load, ${steps} log lines\n`);
    });
  } finally {
    await daemon.stop();
  }
});
