/**
 * Records of MySQL/MariaDB row changes, pure: envelopes for r/c/u/d, tombstones, a key change as
 * delete + tombstone + create with Debezium's key headers, skipped.operations as the binlog
 * connectors apply it (by row event type), extended headers and the transaction block.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import avro from 'avsc';
import { compileDatumConverter } from '../../src/serde/avro-datum.ts';
import { exactLongOptions } from '../../src/serde/avro-long-type.ts';
import { connectToAvro } from '../../src/serde/avro-schema.ts';
import type { Clock, EnvelopeValue, Op, TransactionBlock } from '../../src/events/envelope.ts';
import type { SourceRecord } from '../../src/events/record.ts';
import { ITEMS_TABLE, modelSettingsFor, mysqlTable, TYPES_TABLE } from '../../test/doubles/mysql-tables.ts';
import { changeRecords, debeziumContextHeaders, eventOptions, sameKey, truncateRecords } from './change-events.ts';
import { connectFrameworkConfigDef } from '../../src/config/connect-framework-fields.ts';
import { MARIADB_CONFIG_DEF, MARIADB_CONNECTOR_CLASS } from './config-spec.ts';
import { readMysqlTaskConfig } from './config-task.ts';
import type { MySqlEventOptions, MySqlRowChange, MySqlSourceFacts } from './event-model.ts';
import { sourceValue } from './source-info.ts';
import { buildTableModel } from './table-model.ts';

const NOW_NS = 1_700_000_000_123_456_789n;
const clock: Clock = { nowMs: () => Number(NOW_NS / 1_000_000n), nowNs: () => NOW_NS };
const SOURCE: MySqlSourceFacts = {
  serverName: 'shop', db: 'inventory', table: 'items', tsMs: 1_716_900_000_000, snapshot: 'false',
  serverId: 7, gtid: '0-7-99', file: 'bin.000002', pos: 4_000, row: 0, thread: 12, query: null,
};
const OPTS: MySqlEventOptions = { tombstonesOnDelete: true, skippedOperations: new Set<Op>(['t']), contextHeaders: null, clock };
const model = buildTableModel(ITEMS_TABLE, modelSettingsFor());

const env = (r: SourceRecord) => r.value as EnvelopeValue;
const run = (change: MySqlRowChange, opts: Partial<MySqlEventOptions> = {}, tx: TransactionBlock | null | (() => TransactionBlock | null) = null) =>
  changeRecords(model, change, SOURCE, tx, { ...OPTS, ...opts });
const row = (id: number, name = 'pen') => ({ id, name, qty: 2, note: null });

test('insert: key struct, envelope c with after only, MariaDB source block, processing time from the clock, no headers or timestamp', () => {
  const [r, ...rest] = run({ kind: 'insert', after: row(1) });
  assert.equal(rest.length, 0);
  assert.equal(r!.topic, 'shop.inventory.items');
  assert.equal(r!.keySchema, model.keySchema);
  assert.deepEqual(r!.key, { id: 1 });
  assert.equal(r!.valueSchema, model.envelopeSchema);
  assert.deepEqual(r!.value, {
    before: null, after: { id: 1, name: 'pen', qty: 2, note: null }, source: sourceValue('mariadb', SOURCE), transaction: null, op: 'c',
    ts_ms: 1_700_000_000_123n, ts_us: 1_700_000_000_123_456n, ts_ns: NOW_NS,
  });
  assert.equal(env(r!).source.connector, 'mariadb');
  assert.ok(!('headers' in r!));
  assert.ok(!('timestamp' in r!), 'Debezium leaves the record timestamp to the producer');
});

test('snapshot read: op r, never skipped; the MySQL connector names itself mysql', () => {
  const mysqlModel = buildTableModel(ITEMS_TABLE, modelSettingsFor({ flavour: 'mysql' }));
  const recs = changeRecords(mysqlModel, { kind: 'read', after: row(1) }, { ...SOURCE, snapshot: 'first', thread: null }, null,
    { ...OPTS, skippedOperations: new Set<Op>(['c', 'u', 'd', 't']) });
  assert.equal(recs.length, 1);
  assert.equal(env(recs[0]!).op, 'r');
  assert.equal(env(recs[0]!).source.connector, 'mysql');
  assert.equal(env(recs[0]!).source.snapshot, 'first');
});

test('update with the same key: one u with the full before and after images', () => {
  const recs = run({ kind: 'update', before: row(1, 'pen'), after: row(1, 'ink') });
  assert.equal(recs.length, 1);
  assert.deepEqual(recs[0]!.key, { id: 1 });
  assert.equal(env(recs[0]!).op, 'u');
  assert.equal(env(recs[0]!).before!.name, 'pen');
  assert.equal(env(recs[0]!).after!.name, 'ink');
});

test('update that changes the key: d (newkey header) + tombstone (same headers) + c (oldkey header), each with its own transaction block', () => {
  let order = 0;
  const tx = () => ({ id: '0-7-99', total_order: BigInt(++order), data_collection_order: BigInt(order) });
  const ctx = debeziumContextHeaders('shop', 0, 'run-1', 'mariadb');
  const recs = run({ kind: 'update', before: row(1), after: row(2) }, { contextHeaders: ctx }, tx);
  assert.deepEqual(recs.map((r) => [r.key, r.value === null ? 'tombstone' : env(r).op]), [[{ id: 1 }, 'd'], [{ id: 1 }, 'tombstone'], [{ id: 2 }, 'c']]);
  const [del, tomb, cre] = recs as [SourceRecord, SourceRecord, SourceRecord];
  assert.deepEqual(env(del).before, { id: 1, name: 'pen', qty: 2, note: null });
  assert.equal(env(del).after, null);
  assert.deepEqual(env(cre).after, { id: 2, name: 'pen', qty: 2, note: null });
  assert.equal(env(cre).before, null);
  const ctxKeys = ['__debezium.context.connectorLogicalName', '__debezium.context.taskId', '__debezium.context.connectorName', '__debezium.context.runId'];
  assert.deepEqual(del.headers!.map((h) => h.key), ['__debezium.newkey', ...ctxKeys]);
  assert.deepEqual(del.headers![0], { key: '__debezium.newkey', schema: model.keySchema, value: { id: 2 } });
  assert.equal(tomb.headers, del.headers);
  assert.equal(tomb.valueSchema, null);
  assert.deepEqual(cre.headers!.map((h) => h.key), ['__debezium.oldkey', ...ctxKeys]);
  assert.deepEqual(cre.headers![0], { key: '__debezium.oldkey', schema: model.keySchema, value: { id: 1 } });
  assert.equal(cre.headers![3]!.value, 'mariadb');
  assert.deepEqual([env(del).transaction!.total_order, env(cre).transaction!.total_order], [1n, 2n]);
  assert.equal(run({ kind: 'update', before: row(1), after: row(2) }, { tombstonesOnDelete: false }).length, 2);
});

test('delete: d with the before image, then a tombstone with the same key; none when tombstones.on.delete=false', () => {
  const recs = run({ kind: 'delete', before: row(3) });
  assert.equal(recs.length, 2);
  assert.equal(env(recs[0]!).op, 'd');
  assert.deepEqual(env(recs[0]!).before, { id: 3, name: 'pen', qty: 2, note: null });
  assert.deepEqual(recs[1], { topic: 'shop.inventory.items', keySchema: model.keySchema, key: { id: 3 }, valueSchema: null, value: null });
  assert.equal(run({ kind: 'delete', before: row(3) }, { tombstonesOnDelete: false }).length, 1);
});

test('a table without a key: null keys, updates never become key changes, deletes still get a tombstone', () => {
  const keyless = buildTableModel(mysqlTable('inventory', 'log', [['msg', 'text']], []), modelSettingsFor());
  const up = changeRecords(keyless, { kind: 'update', before: { msg: 'a' }, after: { msg: 'b' } }, SOURCE, null, OPTS);
  assert.deepEqual(up.map((r) => [r.key, env(r).op]), [[null, 'u']]);
  const del = changeRecords(keyless, { kind: 'delete', before: { msg: 'b' } }, SOURCE, null, OPTS);
  assert.deepEqual(del.map((r) => [r.key, r.value === null]), [[null, false], [null, true]]);
});

test('skipped.operations by row event type, as the binlog connectors skip: u drops key changes too, c and d do not', () => {
  const insert: MySqlRowChange = { kind: 'insert', after: row(1) };
  const keyChange: MySqlRowChange = { kind: 'update', before: row(1), after: row(2) };
  const update: MySqlRowChange = { kind: 'update', before: row(1, 'a'), after: row(1, 'b') };
  const del: MySqlRowChange = { kind: 'delete', before: row(1) };
  const ops = (change: MySqlRowChange, skip: Op[]) => run(change, { skippedOperations: new Set(skip) }).map((r) => (r.value === null ? 'tombstone' : env(r).op));
  assert.deepEqual(ops(insert, ['c']), []);
  assert.deepEqual(ops(keyChange, ['c']), ['d', 'tombstone', 'c']);
  assert.deepEqual(ops(keyChange, ['d']), ['d', 'tombstone', 'c']);
  assert.deepEqual(ops(keyChange, ['u']), []);
  assert.deepEqual(ops(update, ['u']), []);
  assert.deepEqual(ops(update, ['c', 'd']), ['u']);
  assert.deepEqual(ops(del, ['d']), []);
  assert.deepEqual(ops(del, ['c', 'u', 't']), ['d', 'tombstone']);
});

test('extended headers on every record, in DebeziumHeaderProducer order; shared list when no key header', () => {
  const ctx = debeziumContextHeaders('shop', 3, 'f00', 'mysql');
  assert.deepEqual(ctx, {
    '__debezium.context.connectorLogicalName': 'shop', '__debezium.context.taskId': '3',
    '__debezium.context.connectorName': 'mysql', '__debezium.context.runId': 'f00',
  });
  const [d, t] = run({ kind: 'delete', before: row(1) }, { contextHeaders: ctx });
  assert.deepEqual(d!.headers!.map((h) => [h.key, h.value]), Object.entries(ctx));
  assert.equal(t!.headers, d!.headers);
  const [c] = run({ kind: 'insert', after: row(2) }, { contextHeaders: ctx });
  assert.equal(c!.headers, d!.headers, 'one list per context');
});

test('transaction block: a fixed block is used as given', () => {
  const block = { id: 'file=bin.000002,pos=4000', total_order: 1n, data_collection_order: 1n };
  const [r] = run({ kind: 'insert', after: row(1) }, {}, block);
  assert.equal(env(r!).transaction, block);
});

test('truncate: dropped by default (skipped.operations=t), else a keyless t envelope', () => {
  assert.deepEqual(truncateRecords(model, SOURCE, null, OPTS), []);
  const [t] = truncateRecords(model, SOURCE, null, { ...OPTS, skippedOperations: new Set() });
  assert.equal(t!.key, null);
  assert.equal(t!.keySchema, null);
  assert.equal(env(t!).op, 't');
  assert.equal(env(t!).before, null);
  assert.equal(env(t!).after, null);
});

test('sameKey compares bytes by content', () => {
  assert.ok(sameKey({ k: Buffer.from([1]) }, { k: Buffer.from([1]) }));
  assert.ok(!sameKey({ k: Buffer.from([1]) }, { k: Buffer.from([2]) }));
  assert.ok(!sameKey({ k: 1 }, null));
  assert.ok(sameKey(null, null));
});

test('every type family goes through Avro: the envelope of a reader row encodes under its registered schema and reads back', () => {
  const types = buildTableModel(TYPES_TABLE, modelSettingsFor({ flavour: 'mysql' }));
  const [r] = changeRecords(types, {
    kind: 'insert',
    after: {
      id: 1, b1: 1, tiu: 255, si: -32768, siu: 65535, mi: -8388608, i: -2147483648, iu: 4294967295,
      bi: '-9223372036854775808', biu: '18446744073709551615', d: '-999.99', f: 3.25, dbl: -1.0000000000000002,
      bit1: Buffer.from([1]), bit10: Buffer.from([0x02, 0x01]), c: 'ab', vc: 'héllo', lat: 'café €', tx: '',
      bn: Buffer.from([1, 2]), vb: Buffer.from([0xff]), bl: Buffer.alloc(0), dt: '2024-02-29', dtm0: '2024-02-29 23:59:59',
      dtm6: '2024-02-29 23:59:59.999999', ts6: '2038-01-19 03:14:07.5', tm6: '25:00:00.000001', y: 1901, js: '[]', e: 'a', st: '', g: Buffer.alloc(25), zd: '2020-05-00',
    },
  }, { ...SOURCE, query: 'INSERT ...' }, { id: 'g', total_order: 1n, data_collection_order: 1n }, OPTS);
  const type = avro.Type.forSchema(JSON.parse(connectToAvro(types.envelopeSchema).text), exactLongOptions());
  const back = type.fromBuffer(type.toBuffer(compileDatumConverter(types.envelopeSchema)(r!.value))) as Record<string, Record<string, unknown>>;
  const after = back.after!;
  assert.equal(after.bi, -9223372036854775808n);
  assert.equal(after.biu, -1n);
  assert.equal(after.dtm6, 1709251199999999n);
  assert.equal(after.ts6, '2038-01-19T03:14:07.500000Z');
  assert.equal(after.tm6, 90000000001n);
  assert.equal(after.zd, 10957, 'a zero-day date in a NOT NULL column reads as its default');
  assert.equal(back.source!.connector, 'mysql');
  assert.equal(back.source!.query, 'INSERT ...');
  assert.equal(back.op, 'c');
});

test('eventOptions from the config: Debezium defaults (tombstones on, truncates skipped, extended headers on) and their opposites', () => {
  const def = connectFrameworkConfigDef().merge(MARIADB_CONFIG_DEF);
  const base = { name: 'inv', 'connector.class': MARIADB_CONNECTOR_CLASS, 'database.hostname': 'db', 'database.user': 'u', 'topic.prefix': 'shop' };
  const d = eventOptions(readMysqlTaskConfig(def.parse(base, 'c')), 2, 'r1');
  assert.equal(d.tombstonesOnDelete, true);
  assert.deepEqual([...d.skippedOperations], ['t']);
  assert.equal(d.contextHeaders?.['__debezium.context.connectorName'], 'mariadb');
  assert.equal(d.contextHeaders?.['__debezium.context.taskId'], '2');
  const o = eventOptions(readMysqlTaskConfig(def.parse({ ...base, 'tombstones.on.delete': 'false', 'skipped.operations': 'none', 'extended.headers.enabled': 'false' }, 'c')), 0, 'r2', clock);
  assert.equal(o.tombstonesOnDelete, false);
  assert.equal(o.skippedOperations.size, 0);
  assert.equal(o.contextHeaders, null);
  assert.equal(o.clock, clock);
});
