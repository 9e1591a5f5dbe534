import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adjustFieldNames, adjustName, NameAdjuster, type NameAdjustmentMode, type NameKind } from './name-adjustment.ts';
import { NAME_ADJUSTMENT_FIELDS, readNameAdjustment } from './name-adjustment-config.ts';
import { ConfigDef } from '../config/define.ts';
import { keyConverter, valueConverter } from '../config/connect-framework-fields.ts';
import { ConfigError } from '../errors/cdc-error.ts';
import {
  HEARTBEAT_KEY_SCHEMA, HEARTBEAT_VALUE_SCHEMA, TRANSACTION_BLOCK_SCHEMA, TX_METADATA_KEY_SCHEMA, TX_METADATA_VALUE_SCHEMA,
} from '../events/envelope.ts';

/**
 * [input, avro, avro_unicode] as Debezium 3.6's SchemaNameAdjuster (record names) and
 * its field-name replacement functions give them. Worked out from Debezium's rules and
 * checked against its own unit test where it has one ("_hello_语言.", "24ColumnName").
 */
const SCHEMA_NAMES: readonly [string, string, string][] = [
  ['orders-db.public.orders.Value', 'orders_db.public.orders.Value', 'orders_u002ddb.public.orders.Value'],
  ['srv.public.my_table.Key', 'srv.public.my_table.Key', 'srv.public.my_u005ftable.Key'],
  ['1db.public.t.Envelope', '_1db.public.t.Envelope', '_u0031db.public.t.Envelope'],
  ['24ColumnName', '_24ColumnName', '_u00324ColumnName'],
  // Segments are not checked one by one: a digit after a dot is a valid non-first character.
  ['srv.public.2tbl.Value', 'srv.public.2tbl.Value', 'srv.public.2tbl.Value'],
  ['_srv.t.Value', '_srv.t.Value', '_u005fsrv.t.Value'],
  ['.Value', '_Value', '_u002eValue'],
  ['-x', '_x', '_u002dx'],
  ['srv.public.café.Value', 'srv.public.caf_.Value', 'srv.public.caf_u00e9.Value'],
  ['_hello_语言.', '_hello___.', '_u005fhello_u005f_u8bed_u8a00.'],
  // One replacement per UTF-16 unit: an emoji is two.
  ['srv.public.😀.Value', 'srv.public.__.Value', 'srv.public._ud83d_ude00.Value'],
  // Hex is padded with "00" only when it has one or two digits (Debezium's rule, kept as is).
  ['a\u0101b', 'a_b', 'a_u101b'],
  ['a\u0007b', 'a_b', 'a_u007b'],
  // Java's Character.isDigit knows every script: the digit is kept behind the "_".
  ['\u0663x', '_\u0663x', '_u663x'],
  ['', '', ''],
];

const FIELD_NAMES: readonly [string, string, string][] = [
  ['order-id', 'order_id', 'order_u002did'],
  ['order_id', 'order_id', 'order_u005fid'],
  ['1st', '_1st', '_u0031st'],
  ['my col', 'my_col', 'my_u0020col'],
  ['a.b', 'a_b', 'a_u002eb'],
  ['_x', '_x', '_u005fx'],
  ['prénom', 'pr_nom', 'pr_u00e9nom'],
  ['😀', '__', '_ud83d_ude00'],
  ['$', '_', '_u0024'],
  ['x1', 'x1', 'x1'],
  ['ID', 'ID', 'ID'],
  ['', '', ''],
];

function check(kind: NameKind, rows: readonly [string, string, string][]): void {
  for (const [input, avro, unicode] of rows) {
    assert.equal(adjustName(input, 'none', kind), input, `${kind} none: ${JSON.stringify(input)}`);
    assert.equal(adjustName(input, 'avro', kind), avro, `${kind} avro: ${JSON.stringify(input)}`);
    assert.equal(adjustName(input, 'avro_unicode', kind), unicode, `${kind} avro_unicode: ${JSON.stringify(input)}`);
  }
}

test('record names: Debezium\'s replacement rules for none, avro and avro_unicode', () => check('schema', SCHEMA_NAMES));

test('field names: dots are replaced too, otherwise the same rules', () => check('field', FIELD_NAMES));

test('fixed Debezium schema names are left alone by every mode', () => {
  const names = [TRANSACTION_BLOCK_SCHEMA, TX_METADATA_KEY_SCHEMA, TX_METADATA_VALUE_SCHEMA, HEARTBEAT_KEY_SCHEMA, HEARTBEAT_VALUE_SCHEMA]
    .map((s) => s.name!).concat(['io.debezium.connector.postgresql.Source', 'event.collection']);
  for (const mode of ['avro', 'avro_unicode'] as NameAdjustmentMode[]) {
    for (const n of names) assert.equal(adjustName(n, mode, 'schema'), n, `${mode}: ${n}`);
  }
});

