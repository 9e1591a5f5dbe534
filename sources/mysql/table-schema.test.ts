import { test } from 'node:test';
import assert from 'node:assert/strict';
import { columnFromInformationSchema, parseMembers, type InformationSchemaColumnRow } from './column-info.ts';
import { checkAgainstTableMap, jsonCheckedColumns, tableMapMismatch, type MySqlTable } from './table-schema.ts';

function row(name: string, dataType: string, columnType: string, extra: Partial<InformationSchemaColumnRow> = {}): InformationSchemaColumnRow {
  return {
    COLUMN_NAME: name, ORDINAL_POSITION: 1, COLUMN_DEFAULT: null, IS_NULLABLE: 'YES', DATA_TYPE: dataType, CHARACTER_MAXIMUM_LENGTH: null,
    NUMERIC_PRECISION: null, NUMERIC_SCALE: null, DATETIME_PRECISION: null, CHARACTER_SET_NAME: null, COLUMN_TYPE: columnType, EXTRA: '', COLUMN_COMMENT: '', ...extra,
  };
}

test('ENUM/SET members with quotes and commas', () => {
  assert.deepEqual(parseMembers("enum('a','it''s','c,d','')"), ['a', "it's", 'c,d', '']);
  assert.deepEqual(parseMembers("set('x')"), ['x']);
});

test("MariaDB defaults: quoted literals, NULL as a word, expressions; JSON from the json_valid CHECK", () => {
  const lit = columnFromInformationSchema(row('v', 'varchar', 'varchar(5)', { COLUMN_DEFAULT: "'it''s'" }), 'mariadb');
  assert.deepEqual([lit.defaultValue, lit.defaultIsExpression], ["it's", false]);
  assert.equal(columnFromInformationSchema(row('v', 'int', 'int(11)', { COLUMN_DEFAULT: 'NULL' }), 'mariadb').defaultValue, null);
  assert.deepEqual([columnFromInformationSchema(row('n', 'int', 'int(11)', { COLUMN_DEFAULT: '-4' }), 'mariadb').defaultIsExpression], [false]);
  const ts = columnFromInformationSchema(row('t', 'timestamp', 'timestamp', { COLUMN_DEFAULT: 'current_timestamp()' }), 'mariadb');
  assert.equal(ts.defaultIsExpression, true);
  const mysqlExpr = columnFromInformationSchema(row('t', 'timestamp', 'timestamp', { COLUMN_DEFAULT: 'CURRENT_TIMESTAMP', EXTRA: 'DEFAULT_GENERATED' }), 'mysql');
  assert.equal(mysqlExpr.defaultIsExpression, true);
  assert.deepEqual([...jsonCheckedColumns(['json_valid(`js`)', 'json_valid(`a``b`)', '`x` > 0'])], ['js', 'a`b']);
  assert.equal(columnFromInformationSchema(row('js', 'longtext', 'longtext'), 'mariadb', true).dataType, 'json');
  const u = columnFromInformationSchema(row('u', 'bigint', 'bigint(20) unsigned', { IS_NULLABLE: 'NO', EXTRA: 'auto_increment' }), 'mariadb');
  assert.deepEqual([u.unsigned, u.nullable, u.autoIncrement], [true, false, true]);
  assert.equal(columnFromInformationSchema(row('b', 'bit', 'bit(10)', { NUMERIC_PRECISION: 10 }), 'mariadb').length, 10);
});

const table: MySqlTable = {
  db: 'shop', name: 'orders', primaryKey: ['id'],
  columns: [
    columnFromInformationSchema(row('id', 'int', 'int(11)'), 'mariadb'),
    columnFromInformationSchema(row('note', 'varchar', 'varchar(20)'), 'mariadb'),
  ],
};

test('the table map matches or says why not (count, name, type)', () => {
  assert.equal(tableMapMismatch(table, { columnNames: ['id', 'note'], columnTypes: [3, 15] }), null);
  assert.match(tableMapMismatch(table, { columnNames: ['id'], columnTypes: [3] })!, /1 columns.*lists 2/);
  assert.match(tableMapMismatch(table, { columnNames: ['id', 'memo'], columnTypes: [3, 15] })!, /"memo".*"note"/);
  assert.match(tableMapMismatch(table, { columnNames: ['id', 'note'], columnTypes: [8, 15] })!, /binlog type 8/);
  assert.throws(() => checkAgainstTableMap(table, { columnTypes: [3] }, 'binlog.000001:120'), /CDC_MYSQL_SCHEMA_MISMATCH[\s\S]*shop\.orders[\s\S]*at binlog\.000001:120/);
});
