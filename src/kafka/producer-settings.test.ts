import { test } from 'node:test';
import assert from 'node:assert/strict';
import { workerConfigDef } from '../config/worker-config.ts';
import { connectFrameworkConfigDef } from '../config/connect-framework-fields.ts';
import { producerSettings, DEFAULT_MAX_REQUEST_BYTES } from './producer-settings.ts';
import { RecordSet } from './record-set.ts';
import { SinkError } from '../errors/cdc-error.ts';

const worker = (extra: Record<string, unknown> = {}) => workerConfigDef().parse({
  'bootstrap.servers': 'k:9092', 'schema.registry.url': 'http://sr:8081', ...extra,
}, 'w');
const connector = (extra: Record<string, unknown> = {}) => connectFrameworkConfigDef().parse({ name: 'c', 'connector.class': 'X', ...extra }, 'c');

test('defaults, then the worker\'s producer.*, then the connector\'s producer.override.*', () => {
  assert.deepEqual(producerSettings(worker()), { compression: 'none', maxRequestBytes: DEFAULT_MAX_REQUEST_BYTES, transactionTimeoutMs: 900000 });
  const w = worker({ 'producer.compression.type': 'LZ4', 'producer.max.request.size': 2_000_000, 'transaction.timeout.ms': 600000 });
  assert.deepEqual(producerSettings(w, connector()), { compression: 'lz4', maxRequestBytes: 2_000_000, transactionTimeoutMs: 600000 });
  const c = connector({ 'producer.override.compression.type': 'zstd', 'producer.override.transaction.timeout.ms': '120000' });
  assert.deepEqual(producerSettings(w, c), { compression: 'zstd', maxRequestBytes: 2_000_000, transactionTimeoutMs: 120000 });
  assert.equal(producerSettings(worker({ 'producer.transaction.timeout.ms': 30000 })).transactionTimeoutMs, 30000);
});

test('a request stays below its limit; one record above max.request.size is refused before sending', () => {
  const rec = (n: number) => ({ topic: 't', key: null, value: Buffer.alloc(n) });
  const set = new RecordSet(1024);
  assert.equal(set.add(rec(400)), true);
  assert.equal(set.add(rec(400)), true);
  assert.equal(set.add(rec(400)), false, 'the third would pass 1,024 bytes');
  assert.equal(set.count, 2);
  assert.ok(set.bytes <= 1024);
  assert.equal(new RecordSet(1024).add(rec(1000)), true, 'a record alone always fits when below max.request.size');
  assert.throws(() => new RecordSet(1024).add(rec(5000)), (e: unknown) =>
    e instanceof SinkError && e.code === 'CDC_KAFKA_RECORD_TOO_LARGE' && !e.retriable && /max\.request\.size/.test(e.message));
  const partial = new RecordSet(100_000, 1024);
  partial.add(rec(10));
  assert.throws(() => partial.add(rec(5000)), (e: unknown) => e instanceof SinkError && e.code === 'CDC_KAFKA_RECORD_TOO_LARGE');
  assert.equal(partial.count, 1, 'the refused record is not kept');
  assert.deepEqual(partial.records().map((r) => r.value!.length), [10]);
});
