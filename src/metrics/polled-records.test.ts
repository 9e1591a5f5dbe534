import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { PromMetricsFactory } from './task-metrics.ts';
import { countPolled } from './polled-records.ts';
import type { SourceRecord, SourceUnit } from '../events/record.ts';

const rec = (value: unknown): SourceRecord => ({ topic: 't', keySchema: null, key: null, valueSchema: null, value });
const change = (op: string) => rec({ before: null, after: {}, source: {}, op });

test('polled records count every record; change events count by operation, heartbeats and tombstones do not', async () => {
  const registry = new Registry();
  const m = new PromMetricsFactory(registry).forTask('c', 0);
  const units: SourceUnit[] = [
    { records: [change('c'), change('c'), change('u'), change('d'), rec(null)], partition: {}, offset: {} },
    { records: [change('r'), change('t'), rec({ ts_ms: 1 }), rec({ op: 'x', source: {} })], partition: {}, offset: {} },
    { records: [], partition: {}, offset: {} },
  ];
  const before = Date.now() / 1000;
  countPolled(units, m);
  const text = await registry.metrics();
  assert.match(text, /^cdc_source_records_polled_total\{connector="c",task="0"\} 9$/m);
  for (const [op, n] of [['create', 2], ['update', 1], ['delete', 1], ['read', 1], ['truncate', 1]] as const) {
    assert.match(text, new RegExp(`^cdc_source_events_total\\{connector="c",task="0",op="${op}"\\} ${n}$`, 'm'));
  }
  assert.match(text, /^cdc_source_events_total\{connector="c",task="0",op="message"\} 0$/m);
  const last = Number(text.match(/^cdc_source_last_event_timestamp_seconds\{connector="c",task="0"\} (\S+)$/m)?.[1]);
  assert.ok(last >= before - 1 && last <= Date.now() / 1000 + 1, `last event time ${last}`);
});