test('an adjuster reports each replaced name once and refuses two names that become one', () => {
  const replaced: string[] = [];
  const a = new NameAdjuster({ mode: 'avro', kind: 'schema', onReplaced: (o, r) => replaced.push(`${o}->${r}`) });
  for (let i = 0; i < 3; i++) assert.equal(a.adjust('some-invalid-name$', 'table x'), 'some_invalid_name_');
  assert.equal(a.adjust('valid.Name', 'table x'), 'valid.Name');
  assert.deepEqual(replaced, ['some-invalid-name$->some_invalid_name_']);
  assert.throws(() => a.adjust('some-invalid%name_', 'table y'), (e: unknown) =>
    e instanceof ConfigError && e.code === 'CDC_NAME_ADJUSTMENT_CONFLICT' && e.where === 'table y'
    && /"some-invalid-name\$" and "some-invalid%name_" both become "some_invalid_name_" under schema\.name\.adjustment\.mode=avro/.test(e.what)
    && /avro_unicode/.test(e.fix ?? ''));
});

test('a valid name and a replaced one meeting in one struct are refused; across tables only replaced names count', () => {
  const fields = new NameAdjuster({ mode: 'avro', kind: 'field' });
  const where = (c: string) => `table public.t, column ${c}`;
  assert.throws(() => adjustFieldNames(fields, ['id', 'order_id', 'order-id'], where), (e: unknown) =>
    e instanceof ConfigError && e.code === 'CDC_NAME_ADJUSTMENT_CONFLICT' && /"order_id" and "order-id" both become "order_id"/.test(e.what)
    && e.where === 'table public.t, column order-id' && /column\.exclude\.list/.test(e.fix ?? ''));

  // Debezium's adjuster remembers every replacement of the connector: "order id" in another
  // table becomes the "order_id" that "order-id" became, and that is a conflict too.
  const other = new NameAdjuster({ mode: 'avro', kind: 'field' });
  assert.deepEqual(adjustFieldNames(other, ['order-id', 'x'], where), ['order_id', 'x']);
  assert.deepEqual(adjustFieldNames(other, ['order-id'], where), ['order_id'], 'the same column again is no conflict');
  assert.throws(() => adjustFieldNames(other, ['order id'], where), /CDC_NAME_ADJUSTMENT_CONFLICT/);

  // avro_unicode keeps them apart, so the fix only offers it when it would help.
  const unicode = new NameAdjuster({ mode: 'avro_unicode', kind: 'field' });
  assert.deepEqual(adjustFieldNames(unicode, ['order_id', 'order-id', 'order id'], where), ['order_u005fid', 'order_u002did', 'order_u0020id']);
});

test('field.name.adjustment.mode=none acts as avro when the Avro converter is used, as in Debezium', () => {
  const def = new ConfigDef([keyConverter, valueConverter, ...NAME_ADJUSTMENT_FIELDS]);
  const read = (raw: Record<string, string>) => readNameAdjustment(def.parse(raw, 'test'));
  const AVRO = 'io.confluent.connect.avro.AvroConverter';
  const JSON_ = 'org.apache.kafka.connect.json.JsonConverter';
  assert.deepEqual(read({}), { schema: 'none', field: 'avro', fieldAvroForConverter: true, schemaAvroForLegacyConfig: false }, 'Avro is the default converter here');
  assert.deepEqual(read({ 'key.converter': JSON_, 'value.converter': JSON_ }), { schema: 'none', field: 'none', fieldAvroForConverter: false, schemaAvroForLegacyConfig: false });
  assert.equal(read({ 'key.converter': JSON_, 'value.converter': AVRO }).field, 'avro');
  assert.equal(read({ 'key.converter': 'json', 'value.converter': 'avro', 'field.name.adjustment.mode': 'none' }).field, 'avro');
  assert.equal(read({ 'value.converter': AVRO, 'field.name.adjustment.mode': 'avro_unicode' }).field, 'avro_unicode');
  assert.equal(read({ 'key.converter': JSON_, 'value.converter': JSON_, 'schema.name.adjustment.mode': 'AVRO' }).schema, 'avro');
  assert.throws(() => read({ 'schema.name.adjustment.mode': 'sanitize' }), /schema\.name\.adjustment\.mode/);
});

test('a Debezium 1.x config (database.server.name) without schema.name.adjustment.mode gets avro, 1.x\'s default; set explicitly, it wins', () => {
  const def = new ConfigDef([keyConverter, valueConverter, ...NAME_ADJUSTMENT_FIELDS, { name: 'topic.prefix', type: 'string', required: false, group: 'x', doc: 'x', aliases: ['database.server.name'] }]);
  const read = (raw: Record<string, string>) => readNameAdjustment(def.parse(raw, 'test'));
  assert.deepEqual([read({ 'database.server.name': 'orders-db' }).schema, read({ 'database.server.name': 'orders-db' }).schemaAvroForLegacyConfig], ['avro', true]);
  assert.equal(read({ 'database.server.name': 'orders-db', 'schema.name.adjustment.mode': 'none' }).schema, 'none');
  assert.equal(read({ 'topic.prefix': 'orders-db' }).schema, 'none', 'a 2.x+ config keeps Debezium 2.x+\'s default');
});
