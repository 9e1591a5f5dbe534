import { test } from 'node:test';
import assert from 'node:assert/strict';
import { S, type ConnectSchema } from '../events/schema.ts';
import { SchemaCompatibilityError, SinkError } from '../errors/cdc-error.ts';
import { AvroConverter } from './avro-converter.ts';
import { parseAvroConverterConfig } from './avro-converter-config.ts';
import { AvroDecoder } from './avro-decoder.ts';
import { avroSchemaText } from './avro-schema.ts';
import { FakeSchemaRegistry } from '../../test/doubles/fake-schema-registry.ts';
import { SchemaRegistryClient } from './schema-registry-client.ts';

const URL = 'http://registry:8081';

function setup(config: Record<string, unknown> = {}) {
  const fake = new FakeSchemaRegistry();
  const logs: string[] = [];
  const log = { info: (_o: object, m?: string) => logs.push(`info ${m}`), warn: (_o: object, m?: string) => logs.push(`warn ${m}`), error: (_o: object, m?: string) => logs.push(`error ${m}`) };
  const registry = new SchemaRegistryClient({ urls: [URL], fetch: fake.fetch });
  const converter = new AvroConverter({ registry, log, config: parseAvroConverterConfig({ 'schema.registry.url': URL, ...config }) });
  const decoder = new AvroDecoder({ registryUrl: URL, fetch: fake.fetch });
  return { fake, converter, decoder, logs };
}

const key = S.struct('shop.public.orders.Key', [S.field('id', S.int64())]);
const row = (extra: ConnectSchema[] = []) => S.struct('shop.public.orders.Value', [
  S.field('id', S.int64()),
  S.field('amount', S.bytes({ name: 'org.apache.kafka.connect.data.Decimal', version: 1, parameters: { scale: '2', 'connect.decimal.precision': '10' } })),
  ...extra.map((s, i) => S.field(`extra${i}`, s)),
]);

test('wire format: magic 0, big-endian id, Avro body the decoder reads back', async () => {
  const { converter, decoder } = setup();
  const buf = await converter.fromConnectData('shop.public.orders', true, key, { id: 2n ** 62n + 7n });
  assert.ok(buf);
  assert.equal(buf[0], 0);
  const decoded = await decoder.decode(buf);
  assert.equal(decoded!.schemaId, buf.readInt32BE(1));
  assert.deepStrictEqual(decoded!.value, { id: 2n ** 62n + 7n });
  assert.equal(decoded!.schema, avroSchemaText(key));
});

test('null value is a tombstone (null), without any registry call', async () => {
  const { converter, fake } = setup();
  assert.equal(await converter.fromConnectData('t', false, null, null), null);
  assert.equal(await converter.fromConnectData('t', false, key, null), null);
  assert.equal(fake.requests.length, 0);
});

test('hot path: one registration per (subject, schema), shared by concurrent first uses', async () => {
  const { converter, fake } = setup();
  const schema = row();
  const value = { id: 1, amount: Buffer.from([0x01]) };
  await Promise.all(Array.from({ length: 20 }, () => converter.fromConnectData('shop.public.orders', false, schema, value)));
  // An equal schema that is another object: found by shape, no new request.
  await converter.fromConnectData('shop.public.orders', false, row(), value);
  assert.equal(fake.requests.length, 1);
  assert.equal(fake.requests[0]!.path, '/subjects/shop.public.orders-value/versions');
  // Same schema on another topic is another subject.
  await converter.fromConnectData('other', false, schema, value);
  assert.equal(fake.requests.length, 2);
});

test('a failed registration is not cached', async () => {
  const { converter, fake } = setup();
  fake.down = true;
  await assert.rejects(converter.fromConnectData('t', true, key, { id: 1 }), (e: unknown) => e instanceof SinkError && e.retriable);
  fake.down = false;
  assert.ok(await converter.fromConnectData('t', true, key, { id: 1 }));
});

