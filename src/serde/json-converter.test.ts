import { test } from 'node:test';
import assert from 'node:assert/strict';
import { S } from '../events/schema.ts';
import { ConfigError, SinkError } from '../errors/cdc-error.ts';
import { JsonConverter, parseJsonConverterConfig } from './json-converter.ts';
import { base64, compileJsonPayloadWriter } from './connect-json.ts';

const withSchemas = () => new JsonConverter({ config: parseJsonConverterConfig({}) });
const payloadOnly = () => new JsonConverter({ config: parseJsonConverterConfig({ 'schemas.enable': 'false' }) });
const text = (b: Buffer | null) => b?.toString('utf8') ?? null;

test('key with schemas.enable=true: the exact text Debezium + JsonConverter write', async () => {
  const key = S.struct('dbserver1.inventory.customers.Key', [S.field('id', S.int32())]);
  assert.equal(text(await withSchemas().fromConnectData('t', true, key, { id: 1004 })),
    '{"schema":{"type":"struct","fields":[{"type":"int32","optional":false,"field":"id"}],"optional":false,"name":"dbserver1.inventory.customers.Key"},"payload":{"id":1004}}');
});

test('schema JSON: type names, optional, name, version, doc, parameters, default, then field', async () => {
  const s = S.struct('t.V', [
    S.field('snapshot', S.withDefault(S.optional(S.string({ name: 'io.debezium.data.Enum', version: 1, parameters: { allowed: 'true,last,false,incremental' } })), 'false')),
    S.field('amount', S.bytes({ name: 'org.apache.kafka.connect.data.Decimal', version: 1, parameters: { scale: '2', 'connect.decimal.precision': '10' } })),
    S.field('f', S.float32({ doc: 'ratio' })),
    S.field('d', S.float64()),
    S.field('tags', S.optional(S.array(S.optional(S.string())))),
    S.field('m', S.map(S.string(), S.int64())),
  ], { version: 2 });
  const out = JSON.parse(text(await withSchemas().fromConnectData('t', false, s, { amount: Buffer.from([1]), f: 1, d: 2, m: {} }))!);
  assert.equal(JSON.stringify(out.schema),
    '{"type":"struct","fields":['
    + '{"type":"string","optional":true,"name":"io.debezium.data.Enum","version":1,"parameters":{"allowed":"true,last,false,incremental"},"default":"false","field":"snapshot"},'
    + '{"type":"bytes","optional":false,"name":"org.apache.kafka.connect.data.Decimal","version":1,"parameters":{"scale":"2","connect.decimal.precision":"10"},"field":"amount"},'
    + '{"type":"float","optional":false,"doc":"ratio","field":"f"},'
    + '{"type":"double","optional":false,"field":"d"},'
    + '{"type":"array","items":{"type":"string","optional":true},"optional":true,"field":"tags"},'
    + '{"type":"map","keys":{"type":"string","optional":false},"values":{"type":"int64","optional":false},"optional":false,"field":"m"}'
    + '],"optional":false,"name":"t.V","version":2}');
  assert.deepStrictEqual(out.payload, { snapshot: 'false', amount: 'AQ==', f: 1, d: 2, tags: null, m: {} });
});

test('payload text: exact int64, Java float text, base64 bytes, default for null, maps', async () => {
  const s = S.struct('t.V', [
    S.field('big', S.int64()),
    S.field('f', S.float32()),
    S.field('d', S.float64()),
    S.field('raw', S.bytes()),
    S.field('price', S.bytes({ name: 'org.apache.kafka.connect.data.Decimal', version: 1, parameters: { scale: '2' } })),
    S.field('snap', S.withDefault(S.optional(S.string()), 'false')),
    S.field('pairs', S.map(S.int32(), S.string())),
    S.field('pt', S.optional(S.struct('t.P', [S.field('x', S.float64())]))),
  ]);
  const value = { big: 2n ** 63n - 1n, f: 0.1, d: 1e21, raw: Buffer.from('hi'), price: Buffer.from([0xff, 0x85]), snap: null, pairs: new Map([[1, 'a']]), pt: { x: 1.5 } };
  assert.equal(text(await payloadOnly().fromConnectData('t', false, s, value)),
    '{"big":9223372036854775807,"f":0.1,"d":1.0E21,"raw":"aGk=","price":"/4U=","snap":"false","pairs":[[1,"a"]],"pt":{"x":1.5}}');
  const numeric = new JsonConverter({ config: parseJsonConverterConfig({ 'schemas.enable': false, 'decimal.format': 'NUMERIC' }) });
  assert.match(text(await numeric.fromConnectData('t', false, s, value))!, /"price":-1\.23,/);
});

