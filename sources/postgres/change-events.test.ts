/**
 * Event shapes of changeRecords(), pure: the table model comes from a
 * hand-written catalog description, so no database is needed. The integration
 * counterpart (real pgoutput, real Kafka) is test/integration/pg-events.it.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Clock, EnvelopeValue, Op, TransactionBlock } from '../../src/events/envelope.ts';
import type { SourceRecord } from '../../src/events/record.ts';
import { S } from '../../src/events/schema.ts';
import type { PgColumn, PgTable } from './catalog.ts';
import { changeRecords, debeziumContextHeaders, type EventOptions, type RowChange } from './change-events.ts';
import type { SourceFacts } from './source-info.ts';
import { buildTableModel, type TableModel } from './table-model.ts';
import { DEFAULT_PG_TYPE_OPTIONS } from './types.ts';

const NOW_NS = 1_700_000_000_123_456_789n;
const clock: Clock = { nowMs: () => Number(NOW_NS / 1_000_000n), nowNs: () => NOW_NS };

function column(c: Partial<PgColumn> & Pick<PgColumn, 'name' | 'position' | 'baseTypeName'>): PgColumn {
  return {
    typeOid: c.baseTypeName === 'int4' ? 23 : 25, typeMod: -1, typeName: c.baseTypeName === 'int4' ? 'integer' : 'text',
    typtype: 'b', nullable: true, defaultExpr: null, comment: null, isKey: false, ...c,
  };
}

/** public.items (id int PRIMARY KEY, name text NOT NULL, qty int NOT NULL DEFAULT 7, note text) */
const ITEMS: PgTable = {
  schema: 'public', name: 'items', oid: 16384, replicaIdentity: 'd', comment: null, keyColumns: ['id'],
  columns: [
    column({ name: 'id', position: 1, baseTypeName: 'int4', nullable: false, isKey: true }),
    column({ name: 'name', position: 2, baseTypeName: 'text', nullable: false }),
    column({ name: 'qty', position: 3, baseTypeName: 'int4', nullable: false, defaultExpr: '7' }),
    column({ name: 'note', position: 4, baseTypeName: 'text' }),
  ],
};

function model(table: PgTable = ITEMS): TableModel {
  return buildTableModel(table, { topicPrefix: 'srv', types: DEFAULT_PG_TYPE_OPTIONS, columnFilter: () => true });
}

const items = model();
const fullItems = model({ ...ITEMS, name: 'full_items', oid: 16390, replicaIdentity: 'f' });

const source: SourceFacts = {
  serverName: 'srv', db: 'shop', schema: 'public', table: 'items', tsUs: 1_690_000_000_000_001n,
  snapshot: 'false', txId: 555, lsn: 0x2000n, lastCommitLsn: 0x1f00n,
};

function opts(o: Partial<EventOptions> = {}): EventOptions {
  return { tombstonesOnDelete: true, skippedOperations: new Set<Op>(['t']), clock, ...o };
}

/** A transaction block supplier that counts its calls, as the decoder's does. */
function blocks(): { next: () => TransactionBlock | null; calls: () => number } {
  let n = 0;
  return { next: () => { n++; return { id: '555:7936', total_order: BigInt(n), data_collection_order: BigInt(n) }; }, calls: () => n };
}

const noTx = () => null;
const env = (r: SourceRecord) => r.value as EnvelopeValue;
const run = (change: RowChange, o: Partial<EventOptions> = {}, m: TableModel = items) => changeRecords(m, change, source, noTx, opts(o));

test('the model: topic, key and value schema names, field order, key columns', () => {
  assert.equal(items.topic, 'srv.public.items');
  assert.equal(items.keySchema!.name, 'srv.public.items.Key');
  assert.deepEqual(items.keySchema!.fields!.map((f) => [f.name, f.schema.type, f.schema.optional]), [['id', 'int32', false]]);
  assert.equal(items.rowSchema.name, 'srv.public.items.Value');
  assert.equal(items.rowSchema.optional, true);
  assert.deepEqual(items.rowSchema.fields!.map((f) => f.name), ['id', 'name', 'qty', 'note']);
  assert.equal(items.envelope.name, 'srv.public.items.Envelope');
  assert.deepEqual(items.envelope.fields!.map((f) => f.name), ['before', 'after', 'source', 'transaction', 'op', 'ts_ms', 'ts_us', 'ts_ns']);
});

