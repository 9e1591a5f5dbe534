import { test } from 'node:test';
import assert from 'node:assert/strict';
import { S } from '../../src/events/schema.ts';
import { ORDERS, ORDERS_ALTERED } from '../../test/helpers/mysql-tables.ts';
import type { TableName } from './ddl-parse.ts';
import { handleDdl, type DdlHandlerDeps } from './ddl-handler.ts';
import type { MySqlSourceFacts } from './event-model.ts';
import { HistoryReplay } from './schema-history.ts';
import type { MySqlTable } from './table-schema.ts';

const facts: MySqlSourceFacts = {
  serverName: 'shop', db: 'shop', table: null, tsMs: 1_700_000_000_000, snapshot: 'false', serverId: 1, gtid: '0-1-101',
  file: 'mariadb-bin.000002', pos: 1500, row: 0, thread: 7, query: null,
};
const position = { file: 'mariadb-bin.000002', pos: 2000, gtids: '0-1-101', server_id: 1 };

function deps(current: Record<string, MySqlTable>, over: Partial<DdlHandlerDeps> = {}): DdlHandlerDeps & { reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    server: 'shop', flavour: 'mariadb', includeSchemaChanges: true,
    history: { topic: 'schema-history.shop', skipUnparseableDdl: false, storeOnlyCapturedTables: false, storeOnlyCapturedDatabases: false },
    filter: { database: (db) => db === 'shop', table: (t: TableName) => t.db === 'shop' },
    readTable: async (t) => {
      reads.push(`${t.db}.${t.table}`);
      const table = current[`${t.db}.${t.table}`];
      return table ? { table, options: { defaultCharsetName: 'utf8mb4', comment: null } } : null;
    },
    before: () => undefined,
    databaseCharset: async () => 'utf8mb4',
    tablesOfDb: (db) => (db === 'shop' ? [{ db: 'shop', table: 'orders' }] : []),
    sourceBlock: (f) => ({ schema: S.struct('io.debezium.connector.mariadb.Source', [S.field('db', S.string()), S.field('table', S.optional(S.string()))], { version: 1 }), value: { db: f.db, table: f.table } }),
    ...over,
  };
}

test('an ALTER: definition read once right away, history record and schema change record built from it', async () => {
  const d = deps({ 'shop.orders': ORDERS_ALTERED });
  const out = await handleDdl({ db: 'shop', query: 'ALTER TABLE orders ADD COLUMN extra INT NOT NULL DEFAULT 7' }, position, facts, 1_700_000_000_900, d, 'binlog mariadb-bin.000002:1500');
  assert.deepEqual(d.reads, ['shop.orders']);
  assert.deepEqual([...out.tables], [['shop.orders', ORDERS_ALTERED]]);
  assert.equal(out.notRecorded, null);
  assert.equal(out.internalRecords.length, 1);
  const replay = new HistoryReplay('shop', position);
  replay.apply(out.internalRecords[0]!.value, 'h');
  assert.deepEqual(replay.table('shop', 'orders'), ORDERS_ALTERED);
  assert.equal(out.schemaChanges.length, 1);
  const sc = out.schemaChanges[0]!;
  assert.deepEqual([sc.topic, sc.key, (sc.value as { source: unknown }).source], ['shop', { databaseName: 'shop' }, { db: 'shop', table: 'orders' }]);
});

test('RENAME and DROP DATABASE: old names become null; TRUNCATE: a truncate for captured tables, nothing recorded', async () => {
  const r = await handleDdl({ db: 'shop', query: 'RENAME TABLE orders TO orders_v2' }, position, facts, 1, deps({ 'shop.orders_v2': { ...ORDERS, name: 'orders_v2' } }), 'w');
  assert.deepEqual([...r.tables.keys()], ['shop.orders', 'shop.orders_v2']);
  assert.equal(r.tables.get('shop.orders'), null);
  const dd = await handleDdl({ db: '', query: 'DROP DATABASE shop' }, position, facts, 1, deps({}), 'w');
  assert.deepEqual([...dd.tables], [['shop.orders', null]]);
  assert.deepEqual(JSON.parse(dd.internalRecords[0]!.value as string).tableChanges, [{ type: 'DROP', id: '"shop"."orders"' }]);
  assert.equal((dd.schemaChanges[0]!.value as { source: { table: unknown } }).source.table, null);
  const tr = await handleDdl({ db: 'shop', query: 'TRUNCATE TABLE orders' }, position, facts, 1, deps({}), 'w');
  assert.deepEqual([tr.truncated, tr.internalRecords.length, tr.schemaChanges.length], [[{ db: 'shop', table: 'orders' }], 0, 0]);
  assert.match(tr.notRecorded!, /TRUNCATE/);
  const other = await handleDdl({ db: 'x', query: 'TRUNCATE TABLE t' }, position, facts, 1, deps({}), 'w');
  assert.deepEqual(other.truncated, []);
});

