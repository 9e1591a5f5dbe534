import { test } from 'node:test';
import assert from 'node:assert/strict';
import { workerConfigDef } from '../config/worker-config.ts';
import { connectFrameworkConfigDef } from '../config/connect-framework-fields.ts';
import { producerSettings, DEFAULT_MAX_REQUEST_BYTES } from './producer-settings.ts';
import { recordSize, requestChunks } from './txn-producer.ts';
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

test('sends are split below max.request.size; one record above it is refused before sending', () => {
  const rec = (n: number) => ({ topic: 't', key: null, value: Buffer.alloc(n) });
  const records = [rec(400), rec(400), rec(400), rec(100)];
  const chunks = requestChunks(records, 1024);
  assert.deepEqual(chunks.map((c) => c.length), [2, 2]);
  assert.ok(chunks.every((c) => c.reduce((n, r) => n + recordSize(r), 0) <= 1024));
  assert.deepEqual(requestChunks([], 1024), []);
  assert.throws(() => requestChunks([rec(10), rec(5000)], 1024), (e: unknown) =>
    e instanceof SinkError && e.code === 'CDC_KAFKA_RECORD_TOO_LARGE' && !e.retriable && /max\.request\.size/.test(e.message));
});