for (const [kind, op, marker] of [['read', 'r', 'first'], ['insert', 'c', 'false']] as const) {
  test(`${kind}: one record, op ${op}, before null, after the converted row, key from the row`, () => {
    const src: SourceFacts = { ...source, snapshot: marker };
    const tx = blocks();
    const rs = changeRecords(items, { kind, after: { id: '1', name: 'one', qty: '3', note: null } }, src, tx.next, opts());
    assert.equal(rs.length, 1);
    const r = rs[0]!;
    assert.equal(r.topic, 'srv.public.items');
    assert.equal(r.keySchema, items.keySchema);
    assert.equal(r.valueSchema, items.envelope);
    assert.deepEqual(r.key, { id: 1 });
    assert.equal(r.headers, undefined);
    const v = env(r);
    assert.equal(v.op, op);
    assert.equal(v.before, null);
    assert.deepEqual(v.after, { id: 1, name: 'one', qty: 3, note: null });
    assert.deepEqual(v.transaction, { id: '555:7936', total_order: 1n, data_collection_order: 1n });
    assert.equal(tx.calls(), 1);
    // processing time from the injected clock, in three units
    assert.equal(v.ts_ns, NOW_NS);
    assert.equal(v.ts_us, NOW_NS / 1000n);
    assert.equal(v.ts_ms, NOW_NS / 1_000_000n);
    // source block
    assert.equal(v.source.connector, 'postgresql');
    assert.equal(v.source.name, 'srv');
    assert.equal(v.source.db, 'shop');
    assert.equal(v.source.snapshot, marker);
    assert.equal(v.source.ts_ms, 1_690_000_000_000n);
    assert.equal(v.source.ts_us, 1_690_000_000_000_001n);
    assert.equal(v.source.txId, 555n);
    assert.equal(v.source.lsn, 0x2000n);
    assert.equal(v.source.sequence, `["${0x1f00}","${0x2000}"]`);
  });
}

test('update under REPLICA IDENTITY DEFAULT: before is null (no old tuple)', () => {
  const rs = run({ kind: 'update', key: null, old: null, after: { id: '1', name: 'one', qty: '4', note: 'n' } });
  assert.equal(rs.length, 1);
  assert.deepEqual(rs[0]!.key, { id: 1 });
  assert.equal(env(rs[0]!).op, 'u');
  assert.equal(env(rs[0]!).before, null);
  assert.deepEqual(env(rs[0]!).after, { id: 1, name: 'one', qty: 4, note: 'n' });
});

test('update under REPLICA IDENTITY FULL: before is the whole old row', () => {
  const rs = run({ kind: 'update', key: null, old: { id: '1', name: 'one', qty: '3', note: null }, after: { id: '1', name: 'uno', qty: '3', note: null } }, {}, fullItems);
  assert.equal(rs.length, 1);
  assert.equal(rs[0]!.topic, 'srv.public.full_items');
  assert.equal(env(rs[0]!).op, 'u');
  assert.deepEqual(env(rs[0]!).before, { id: 1, name: 'one', qty: 3, note: null });
  assert.deepEqual(env(rs[0]!).after, { id: 1, name: 'uno', qty: 3, note: null });
});

test('update with an unchanged TOAST value: the placeholder in after', () => {
  const rs = run({ kind: 'update', key: null, old: null, after: { id: '1', name: 'one', qty: '4', note: undefined } });
  assert.equal(env(rs[0]!).after!.note, '__debezium_unavailable_value');
});

test('delete under DEFAULT identity: key-only before, required columns from default or zero, nullable null; then a tombstone', () => {
  const rs = run({ kind: 'delete', key: { id: '2' }, old: null });
  assert.equal(rs.length, 2);
  const [d, tomb] = rs as [SourceRecord, SourceRecord];
  assert.deepEqual(d.key, { id: 2 });
  assert.equal(env(d).op, 'd');
  // name: text NOT NULL without default -> ''; qty: NOT NULL DEFAULT 7 -> 7; note: nullable -> null
  assert.deepEqual(env(d).before, { id: 2, name: '', qty: 7, note: null });
  assert.equal(env(d).after, null);
  assert.deepEqual(tomb.key, { id: 2 });
  assert.equal(tomb.keySchema, items.keySchema);
  assert.equal(tomb.value, null);
  assert.equal(tomb.valueSchema, null);
  assert.equal(tomb.topic, d.topic);
});

test('delete under FULL identity: before is the old row', () => {
  const rs = run({ kind: 'delete', key: null, old: { id: '2', name: 'two', qty: '9', note: 'x' } }, {}, fullItems);
  assert.deepEqual(env(rs[0]!).before, { id: 2, name: 'two', qty: 9, note: 'x' });
  assert.equal(rs[1]!.value, null);
});

