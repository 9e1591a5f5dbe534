import { test } from 'node:test';
import assert from 'node:assert/strict';
import { S } from '../../events/schema.ts';
import { change, heartbeat, ordersTable, tombstone, txMetadata } from '../../../test/doubles/debezium-records.ts';
import { extractNewRecordStatePlugin } from './extract-new-record-state.ts';

const t = ordersTable();
const make = (props: Record<string, string> = {}) => {
  const config = extractNewRecordStatePlugin.configDef.parse(props, 'transforms.unwrap');
  return { smt: extractNewRecordStatePlugin.create(config), warnings: config.warnings };
};
const names = (s: { fields?: readonly { name: string }[] } | null) => s?.fields?.map((f) => f.name);

test('an update becomes its after row: required struct named <topic>.Value, key and topic kept', () => {
  const { smt } = make();
  const out = smt.apply(change(t, 'u', { id: 1, name: 'a', qty: 2 }, { id: 1, name: 'b', qty: 2 }))!;
  assert.equal(out.topic, 'shop.public.orders');
  assert.deepEqual(out.key, { id: 1 });
  assert.equal(out.valueSchema!.name, 'shop.public.orders.Value');
  assert.equal(out.valueSchema!.optional, false);
  assert.equal(out.valueSchema!.version, undefined);
  assert.deepEqual(names(out.valueSchema), ['id', 'name', 'qty']);
  assert.deepEqual(out.value, { id: 1, name: 'b', qty: 2 });
});

test('3.6 default (tombstone): a delete becomes a null value keeping the optional row schema; tombstones are dropped', () => {
  const { smt } = make();
  const del = smt.apply(change(t, 'd', { id: 1, name: 'b', qty: 2 }, null))!;
  assert.equal(del.value, null);
  assert.equal(del.valueSchema!.name, 'shop.public.orders.Value');
  assert.equal(del.valueSchema!.optional, true);
  assert.equal(smt.apply(tombstone(t, 1)), null);
});

test('rewrite adds __deleted as an optional string, prefix-free, before added fields (reference §7.1 example)', () => {
  const { smt } = make({ 'delete.tombstone.handling.mode': 'rewrite', 'add.fields': 'op,source.ts_ms' });
  const upd = smt.apply(change(t, 'u', null, { id: 1, name: 'b', qty: 2 }))!;
  assert.deepEqual(upd.value, { id: 1, name: 'b', qty: 2, __deleted: 'false', __op: 'u', __source_ts_ms: 1717000000000n });
  const deleted = upd.valueSchema!.fields!.find((f) => f.name === '__deleted')!;
  assert.deepEqual(deleted.schema, S.optional(S.string()));
  assert.deepEqual(upd.valueSchema!.fields!.find((f) => f.name === '__op')!.schema, S.optional(S.string()));
  assert.deepEqual(upd.valueSchema!.fields!.find((f) => f.name === '__source_ts_ms')!.schema, S.optional(S.int64()));
  const del = smt.apply(change(t, 'd', { id: 1, name: 'b', qty: 2 }, null))!;
  assert.deepEqual(del.value, { id: 1, name: 'b', qty: 2, __deleted: 'true', __op: 'd', __source_ts_ms: 1717000000000n });
  assert.equal(del.valueSchema, upd.valueSchema, 'one output schema object per input schema');
  assert.equal(smt.apply(tombstone(t, 1)), null);
});

test('rewrite copies with Struct.get: a null column with a default becomes the default unless replace.null.with.default=false', () => {
  assert.equal((make({ 'delete.tombstone.handling.mode': 'rewrite' }).smt.apply(change(t, 'c', null, { id: 1, name: null, qty: null }))!.value as any).qty, 1);
  assert.equal((make({ 'delete.tombstone.handling.mode': 'rewrite', 'replace.null.with.default': 'false' }).smt.apply(change(t, 'c', null, { id: 1, name: null, qty: null }))!.value as any).qty, null);
});

