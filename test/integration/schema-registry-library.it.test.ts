/**
 * Where @kafkajs/confluent-schema-registry fits, checked against the stack's
 * real registry (Apicurio, Confluent API under /apis/ccompat/v7); docs/serde.md
 * explains the decision.
 *  - It is our independent decoder: test/helpers/kafka-reader.ts decodes every
 *    record the integration tests read with it (lookup by id, caching, framing).
 *    Here it decodes what AvroConverter wrote and must agree with our decoder.
 *  - It is not how the daemon registers schemas: the tests below pin the
 *    behaviours that rule it out, so that a library release that changes them
 *    fails here and the decision gets looked at again.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { S } from '../../src/events/schema.ts';
import { AvroConverter } from '../../src/serde/avro-converter.ts';
import { parseAvroConverterConfig } from '../../src/serde/avro-converter-config.ts';
import { AvroDecoder } from '../../src/serde/avro-decoder.ts';
import { SchemaRegistryClient } from '../../src/serde/schema-registry-client.ts';
import { decodingRegistry } from '../helpers/kafka-reader.ts';
import { stackEnv, SKIP_REASON } from '../helpers/stack-env.ts';

const env = stackEnv();
const skip = env ? false : SKIP_REASON;
const run = `lib${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
const record = (name: string, longDefault: string) =>
  `{"type":"record","name":"${name}","namespace":"${run}","fields":[{"name":"a","type":"long","default":${longDefault}}]}`;

test('the library decodes what AvroConverter wrote to the same values as our decoder', { skip, timeout: 60_000 }, async () => {
  const url = env!.registry;
  const converter = new AvroConverter({ registry: new SchemaRegistryClient({ urls: [url] }), log: { info() {}, warn() {}, error() {} }, config: parseAvroConverterConfig({ 'schema.registry.url': url }) });
  const schema = S.optional(S.struct(`${run}.public.t.Value`, [
    S.field('id', S.int32()), S.field('lsn', S.int64()), S.field('ts', S.optional(S.int64({ name: 'io.debezium.time.MicroTimestamp', version: 1 }))),
    S.field('amount', S.bytes({ name: 'org.apache.kafka.connect.data.Decimal', version: 1, parameters: { scale: '2', 'connect.decimal.precision': '10' } })),
    S.field('tags', S.optional(S.array(S.optional(S.string())))), S.field('note', S.optional(S.string())),
  ]));
  const value = { id: 7, lsn: 2n ** 62n + 3n, ts: -(2n ** 60n), amount: Buffer.from([0x30, 0x39]), tags: ['a', null], note: null };
  const buf = (await converter.fromConnectData(`${run}.public.t`, false, schema, value))!;
  const theirs = await decodingRegistry(env!).decode(buf);
  const ours = (await new AvroDecoder({ registryUrl: url }).decode(buf))!.value;
  assert.deepStrictEqual({ ...theirs }, ours);
  assert.deepStrictEqual(ours, value);
});

test('why the daemon does not register through the library', { skip, timeout: 60_000 }, async (t) => {
  const url = env!.registry;
  const lib = new SchemaRegistry({ host: url });
  const ours = new SchemaRegistryClient({ urls: [url] });

  await t.test('its first registration sets the subject to BACKWARD; Confluent\'s serializer and ours leave the level alone', async () => {
    await lib.register({ type: SchemaType.AVRO, schema: record('A', '1') }, { subject: `${run}-a-value` });
    assert.equal(await ours.compatibility(`${run}-a-value`), 'BACKWARD');
    await ours.register(`${run}-b-value`, record('A', '1'));
    // The stack's registry defaults to NONE; a level of BACKWARD here would have come from us.
    assert.notEqual(await ours.compatibility(`${run}-b-value`), 'BACKWARD');
  });

  await t.test('it refuses to register under a subject an operator set to another level', async () => {
    await ours.setCompatibility(`${run}-c-value`, 'FULL');
    await assert.rejects(lib.register({ type: SchemaType.AVRO, schema: record('A', '1') }, { subject: `${run}-c-value` }), /Compatibility does not match the configuration \(BACKWARD != FULL\)/);
    assert.equal(typeof await ours.register(`${run}-c-value`, record('A', '1')), 'number');
  });

  await t.test('it refuses schemas that are not named records (a primitive key schema)', async () => {
    await assert.rejects(lib.register({ type: SchemaType.AVRO, schema: '"string"' }, { subject: `${run}-d-key` }), /Invalid name/);
    assert.equal(typeof await ours.register(`${run}-d-key`, '"string"'), 'number');
  });

  await t.test('it parses the schema with a double-backed long: an exact int64 default beyond 2^53 is refused', async () => {
    await assert.rejects(lib.register({ type: SchemaType.AVRO, schema: record('E', '9007199254740993') }, { subject: `${run}-e-value` }), /invalid "long"/);
    assert.equal(typeof await ours.register(`${run}-e-value`, record('E', '9007199254740993')), 'number');
  });
});