test('delete with tombstones.on.delete=false: no tombstone', () => {
  const rs = run({ kind: 'delete', key: { id: '2' }, old: null }, { tombstonesOnDelete: false });
  assert.equal(rs.length, 1);
  assert.equal(env(rs[0]!).op, 'd');
});

test('delete on a table without a key (REPLICA IDENTITY FULL): a tombstone with a null key follows, as in Debezium', () => {
  const keyless = model({ ...ITEMS, name: 'keyless', oid: 16400, keyColumns: [], replicaIdentity: 'f', columns: ITEMS.columns.map((c) => ({ ...c, isKey: false })) });
  assert.equal(keyless.keySchema, null);
  const rs = run({ kind: 'delete', key: null, old: { id: '2', name: 'two', qty: '9', note: null } }, {}, keyless);
  assert.equal(rs.length, 2);
  assert.equal(rs[0]!.key, null);
  assert.equal(env(rs[0]!).op, 'd');
  assert.deepEqual([rs[1]!.topic, rs[1]!.key, rs[1]!.keySchema, rs[1]!.value, rs[1]!.valueSchema], [keyless.topic, null, null, null, null]);
  assert.equal(run({ kind: 'delete', key: null, old: { id: '2', name: 'two', qty: '9', note: null } }, { tombstonesOnDelete: false }, keyless).length, 1);
});

test('extended headers: the four __debezium.context.* headers on every change record and tombstone, after the key headers', () => {
  const ctx = debeziumContextHeaders('srv', 0, '3f1c2a9e-0000-4000-8000-000000000001');
  assert.deepEqual(Object.entries(ctx), [
    ['__debezium.context.connectorLogicalName', 'srv'],
    ['__debezium.context.taskId', '0'],
    ['__debezium.context.connectorName', 'postgresql'],
    ['__debezium.context.runId', '3f1c2a9e-0000-4000-8000-000000000001'],
  ]);
  const o = { contextHeaders: ctx, skippedOperations: new Set<Op>() };
  const all = [
    ...run({ kind: 'read', after: { id: '1', name: 'a', qty: '1', note: null } }, o),
    ...run({ kind: 'insert', after: { id: '1', name: 'a', qty: '1', note: null } }, o),
    ...run({ kind: 'update', key: null, old: null, after: { id: '1', name: 'b', qty: '1', note: null } }, o),
    ...run({ kind: 'delete', key: { id: '1' }, old: null }, o),
    ...run({ kind: 'truncate' }, o),
  ];
  assert.equal(all.length, 6);
  // Strings with Connect's STRING schema (Headers.addString), one shared list for every record of a run: no copy per record.
  const list = Object.entries(ctx).map(([key, value]) => ({ key, schema: S.string(), value }));
  for (const r of all) assert.deepEqual(r.headers, list);
  assert.ok(all.every((r) => r.headers === all[0]!.headers));
  const keyChange = run({ kind: 'update', key: { id: '1' }, old: null, after: { id: '2', name: 'b', qty: '1', note: null } }, o);
  assert.deepEqual(keyChange.map((r) => r.headers!.map((h) => h.key)), [
    ['__debezium.newkey', ...Object.keys(ctx)], ['__debezium.newkey', ...Object.keys(ctx)], ['__debezium.oldkey', ...Object.keys(ctx)],
  ]);
  // extended.headers.enabled=false: none
  assert.equal(run({ kind: 'insert', after: { id: '1', name: 'a', qty: '1', note: null } }, { contextHeaders: null })[0]!.headers, undefined);
});

test('primary-key change: delete(old key) + tombstone + create(new key), with the key headers', () => {
  const tx = blocks();
  const rs = changeRecords(items, { kind: 'update', key: { id: '1' }, old: null, after: { id: '100', name: 'one', qty: '3', note: null } }, source, tx.next, opts());
  assert.equal(rs.length, 3);
  const [d, tomb, c] = rs as [SourceRecord, SourceRecord, SourceRecord];
  assert.deepEqual(d.key, { id: 1 });
  assert.equal(env(d).op, 'd');
  assert.deepEqual(env(d).before, { id: 1, name: '', qty: 7, note: null });
  assert.equal(env(d).after, null);
  assert.deepEqual(d.headers, [{ key: '__debezium.newkey', schema: items.keySchema, value: { id: 100 } }]);
  assert.deepEqual(tomb.key, { id: 1 });
  assert.equal(tomb.value, null);
  // Debezium's tombstone copies the delete's headers
  assert.deepEqual(tomb.headers, d.headers);
  assert.deepEqual(c.key, { id: 100 });
  assert.equal(env(c).op, 'c');
  assert.equal(env(c).before, null);
  assert.deepEqual(env(c).after, { id: 100, name: 'one', qty: 3, note: null });
  assert.deepEqual(c.headers, [{ key: '__debezium.oldkey', schema: items.keySchema, value: { id: 1 } }]);
  // one transaction block per data event, none for the tombstone
  assert.equal(tx.calls(), 2);
  assert.equal(env(d).transaction!.total_order, 1n);
  assert.equal(env(c).transaction!.total_order, 2n);
});

