/**
 * The daemon's metrics as a real Prometheus scrapes them: the worker's
 * /metrics endpoint is registered with the stack's Prometheus (file service
 * discovery, its own job label, scraped every second), and the test reads
 * everything back through Prometheus's query API:
 *   - cdc_events_written_total counts every change written;
 *   - cdc_postgres_slot_lag_bytes is there and falls to (about) 0 once caught up;
 *   - while the connector is paused the slot lag and the retained WAL grow, as
 *     the database says they do (DESIGN.md invariant 5: "retained WAL is measured
 *     and alerted on even while a connector is paused"), and the slot shows inactive;
 *   - after resume the lag falls back and Kafka holds what the counter says.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { stackEnv, SKIP_REASON } from '../helpers/stack-env.ts';
import { PgFixture } from '../helpers/pg-fixture.ts';
import { Daemon, writeConfig } from '../helpers/daemon.ts';
import { readUntil, waitForTopics } from '../helpers/kafka-reader.ts';
import { Rest, freePort } from '../helpers/rest-client.ts';
import { Prometheus, PROMETHEUS_SKIP_REASON } from '../helpers/prometheus.ts';

const env = stackEnv();
const prom = Prometheus.fromEnv();
const skip = !env ? SKIP_REASON : !prom ? PROMETHEUS_SKIP_REASON : false;

/** "Caught up": what the slot may still lag once everything is confirmed (WAL written by others meanwhile). */
const CAUGHT_UP_BYTES = 64 * 1024;
const ROWS_FIRST = 500;
const UPDATES_FIRST = 100;
const ROWS_PAUSED = 2000;

let db: PgFixture;
before(async () => { if (!skip) { db = await PgFixture.create(env!, 'prom'); await db.query(`CREATE TABLE t (id int PRIMARY KEY, pad text)`); } });
after(async () => { if (db) await db.drop(); });

async function walLsn(): Promise<string> {
  return (await db.query(`SELECT pg_current_wal_lsn()::text AS l`)).rows[0].l as string;
}

async function walSince(lsn: string): Promise<number> {
  return Number((await db.query(`SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1::pg_lsn)::text AS d`, [lsn])).rows[0].d);
}

/** The slot as PostgreSQL sees it, for comparing with what Prometheus has. */
async function slotNow(slot: string): Promise<{ active: boolean; lag: number; retained: number }> {
  const r = await db.query(`SELECT active::text AS active, pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::text AS lag,
      pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::text AS retained FROM pg_replication_slots WHERE slot_name = $1`, [slot]);
  const row = r.rows[0] as { active: string; lag: string; retained: string };
  return { active: row.active === 'true', lag: Number(row.lag), retained: Number(row.retained) };
}