test('replace.null.with.default=false keeps null', async () => {
  const s = S.struct('t.V', [S.field('snap', S.withDefault(S.optional(S.string()), 'false'))]);
  const c = new JsonConverter({ config: parseJsonConverterConfig({ 'schemas.enable': 'false', 'replace.null.with.default': 'false' }) });
  assert.equal(text(await c.fromConnectData('t', false, s, {})), '{"snap":null}');
});

test('tombstones stay null; schemaless values are inferred', async () => {
  assert.equal(await withSchemas().fromConnectData('t', false, null, null), null);
  assert.equal(text(await withSchemas().fromConnectData('t', false, null, { a: 1n, b: [true] })), '{"schema":null,"payload":{"a":1,"b":[true]}}');
});

test('errors: wrong value type names the field; bad config names the property', async () => {
  const s = S.struct('t.V', [S.field('n', S.int32())]);
  await assert.rejects(payloadOnly().fromConnectData('t', false, s, { n: 'x' }), (e: unknown) => e instanceof SinkError && e.where === 'topic t, field n');
  await assert.rejects(payloadOnly().fromConnectData('t', false, s, { n: null }), /null for a required field/);
  assert.throws(() => parseJsonConverterConfig({ 'decimal.format': 'HEX' }, 'value.converter.'),
    (e: unknown) => e instanceof ConfigError && e.where === 'property value.converter.decimal.format');
});

test('string payloads are JSON.stringify\'s text, also where it escapes (quotes, backslashes, controls, lone surrogates)', () => {
  const write = compileJsonPayloadWriter(S.string(), { decimalFormat: 'BASE64', replaceNullWithDefault: true });
  for (const v of ['', 'plain', 'it"s', 'back\\slash', 'tab\there', 'nl\n', '\u0000', '\u001f', '\u007f', 'é ß Ω', '😀', '\ud800', 'a\udfffb', '</script>', '\u2028']) {
    assert.equal(write(v), JSON.stringify(v), JSON.stringify(v));
  }
});

test('base64 of bytes is Buffer\'s, for every length around the short path\'s limit', () => {
  for (let len = 0; len <= 60; len++) {
    const b = Buffer.alloc(len);
    for (let i = 0; i < len; i++) b[i] = (i * 97 + len * 31) & 255;
    assert.equal(base64(b), b.toString('base64'), `length ${len}`);
    assert.equal(base64(new Uint8Array(b.buffer, b.byteOffset, b.byteLength)), b.toString('base64'));
  }
});

test('fromConnectDataNow gives fromConnectData\'s bytes at once, and undefined where fromConnectData throws', async () => {
  const s = S.struct('t.V', [S.field('id', S.int32()), S.field('name', S.optional(S.string()))]);
  for (const c of [withSchemas(), payloadOnly()]) {
    assert.deepEqual(c.fromConnectDataNow('t', false, s, { id: 1, name: 'a"b' }), await c.fromConnectData('t', false, s, { id: 1, name: 'a"b' }));
    assert.equal(c.fromConnectDataNow('t', false, s, null), null);
    assert.equal(c.fromConnectDataNow('t', false, s, { id: 'x' }), undefined);
    await assert.rejects(c.fromConnectData('t', false, s, { id: 'x' }), SinkError);
  }
});
