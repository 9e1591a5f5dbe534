/**
 * Table model settings read from a parsed connector config: the properties that shape events
 * (topic.prefix/delimiter, type modes, column lists, message.key.columns, name adjustment) reach
 * the model, and a time.precision.mode the type mapping lacks is refused instead of ignored.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectFrameworkConfigDef } from '../../src/config/connect-framework-fields.ts';
import { recordingLogger } from '../../test/doubles/recording-logger.ts';
import { ITEMS_TABLE, mysqlTable } from '../../test/doubles/mysql-tables.ts';
import { MARIADB_CONFIG_DEF, MARIADB_CONNECTOR_CLASS } from './config-spec.ts';
import { readMysqlTaskConfig } from './config-task.ts';
import { modelSettings, taskNameAdjusters } from './table-model-settings.ts';
import { buildTableModel } from './table-model.ts';

const def = connectFrameworkConfigDef().merge(MARIADB_CONFIG_DEF);
const BASE = {
  name: 'inventory', 'connector.class': MARIADB_CONNECTOR_CLASS,
  'database.hostname': 'db', 'database.user': 'cdc', 'database.password': 'secret', 'topic.prefix': 'shop',
};
const cfgOf = (extra: Record<string, string>) => readMysqlTaskConfig(def.parse({ ...BASE, ...extra }, 'connector "inventory"'));

test('the config reaches the model: flavour, topic, type modes, column list, key columns, name adjustment', () => {
  const cfg = cfgOf({
    'topic.delimiter': '_', 'decimal.handling.mode': 'string', 'column.exclude.list': 'inventory.items.note',
    'message.key.columns': 'inventory.items:name', 'field.name.adjustment.mode': 'avro', 'schema.name.adjustment.mode': 'avro',
  });
  const { log, lines } = recordingLogger();
  const settings = modelSettings(cfg, taskNameAdjusters(cfg, log));
  assert.equal(settings.flavour, 'mariadb');
  assert.equal(settings.types.decimalHandlingMode, 'string');
  const m = buildTableModel(ITEMS_TABLE, settings);
  assert.equal(m.topic, 'shop_inventory_items');
  assert.deepEqual(m.rowSchema.fields!.map((f) => f.name), ['id', 'name', 'qty']);
  assert.deepEqual(m.keyColumns, ['name']);

  const odd = buildTableModel(mysqlTable('inventory', 'odd', [['a b', 'decimal(5,2)']], []), settings);
  assert.deepEqual(odd.rowSchema.fields!.map((f) => [f.name, f.schema.type]), [['a_b', 'string']]);
  assert.ok(lines.some((l) => l.level === 'warn' && l.obj.original === 'a b' && l.obj.adjusted === 'a_b'), 'a replaced name is logged');
});

test('time.precision.mode values the type mapping does not implement are refused when the config is parsed, with the fix', () => {
  for (const mode of ['isostring', 'structured', 'adaptive']) {
    assert.throws(() => cfgOf({ 'time.precision.mode': mode }),
      (e: Error) => /CDC_CONFIG_UNSUPPORTED/.test(String((e as { code?: string }).code ?? e.message)) || /time\.precision\.mode/.test(e.message), mode);
  }
  for (const mode of ['connect', 'microseconds', 'nanoseconds']) assert.equal(modelSettings(cfgOf({ 'time.precision.mode': mode }), null).types.timePrecisionMode, mode);
});
