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
  assert.doesNotMatch(text, /connector="b"/);
});
