import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { PromMetricsFactory } from './task-metrics.ts';

const pgNames = {
  receivedPosition: { name: 'cdc_postgres_received_lsn', help: 'Latest LSN received from the slot' },
  flushedPosition: { name: 'cdc_postgres_flushed_lsn', help: 'LSN confirmed to the slot (committed in Kafka)' },
};

test('source positions are exported under the names the plugin gives, generic ones otherwise', async () => {
  const registry = new Registry();
  const f = new PromMetricsFactory(registry);
  f.forTask('pg', 0, pgNames).sourcePosition('received', 0x16b3748n);
  f.forTask('pg', 0, pgNames).sourcePosition('flushed', 0x16b3700n); // a second attempt reuses the gauges
  f.forTask('other', 0).sourcePosition('received', 42);
  const text = await registry.metrics();
  assert.match(text, /^cdc_postgres_received_lsn\{connector="pg",task="0"\} 23803720$/m);
  assert.match(text, /^cdc_postgres_flushed_lsn\{connector="pg",task="0"\} 23803648$/m);
  assert.match(text, /^cdc_source_received_position\{connector="other",task="0"\} 42$/m);
  assert.doesNotMatch(text, /cdc_postgres_received_lsn\{connector="other"/);
});

test('a plugin gauge carries the task\'s labels and is shared by attempts', async () => {
  const registry = new Registry();
  const f = new PromMetricsFactory(registry);
  const spec = { name: 'cdc_demo_margin_bytes', help: 'demo' };
  f.forTask('a', 0).sourceGauge(spec).set(5);
  f.forTask('a', 0).sourceGauge(spec).set(7);
  const b = f.forTask('b', 0).sourceGauge(spec);
  b.set(1);
  b.remove();
  const text = await registry.metrics();
  assert.match(text, /^cdc_demo_margin_bytes\{connector="a",task="0"\} 7$/m);
  assert.doesNotMatch(text, /cdc_demo_margin_bytes\{connector="b"/);
});

test('a snapshot ends completed or aborted; a new one clears the outcome; a task that stops mid-snapshot aborts it', async () => {
  const registry = new Registry();
  const f = new PromMetricsFactory(registry);
  const m = f.forTask('c', 0);
  const line = async (name: string) => (await registry.metrics()).match(new RegExp(`^${name}\\{connector="c",task="0"\\} (\\S+)$`, 'm'))?.[1];
  m.snapshotRunning(true);
  m.snapshotTables(2, 2);
  assert.equal(await line('cdc_snapshot_remaining_tables'), '2');
  m.snapshotEnded('completed');
  assert.deepEqual([await line('cdc_snapshot_running'), await line('cdc_snapshot_completed'), await line('cdc_snapshot_aborted'), await line('cdc_snapshot_remaining_tables')], ['0', '1', '0', '0']);
  m.snapshotRunning(true);
  assert.deepEqual([await line('cdc_snapshot_completed'), await line('cdc_snapshot_aborted')], ['0', '0']);
  m.sourceConnected();
  assert.equal(await line('cdc_source_connected'), '1');
  m.attemptEnded();
  assert.deepEqual([await line('cdc_source_connected'), await line('cdc_snapshot_running'), await line('cdc_snapshot_aborted')], ['0', '0', '1']);
});

test('connector and task states: one series per state; the herder\'s decisions set and remove them', async () => {
  const registry = new Registry();
  const f = new PromMetricsFactory(registry);
  f.forTask('c', 0).taskState('RUNNING');
  f.forTask('c', 0).connectorState('RUNNING');
  let text = await registry.metrics();
  assert.match(text, /^cdc_task_state\{connector="c",task="0",state="RUNNING"\} 1$/m);
  assert.match(text, /^cdc_connector_state\{connector="c",state="PAUSED"\} 0$/m);
  f.statusDecided('c', 'PAUSED', { id: 0, state: 'PAUSED' });
  text = await registry.metrics();
  assert.match(text, /^cdc_task_state\{connector="c",task="0",state="RUNNING"\} 0$/m);
  assert.match(text, /^cdc_task_state\{connector="c",task="0",state="PAUSED"\} 1$/m);
  assert.match(text, /^cdc_connector_state\{connector="c",state="PAUSED"\} 1$/m);
  f.forTask('c', 0).offsetCommit(0.01);
  f.forTask('keep', 0).eventsWritten(3);
  f.statusDecided('c', null, { id: 0, state: null });
  await new Promise((r) => setTimeout(r, 10)); // the removal reads the series asynchronously
  text = await registry.metrics();
  assert.doesNotMatch(text, /connector="c"/, 'a deleted connector leaves no series');
  assert.match(text, /^cdc_events_written_total\{connector="keep",task="0"\} 3$/m);
});
