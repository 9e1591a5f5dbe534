/**
 * The Debezium and Kafka Connect metrics of a MariaDB connector, read from the daemon's
 * /metrics (the runtime feeds them for every source, docs/metrics.md): after an initial
 * snapshot of two rows and streamed inserts, updates and deletes of a captured table, with
 * writes to a table it does not capture, the counters say exactly what happened
 * (cdc_source_events_total by op, cdc_source_events_filtered_total, records polled and written),
 * the snapshot is completed with no table left, the task is connected, RUNNING and its queue
 * capacity is max.queue.size; paused, the connector and task states say PAUSED and it is no
 * longer connected.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type mysql from 'mysql2/promise';
import { stackEnv, SKIP_REASON } from '../helpers/stack-env.ts';
import { mariadbAdmin, mariadbSkip } from '../helpers/mariadb.ts';
import { Daemon, writeConfig } from '../helpers/daemon.ts';
import { Rest, freePort } from '../helpers/rest-client.ts';

const env = stackEnv();
const SKIP = env ? mariadbSkip() : SKIP_REASON;
const DB = `mymet_${process.pid}`;
let admin: mysql.Connection;

before(async () => {
  if (SKIP) return;
  admin = await mariadbAdmin();
  await admin.query(`DROP DATABASE IF EXISTS ${DB}; CREATE DATABASE ${DB};
    CREATE TABLE ${DB}.t (id INT PRIMARY KEY, note VARCHAR(20) NOT NULL);
    CREATE TABLE ${DB}.skipped (id INT PRIMARY KEY);
    INSERT INTO ${DB}.t VALUES (1, 'a'), (2, 'b');`);
});

after(async () => {
  if (!admin) return;
  await admin.query(`DROP DATABASE IF EXISTS ${DB}`).catch(() => undefined);
  await admin.end().catch(() => undefined);
});

/** One series' value from the Prometheus text, null when absent. */
function value(text: string, metric: string, labels: Record<string, string>): number | null {
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${metric}{`)) continue;
    const inside = line.slice(metric.length + 1, line.lastIndexOf('}'));
    if (Object.entries(labels).every(([k, v]) => inside.includes(`${k}="${v}"`))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return null;
}

test('MariaDB: events seen per operation, filtered, polled and written, snapshot outcome, connected, queue capacity, states', { skip: SKIP, timeout: 120_000 }, async () => {
  const name = `mymet_${process.pid}`;
  const restPort = await freePort();
  const metricsPort = await freePort();
  const daemon = new Daemon(writeConfig({
    env: env!, name, database: DB, source: 'mariadb', restPort, worker: { 'metrics.port': metricsPort },
    connector: { 'snapshot.mode': 'initial', 'table.include.list': `${DB}\\.t`, 'tombstones.on.delete': false, 'max.queue.size': 4096 },
  }), env!).start();
  const api = new Rest(`http://127.0.0.1:${restPort}`);
  const scrape = async () => (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  const l = { connector: name, task: '0' };
  try {
    await daemon.withLog(async () => {
      await daemon.waitForStreaming();
      await admin.query(`INSERT INTO ${DB}.t VALUES (3, 'c'), (4, 'd'), (5, 'e'); UPDATE ${DB}.t SET note = 'x' WHERE id <= 2; DELETE FROM ${DB}.t WHERE id = 5;
        INSERT INTO ${DB}.skipped VALUES (1), (2), (3), (4);`);
      let text = '';
      for (const t0 = Date.now(); Date.now() - t0 < 30_000; await new Promise((r) => setTimeout(r, 250))) {
        text = await scrape();
        // polled counts at the poll, written after the commit: wait for both
        if ((value(text, 'cdc_source_events_total', { ...l, op: 'delete' }) ?? 0) >= 1 && (value(text, 'cdc_source_events_filtered_total', l) ?? 0) >= 4
          && value(text, 'cdc_events_written_total', l) === value(text, 'cdc_source_records_polled_total', l)) break;
      }
      const ops = Object.fromEntries(['read', 'create', 'update', 'delete', 'truncate'].map((op) => [op, value(text, 'cdc_source_events_total', { ...l, op })]));
      assert.deepEqual(ops, { read: 2, create: 3, update: 2, delete: 1, truncate: 0 }, 'Debezium TotalNumberOf<Op>EventsSeen');
      assert.equal(value(text, 'cdc_source_events_filtered_total', l), 4, 'NumberOfEventsFiltered: the rows of the table not captured');
      const polled = value(text, 'cdc_source_records_polled_total', l)!;
      const written = value(text, 'cdc_events_written_total', l)!;
      assert.ok(polled >= 8 && written === polled, `records polled ${polled} and written ${written}: no transform, so equal, and at least the 8 change events`);
      assert.equal(value(text, 'cdc_snapshot_completed', l), 1);
      assert.equal(value(text, 'cdc_snapshot_aborted', l), 0);
      assert.equal(value(text, 'cdc_snapshot_running', l), 0);
      assert.equal(value(text, 'cdc_snapshot_remaining_tables', l), 0);
      assert.equal(value(text, 'cdc_snapshot_tables', l), 1);
      assert.equal(value(text, 'cdc_snapshot_rows', { ...l, table: `${DB}.t` }), 2, 'RowsScanned of the table');
      assert.equal(value(text, 'cdc_source_connected', l), 1);
      assert.equal(value(text, 'cdc_source_queue_capacity', l), 4096, 'QueueTotalCapacity = max.queue.size');
      const last = value(text, 'cdc_source_last_event_timestamp_seconds', l)!;
      assert.ok(Math.abs(Date.now() / 1000 - last) < 60, `last event at ${last}`);
      assert.equal(value(text, 'cdc_task_state', { ...l, state: 'RUNNING' }), 1);
      assert.equal(value(text, 'cdc_connector_state', { connector: name, state: 'RUNNING' }), 1);
      assert.ok((value(text, 'cdc_kafka_transactions_total', l) ?? 0) >= 1 && value(text, 'cdc_offset_commit_failures_total', l) === 0);
      assert.ok((value(text, 'cdc_offset_commit_seconds_count', l) ?? 0) >= 1, 'offset commit time observed');

      assert.equal((await api.put(`/connectors/${name}/pause`)).status, 202);
      await api.waitFor(`/connectors/${name}/status`, (b) => b.tasks?.[0]?.state === 'PAUSED', 30_000);
      text = await scrape();
      assert.equal(value(text, 'cdc_task_state', { ...l, state: 'PAUSED' }), 1, 'task state PAUSED');
      assert.equal(value(text, 'cdc_task_state', { ...l, state: 'RUNNING' }), 0);
      assert.equal(value(text, 'cdc_connector_state', { connector: name, state: 'PAUSED' }), 1, 'connector state PAUSED');
      assert.equal(value(text, 'cdc_source_connected', l), 0, 'not connected while paused');
    });
  } finally {
    await daemon.stop();
  }
});