test('rewrite-with-tombstone keeps tombstones; delete-to-tombstone makes a true tombstone; drop drops both', () => {
  assert.deepEqual(make({ 'delete.tombstone.handling.mode': 'rewrite-with-tombstone' }).smt.apply(tombstone(t, 1)), tombstone(t, 1));
  const dt = make({ 'delete.tombstone.handling.mode': 'delete-to-tombstone' }).smt.apply(change(t, 'd', { id: 1 }, null))!;
  assert.equal(dt.value, null);
  assert.equal(dt.valueSchema, null);
  assert.deepEqual(dt.key, { id: 1 });
  const drop = make({ 'delete.tombstone.handling.mode': 'drop' }).smt;
  assert.equal(drop.apply(change(t, 'd', { id: 1 }, null)), null);
  assert.equal(drop.apply(tombstone(t, 1)), null);
});

test('legacy drop.tombstones=false + delete.handling.mode=rewrite (1.x configs) = rewrite with tombstones kept, with deprecation warnings', () => {
  const { smt, warnings } = make({ 'drop.tombstones': 'false', 'delete.handling.mode': 'rewrite' });
  assert.deepEqual(warnings.map((w) => [w.property, w.kind, w.replacement]), [
    ['drop.tombstones', 'deprecated', 'delete.tombstone.handling.mode'], ['delete.handling.mode', 'deprecated', 'delete.tombstone.handling.mode'],
  ]);
  assert.deepEqual((smt.apply(change(t, 'd', { id: 1, name: 'x', qty: 2 }, null))!.value as any).__deleted, 'true');
  assert.deepEqual(smt.apply(tombstone(t, 1)), tombstone(t, 1));
});

test('legacy names alone take their own defaults: delete.handling.mode=none keeps a null delete and drops tombstones', () => {
  const { smt } = make({ 'delete.handling.mode': 'none' });
  const del = smt.apply(change(t, 'd', { id: 1 }, null))!;
  assert.equal(del.value, null);
  assert.equal(del.valueSchema!.name, 'shop.public.orders.Value');
  assert.equal(smt.apply(tombstone(t, 1)), null);
  assert.equal(make({ 'drop.tombstones': 'true' }).smt.apply(change(t, 'd', { id: 1 }, null)), null, 'delete.handling.mode defaults to drop');
});

test('delete.tombstone.handling.mode wins over the legacy names when both are set', () => {
  const { smt } = make({ 'delete.tombstone.handling.mode': 'drop', 'delete.handling.mode': 'rewrite', 'drop.tombstones': 'false' });
  assert.equal(smt.apply(change(t, 'd', { id: 1 }, null)), null);
  assert.equal(smt.apply(tombstone(t, 1)), null);
});

test('add.fields naming: unqualified source fields, qualified struct_field, renames keep the prefix, custom prefix, transaction fields', () => {
  const tx = { id: '77:1234', total_order: 3n, data_collection_order: 2n };
  const { smt } = make({ 'add.fields': 'table,lsn,source.db,ts_ms,source.ts_ms:event_ts,id,total_order,missing', 'add.fields.prefix': '_' });
  const out = smt.apply(change(t, 'c', null, { id: 1, name: 'a', qty: 1 }, { transaction: tx }))!;
  assert.deepEqual(names(out.valueSchema), ['id', 'name', 'qty', '_table', '_lsn', '_source_db', '_ts_ms', '_event_ts', '_id', '_total_order']);
  assert.deepEqual(out.value, { id: 1, name: 'a', qty: 1, _table: 'orders', _lsn: 1234n, _source_db: 'shopdb', _ts_ms: 1717000000500n, _event_ts: 1717000000000n, _id: '77:1234', _total_order: 3n });
  const id = out.valueSchema!.fields!.find((f) => f.name === '_id')!.schema;
  assert.deepEqual(id, S.optional(S.string()), 'transaction id: the string schema made optional');
  const snap = smt.apply(change(t, 'r', null, { id: 1, name: 'a', qty: 1 }))!;
  assert.equal((snap.value as any)._id, null, 'no transaction block -> null');
});

