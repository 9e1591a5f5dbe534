import { test } from 'node:test';
import assert from 'node:assert/strict';
import { S } from '../events/schema.ts';
import { createHeaderConverter } from './header-converter.ts';

const key = S.struct('shop.public.orders.Key', [
  { name: 'id', schema: S.int64() }, { name: 'code', schema: S.string() },
  { name: 'amount', schema: S.bytes({ name: 'org.apache.kafka.connect.data.Decimal', parameters: { scale: '2' } }) },
  { name: 'note', schema: { ...S.string(), optional: true } },
]);
// -12.34 as Connect's Decimal: unscaled -1234, two's complement big-endian
const value = { id: 9007199254740993n, code: 'a"b', amount: Buffer.from([0xfb, 0x2e]), note: null };

test('SimpleHeaderConverter writes a struct as Connect\'s Values.convertToString, numbers exact', () => {
  const out = createHeaderConverter('org.apache.kafka.connect.storage.SimpleHeaderConverter').fromConnectHeaders({
    '__debezium.oldkey': { schema: key, value }, text: 'as is',
  });
  assert.deepEqual(out, { '__debezium.oldkey': '{"id":9007199254740993,"code":"a\\"b","amount":-12.34,"note":null}', text: 'as is' });
});

test('StringConverter writes a struct as Struct{...} (Java toString), null fields left out', () => {
  const out = createHeaderConverter('StringConverter').fromConnectHeaders({ '__debezium.newkey': { schema: key, value } });
  assert.deepEqual(out, { '__debezium.newkey': 'Struct{id=9007199254740993,code=a"b,amount=-12.34}' });
});

test('unset means SimpleHeaderConverter; a null header value is left out; other converters are refused', () => {
  assert.deepEqual(createHeaderConverter(undefined).fromConnectHeaders({ a: { schema: null, value: null }, b: { schema: S.int32(), value: 5 } }), { b: '5' });
  assert.throws(() => createHeaderConverter('org.apache.kafka.connect.json.JsonConverter'), /CDC_CONVERTER_UNKNOWN[\s\S]*header\.converter/);
});

test('a string header (Debezium\'s __debezium.context.*, Schema.STRING) is its own text under both converters', () => {
  const headers = { '__debezium.context.connectorLogicalName': 'shop-ü', '__debezium.context.taskId': '0' };
  for (const cls of ['org.apache.kafka.connect.storage.SimpleHeaderConverter', 'org.apache.kafka.connect.storage.StringConverter']) {
    assert.deepEqual(createHeaderConverter(cls).fromConnectHeaders(headers), headers, cls);
  }
  // and with its schema, as a Connect header value: the same text, not a quoted JSON string
  assert.deepEqual(createHeaderConverter(undefined).fromConnectHeaders({ h: { schema: S.string(), value: 'shop' } }), { h: 'shop' });
});
