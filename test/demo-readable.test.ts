import { test } from 'node:test';
import assert from 'node:assert/strict';
import avro from 'avsc';
import { exactLongOptions } from '../src/serde/avro-long-type.ts';
import { decimalText, readable, render, bytesText } from '../scripts/demo-readable.ts';

test('decimalText reads Avro decimal bytes with their scale, negatives included', () => {
  assert.equal(decimalText(Buffer.from([0x13, 0x7e]), 2), '49.90');
  assert.equal(decimalText(Buffer.from([0x11, 0x8a]), 2), '44.90');
  assert.equal(decimalText(Buffer.from([0xff, 0x38]), 2), '-2.00');
  assert.equal(decimalText(Buffer.from([0x05]), 3), '0.005');
  assert.equal(decimalText(Buffer.from([0x05]), 0), '5');
});

test('a Debezium-shaped value reads as numbers and ISO text after an Avro round trip', () => {
  const schema = {
    type: 'record', name: 'Envelope', namespace: 'demo.public.products', fields: [
      { name: 'before', type: ['null', { type: 'record', name: 'Value', fields: [
        { name: 'id', type: 'int' },
        { name: 'price', type: { type: 'bytes', scale: 2, precision: 10, 'connect.parameters': { scale: '2', 'connect.decimal.precision': '10' }, 'connect.name': 'org.apache.kafka.connect.data.Decimal', logicalType: 'decimal' } },
        { name: 'placed_at', type: { type: 'long', 'connect.name': 'io.debezium.time.MicroTimestamp' } },
        { name: 'created_at', type: ['null', { type: 'string', 'connect.name': 'io.debezium.time.ZonedTimestamp' }] },
        { name: 'day', type: { type: 'int', 'connect.name': 'io.debezium.time.Date' } },
        { name: 'amount', type: ['null', { type: 'record', name: 'VariableScaleDecimal', namespace: 'io.debezium.data', fields: [{ name: 'scale', type: 'int' }, { name: 'value', type: 'bytes' }], 'connect.name': 'io.debezium.data.VariableScaleDecimal' }] },
      ] }], default: null },
      { name: 'after', type: ['null', 'Value'], default: null },
      { name: 'ts_ms', type: ['null', 'long'], default: null },
    ],
  };
  const type = avro.Type.forSchema(schema as never, exactLongOptions() as never);
  const row = { id: 1, price: Buffer.from([0x13, 0x7e]), placed_at: 1_733_400_000_123_456n, created_at: '2026-12-06T06:00:00.5Z', day: 20_000, amount: { scale: 3, value: Buffer.from([0x30, 0x39]) } };
  const decoded = type.fromBuffer(type.toBuffer({ before: null, after: row, ts_ms: 1_765_000_000_000n }));
  const text = render(readable(schema as never, decoded));
  assert.equal(text, '{"before":null,"after":{"id":1,"price":49.90,"placed_at":"2024-12-05T12:00:00.123456Z","created_at":"2026-12-06T06:00:00.5Z","day":"2024-10-04","amount":12.345},"ts_ms":1765000000000}');
});

test('bytesText', () => {
  assert.equal(bytesText(512), '512 B');
  assert.equal(bytesText(16_777_216), '16.8 MB');
});
