import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import type { Logger } from '../log/logger.ts';
import { PromMetricsFactory } from '../metrics/task-metrics.ts';
import type { SnapshotProgress } from './contracts.ts';
import { SnapshotProgressReporter, snapshotStatusText } from './snapshot-progress-log.ts';

function lines(): { log: Logger; out: { obj: Record<string, unknown>; msg?: string }[] } {
  const out: { obj: Record<string, unknown>; msg?: string }[] = [];
  const log: Logger = { debug() {}, info: (obj, msg) => out.push({ obj: obj as Record<string, unknown>, msg }), warn() {}, error() {}, child: () => log };
  return { log, out };
}

const RUNNING: SnapshotProgress = {
  running: true, paused: false, kind: 'initial', etaSeconds: 150,
  tables: [
    { id: 'public.done', rowsDone: 10, rowsEstimated: 10, chunks: 1, state: 'done' },
    { id: 'public.orders', rowsDone: 12345, rowsEstimated: 100000, chunks: 13, state: 'running' },
    { id: 'public.lines', rowsDone: 0, rowsEstimated: 500, chunks: 0, state: 'queued' },
  ],
};

test('every 5 s one line per running table with rows, estimate, chunks and ETA; the gauges follow', async () => {
  let now = 0;
  let p: SnapshotProgress = RUNNING;
  const { log, out } = lines();
  const registry = new Registry();
  const reporter = new SnapshotProgressReporter({ progress: () => p, log, metrics: new PromMetricsFactory(registry).forTask('shop', 0), now: () => now });
  reporter.tick();
  now = 4999; reporter.tick();
  assert.equal(out.length, 1, 'at most one round per interval');
  assert.deepEqual(out[0], { obj: { table: 'public.orders', kind: 'initial', rows: 12345, estimatedRows: 100000, chunks: 13, etaSeconds: 150 }, msg: 'snapshot progress' });
  const text = await registry.metrics();
  assert.match(text, /cdc_snapshot_rows\{connector="shop",task="0",table="public.orders"\} 12345/);
  assert.match(text, /cdc_snapshot_rows_estimated\{connector="shop",task="0",table="public.orders"\} 100000/);
  assert.match(text, /cdc_snapshot_chunks\{connector="shop",task="0",table="public.orders"\} 13/);
  assert.match(text, /cdc_snapshot_chunks\{connector="shop",task="0",table="public.done"\} 1/);
  assert.match(text, /cdc_snapshot_eta_seconds\{connector="shop",task="0"\} 150/);
  assert.match(text, /cdc_snapshot_running\{connector="shop",task="0"\} 1/);
  assert.doesNotMatch(text, /table="public.lines"/, 'queued tables have no gauges yet');
  p = { running: false, paused: false, kind: null, etaSeconds: null, tables: [{ ...RUNNING.tables[1]!, rowsDone: 100000, chunks: 98, state: 'done' }] };
  now = 5000; reporter.tick();
  const end = await registry.metrics();
  assert.match(end, /cdc_snapshot_running\{connector="shop",task="0"\} 0/);
  assert.match(end, /cdc_snapshot_chunks\{connector="shop",task="0",table="public.orders"\} 98/);
  assert.doesNotMatch(end, /cdc_snapshot_eta_seconds\{/, 'no ETA once nothing runs');
  now = 20000; reporter.tick();
  assert.equal(out.length, 1, 'nothing more once the snapshot is over');
});

test('status text: trace-free, one line', () => {
  assert.equal(snapshotStatusText(RUNNING), 'snapshot (initial): public.orders 12345 of ~100000 rows, 13 chunks; 1 table queued; about 3 min left');
  assert.equal(snapshotStatusText({ ...RUNNING, paused: true }), 'snapshot (initial) paused: public.orders 12345 of ~100000 rows, 13 chunks; 1 table queued');
  assert.equal(snapshotStatusText({ running: false, paused: false, kind: null, etaSeconds: null, tables: [] }), null);
});

test('the end of a snapshot is reported at once: completed when every table is done, aborted when some are left', async () => {
  let now = 0;
  let p: SnapshotProgress = RUNNING;
  const registry = new Registry();
  const reporter = new SnapshotProgressReporter({ progress: () => p, log: lines().log, metrics: new PromMetricsFactory(registry).forTask('shop', 0), now: () => now });
  const gauge = async (name: string) => (await registry.metrics()).match(new RegExp(`^${name}\\{connector="shop",task="0"\\} (\\S+)$`, 'm'))?.[1];
  reporter.tick();
  assert.deepEqual([await gauge('cdc_snapshot_tables'), await gauge('cdc_snapshot_remaining_tables'), await gauge('cdc_snapshot_completed')], ['3', '2', '0']);
  now = 100; // well within the interval
  p = { ...RUNNING, running: false, etaSeconds: null, tables: RUNNING.tables.map((t) => ({ ...t, state: 'done' as const })) };
  reporter.tick();
  assert.deepEqual([await gauge('cdc_snapshot_running'), await gauge('cdc_snapshot_completed'), await gauge('cdc_snapshot_aborted'), await gauge('cdc_snapshot_remaining_tables')], ['0', '1', '0', '0']);
  // a new snapshot, stopped with a table left (stop-snapshot signal)
  now = 200; p = RUNNING; reporter.tick();
  assert.equal(await gauge('cdc_snapshot_completed'), '0');
  now = 300; p = { ...RUNNING, running: false };
  reporter.tick();
  assert.deepEqual([await gauge('cdc_snapshot_completed'), await gauge('cdc_snapshot_aborted')], ['0', '1']);
});
