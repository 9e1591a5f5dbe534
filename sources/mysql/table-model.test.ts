/**
 * The MySQL/MariaDB table model, pure: schemas (names, field order, optional flags, defaults)
 * for a table with every type family, Connect values of rows in the binlog reader's value forms
 * (see types.test.ts / types.it.test.ts), column filters, message.key.columns, name adjustment
 * and the snapshot engine's key form. Fixtures: test/doubles/mysql-tables.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NameAdjuster } from '../../src/serde/name-adjustment.ts';
import { avroSchemaText } from '../../src/serde/avro-schema.ts';
import { ITEMS_TABLE, modelSettingsFor, mysqlTable, TYPES_TABLE } from '../../test/doubles/mysql-tables.ts';
import { bytesToUnscaled } from './decimal-text.ts';
import { MARIADB_SOURCE_SCHEMA, MYSQL_SOURCE_SCHEMA } from './source-info.ts';
import { columnFilter, messageKeyColumns } from './table-model-settings.ts';
import { buildTableModel, keyValueKind, keyValueOf } from './table-model.ts';
import { DEFAULT_MYSQL_TYPE_OPTIONS } from './types.ts';

const fieldNames = (s: { fields?: readonly { name: string }[] } | null) => s?.fields?.map((f) => f.name);
const field = (s: { fields?: readonly { name: string; schema: unknown }[] }, name: string) => s.fields!.find((f) => f.name === name)!.schema as Record<string, unknown>;

test('a table with every type family: topic, record names, field order, optional flags, defaults; geometry left out with its reason', () => {
  const m = buildTableModel(TYPES_TABLE, modelSettingsFor());
  assert.equal(m.id, 'inventory.types');
  assert.equal(m.topic, 'shop.inventory.types');
  assert.equal(m.rowSchema.name, 'shop.inventory.types.Value');
  assert.equal(m.rowSchema.optional, true);
  assert.deepEqual(fieldNames(m.rowSchema), [
    'id', 'b1', 'tiu', 'si', 'siu', 'mi', 'i', 'iu', 'bi', 'biu', 'd', 'f', 'dbl', 'bit1', 'bit10', 'c', 'vc', 'lat', 'tx',
    'bn', 'vb', 'bl', 'dt', 'dtm0', 'dtm6', 'ts6', 'tm6', 'y', 'js', 'e', 'st', 'zd',
  ]);
  assert.deepEqual(m.skippedColumns.map((s) => s.column), ['g']);
  assert.match(m.skippedColumns[0]!.reason, /point is left out/);

  const types = Object.fromEntries(m.rowSchema.fields!.map((f) => [f.name, `${f.schema.type}${f.schema.optional ? '?' : ''}${f.schema.name ? ` ${f.schema.name}` : ''}`]));
  assert.deepEqual(types, {
    id: 'int32', b1: 'int16?', tiu: 'int16?', si: 'int16?', siu: 'int32?', mi: 'int32?', i: 'int32?', iu: 'int64?', bi: 'int64?', biu: 'int64?',
    d: 'bytes org.apache.kafka.connect.data.Decimal', f: 'float32?', dbl: 'float64?', bit1: 'boolean?', bit10: 'bytes? io.debezium.data.Bits',
    c: 'string?', vc: 'string?', lat: 'string?', tx: 'string?', bn: 'bytes?', vb: 'bytes?', bl: 'bytes?',
    dt: 'int32? io.debezium.time.Date', dtm0: 'int64? io.debezium.time.Timestamp', dtm6: 'int64? io.debezium.time.MicroTimestamp',
    ts6: 'string? io.debezium.time.ZonedTimestamp', tm6: 'int64? io.debezium.time.MicroTime', y: 'int32? io.debezium.time.Year',
    js: 'string? io.debezium.data.Json', e: 'string? io.debezium.data.Enum', st: 'string? io.debezium.data.EnumSet', zd: 'int32 io.debezium.time.Date',
  });
  assert.equal(bytesToUnscaled(field(m.rowSchema, 'd').defaultValue as Buffer), 150n);
  assert.equal(field(m.rowSchema, 'vc').defaultValue, "it's");
  assert.equal(field(m.rowSchema, 'zd').defaultValue, 10957);
  assert.equal(field(m.rowSchema, 'vc').doc, undefined, 'comments only with include.schema.comments');

  assert.equal(m.keySchema!.name, 'shop.inventory.types.Key');
  assert.deepEqual(fieldNames(m.keySchema), ['id']);
  assert.equal(field(m.keySchema!, 'id').optional, false);
  assert.deepEqual(m.keyColumns, ['id']);
});

test('envelope: <topic>.Envelope version 2 with the MariaDB or MySQL source block', () => {
  const maria = buildTableModel(TYPES_TABLE, modelSettingsFor());
  assert.equal(maria.envelopeSchema.name, 'shop.inventory.types.Envelope');
  assert.equal(maria.envelopeSchema.version, 2);
  assert.deepEqual(fieldNames(maria.envelopeSchema), ['before', 'after', 'source', 'transaction', 'op', 'ts_ms', 'ts_us', 'ts_ns']);
  assert.equal(field(maria.envelopeSchema, 'source'), MARIADB_SOURCE_SCHEMA);
  assert.equal(field(maria.envelopeSchema, 'after').name, 'shop.inventory.types.Value');
  const mysql = buildTableModel(TYPES_TABLE, modelSettingsFor({ flavour: 'mysql' }));
  assert.equal(field(mysql.envelopeSchema, 'source'), MYSQL_SOURCE_SCHEMA);
  assert.equal(mysql.flavour, 'mysql');
  // The whole envelope converts to Avro (valid names, defaults of the right types).
  assert.doesNotThrow(() => avroSchemaText(mysql.envelopeSchema));
});

test("rows in the binlog reader's value forms become Debezium's values; absent and NULL columns as Debezium fills them", () => {
  const m = buildTableModel(TYPES_TABLE, modelSettingsFor());
  const v = m.rowValue({
    id: 1, b1: 1, tiu: 255, si: -32768, siu: 65535, mi: -8388608, i: -2147483648, iu: 4294967295,
    bi: '-9223372036854775808', biu: '18446744073709551615', d: '-999.99', f: 3.25, dbl: -1.0000000000000002,
    bit1: Buffer.from([1]), bit10: Buffer.from([0x02, 0x01]), c: 'ab', vc: 'héllo wörld', lat: 'café €', tx: '',
    bn: Buffer.from([1, 2]), vb: Buffer.from([0xff, 0]), bl: Buffer.from('deadbeef', 'hex'),
    dt: '2024-02-29', dtm0: '2024-02-29 23:59:59', dtm6: '0001-01-01 00:00:00.000001', ts6: '1970-01-01 00:00:01.000001',
    tm6: '-838:59:59.000000', y: 2155, js: '{"a": [1, 2.5, "x"]}', e: 'c,d', st: 'x,z', g: Buffer.from('0101', 'hex'), zd: '0000-00-00',
  });
  assert.equal(bytesToUnscaled(v.d as Buffer), -99999n);
  assert.deepEqual({ ...v, d: 'checked above' }, {
    id: 1, b1: 1, tiu: 255, si: -32768, siu: 65535, mi: -8388608, i: -2147483648, iu: 4294967295n,
    bi: -9223372036854775808n, biu: -1n, d: 'checked above', f: 3.25, dbl: -1.0000000000000002,
    bit1: true, bit10: Buffer.from([0x01, 0x02]), c: 'ab', vc: 'héllo wörld', lat: 'café €', tx: '',
    bn: Buffer.from([1, 2, 0, 0]), vb: Buffer.from([0xff, 0]), bl: Buffer.from('deadbeef', 'hex'),
    dt: 19782, dtm0: 1709251199000n, dtm6: -62135596799999999n, ts6: '1970-01-01T00:00:01.000001Z',
    tm6: -3020399000000n, y: 2155, js: '{"a": [1, 2.5, "x"]}', e: 'c,d', st: 'x,z', zd: 10957,
  });
  assert.ok(!('g' in v), 'the skipped column is not in the value');

  // NULLs: null when nullable; NOT NULL columns get their default; an absent column reads as NULL;
  // the invalid ENUM index (undefined from the reader) is "".
  const n = m.rowValue({ id: 2, d: null, vc: null, zd: null, e: undefined });
  assert.equal(n.vc, null);
  assert.equal(n.b1, null);
  assert.equal(bytesToUnscaled(n.d as Buffer), 150n);
  assert.equal(n.zd, 10957);
  assert.equal(n.e, '');
  assert.deepEqual(m.keyStruct({ id: 2 }), { id: 2 });
});

test('column.exclude.list: excluded columns leave the value, a key column stays in the key (Debezium), matching ignores case', () => {
  const m = buildTableModel(ITEMS_TABLE, modelSettingsFor({ columnFilter: columnFilter([], ['inventory\\.items\\.NOTE', 'inventory.items.id']) }));
  assert.deepEqual(fieldNames(m.rowSchema), ['name', 'qty']);
  assert.deepEqual(fieldNames(m.keySchema), ['id']);
  const row = { id: 5, name: 'pen', qty: 2, note: 'x' };
  assert.deepEqual(m.rowValue(row), { name: 'pen', qty: 2 });
  assert.deepEqual(m.keyStruct(row), { id: 5 });
  const inc = buildTableModel(ITEMS_TABLE, modelSettingsFor({ columnFilter: columnFilter(['inventory.items.(id|qty)'], []) }));
  assert.deepEqual(fieldNames(inc.rowSchema), ['id', 'qty']);
  assert.equal(columnFilter([], [])('any.thing.at_all'), true);
});

test('message.key.columns: pattern by pattern, table order within one; no match falls back to the primary key', () => {
  const keys = messageKeyColumns('inventory.items:note,name;other.t:x');
  const m = buildTableModel(ITEMS_TABLE, modelSettingsFor({ keyColumns: keys }));
  assert.deepEqual(m.keyColumns, ['note', 'name']);
  assert.deepEqual(fieldNames(m.keySchema), ['note', 'name']);
  // Debezium's key field keeps the column's schema: a nullable column gives an optional key field.
  assert.equal(field(m.keySchema!, 'note').optional, true);
  assert.equal(field(m.keySchema!, 'name').optional, false);
  assert.deepEqual(m.keyStruct({ id: 1, name: 'pen', qty: 1, note: null }), { note: null, name: 'pen' });
  assert.deepEqual(messageKeyColumns('(.*)\\.ITEMS:Q.*')(ITEMS_TABLE), ['qty'], 'table part and column are patterns, case ignored');
  assert.equal(messageKeyColumns('inventory.items:missing')(ITEMS_TABLE), undefined);
  assert.equal(messageKeyColumns(undefined)(ITEMS_TABLE), undefined);
  const pk = buildTableModel(ITEMS_TABLE, modelSettingsFor({ keyColumns: messageKeyColumns('inventory.items:missing') }));
  assert.deepEqual(pk.keyColumns, ['id']);
});

test('a table without a key has no key schema and a null key', () => {
  const t = mysqlTable('inventory', 'log', [['msg', 'text']], []);
  const m = buildTableModel(t, modelSettingsFor());
  assert.equal(m.keySchema, null);
  assert.deepEqual(m.keyColumns, []);
  assert.equal(m.keyStruct({ msg: 'x' }), null);
  assert.deepEqual(m.keyValues({ msg: 'x' }), []);
});

test('a key column whose type is left out is refused with the fix', () => {
  const t = mysqlTable('geo', 'places', [['id', 'int(11)', { IS_NULLABLE: 'NO' }], ['at', 'point', { IS_NULLABLE: 'NO' }]], ['id']);
  assert.throws(() => buildTableModel(t, modelSettingsFor({ keyColumns: messageKeyColumns('geo.places:at') })),
    (e: Error & { code?: string }) => e.code === 'CDC_CONFIG_INVALID' && /message\.key\.columns/.test(e.message));
});

test('names Avro refuses: topic sanitised, record and field names adjusted (avro / avro_unicode), or kept with none', () => {
  const t = mysqlTable('my-db', 'order items$', [['order id', 'int(11)', { IS_NULLABLE: 'NO' }], ['1st', 'varchar(5)'], ['ok', 'int(11)']], ['order id']);
  const none = buildTableModel(t, modelSettingsFor());
  assert.equal(none.topic, 'shop.my-db.order_items_');
  assert.equal(none.rowSchema.name, 'shop.my-db.order_items_.Value');
  assert.deepEqual(fieldNames(none.rowSchema), ['order id', '1st', 'ok']);
  assert.throws(() => avroSchemaText(none.envelopeSchema), 'Avro refuses the unadjusted names');

  const adjusters = (mode: 'avro' | 'avro_unicode') => ({ schema: new NameAdjuster({ kind: 'schema', mode }), field: new NameAdjuster({ kind: 'field', mode }) });
  const avro = buildTableModel(t, modelSettingsFor({ names: adjusters('avro') }));
  assert.equal(avro.topic, 'shop.my-db.order_items_', 'the topic itself is not adjusted');
  assert.equal(avro.rowSchema.name, 'shop.my_db.order_items_.Value');
  assert.equal(avro.keySchema!.name, 'shop.my_db.order_items_.Key');
  assert.equal(avro.envelopeSchema.name, 'shop.my_db.order_items_.Envelope');
  assert.deepEqual(fieldNames(avro.rowSchema), ['order_id', '_1st', 'ok']);
  assert.deepEqual(fieldNames(avro.keySchema), ['order_id']);
  assert.deepEqual(avro.rowValue({ 'order id': 3, '1st': 'a', ok: 1 }), { order_id: 3, _1st: 'a', ok: 1 });
  assert.deepEqual(avro.keyStruct({ 'order id': 3, '1st': 'a', ok: 1 }), { order_id: 3 });
  assert.doesNotThrow(() => avroSchemaText(avro.envelopeSchema));
  const uni = buildTableModel(t, modelSettingsFor({ names: adjusters('avro_unicode') }));
  assert.deepEqual(fieldNames(uni.rowSchema), ['order_u0020id', '_u0031st', 'ok']);
});

test('two columns that become one field name are refused (CDC_NAME_ADJUSTMENT_CONFLICT)', () => {
  const t = mysqlTable('inventory', 'dup', [['a-b', 'int(11)'], ['a_b', 'int(11)']], []);
  const names = { schema: new NameAdjuster({ kind: 'schema', mode: 'avro' }), field: new NameAdjuster({ kind: 'field', mode: 'avro' }) };
  assert.throws(() => buildTableModel(t, modelSettingsFor({ names })), (e: Error & { code?: string }) => e.code === 'CDC_NAME_ADJUSTMENT_CONFLICT');
});

test('topic.delimiter joins prefix, database and table; include.schema.comments gives docs', () => {
  const m = buildTableModel(TYPES_TABLE, modelSettingsFor({ topicDelimiter: '_', types: { ...DEFAULT_MYSQL_TYPE_OPTIONS, includeSchemaComments: true } }));
  assert.equal(m.topic, 'shop_inventory_types');
  assert.equal(m.rowSchema.name, 'shop_inventory_types.Value');
  assert.equal(field(m.rowSchema, 'vc').doc, 'a comment');
});

test('keyValues: Integer-sized ints as numbers, Long-sized as bigint, bytes as hex, the rest as text', () => {
  const t = mysqlTable('inventory', 'k', [
    ['a', 'smallint(6)'], ['b', 'int(10) unsigned'], ['c', 'bigint(20) unsigned'], ['d', 'varbinary(8)'], ['e', 'decimal(5,2)'], ['f', 'datetime(6)'], ['g', 'varchar(5)'],
  ], ['a', 'b', 'c', 'd', 'e', 'f', 'g']);
  const m = buildTableModel(t, modelSettingsFor());
  assert.deepEqual(m.keyValues({ a: -5, b: 4294967295, c: '9223372036854775807', d: Buffer.from([0xab, 0x01]), e: '1.50', f: '2024-01-01 00:00:00.000001', g: 'x' }),
    [-5, 4294967295n, 9223372036854775807n, 'ab01', '1.50', '2024-01-01 00:00:00.000001', 'x']);
  assert.deepEqual(m.keyValues({ a: null, b: 1, c: '18446744073709551615', d: Buffer.alloc(0), e: '0.00', f: null, g: '' }),
    [null, 1n, '18446744073709551615', '', '0.00', null, ''], 'a bigint unsigned beyond a Long keeps its exact text');
  assert.equal(keyValueKind(t.columns[0]!), 'number');
  assert.equal(keyValueOf('bigint', 12), 12n);
  assert.equal(keyValueOf('number', '7'), 7);
});

test('odd column names stay fields: quotes, backslashes and __proto__', () => {
  const t = mysqlTable('inventory', 'odd', [['id', 'int(11)', { IS_NULLABLE: 'NO' }], ['a"b', 'int(11)'], ['__proto__', 'varchar(5)']], ['id']);
  const m = buildTableModel(t, modelSettingsFor());
  const v = m.rowValue(JSON.parse('{"id": 1, "a\\"b": 2, "__proto__": "x"}') as Record<string, unknown>);
  assert.deepEqual(Object.keys(v), ['id', 'a"b', '__proto__']);
  assert.equal(v['__proto__'], 'x');
});
