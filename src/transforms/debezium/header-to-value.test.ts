import { test } from 'node:test';
import assert from 'node:assert/strict';
import { S } from '../../events/schema.ts';
import { change, ordersTable, tombstone } from '../../../test/doubles/debezium-records.ts';
import { headerToValuePlugin } from './header-to-value.ts';

const make = (props: Record<string, string>) => headerToValuePlugin.create(headerToValuePlugin.configDef.parse(props, 'transforms.h2v'));
const t = ordersTable();
const headers = [
  { key: 'traceId', schema: S.optional(S.string()), value: 'abc' }, { key: 'attempt', schema: S.int32(), value: 3 }, { key: 'plain', schema: null, value: 'p' },
];

test('copy adds fields with the header schemas at the end of a required struct; headers kept', () => {
  const rec = change(t, 'c', null, { id: 1, name: 'a', qty: 1 }, { headers });
  const out = make({ headers: 'traceId,attempt,absent', fields: 'trace_id,attempt,x', operation: 'copy' }).apply(rec)!;
  assert.deepEqual(out.valueSchema!.fields!.slice(-2).map((f) => [f.name, f.schema]), [['trace_id', S.optional(S.string())], ['attempt', S.int32()]]);
  assert.equal(out.valueSchema!.name, 'shop.public.orders.Envelope');
  assert.equal(out.valueSchema!.optional, false);
  assert.equal((out.value as any).trace_id, 'abc');
  assert.equal((out.value as any).attempt, 3);
  assert.deepEqual(out.headers, headers);
});

test('move removes the headers; dotted fields go into an existing struct; headers without a schema are optional strings', () => {
  const rec = change(t, 'c', null, { id: 1, name: 'a', qty: 1 }, { headers });
  const out = make({ headers: 'traceId,plain', fields: 'source.trace_id,p', operation: 'move' }).apply(rec)!;
  assert.deepEqual(out.headers!.map((h) => h.key), ['attempt']);
  const source = out.valueSchema!.fields!.find((f) => f.name === 'source')!.schema;
  assert.equal(source.fields!.at(-1)!.name, 'trace_id');
  assert.equal(source.name, 'io.debezium.connector.postgresql.Source');
  assert.equal((out.value as any).source.trace_id, 'abc');
  assert.equal((out.value as any).p, 'p');
  assert.deepEqual(out.valueSchema!.fields!.at(-1), S.field('p', S.optional(S.string())));
  assert.equal((rec.value as any).source.trace_id, undefined, 'the input record is not mutated');
});

test('null values and records without a listed header pass unchanged; unequal lists are refused', () => {
  const smt = make({ headers: 'traceId', fields: 'trace_id', operation: 'copy' });
  assert.deepEqual(smt.apply(tombstone(t, 1)), tombstone(t, 1));
  const rec = change(t, 'c', null, { id: 1 });
  assert.equal(smt.apply(rec), rec);
  assert.throws(() => make({ headers: 'a,b', fields: 'a', operation: 'copy' }), /as many entries/);
  assert.throws(() => make({ headers: 'a', fields: 'a', operation: 'swap' }), /operation/);
});

test('fields are added in the order of the record\'s headers; a listed header present twice is refused, as Connect\'s SchemaBuilder refuses a field twice; move drops every occurrence', () => {
  const rec = change(t, 'c', null, { id: 1, name: 'a', qty: 1 }, { headers: [headers[1]!, headers[0]!] });
  const out = make({ headers: 'traceId,attempt', fields: 'trace_id,attempt', operation: 'copy' }).apply(rec)!;
  assert.deepEqual(out.valueSchema!.fields!.slice(-2).map((f) => f.name), ['attempt', 'trace_id']);
  const twice = change(t, 'c', null, { id: 1, name: 'a', qty: 1 }, { headers: [...headers, { key: 'traceId', schema: S.optional(S.string()), value: 'def' }] });
  assert.throws(() => make({ headers: 'traceId', fields: 'trace_id', operation: 'move' }).apply(twice), /field name duplication trace_id.*header traceId more than once/);
  const moved = make({ headers: 'plain', fields: 'p', operation: 'move' }).apply(twice)!;
  assert.deepEqual(moved.headers!.map((h) => h.key), ['traceId', 'attempt', 'traceId']);
});
