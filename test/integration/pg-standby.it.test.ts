/**
 * Topologies on real PostgreSQL 17 servers (test/stack/stack.sh up --with pg17-standby: a
 * primary and a hot standby streaming from it through a physical slot, with
 * sync_replication_slots=on):
 * - the connector decodes from the standby (16+), and the slot monitor's query works there;
 * - with slot.failover=true the slot is created as a failover slot on the primary and
 *   synchronised to the standby; after the standby is promoted, the connector pointed at it
 *   resumes from its stored offset with nothing lost and nothing doubled.
 * The promotion leaves the standby a primary of its own: `after` rebuilds it (stack.sh up).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import pg from 'pg';
import { stackEnv, requireServices, SKIP_REASON, type StackEnv } from '../helpers/stack-env.ts';
import { PgFixture } from '../helpers/pg-fixture.ts';
import { Daemon, writeConfig } from '../helpers/daemon.ts';
import { readToEnd, readUntil, waitForTopics, type ReadRecord } from '../helpers/kafka-reader.ts';
import { readSlotLag } from '../../sources/postgres/slot-lag-monitor.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const base = stackEnv();
const have = base ? requireServices(['PG17_PORT', 'PG17_STANDBY_PORT'], 'PostgreSQL 17 primary and standby', 'run `bash test/stack/stack.sh up --with pg17-standby` and source $CDC_STACK_DIR/env (npm test starts them)') : null;
const on = (port: string | undefined): StackEnv | null => (base && have ? { ...base, pg: { ...base.pg, port: Number(port) } } : null);
const primaryEnv = on(process.env['PG17_PORT']);
const standbyEnv = on(process.env['PG17_STANDBY_PORT']);
const skip = primaryEnv ? false : SKIP_REASON;
let promoted = false;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function connect(env: StackEnv, database = 'postgres'): Promise<pg.Client> {
  const c = new pg.Client({ ...env.pg, database });
  await c.connect();
  return c;
}

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 90_000): Promise<T> {
  const t0 = Date.now();
  let last: unknown = null;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v;
    } catch (err) { last = err; }
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    await sleep(250);
  }
}

/**
 * The standby has replayed everything the primary wrote so far. The insert position, not
 * pg_current_wal_lsn() (the write position): the stack runs synchronous_commit=off, so a
 * commit just made may not be written yet.
 */
async function standbyCaughtUp(primary: pg.Client, standby: pg.Client): Promise<void> {
  const target = (await primary.query(`SELECT pg_current_wal_insert_lsn()::text AS l`)).rows[0].l as string;
  await until(`the standby to replay ${target}`, async () =>
    (await standby.query(`SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS ok`, [target])).rows[0].ok as boolean);
}

/**
 * Slot creation on a standby waits for a running-transactions record from the primary;
 * pg_log_standby_snapshot() writes one now instead of at the next checkpoint.
 */
function nudgeStandbySnapshots(primary: pg.Client): () => void {
  let stop = false;
  void (async () => {
    while (!stop) {
      await primary.query('SELECT pg_log_standby_snapshot()').catch(() => undefined);
      await sleep(500);
    }
  })();
  return () => { stop = true; };
}

const ids = (rs: readonly ReadRecord[]) => rs.map((r) => ((r.value as { after: { id: number } | null } | null)?.after?.id)).filter((x): x is number => x !== undefined);

before(async () => {
  if (!primaryEnv) return;
  const s = await connect(standbyEnv!);
  try {
    assert.equal((await s.query('SELECT pg_is_in_recovery() AS r')).rows[0].r, true, `port ${standbyEnv!.pg.port} is not a standby: rebuild it with bash test/stack/stack.sh up --with pg17-standby`);
  } finally { await s.end(); }
});

