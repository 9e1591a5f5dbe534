import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AvroDecoder } from './avro-decoder.ts';
import { FakeSchemaRegistry } from '../../test/doubles/fake-schema-registry.ts';

// Bytes written by hand from the Avro spec, not by our encoder.
const SCHEMA = '{"type":"record","name":"R","namespace":"t","fields":[{"name":"n","type":"long"},{"name":"s","type":["null","string"],"default":null},{"name":"b","type":"bytes"}]}';

test('decodes Confluent framing with the writer schema fetched by id', async () => {
  const fake = new FakeSchemaRegistry();
  const id = fake.put('t-value', SCHEMA);
  const body = Buffer.from([
    0x01, // n = -1 (zig-zag)
    0x02, 0x04, 0x68, 0x69, // s: union branch 1, "hi"
    0x04, 0xca, 0xfe, // b: 2 bytes
  ]);
  const framed = Buffer.concat([Buffer.from([0, 0, 0, 0, id]), body]);
  const decoder = new AvroDecoder({ registryUrl: 'http://user:pw@registry:8081', fetch: fake.fetch });
  assert.deepStrictEqual(await decoder.decode(framed), { schemaId: id, schema: SCHEMA, value: { n: -1n, s: 'hi', b: Buffer.from([0xca, 0xfe]) } });
  await decoder.decode(framed);
  assert.equal(fake.requests.length, 1, 'writer schema cached by id');
  assert.equal(fake.requests[0]!.authorization, `Basic ${Buffer.from('user:pw').toString('base64')}`);
  assert.equal(await decoder.decode(null), null);
  await assert.rejects(decoder.decode(Buffer.from([1, 0, 0, 0, 1])), /magic byte 1/);
});
