/**
 * Name adjustment inside the table model: record names and field names are adjusted
 * once, when the model is built, and rows and keys come out under the adjusted field
 * names while they are still read by the PostgreSQL column names.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NameAdjuster, type NameAdjustmentMode } from '../../src/serde/name-adjustment.ts';
import { avroSchemaText } from '../../src/serde/avro-schema.ts';
import type { PgColumn, PgTable } from './catalog.ts';
import { buildTableModel, keyOnlyRowValue, keyValue, rowValue } from './table-model.ts';
import { DEFAULT_PG_TYPE_OPTIONS } from './types.ts';

function column(name: string, position: number, int = false, isKey = false): PgColumn {
  return {
    name, position, typeOid: int ? 23 : 25, typeMod: -1, typeName: int ? 'integer' : 'text', baseTypeName: int ? 'int4' : 'text',
    typtype: 'b', nullable: !isKey, defaultExpr: null, comment: null, isKey,
  };
}

/** public."my table" ("order-id" int PRIMARY KEY, "1st" text, "prénom" text) */
const TABLE: PgTable = {
  schema: 'public', name: 'my table', oid: 16500, replicaIdentity: 'd', comment: null, keyColumns: ['order-id'],
  columns: [column('order-id', 1, true, true), column('1st', 2), column('prénom', 3)],
};

function build(schema: NameAdjustmentMode, field: NameAdjustmentMode, table: PgTable = TABLE) {
  const names = { schema: new NameAdjuster({ mode: schema, kind: 'schema' }), field: new NameAdjuster({ mode: field, kind: 'field' }) };
  return buildTableModel(table, { topicPrefix: 'orders-db', types: DEFAULT_PG_TYPE_OPTIONS, columnFilter: () => true, names });
}

test('avro: record and field names adjusted, rows read by column name and written by field name', () => {
  const m = build('avro', 'avro');
  assert.equal(m.topic, 'orders-db.public.my_table', 'topic names follow their own rule (Kafka topic characters)');
  assert.equal(m.rowSchema.name, 'orders_db.public.my_table.Value');
  assert.equal(m.keySchema!.name, 'orders_db.public.my_table.Key');
  assert.equal(m.envelope.name, 'orders_db.public.my_table.Envelope');
  assert.deepEqual(m.rowSchema.fields!.map((f) => f.name), ['order_id', '_1st', 'pr_nom']);
  assert.deepEqual(m.keySchema!.fields!.map((f) => f.name), ['order_id']);
  assert.deepEqual(m.keyColumns, ['order-id']);

  const row = rowValue(m, { 'order-id': '7', '1st': 'a', 'prénom': 'b' });
  assert.deepEqual(row, { order_id: 7, _1st: 'a', pr_nom: 'b' });
  assert.deepEqual(keyValue(m, row), { order_id: 7 });
  assert.deepEqual(keyOnlyRowValue(m, { 'order-id': '8' }), { order_id: 8, _1st: null, pr_nom: null });
  // The whole envelope converts to Avro without a name error.
  assert.doesNotThrow(() => avroSchemaText(m.envelope));
});

test('avro_unicode and none', () => {
  const u = build('avro_unicode', 'avro_unicode');
  assert.equal(u.rowSchema.name, 'orders_u002ddb.public.my_u005ftable.Value');
  assert.deepEqual(u.rowSchema.fields!.map((f) => f.name), ['order_u002did', '_u0031st', 'pr_u00e9nom']);
  assert.deepEqual(rowValue(u, { 'order-id': '1', '1st': 'x', 'prénom': 'y' }), { order_u002did: 1, _u0031st: 'x', pr_u00e9nom: 'y' });

  const n = build('none', 'none');
  assert.equal(n.envelope.name, 'orders-db.public.my_table.Envelope');
  assert.deepEqual(n.rowSchema.fields!.map((f) => f.name), ['order-id', '1st', 'prénom']);
  assert.deepEqual(rowValue(n, { 'order-id': '1', '1st': 'x', 'prénom': 'y' }), { 'order-id': 1, '1st': 'x', 'prénom': 'y' });
});

test('two columns that become one field refuse the table with CDC_NAME_ADJUSTMENT_CONFLICT', () => {
  const clash: PgTable = { ...TABLE, columns: [...TABLE.columns, column('order_id', 4, true)] };
  assert.throws(() => build('none', 'avro', clash), (e: unknown) =>
    (e as { code?: string }).code === 'CDC_NAME_ADJUSTMENT_CONFLICT' && /table public\.my table, column order_id/.test((e as Error).message));
  assert.doesNotThrow(() => build('none', 'avro_unicode', clash), 'avro_unicode keeps "order-id" and "order_id" apart');
});
