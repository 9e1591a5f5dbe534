import { test } from 'node:test';
import assert from 'node:assert/strict';
import { S } from '../events/schema.ts';
import type { RecordHeader } from '../events/record.ts';
import { createHeaderConverter } from './header-converter.ts';

const key = S.struct('shop.public.orders.Key', [
  { name: 'id', schema: S.int64() }, { name: 'code', schema: S.string() },
  { name: 'amount', schema: S.bytes({ name: 'org.apache.kafka.connect.data.Decimal', parameters: { scale: '2' } }) },
  { name: 'note', schema: { ...S.string(), optional: true } },
]);
// -12.34 as Connect's Decimal: unscaled -1234, two's complement big-endian
const value = { id: 9007199254740993n, code: 'a"b', amount: Buffer.from([0xfb, 0x2e]), note: null };
const h = (k: string, schema: RecordHeader['schema'], v: unknown): RecordHeader => ({ key: k, schema, value: v });
const SIMPLE = 'org.apache.kafka.connect.storage.SimpleHeaderConverter';
const STRING = 'org.apache.kafka.connect.storage.StringConverter';

test('SimpleHeaderConverter writes a struct as Connect\'s Values.convertToString, numbers exact', () => {
  const out = createHeaderConverter(SIMPLE).fromConnectHeaders([h('__debezium.oldkey', key, value), h('text', null, 'as is')]);
  assert.deepEqual(out, { '__debezium.oldkey': '{"id":9007199254740993,"code":"a\\"b","amount":-12.34,"note":null}', text: 'as is' });
});

test('StringConverter writes a struct as Struct{...} (Java toString), null fields left out', () => {
  const out = createHeaderConverter('StringConverter').fromConnectHeaders([h('__debezium.newkey', key, value)]);
  assert.deepEqual(out, { '__debezium.newkey': 'Struct{id=9007199254740993,code=a"b,amount=-12.34}' });
});

test('unset means SimpleHeaderConverter; a null header value is left out; other converters are refused', () => {
  assert.deepEqual(createHeaderConverter(undefined).fromConnectHeaders([h('a', null, null), h('b', S.int32(), 5)]), { b: '5' });
  assert.throws(() => createHeaderConverter('org.apache.kafka.connect.json.JsonConverter'), /CDC_CONVERTER_UNKNOWN[\s\S]*header\.converter/);
});

test('a string header (Debezium\'s __debezium.context.*, Schema.STRING) is its own text under both converters', () => {
  const headers = [h('__debezium.context.connectorLogicalName', S.string(), 'shop-ü'), h('__debezium.context.taskId', null, '0')];
  for (const cls of [SIMPLE, STRING]) {
    assert.deepEqual(createHeaderConverter(cls).fromConnectHeaders(headers), { '__debezium.context.connectorLogicalName': 'shop-ü', '__debezium.context.taskId': '0' }, cls);
  }
});

test('a repeated key keeps every value, in order, as kafkajs takes them; other keys stay single; names like constructor are plain keys', () => {
  const out = createHeaderConverter(SIMPLE).fromConnectHeaders([
    h('trace', null, 'a'), h('n', S.int8(), 1), h('trace', null, 'b'), h('trace', null, null), h('trace', null, 'c'), h('constructor', null, 'x'), h('__proto__', null, 'y'),
  ]);
  assert.deepEqual(Object.keys(out), ['trace', 'n', 'constructor', '__proto__']);
  assert.deepEqual(out['trace'], ['a', 'b', 'c']);
  assert.equal(out['n'], '1');
  assert.equal(out['constructor'], 'x');
  assert.equal(Object.getOwnPropertyDescriptor(out, '__proto__')!.value, 'y');
  assert.equal(Object.getPrototypeOf(out), Object.prototype, 'a __proto__ header does not replace the prototype');
});

test('numbers, decimals and Connect dates as Java prints them (Values.convertToString / toString), in UTC', () => {
  const date = S.int32({ name: 'org.apache.kafka.connect.data.Date', version: 1 });
  const time = S.int32({ name: 'org.apache.kafka.connect.data.Time', version: 1 });
  const ts = S.int64({ name: 'org.apache.kafka.connect.data.Timestamp', version: 1 });
  const dec = (scale: number) => S.bytes({ name: 'org.apache.kafka.connect.data.Decimal', version: 1, parameters: { scale: String(scale) } });
  const headers = [
    h('f32', S.float32(), Math.fround(3.14)), h('f64', S.float64(), 3), h('big', S.float64(), 1e10),
    h('dec', dec(-20), Buffer.from([0x01])), h('d', date, new Date(Date.UTC(2024, 2, 5))), h('t', time, new Date(Date.UTC(1970, 0, 1, 12, 34, 56, 789))),
    h('ts', ts, new Date(Date.UTC(2024, 2, 5, 12, 34, 56, 789))), h('days', date, 19787), h('arr', S.array(date), [new Date(Date.UTC(2024, 2, 5))]),
  ];
  assert.deepEqual(createHeaderConverter(SIMPLE).fromConnectHeaders(headers), {
    f32: '3.14', f64: '3.0', big: '1.0E10', dec: '1E+20', d: '2024-03-05', t: '12:34:56.789Z', ts: '2024-03-05T12:34:56.789Z', days: '2024-03-05', arr: '[2024-03-05]',
  });
  const asJava = createHeaderConverter(STRING).fromConnectHeaders(headers);
  assert.equal(asJava['d'], 'Tue Mar 05 00:00:00 UTC 2024');
  assert.equal(asJava['f64'], '3.0');
});