test('Prometheus scrapes events written and slot lag, and sees the lag grow while the connector is paused', { skip, timeout: 150_000 }, async (t) => {
  const name = `prom_${db.database.slice(-8)}`;
  const slot = name;
  const job = `cdc-it-${name}`;
  const restPort = await freePort();
  const metricsPort = await freePort();
  const daemon = new Daemon(writeConfig({
    env: env!, name, database: db.database, restPort, worker: { 'metrics.port': metricsPort },
    connector: { 'table.include.list': 'public\\.t', 'snapshot.mode': 'no_data', 'status.update.interval.ms': 1000 },
  }), env!).start();
  const api = new Rest(`http://127.0.0.1:${restPort}`);
  const removeTarget = prom!.addTarget(job, `127.0.0.1:${metricsPort}`);
  const sel = (metric: string, labels: string) => `${metric}{job="${job}",${labels}}`;
  const lagQ = sel('cdc_postgres_slot_lag_bytes', `slot="${slot}"`);
  const retainedQ = sel('cdc_postgres_slot_retained_wal_bytes', `slot="${slot}"`);
  const activeQ = sel('cdc_postgres_slot_active', `slot="${slot}"`);
  const eventsQ = `sum(${sel('cdc_events_written_total', `connector="${name}"`)})`;
  const t0 = Date.now();
  const mark = (what: string) => process.stdout.write(`# prometheus: ${what} at ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  try {
    await daemon.withLog(async () => {
      await api.waitFor(`/connectors/${name}/status`, (b) => b.tasks?.[0]?.state === 'RUNNING', 30_000);
      // Target discovery (file SD, then the discovery manager's 5 s update cycle) and a first scrape.
      await prom!.waitFor(`up{job="${job}"}`, (v) => v === 1, 20_000, 'the daemon to be scraped');
      mark('daemon scraped');

      await t.test('events written and the slot lag reach Prometheus; the lag falls to about 0 once caught up', async () => {
        for (let i = 0; i < ROWS_FIRST; i += 100) {
          await db.query(`INSERT INTO t SELECT g, repeat('x', 200) FROM generate_series($1::int, $2::int) g`, [i + 1, i + 100]);
        }
        await db.query(`UPDATE t SET pad = repeat('y', 200) WHERE id <= $1`, [UPDATES_FIRST]);
        const changes = ROWS_FIRST + UPDATES_FIRST;
        const events = await prom!.waitFor(eventsQ, (v) => v !== null && v >= changes, 30_000, `cdc_events_written_total >= ${changes}`);
        mark(`cdc_events_written_total = ${events}`);
        await prom!.waitFor(lagQ, (v) => v !== null, 15_000, 'cdc_postgres_slot_lag_bytes to be present');
        const lag = await prom!.waitFor(lagQ, (v) => v !== null && v <= CAUGHT_UP_BYTES, 30_000, `slot lag <= ${CAUGHT_UP_BYTES} once caught up`);
        mark(`slot lag ${lag} B`);
        assert.equal(await prom!.value(activeQ), 1, 'cdc_postgres_slot_active while streaming');
      });

      await t.test('while paused, the scraped slot lag and retained WAL grow, and the slot shows inactive', async () => {
        assert.equal((await api.put(`/connectors/${name}/pause`)).status, 202);
        await api.waitFor(`/connectors/${name}/status`, (b) => b.connector?.state === 'PAUSED' && b.tasks?.[0]?.state === 'PAUSED', 30_000);
        // The walsender lets go of the slot shortly after the task stops.
        for (const t1 = Date.now(); (await slotNow(slot)).active && Date.now() - t1 < 60_000;) await new Promise((r) => setTimeout(r, 200));
        const from = await walLsn();
        const before = { lag: await prom!.value(lagQ), retained: await prom!.value(retainedQ) };
        for (let i = 0; i < ROWS_PAUSED; i += 500) {
          await db.query(`INSERT INTO t SELECT g, repeat('p', 200) FROM generate_series($1::int, $2::int) g`, [10_000 + i + 1, 10_000 + i + 500]);
        }
        const written = await walSince(from);
        assert.ok(written > 4 * CAUGHT_UP_BYTES, `wrote only ${written} bytes of WAL`);
        mark(`paused, wrote ${written} B of WAL`);
        // The slot confirmed nothing since `from`, so both gauges must reach `written` on the next sample
        // (the monitor samples every 5 s; Prometheus scrapes every second).
        let lag: number | null = null, retained: number | null = null, active: number | null = null, grew = false;
        const waitFrom = Date.now();
        while (Date.now() - waitFrom < 20_000) {
          [lag, retained, active] = [await prom!.value(lagQ), await prom!.value(retainedQ), await prom!.value(activeQ)];
          if (lag !== null && lag >= written && retained !== null && retained >= written && active === 0) { grew = true; break; }
          await new Promise((r) => setTimeout(r, 250));
        }
        const pgSide = await slotNow(slot);
        const changed = await prom!.value(`changes(${lagQ}[15s])`);
        const evidence = `PostgreSQL says slot ${slot}: active=${pgSide.active}, lag=${pgSide.lag} B, retained=${pgSide.retained} B; ` +
          `Prometheus (${((Date.now() - waitFrom) / 1000).toFixed(1)} s after ${written} B of WAL were written while paused): lag=${lag} (before the writes ${before.lag}), ` +
          `retained=${retained} (before ${before.retained}), active=${active}, changes(lag[15s])=${changed}`;
        mark(evidence);
        assert.ok(grew, `slot lag metrics while paused do not follow the slot. ${evidence}`);
      });

      await t.test('after resume, the scraped lag falls back and the counter matches Kafka', async () => {
        assert.equal((await api.put(`/connectors/${name}/resume`)).status, 202);
        await api.waitFor(`/connectors/${name}/status`, (b) => b.tasks?.[0]?.state === 'RUNNING', 30_000);
        const total = ROWS_FIRST + UPDATES_FIRST + ROWS_PAUSED;
        const events = await prom!.waitFor(eventsQ, (v) => v !== null && v >= total, 30_000, `cdc_events_written_total >= ${total}`);
        const lag = await prom!.waitFor(lagQ, (v) => v !== null && v <= CAUGHT_UP_BYTES, 30_000, `slot lag <= ${CAUGHT_UP_BYTES} after resume`);
        await prom!.waitFor(activeQ, (v) => v === 1, 15_000, 'cdc_postgres_slot_active = 1 after resume');
        mark(`resumed: events ${events}, slot lag ${lag} B`);
        const topic = `${name}.public.t`;
        const rs = await readUntil(env!, await waitForTopics(env!, [topic]), (r) => r.length >= total, 30_000);
        assert.equal(rs.length, total, 'Kafka holds every change once');
        // Nothing but these changes was written (no heartbeats, no transaction metadata): the counter is exact.
        assert.equal(await prom!.value(eventsQ), total, 'cdc_events_written_total equals the records in Kafka');
      });
    });
  } finally {
    removeTarget();
    await daemon.stop();
    mark('done');
  }
});