test('record name strategies pick the subject from the record full name', async () => {
  const { converter, fake } = setup({ 'value.subject.name.strategy': 'io.confluent.kafka.serializers.subject.TopicRecordNameStrategy', 'key.subject.name.strategy': 'RecordNameStrategy' });
  await converter.fromConnectData('shop.public.orders', false, row(), { id: 1, amount: Buffer.alloc(1) });
  await converter.fromConnectData('shop.public.orders', true, key, { id: 1 });
  assert.deepStrictEqual(fake.requests.map((r) => r.path), [
    '/subjects/shop.public.orders-shop.public.orders.Value/versions',
    '/subjects/shop.public.orders.Key/versions',
  ]);
});

test('409 becomes SchemaCompatibilityError naming subject, changes and ways out', async () => {
  const { converter, fake } = setup();
  await converter.fromConnectData('shop.public.orders', false, row(), { id: 1, amount: Buffer.alloc(1) });
  await assert.rejects(
    converter.fromConnectData('shop.public.orders', false, row([S.string()]), { id: 1, amount: Buffer.alloc(1), extra0: 'x' }),
    (e: unknown) => {
      assert.ok(e instanceof SchemaCompatibilityError);
      assert.equal(e.code, 'CDC_SCHEMA_INCOMPATIBLE');
      assert.match(e.message, /subject "shop\.public\.orders-value"/);
      assert.match(e.message, /extra0: field added \(string, no default\)/);
      assert.match(e.fix!, /PUT .*\/config\/shop\.public\.orders-value/);
      assert.match(e.fix!, /DEFAULT or make it nullable/);
      assert.match(e.fix!, /new topic/);
      return true;
    });
  assert.ok(fake.requests.some((r) => r.path === '/subjects/shop.public.orders-value/versions/latest'));
});

test('auto.register.schemas=false looks the schema up and fails clearly when absent', async () => {
  const { converter, fake } = setup({ 'auto.register.schemas': 'false' });
  await assert.rejects(converter.fromConnectData('t', true, key, { id: 1 }), (e: unknown) => e instanceof SinkError && e.code === 'CDC_SCHEMA_NOT_REGISTERED');
  const id = fake.put('t-key', avroSchemaText(key));
  const buf = await converter.fromConnectData('t', true, key, { id: 1 });
  assert.equal(buf!.readInt32BE(1), id);
  assert.equal(fake.requests.at(-1)!.path, '/subjects/t-key');
});

test('use.latest.version writes with the latest registered schema and its id', async () => {
  const { converter, fake, decoder } = setup({ 'auto.register.schemas': false, 'use.latest.version': true });
  // The registered version has one more optional field than ours: it can read our data.
  const wider = S.struct('shop.public.orders.Key', [S.field('id', S.int64()), S.field('note', S.optional(S.string()))]);
  const id = fake.put('t-key', avroSchemaText(wider));
  const buf = await converter.fromConnectData('t', true, key, { id: 5 });
  assert.equal(buf!.readInt32BE(1), id);
  assert.deepStrictEqual((await decoder.decode(buf))!.value, { id: 5n, note: null });
});

test('values that do not fit the schema are reported with their field path', async () => {
  const { converter } = setup();
  await assert.rejects(converter.fromConnectData('t', false, row(), { id: 1, amount: 3.5 }),
    (e: unknown) => e instanceof SinkError && e.code === 'CDC_SERDE_VALUE_INVALID' && e.where === 'topic t, field amount');
});

test('schemaless data is refused', async () => {
  const { converter } = setup();
  await assert.rejects(converter.fromConnectData('t', false, null, { a: 1 }), /CDC_AVRO_SCHEMALESS/);
});

