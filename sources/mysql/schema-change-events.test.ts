import { test } from 'node:test';
import assert from 'node:assert/strict';
import avro from 'avsc';
import { S } from '../../src/events/schema.ts';
import { avroSchemaText } from '../../src/serde/avro-schema.ts';
import { compileDatumConverter } from '../../src/serde/avro-datum.ts';
import { exactLongOptions } from '../../src/serde/avro-long-type.ts';
import { ORDERS } from '../../test/helpers/mysql-tables.ts';
import type { MySqlSourceFacts } from './event-model.ts';
import { changesByDatabase, schemaChangeRecord, type SourceBlock } from './schema-change-events.ts';
import { parseDdl } from './ddl-parse.ts';
import { tableChange } from './table-changes.ts';

/** A stand-in for source-info.ts: a few of Debezium's source fields. */
const sourceBlock: SourceBlock = (f) => ({
  schema: S.struct('io.debezium.connector.mysql.Source', [
    S.field('connector', S.string()), S.field('name', S.string()), S.field('ts_ms', S.int64()), S.field('db', S.string()),
    S.field('table', S.optional(S.string())), S.field('file', S.string()), S.field('pos', S.int64()),
  ], { version: 1 }),
  value: { connector: 'mysql', name: f.serverName, ts_ms: f.tsMs, db: f.db, table: f.table, file: f.file, pos: f.pos },
});

const facts: MySqlSourceFacts = {
  serverName: 'shop', db: 'shop', table: null, tsMs: 1_700_000_000_000, snapshot: 'false', serverId: 1, gtid: '0-1-101',
  file: 'mariadb-bin.000002', pos: 1500, row: 0, thread: 7, query: null,
};

const DDL = 'ALTER TABLE orders ADD COLUMN extra INT';

function build(flavour: 'mysql' | 'mariadb') {
  return schemaChangeRecord({
    topicPrefix: 'shop', flavour, facts, databaseName: 'shop', ddl: DDL, nowMs: 1_700_000_000_123,
    tableChanges: [tableChange('ALTER', { db: 'shop', table: 'orders' }, ORDERS, { defaultCharsetName: 'utf8mb4', comment: 'the orders' }, { db: 'shop', table: 'o' }), tableChange('DROP', { db: 'shop', table: 'x' }, null, null)],
  }, sourceBlock);
}

test('schema change record: topic <topic.prefix>, partition 0, Debezium\'s key and value schemas', () => {
  const r = build('mysql');
  assert.deepEqual([r.topic, r.kafkaPartition], ['shop', 0]);
  assert.deepEqual(r.keySchema, { type: 'struct', optional: false, name: 'io.debezium.connector.mysql.SchemaChangeKey', version: 1, fields: [{ name: 'databaseName', schema: { type: 'string', optional: false } }] });
  assert.deepEqual(r.key, { databaseName: 'shop' });
  const v = r.valueSchema!;
  assert.deepEqual([v.name, v.version], ['io.debezium.connector.mysql.SchemaChangeValue', 1]);
  assert.deepEqual(v.fields!.map((f) => `${f.name}:${f.schema.type}${f.schema.optional ? '?' : ''}`), ['source:struct', 'ts_ms:int64', 'databaseName:string?', 'schemaName:string?', 'ddl:string?', 'tableChanges:array']);
  const change = v.fields![5]!.schema.items!;
  assert.deepEqual([change.name, change.version, change.fields!.map((f) => f.name)], ['io.debezium.connector.schema.Change', 1, ['type', 'id', 'table']]);
  const table = change.fields![2]!.schema;
  assert.deepEqual([table.name, table.optional, table.fields!.map((f) => f.name)], ['io.debezium.connector.schema.Table', true, ['defaultCharsetName', 'primaryKeyColumnNames', 'columns', 'comment']]);
  const column = table.fields![2]!.schema.items!;
  assert.deepEqual([column.name, column.fields!.map((f) => `${f.name}${f.schema.optional ? '?' : ''}`)], ['io.debezium.connector.schema.Column', [
    'name', 'jdbcType', 'nativeType?', 'typeName', 'typeExpression?', 'charsetName?', 'length?', 'scale?', 'position', 'optional?',
    'autoIncremented?', 'generated?', 'comment?', 'defaultValueExpression?', 'enumValues?',
  ]]);
  assert.equal(build('mariadb').valueSchema!.name, 'io.debezium.connector.mariadb.SchemaChangeValue');
  assert.equal(build('mariadb').keySchema!.name, 'io.debezium.connector.mariadb.SchemaChangeKey');
});