test('primary-key change under FULL identity: the delete carries the whole old row', () => {
  const rs = run({ kind: 'update', key: null, old: { id: '1', name: 'one', qty: '3', note: 'n' }, after: { id: '2', name: 'one', qty: '3', note: 'n' } }, {}, fullItems);
  assert.deepEqual(rs.map((r) => (r.value === null ? 'tombstone' : env(r).op)), ['d', 'tombstone', 'c']);
  assert.deepEqual(env(rs[0]!).before, { id: 1, name: 'one', qty: 3, note: 'n' });
});

test('primary-key change with tombstones off, and with d or c skipped', () => {
  const change: RowChange = { kind: 'update', key: { id: '1' }, old: null, after: { id: '100', name: 'one', qty: '3', note: null } };
  const shape = (o: Partial<EventOptions>) => run(change, o).map((r) => (r.value === null ? 'tombstone' : env(r).op));
  assert.deepEqual(shape({ tombstonesOnDelete: false }), ['d', 'c']);
  assert.deepEqual(shape({ skippedOperations: new Set<Op>(['d']) }), ['c']);
  assert.deepEqual(shape({ skippedOperations: new Set<Op>(['c']) }), ['d', 'tombstone']);
  // a key change is not an update: skipping u leaves it alone
  assert.deepEqual(shape({ skippedOperations: new Set<Op>(['u']) }), ['d', 'tombstone', 'c']);
});

test('an update whose key columns are sent but unchanged stays an update', () => {
  // REPLICA IDENTITY FULL sends the old row even when the key did not change.
  const rs = run({ kind: 'update', key: null, old: { id: '1', name: 'a', qty: '1', note: null }, after: { id: '1', name: 'b', qty: '1', note: null } }, {}, fullItems);
  assert.deepEqual(rs.map((r) => env(r).op), ['u']);
});

test('truncate: skipped by default (skipped.operations contains t)', () => {
  assert.deepEqual(run({ kind: 'truncate' }), []);
});

test('truncate when not skipped: one record, key null, before and after null, op t', () => {
  const tx = blocks();
  const rs = changeRecords(items, { kind: 'truncate' }, source, tx.next, opts({ skippedOperations: new Set<Op>() }));
  assert.equal(rs.length, 1);
  const r = rs[0]!;
  assert.equal(r.topic, 'srv.public.items');
  assert.equal(r.key, null);
  assert.equal(r.keySchema, null);
  assert.equal(r.valueSchema, items.envelope);
  assert.equal(env(r).op, 't');
  assert.equal(env(r).before, null);
  assert.equal(env(r).after, null);
  assert.equal(tx.calls(), 1);
});

test('skipped.operations c, u, d drop exactly those events (and call no transaction block)', () => {
  const ins: RowChange = { kind: 'insert', after: { id: '1', name: 'a', qty: '1', note: null } };
  const upd: RowChange = { kind: 'update', key: null, old: null, after: { id: '1', name: 'b', qty: '1', note: null } };
  const del: RowChange = { kind: 'delete', key: { id: '1' }, old: null };
  const skip = (...ops: Op[]) => opts({ skippedOperations: new Set<Op>(ops) });
  for (const [change, op] of [[ins, 'c'], [upd, 'u'], [del, 'd']] as const) {
    const tx = blocks();
    assert.deepEqual(changeRecords(items, change, source, tx.next, skip(op)), [], `${op} skipped`);
    assert.equal(tx.calls(), 0, `${op}: no transaction order consumed by a skipped event`);
  }
  // the others still pass
  assert.equal(changeRecords(items, ins, source, noTx, skip('u', 'd')).length, 1);
  assert.equal(changeRecords(items, upd, source, noTx, skip('c', 'd')).length, 1);
  assert.equal(changeRecords(items, del, source, noTx, skip('c', 'u')).length, 2);
  // a snapshot read is not a create
  assert.equal(changeRecords(items, { kind: 'read', after: ins.after }, source, noTx, skip('c')).length, 1);
});
