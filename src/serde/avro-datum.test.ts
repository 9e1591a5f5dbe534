import { test } from 'node:test';
import assert from 'node:assert/strict';
import avro from 'avsc';
import { S } from '../events/schema.ts';
import { compileDatumConverter } from './avro-datum.ts';
import { ValueMismatchError } from './value-mismatch.ts';
import { avroSchemaText } from './avro-schema.ts';
import { exactLongOptions } from './avro-long-type.ts';

const decimal = S.bytes({ name: 'org.apache.kafka.connect.data.Decimal', version: 1, parameters: { scale: '2', 'connect.decimal.precision': '10' } });
const row = S.struct('t.s.x.Value', [
  S.field('id', S.int16()),
  S.field('amount', decimal),
  S.field('big', S.int64()),
  S.field('tags', S.optional(S.array(S.optional(S.string())))),
  S.field('attrs', S.map(S.string(), S.int32())),
  S.field('pairs', S.map(S.int32(), S.string())),
  S.field('snapshot', S.withDefault(S.optional(S.string()), 'false')),
  S.field('nested', S.optional(S.struct('t.s.x.Point', [S.field('x', S.float64()), S.field('y', S.float32())]))),
]);

test('converted datum round-trips through avsc with the converted schema', () => {
  const type = avro.Type.forSchema(JSON.parse(avroSchemaText(row)), exactLongOptions());
  const toDatum = compileDatumConverter(row);
  const value = {
    id: -7, amount: Buffer.from([0x30, 0x39]), big: 2n ** 60n + 1n, tags: ['a', null],
    attrs: new Map([['k', 1]]), pairs: new Map([[3, 'three']]), snapshot: null, nested: { x: 1.5, y: 2.5 },
  };
  const decoded = type.fromBuffer(type.toBuffer(toDatum(value)));
  assert.equal(decoded.id, -7);
  assert.deepStrictEqual(decoded.amount, Buffer.from([0x30, 0x39]));
  assert.equal(decoded.big, 2n ** 60n + 1n);
  assert.deepStrictEqual(decoded.tags, ['a', null]);
  assert.deepStrictEqual({ ...decoded.attrs }, { k: 1 });
  assert.deepStrictEqual(decoded.pairs.map((e: { key: number; value: string }) => [e.key, e.value]), [[3, 'three']]);
  assert.equal(decoded.snapshot, 'false', 'null takes the schema default, as Struct#get does');
  assert.deepStrictEqual({ ...decoded.nested }, { x: 1.5, y: 2.5 });
});

test('ignore.default.for.nullables keeps null', () => {
  const toDatum = compileDatumConverter(row, { ignoreDefaultForNullables: true });
  const d = toDatum({ id: 1, amount: Buffer.alloc(1), big: 1, attrs: {}, pairs: {}, snapshot: null }) as Record<string, unknown>;
  assert.equal(d['snapshot'], null);
});

test('mismatches name the field path', () => {
  const toDatum = compileDatumConverter(row);
  assert.throws(() => toDatum({ id: 1, amount: 12.5, big: 1, attrs: {}, pairs: {} }),
    (e: unknown) => e instanceof ValueMismatchError && e.path === 'amount' && /expected Buffer \(org.apache.kafka.connect.data.Decimal\), got number/.test(e.message));
  assert.throws(() => toDatum({ id: 1, amount: Buffer.alloc(1), big: 1.5, attrs: {}, pairs: {} }), /big: expected bigint/);
  assert.throws(() => toDatum({ id: null, amount: Buffer.alloc(1), big: 1, attrs: {}, pairs: {} }), /id: null for a required field/);
  assert.throws(() => toDatum({ id: 1, amount: Buffer.alloc(1), big: 1, attrs: {}, pairs: {}, nested: { x: 'a', y: 1 } }), /nested\.x: expected float64/);
});