test('include.schema.changes=false: history only; store.only.captured.databases.ddl keeps other databases out of both', async () => {
  const off = await handleDdl({ db: 'shop', query: 'CREATE TABLE orders (id INT)' }, position, facts, 1, deps({ 'shop.orders': ORDERS }, { includeSchemaChanges: false }), 'w');
  assert.deepEqual([off.internalRecords.length, off.schemaChanges.length], [1, 0]);
  const d = deps({ 'other.t': ORDERS }, { history: { topic: 'h', skipUnparseableDdl: false, storeOnlyCapturedTables: false, storeOnlyCapturedDatabases: true } });
  const out = await handleDdl({ db: 'other', query: 'ALTER TABLE t ADD x INT' }, position, facts, 1, d, 'w');
  assert.deepEqual([out.internalRecords.length, out.schemaChanges.length], [0, 0]);
  assert.match(out.notRecorded!, /store\.only\.captured\.databases\.ddl/);
  // by default Debezium records and emits DDL of every database
  const all = await handleDdl({ db: 'other', query: 'ALTER TABLE t ADD x INT' }, position, facts, 1, deps({ 'other.t': ORDERS }), 'w');
  assert.deepEqual([all.internalRecords.length, all.schemaChanges.length, all.schemaChanges[0]!.key], [1, 1, { databaseName: 'other' }]);
});

test('an unreadable DDL fails with the statement named, or is skipped and said so', async () => {
  await assert.rejects(handleDdl({ db: 'shop', query: 'FROBNICATE TABLE orders' }, position, facts, 1, deps({}), 'binlog f:1'), /CDC_MYSQL_DDL_UNPARSEABLE|FROBNICATE/);
  const d = deps({}, { history: { topic: 'h', skipUnparseableDdl: true, storeOnlyCapturedTables: false, storeOnlyCapturedDatabases: false } });
  const out = await handleDdl({ db: 'shop', query: 'FROBNICATE TABLE orders' }, position, facts, 1, d, 'w');
  assert.deepEqual([out.parse.kind, out.internalRecords.length], ['unknown', 0]);
  assert.match(out.notRecorded!, /skip\.unparseable\.ddl=true/);
});

test('a DDL read after later ALTERs: the history records what this statement left, not what information_schema shows now', async () => {
  const col = (name: string, over: Partial<MySqlTable['columns'][number]> = {}): MySqlTable['columns'][number] => ({
    name, position: 1, dataType: 'int', columnType: 'int(11)', unsigned: false, length: null, precision: 10, scale: 0, fsp: 0, charset: null,
    nullable: true, defaultValue: null, defaultIsExpression: false, autoIncrement: false, generated: false, comment: '', ...over,
  });
  const before: MySqlTable = { db: 'shop', name: 'orders', columns: [col('id', { nullable: false })], primaryKey: ['id'] };
  // information_schema now: qty's default is 9 (a later ALTER) and a later column `late` exists
  const now: MySqlTable = { ...before, columns: [...before.columns, col('qty', { position: 2, defaultValue: '9' }), col('late', { position: 3 })] };
  const d = deps({ 'shop.orders': now }, { before: (t) => (t.table === 'orders' ? before : undefined) });
  const out = await handleDdl({ db: 'shop', query: 'ALTER TABLE orders ADD COLUMN qty INT DEFAULT 5' }, position, facts, 1, d, 'w');
  const got = out.tables.get('shop.orders')!;
  assert.deepEqual(got.columns.map((c) => [c.name, c.defaultValue, c.position]), [['id', null, 1], ['qty', '5', 2]]);
  assert.deepEqual(out.readFromServer, []);
  const replay = new HistoryReplay('shop', position);
  replay.apply(out.internalRecords[0]!.value, 'h');
  assert.deepEqual(replay.table('shop', 'orders')!.columns.map((c) => c.name), ['id', 'qty']);
  // a statement the interpreter declines takes information_schema's definition, and says why
  const conv = await handleDdl({ db: 'shop', query: 'ALTER TABLE orders CONVERT TO CHARACTER SET utf8mb4' }, position, facts, 1, d, 'w');
  assert.deepEqual(conv.tables.get('shop.orders'), now);
  assert.match(conv.readFromServer[0]!.why, /CONVERT TO/);
});
