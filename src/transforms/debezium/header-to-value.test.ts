import { test } from 'node:test';
import assert from 'node:assert/strict';
import { S } from '../../events/schema.ts';
import { change, ordersTable, tombstone } from '../../../test/doubles/debezium-records.ts';
import { headerToValuePlugin } from './header-to-value.ts';

const make = (props: Record<string, string>) => headerToValuePlugin.create(headerToValuePlugin.configDef.parse(props, 'transforms.h2v'));
const t = ordersTable();
const headers = { traceId: { schema: S.optional(S.string()), value: 'abc' }, attempt: { schema: S.int32(), value: 3 }, plain: 'p' };

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

test('move removes the headers; dotted fields go into an existing struct; plain text headers are strings', () => {
  const rec = change(t, 'c', null, { id: 1, name: 'a', qty: 1 }, { headers });
  const out = make({ headers: 'traceId,plain', fields: 'source.trace_id,p', operation: 'move' }).apply(rec)!;
  assert.deepEqual(Object.keys(out.headers!), ['attempt']);
  const source = out.valueSchema!.fields!.find((f) => f.name === 'source')!.schema;
  assert.equal(source.fields!.at(-1)!.name, 'trace_id');
  assert.equal(source.name, 'io.debezium.connector.postgresql.Source');
  assert.equal((out.value as any).source.trace_id, 'abc');
  assert.equal((out.value as any).p, 'p');
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
