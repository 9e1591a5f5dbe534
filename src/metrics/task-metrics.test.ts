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