test('a namespace Java Avro takes but avsc would refuse ("-" from topic.prefix) is registered and encoded as it is', async () => {
  const { converter, decoder, fake } = setup();
  const value = S.struct('orders-db.public.orders.Envelope', [
    S.field('before', S.optional(S.struct('orders-db.public.orders.Value', [S.field('id', S.int32())]))),
    S.field('after', S.optional(S.struct('orders-db.public.orders.Value', [S.field('id', S.int32())]))),
    S.field('source', S.struct('io.debezium.connector.postgresql.Source', [S.field('db', S.string())])),
  ]);
  const buf = await converter.fromConnectData('orders-db.public.orders', false, value, { before: null, after: { id: 5 }, source: { db: 'x' } });
  const decoded = await decoder.decode(buf);
  assert.deepStrictEqual(decoded!.value, { before: null, after: { id: 5 }, source: { db: 'x' } });
  const registered = JSON.parse(decoded!.schema);
  assert.equal(registered.namespace, 'orders-db.public.orders', 'the registered text keeps the name Debezium gives');
  assert.equal(fake.requests.filter((r) => r.method === 'POST').length, 1);
});

test('a registry refusing a namespace with "-" (Java Avro 1.12 parsers) gets the adjustment-mode fix', async () => {
  // Apicurio 3 answers "Failed to discover artifact type from content"; Confluent 8.0.3+ names the part.
  const refuse = async () => new Response('{"error_code":42201,"message":"Failed to discover artifact type from content."}', { status: 422 });
  const converter = new AvroConverter({
    registry: new SchemaRegistryClient({ urls: [URL], fetch: refuse }),
    log: { info: () => undefined, warn: () => undefined, error: () => undefined },
    config: parseAvroConverterConfig({ 'schema.registry.url': URL }),
  });
  const dashed = S.struct('orders-db.public.orders.Key', [S.field('id', S.int32())]);
  await assert.rejects(converter.fromConnectData('orders-db.public.orders', true, dashed, { id: 1 }), (e: unknown) =>
    e instanceof SinkError && e.code === 'CDC_SCHEMA_REGISTRY_REJECTED' && /"orders-db" in the record name orders-db\.public\.orders\.Key/.test(e.what)
    && /schema\.name\.adjustment\.mode=avro/.test(e.fix ?? ''));
  // A 422 for a schema whose names are fine keeps the registry's own message and no invented fix.
  await assert.rejects(converter.fromConnectData('t', true, key, { id: 1n }), (e: unknown) =>
    e instanceof SinkError && e.code === 'CDC_SCHEMA_REGISTRY_REJECTED' && e.fix === undefined);
});

test('fromConnectDataNow: undefined until the subject\'s registration settled, then the same bytes without waiting; undefined on a failure', async () => {
  const { converter, fake } = setup();
  const schema = row();
  const value = { id: 5n, amount: Buffer.from([0x01, 0x00]) };
  assert.equal(converter.fromConnectDataNow('shop.public.orders', false, schema, value), undefined, 'not registered yet');
  const calls = fake.requests.length;
  assert.equal(converter.fromConnectDataNow('shop.public.orders', false, schema, null), null, 'a tombstone needs no schema');
  const bytes = await converter.fromConnectData('shop.public.orders', false, schema, value);
  assert.deepEqual(converter.fromConnectDataNow('shop.public.orders', false, schema, value), bytes);
  assert.equal(converter.fromConnectDataNow('shop.public.other', false, schema, value), undefined, 'another subject: not settled');
  assert.equal(converter.fromConnectDataNow('shop.public.orders', true, schema, value), undefined, 'as a key: another subject');
  assert.equal(converter.fromConnectDataNow('shop.public.orders', false, schema, { id: 'not a long', amount: Buffer.from([1]) }), undefined, 'a value that fails');
  await assert.rejects(converter.fromConnectData('shop.public.orders', false, schema, { id: 'not a long', amount: Buffer.from([1]) }), SinkError, 'fromConnectData reports it');
  assert.ok(fake.requests.length > calls);
});