test('schema change value: source block passed through, table changes as Connect structs (comment in the table, no attributes)', () => {
  const v = build('mysql').value as Record<string, any>;
  assert.deepEqual(v.source, { connector: 'mysql', name: 'shop', ts_ms: 1_700_000_000_000, db: 'shop', table: null, file: 'mariadb-bin.000002', pos: 1500 });
  assert.deepEqual([v.ts_ms, v.databaseName, v.schemaName, v.ddl], [1_700_000_000_123, 'shop', null, DDL]);
  const [alter, drop] = v.tableChanges;
  assert.deepEqual([alter.type, alter.id, Object.keys(alter)], ['ALTER', '"shop"."orders"', ['type', 'id', 'table']]);
  assert.deepEqual(Object.keys(alter.table), ['defaultCharsetName', 'primaryKeyColumnNames', 'columns', 'comment']);
  assert.deepEqual([alter.table.comment, alter.table.defaultCharsetName, alter.table.primaryKeyColumnNames], ['the orders', 'utf8mb4', ['id']]);
  assert.deepEqual(alter.table.columns[0], {
    name: 'id', jdbcType: -5, nativeType: null, typeName: 'BIGINT UNSIGNED', typeExpression: 'BIGINT UNSIGNED', charsetName: null, length: 20, scale: null,
    position: 1, optional: false, autoIncremented: true, generated: false, comment: null, defaultValueExpression: null, enumValues: null,
  });
  assert.deepEqual(alter.table.columns[4].enumValues, ["'new'", "'it''s'", "'a,b'"]);
  assert.deepEqual(drop, { type: 'DROP', id: '"shop"."x"', table: null });
});

test('schema change value encodes as Avro and decodes back', () => {
  const r = build('mariadb');
  const type = avro.Type.forSchema(JSON.parse(avroSchemaText(r.valueSchema!)), exactLongOptions());
  const decoded = type.fromBuffer(type.toBuffer(compileDatumConverter(r.valueSchema!)(r.value)));
  assert.equal(decoded.ddl, DDL);
  assert.equal(decoded.tableChanges.length, 2);
  assert.equal(decoded.tableChanges[0].table.columns[1].name, 'note');
  assert.equal(decoded.tableChanges[1].table, null);
  const keyType = avro.Type.forSchema(JSON.parse(avroSchemaText(r.keySchema!)), exactLongOptions());
  assert.deepEqual({ ...keyType.fromBuffer(keyType.toBuffer(compileDatumConverter(r.keySchema!)(r.key))) }, { databaseName: 'shop' });
});

test('one schema change record per database a DDL changes, keyed as Debezium keys it', () => {
  const groups = (sql: string, db: string) => changesByDatabase(parseDdl(sql, db), db).map((g) => `${g.databaseName}:${g.changes.length}`);
  assert.deepEqual(groups('ALTER TABLE shop.orders ADD x INT', 'other'), ['shop:1']);
  assert.deepEqual(groups('DROP TABLE a, shop.b, c', 'mine'), ['mine:2', 'shop:1']);
  assert.deepEqual(groups('RENAME TABLE a.t TO b.t', ''), ['b:1']);
  assert.deepEqual(groups('CREATE DATABASE x', 'y'), ['x:1']);
  assert.deepEqual(groups("CREATE USER 'u'", 'y'), ['y:0']);
  assert.deepEqual(groups('INSERT INTO t VALUES (1)', 'y'), []);
  assert.deepEqual(groups('FROB', 'y'), []);
});