after(async () => {
  if (!primaryEnv) return;
  const p = await connect(primaryEnv);
  try {
    await p.query(`ALTER SYSTEM RESET synchronized_standby_slots`);
    await p.query(`SELECT pg_reload_conf()`);
  } finally { await p.end(); }
  if (promoted) {
    // The promoted standby is a primary now; the stack makes it a fresh standby again.
    const r = spawnSync('bash', [`${ROOT}test/stack/stack.sh`, 'up', '--with', 'pg17-standby'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, `rebuilding the standby failed: ${r.stderr}`);
  }
});

test('PostgreSQL 17 standby: snapshot and stream decoded on the standby; slot lag measured there', { skip, timeout: 240_000 }, async () => {
  const db = await PgFixture.create(primaryEnv!, 'sb');
  const primary = await connect(primaryEnv!);
  const name = `sb_${db.database.slice(-8)}`;
  const topic = `${name}.public.t`;
  const daemon = new Daemon(writeConfig({
    env: standbyEnv!, name, database: db.database,
    // A standby cannot create a publication: it comes from the primary, like the rows.
    // A standby cannot write the chunked snapshot's watermarks: the exported snapshot, in one transaction.
    connector: { 'table.include.list': 'public\\.t', 'publication.autocreate.mode': 'disabled', 'snapshot.strategy': 'single_transaction' },
  }), standbyEnv!);
  let standby: pg.Client | null = null;
  let stopNudging = () => undefined as void;
  try {
    await db.query(`CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t VALUES (1, 'snap');
      CREATE PUBLICATION pub_${name} FOR TABLE t`);
    await standbyCaughtUp(primary, await until('the standby to have the database', async () => (standby = await connect(standbyEnv!, db.database))));
    stopNudging = nudgeStandbySnapshots(primary);
    daemon.start();
    await daemon.withLog(async () => {
      await waitForTopics(primaryEnv!, [topic], 120_000);
      await daemon.waitForLog(/replication stream started/, 120_000);
      stopNudging();
      await db.query(`INSERT INTO t VALUES (2, 'a'); UPDATE t SET v = 'b' WHERE id = 1`);
      const rs = await readUntil(primaryEnv!, [topic], (r) => r.length >= 3, 90_000);
      assert.deepEqual(rs.map((r) => (r.value as { op: string }).op), ['r', 'c', 'u']);
      assert.deepEqual(ids(rs), [1, 2, 1]);
      const slot = (await standby!.query(`SELECT slot_name FROM pg_replication_slots WHERE database = $1`, [db.database])).rows;
      assert.equal(slot.length, 1, 'the slot lives on the standby');
      // The monitor's own query: on a standby pg_current_wal_lsn() would raise "recovery is in progress".
      const lag = await readSlotLag(standby!, (slot[0] as { slot_name: string }).slot_name);
      assert.ok(lag && lag.retainedBytes >= 0 && lag.unconfirmedBytes >= 0, `slot lag on the standby: ${JSON.stringify(lag)}`);
      assert.doesNotMatch(daemon.output, /slot lag query failed/);
    });
  } finally {
    stopNudging();
    await daemon.stop();
    if (standby) {
      await (standby as pg.Client).query(`SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE database = $1 AND NOT active`, [db.database]).catch(() => undefined);
      await (standby as pg.Client).end();
    }
    await primary.end();
    await db.drop();
  }
});

test('a standby with the chunked snapshot (the default) is refused at start with the fix: snapshot.strategy=single_transaction', { skip, timeout: 180_000 }, async () => {
  const db = await PgFixture.create(primaryEnv!, 'sbc');
  const primary = await connect(primaryEnv!);
  const name = `sbc_${db.database.slice(-8)}`;
  const daemon = new Daemon(writeConfig({
    env: standbyEnv!, name, database: db.database,
    connector: { 'table.include.list': 'public\\.t', 'publication.autocreate.mode': 'disabled' },
  }), standbyEnv!);
  let standby: pg.Client | null = null;
  try {
    await db.query(`CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1); CREATE PUBLICATION pub_${name} FOR TABLE t`);
    await standbyCaughtUp(primary, await until('the standby to have the database', async () => (standby = await connect(standbyEnv!, db.database))));
    daemon.start();
    await daemon.withLog(async () => {
      // The state line carries the first line of the error; the fix follows in the error's own line.
      await daemon.waitForLog(/CDC_PG_STANDBY_CHUNKED.*fix: set snapshot\.strategy=single_transaction/, 120_000);
    });
  } finally {
    await daemon.stop();
    if (standby) {
      await (standby as pg.Client).query(`SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE database = $1 AND NOT active`, [db.database]).catch(() => undefined);
      await (standby as pg.Client).end();
    }
    await primary.end();
    await db.drop();
  }
});


test('slot.failover=true: the slot is synchronised to the standby; after promotion the connector resumes there without loss or duplicates', { skip, timeout: 300_000 }, async () => {
  const db = await PgFixture.create(primaryEnv!, 'fo');
  const primary = await connect(primaryEnv!);
  const name = `fo_${db.database.slice(-8)}`;
  const slotName = name;
  const topic = `${name}.public.t`;
  const connector = { 'table.include.list': 'public\\.t', 'slot.failover': true };
  let standby: pg.Client | null = null;
  let daemon = new Daemon(writeConfig({ env: primaryEnv!, name, database: db.database, connector }), primaryEnv!);
  try {
    // Logical consumers on the primary wait for the standby's physical slot: nothing reaches
    // Kafka that the standby does not have (what a failover setup must configure).
    await primary.query(`ALTER SYSTEM SET synchronized_standby_slots = 'cdc_standby'`);
    await primary.query(`SELECT pg_reload_conf()`);
    await db.query(`CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t SELECT g, 'snap' FROM generate_series(1, 3) g`);
    daemon.start();
    await daemon.withLog(async () => {
      await waitForTopics(primaryEnv!, [topic], 120_000);
      await daemon.waitForLog(/replication stream started/, 120_000);
      await db.query(`INSERT INTO t SELECT g, 'A' FROM generate_series(10, 12) g`);
      await readUntil(primaryEnv!, [topic], (r) => r.length >= 6, 90_000);
      const p = (await primary.query(`SELECT failover, confirmed_flush_lsn::text AS cf FROM pg_replication_slots WHERE slot_name = $1`, [slotName])).rows[0] as { failover: boolean; cf: string };
      assert.equal(p.failover, true, 'created as a failover slot');
      standby = await until('the standby to have the database', () => connect(standbyEnv!, db.database));
      // The slot sync worker copies the slot once the standby has replayed past its position.
      const synced = await until(`slot ${slotName} synchronised to the standby at ${p.cf}`, async () => {
        await primary.query('SELECT pg_log_standby_snapshot()');
        // A synced slot stays temporary until the standby has everything it needs to decode from
        // it; a temporary one is dropped at promotion, so wait until it is persistent.
        const r = (await standby!.query(`SELECT synced, failover, temporary, confirmed_flush_lsn >= $2::pg_lsn AS current FROM pg_replication_slots WHERE slot_name = $1`, [slotName, p.cf])).rows[0] as { synced: boolean; failover: boolean; temporary: boolean; current: boolean } | undefined;
        return r?.synced && !r.temporary && r.current ? r : null;
      });
      assert.equal(synced.failover, true);
    });
    await daemon.stop();

    // Written while the connector is down, replicated, then the primary is "lost".
    await db.query(`INSERT INTO t SELECT g, 'B' FROM generate_series(20, 22) g`);
    await standbyCaughtUp(primary, standby!);
    await (standby as unknown as pg.Client).query('SELECT pg_promote(true, 60)');
    promoted = true;
    await (standby as unknown as pg.Client).query(`INSERT INTO t SELECT g, 'C' FROM generate_series(30, 32) g`);

    daemon = new Daemon(writeConfig({ env: standbyEnv!, name, database: db.database, connector }), standbyEnv!);
    daemon.start();
    await daemon.withLog(async () => {
      await daemon.waitForLog(/replication stream started/, 120_000);
      assert.doesNotMatch(daemon.output, /initial snapshot starts/, 'resumed from the stored offset, no new snapshot');
      await readUntil(primaryEnv!, [topic], (r) => r.length >= 12, 90_000);
      await sleep(2000);
      const all = ids(await readToEnd(primaryEnv!, [topic]));
      assert.deepEqual([...all].sort((a, b) => a - b), [1, 2, 3, 10, 11, 12, 20, 21, 22, 30, 31, 32], `each row once: ${all.join(',')}`);
    });
  } finally {
    await daemon.stop();
    if (standby) await (standby as pg.Client).end().catch(() => undefined);
    await primary.query(`ALTER SYSTEM RESET synchronized_standby_slots`).catch(() => undefined);
    await primary.query(`SELECT pg_reload_conf()`).catch(() => undefined);
    await primary.end();
    await db.drop();
  }
});
