/**
 * AvroConverter against a real Confluent-compatible Schema Registry started by
 * test/stack (bash test/stack/stack.sh up; source .stack/env). Skipped when
 * SCHEMA_REGISTRY_URL is unset, failed instead when the run requires the stack
 * (test/helpers/stack-env.ts). Subjects are unique per run, so reruns against
 * a registry that keeps its data do not collide.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { S, type ConnectSchema } from '../events/schema.ts';
import { SchemaCompatibilityError } from '../errors/cdc-error.ts';
import { AvroConverter } from './avro-converter.ts';
import { parseAvroConverterConfig } from './avro-converter-config.ts';
import { AvroDecoder } from './avro-decoder.ts';
import { SchemaRegistryClient } from './schema-registry-client.ts';
import { requireServices } from '../../test/helpers/stack-env.ts';

const REGISTRY_URL = process.env['SCHEMA_REGISTRY_URL'];
const SKIP = requireServices(['SCHEMA_REGISTRY_URL'], 'Schema Registry', 'bash test/stack/stack.sh up; . $CDC_STACK_DIR/env') ? false : 'SCHEMA_REGISTRY_URL is unset (bash test/stack/stack.sh up; source .stack/env)';

const optLong = S.optional(S.int64());
const decimal = S.bytes({ name: 'org.apache.kafka.connect.data.Decimal', version: 1, parameters: { scale: '2', 'connect.decimal.precision': '10' } });

function rowSchema(prefix: string, extra: ReturnType<typeof S.field>[] = []): ConnectSchema {
  return S.optional(S.struct(`${prefix}.Value`, [
    S.field('id', S.withDefault(S.int32(), 0)),
    S.field('qty', S.int16()),
    S.field('amount', decimal),
    S.field('lsn', S.int64()),
    S.field('tags', S.optional(S.array(S.optional(S.string())))),
    S.field('location', S.optional(S.struct('io.debezium.data.geometry.Point', [
      S.field('x', S.float64()), S.field('y', S.float64()), S.field('srid', S.optional(S.int32())),
    ], { version: 1 }))),
    ...extra,
  ]));
}

function envelope(prefix: string, row: ConnectSchema): ConnectSchema {
  const source = S.struct('io.debezium.connector.postgresql.Source', [
    S.field('version', S.string()), S.field('connector', S.string()), S.field('name', S.string()),
    S.field('ts_ms', S.int64()),
    S.field('snapshot', S.withDefault(S.optional(S.string({ name: 'io.debezium.data.Enum', version: 1, parameters: { allowed: 'true,last,false,incremental' } })), 'false')),
    S.field('db', S.string()), S.field('lsn', optLong),
  ], { version: 1 });
  return S.struct(`${prefix}.Envelope`, [
    S.field('before', row), S.field('after', row), S.field('source', source),
    S.field('op', S.string()), S.field('ts_ms', optLong),
  ], { version: 2 });
}

test('AvroConverter against a real Schema Registry', { skip: SKIP }, async (t) => {
  const log = { info() {}, warn() {}, error() {} };
  const registry = new SchemaRegistryClient({ urls: [REGISTRY_URL!] });
  const converter = new AvroConverter({ registry, log, config: parseAvroConverterConfig({ 'schema.registry.url': REGISTRY_URL }) });
  const decoder = new AvroDecoder({ registryUrl: REGISTRY_URL! });
  const run = `it${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
  const topic = `${run}.public.orders`;
  const subject = `${topic}-value`;
  const v1 = envelope(topic, rowSchema(topic));
  const after = {
    id: 7, qty: -12, amount: Buffer.from([0x30, 0x39]) /* 123.45 */, lsn: 2n ** 53n + 1n,
    tags: ['a', null], location: { x: 1.5, y: -2.25, srid: null },
  };
  const source = { version: '3.6.1.Final', connector: 'postgresql', name: run, ts_ms: 1_700_000_000_000n, snapshot: null, db: 'shop', lsn: 9_007_199_254_740_993n };
  let firstId = 0;

  await t.test('registers the envelope, encodes, and the independent decoder reads the same values', async () => {
    const buf = await converter.fromConnectData(topic, false, v1, { before: null, after, source, op: 'c', ts_ms: 1_700_000_000_123n });
    assert.ok(buf);
    const decoded = await decoder.decode(buf);
    firstId = decoded!.schemaId;
    assert.deepStrictEqual(decoded!.value, {
      before: null,
      after: { id: 7, qty: -12, amount: Buffer.from([0x30, 0x39]), lsn: 2n ** 53n + 1n, tags: ['a', null], location: { x: 1.5, y: -2.25, srid: null } },
      source: { version: '3.6.1.Final', connector: 'postgresql', name: run, ts_ms: 1_700_000_000_000n, snapshot: 'false', db: 'shop', lsn: 9_007_199_254_740_993n },
      op: 'c', ts_ms: 1_700_000_000_123n,
    });
    // The registry keeps the props we sent (the decimal's logical type, int16 marker).
    assert.match(decoded!.schema, /"logicalType":"decimal"/);
    assert.match(decoded!.schema, /"connect.type":"int16"/);
  });

  await t.test('the same schema again keeps its id; a compatible change gets a new one', async () => {
    const again = await converter.fromConnectData(topic, false, envelope(topic, rowSchema(topic)), { before: null, after, source, op: 'r' });
    assert.equal(again!.readInt32BE(1), firstId);
    const v2 = envelope(topic, rowSchema(topic, [S.field('note', S.optional(S.string()))]));
    const buf = await converter.fromConnectData(topic, false, v2, { before: null, after: { ...after, note: 'hi' }, source, op: 'u' });
    const decoded = await decoder.decode(buf);
    assert.notEqual(decoded!.schemaId, firstId);
    assert.equal((decoded!.value as { after: { note: string } }).after.note, 'hi');
  });

  await t.test('an incompatible change under BACKWARD yields SchemaCompatibilityError', async () => {
    await registry.setCompatibility(subject, 'BACKWARD');
    const v3 = envelope(topic, rowSchema(topic, [S.field('note', S.optional(S.string())), S.field('required_col', S.string())]));
    await assert.rejects(
      converter.fromConnectData(topic, false, v3, { before: null, after: { ...after, note: null, required_col: 'x' }, source, op: 'u' }),
      (e: unknown) => {
        assert.ok(e instanceof SchemaCompatibilityError, String(e));
        assert.equal(e.code, 'CDC_SCHEMA_INCOMPATIBLE');
        assert.match(e.message, new RegExp(`subject "${subject.replace(/\./g, '\\.')}"`));
        assert.match(e.message, /after\.required_col|before\.required_col/);
        return true;
      });
  });
});