test('an add.fields entry naming another struct is refused at configure time', () => {
  assert.throws(() => make({ 'add.fields': 'after.id' }), /only source, transaction and updateDescription/);
});

test('add.headers: envelope fields as typed headers appended after the record\'s own; on a tombstone only op="d"; non-envelopes get none', () => {
  const { smt } = make({ 'add.headers': 'op,source.table,db', 'delete.tombstone.handling.mode': 'rewrite-with-tombstone' });
  const own = { key: '__op', schema: S.string(), value: 'earlier' };
  const out = smt.apply(change(t, 'u', null, { id: 1, name: 'a', qty: 1 }, { headers: [own] }))!;
  assert.deepEqual(out.headers, [
    own,
    { key: '__op', schema: S.optional(S.string()), value: 'u' },
    { key: '__source_table', schema: S.optional(S.string()), value: 'orders' },
    { key: '__db', schema: S.optional(S.string()), value: 'shopdb' },
  ]);
  assert.deepEqual(smt.apply(tombstone(t, 1))!.headers, [{ key: '__op', schema: S.string(), value: 'd' }]);
  assert.equal(smt.apply(heartbeat())!.headers, undefined);
});

test('heartbeats and transaction metadata pass unchanged; truncates are dropped', () => {
  const { smt } = make({ 'delete.tombstone.handling.mode': 'rewrite', 'add.fields': 'op' });
  assert.deepEqual(smt.apply(heartbeat()), heartbeat());
  assert.deepEqual(smt.apply(txMetadata()), txMetadata());
  assert.equal(smt.apply(change(t, 't', null, null)), null);
});

test('route.by.field: the column value becomes the topic (old row for deletes); blank keeps the topic', () => {
  const tt = ordersTable('shop.public.orders', [S.field('dest', S.optional(S.string()))]);
  const { smt } = make({ 'route.by.field': 'dest', 'delete.tombstone.handling.mode': 'rewrite' });
  assert.equal(smt.apply(change(tt, 'c', null, { id: 1, name: 'a', qty: 1, dest: 'eu' }))!.topic, 'eu');
  assert.equal(smt.apply(change(tt, 'd', { id: 1, name: 'a', qty: 1, dest: 'us' }, null))!.topic, 'us');
  assert.equal(smt.apply(change(tt, 'c', null, { id: 1, name: 'a', qty: 1, dest: ' ' }))!.topic, 'shop.public.orders');
  assert.throws(() => make({ 'route.by.field': 'nope' }).smt.apply(change(tt, 'c', null, { id: 1, name: 'a', qty: 1, dest: 'x' })), /nope is not a valid field name/);
});

test('drop.fields.header.name removes listed optional fields (required ones kept while keep.schema.compatible), also from the key when asked', () => {
  const list = { key: 'changed', schema: S.optional(S.array(S.optional(S.string()))), value: ['name', 'id'] };
  // The first header of that name counts, as Debezium looks it up.
  const rec = change(t, 'u', null, { id: 1, name: 'a', qty: 1 }, { headers: [list, { ...list, value: ['qty'] }] });
  const out = make({ 'drop.fields.header.name': 'changed' }).smt.apply(rec)!;
  assert.deepEqual(out.value, { id: 1, qty: 1 });
  assert.equal(out.valueSchema!.name, 'shop.public.orders.Value');
  const all = make({ 'drop.fields.header.name': 'changed', 'drop.fields.keep.schema.compatible': 'false', 'drop.fields.from.key': 'true' }).smt.apply(rec)!;
  assert.deepEqual(all.value, { qty: 1 });
  assert.deepEqual(all.key, {});
});

test('an unknown mode is refused naming the allowed values', () => {
  assert.throws(() => make({ 'delete.tombstone.handling.mode': 'keep' }), /delete\.tombstone\.handling\.mode/);
});
