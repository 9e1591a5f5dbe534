import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MySqlColumn } from './column-info.ts';
import { ORDERS } from '../../test/helpers/mysql-tables.ts';
import {
  COLUMNS_ATTRIBUTE, columnFromDebezium, debeziumColumn, parseTableId, quotedTableId, tableChange, tableFromChange,
} from './table-changes.ts';

test('table ids are quoted as Debezium quotes them, and read back', () => {
  assert.equal(quotedTableId('shop', 'orders'), '"shop"."orders"');
  assert.equal(quotedTableId('a"b', 'c.d'), '"a""b"."c.d"');
  assert.deepEqual(parseTableId('"a""b"."c.d"'), { db: 'a"b', table: 'c.d' });
  assert.deepEqual(parseTableId('shop.orders'), { db: 'shop', table: 'orders' });
  assert.equal(parseTableId('"a"."b"."c"'), null);
  assert.equal(parseTableId('"a'), null);
});

test('columns in Debezium\'s shape: jdbcType, type names, declared length/scale, quoted enum values', () => {
  const [id, note, amount, at, state, doc] = ORDERS.columns.map(debeziumColumn);
  assert.deepEqual(id, {
    name: 'id', jdbcType: -5, typeName: 'BIGINT UNSIGNED', typeExpression: 'BIGINT UNSIGNED', charsetName: null, length: 20, position: 1,
    optional: false, autoIncremented: true, generated: false, comment: null, hasDefaultValue: false, enumValues: [],
  });
  assert.deepEqual([note!.jdbcType, note!.length, note!.charsetName, note!.comment, note!.hasDefaultValue, note!.defaultValueExpression], [12, 255, 'utf8mb4', 'free text', true, "it's"]);
  assert.deepEqual([amount!.jdbcType, amount!.length, amount!.scale, amount!.defaultValueExpression], [3, 10, 2, '0.00']);
  assert.deepEqual([at!.jdbcType, at!.typeName, at!.length, at!.defaultValueExpression], [93, 'DATETIME', 6, 'current_timestamp(6)']);
  assert.deepEqual([state!.jdbcType, state!.length, state!.enumValues], [1, undefined, ["'new'", "'it''s'", "'a,b'"]]);
  assert.deepEqual([doc!.jdbcType, doc!.typeName], [1111, 'JSON']);
});

test('CREATE/ALTER carry the exact columns in an attribute and read back equal; DROP carries only the id', () => {
  const c = tableChange('ALTER', { db: 'shop', table: 'orders' }, ORDERS, { defaultCharsetName: 'utf8mb4', comment: 'orders' }, { db: 'shop', table: 'orders_old' });
  assert.deepEqual(Object.keys(c), ['type', 'id', 'previousId', 'table', 'comment']);
  assert.deepEqual(Object.keys(c.table!), ['defaultCharsetName', 'primaryKeyColumnNames', 'columns', 'attributes']);
  assert.equal(c.table!.attributes[0]!.name, COLUMNS_ATTRIBUTE);
  const back = tableFromChange(JSON.parse(JSON.stringify(c)));
  assert.deepEqual(back, ORDERS);
  const drop = tableChange('DROP', { db: 'shop', table: 'orders' }, ORDERS, null);
  assert.deepEqual(drop, { type: 'DROP', id: '"shop"."orders"' });
  assert.equal(tableFromChange(drop), null);
});

test('a table change written by Debezium (no attribute) is read from its own fields', () => {
  const c = tableChange('CREATE', { db: 'shop', table: 'orders' }, ORDERS, null);
  const debeziums = { ...c, table: { ...c.table!, attributes: [] } };
  const t = tableFromChange(debeziums)!;
  const by = (n: string): MySqlColumn => t.columns.find((x) => x.name === n)!;
  assert.deepEqual([by('id').dataType, by('id').unsigned, by('id').columnType, by('id').autoIncrement, by('id').nullable], ['bigint', true, 'bigint(20) unsigned', true, false]);
  assert.deepEqual([by('amount').precision, by('amount').scale, by('amount').defaultValue, by('amount').defaultIsExpression], [10, 2, '0.00', false]);
  assert.deepEqual([by('at').fsp, by('at').defaultIsExpression], [6, true]);
  assert.deepEqual([by('state').members, by('state').columnType], [['new', "it's", 'a,b'], "enum('new','it''s','a,b')"]);
  assert.deepEqual([by('note').length, by('note').charset, by('note').comment], [255, 'utf8mb4', 'free text']);
  assert.equal(by('doc').dataType, 'json');
  assert.deepEqual(t.primaryKey, ['id']);
  assert.deepEqual(columnFromDebezium({ name: 'b', jdbcType: -7, typeName: 'BIT', typeExpression: 'BIT', charsetName: null, length: 1, position: 1, optional: true, autoIncremented: false, generated: false, comment: null, hasDefaultValue: true, enumValues: [] }).columnType, 'bit(1)');
});
