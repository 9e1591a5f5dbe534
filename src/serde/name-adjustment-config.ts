/**
 * schema.name.adjustment.mode and field.name.adjustment.mode, the two properties
 * every Debezium connector has (CommonConnectorConfig, group "Connector"), declared
 * once here so that any source plugin includes them in its ConfigDef and reads
 * them through readNameAdjustment. They belong beside the converters: they exist
 * to make names acceptable to the converter (Avro) the connector writes with.
 */
import { defineField, type ParsedValues } from '../config/define.ts';
import { selectsAvroConverter } from './create-converter.ts';
import { NAME_ADJUSTMENT_MODES, type NameAdjustmentMode } from './name-adjustment.ts';

const MODES_DOC = 'avro replaces each character Avro does not allow in a name with "_" (a leading digit is kept behind it: 1st -> _1st); '
  + 'avro_unicode replaces "_" and each character Avro does not allow with _u and its hex code (order-id -> order_u002did, a_b -> a_u005fb); '
  + 'none leaves names as they are.';

export const schemaNameAdjustmentMode = defineField({
  name: 'schema.name.adjustment.mode', type: 'string', default: 'none', enum: NAME_ADJUSTMENT_MODES,
  group: 'Connector', importance: 'low', width: 'medium', displayName: 'Schema Name Adjustment',
  doc: `How record names (<topic.prefix>.<schema>.<table>.Key/Value/Envelope) are adjusted for the converter: ${MODES_DOC} `
    + 'With none, a topic.prefix with "-" gives Avro namespaces with "-", as in Debezium: older Confluent registries accept them, registries that parse with Java Avro 1.12 (Confluent Schema Registry 8.0.3/8.1.1 and later by default, Apicurio 3) refuse them; set avro then. '
    + 'A config that still names the topic prefix database.server.name (a Debezium 1.x config: 2.0 removed that name) and does not set this property gets avro, 1.x\'s default, with a warning. '
    + 'Two different names that become the same stop the connector (CDC_NAME_ADJUSTMENT_CONFLICT).',
});

export const fieldNameAdjustmentMode = defineField({
  name: 'field.name.adjustment.mode', type: 'string', default: 'none', enum: NAME_ADJUSTMENT_MODES,
  group: 'Connector', importance: 'low', width: 'medium', displayName: 'Field Name Adjustment',
  doc: `How field names (column names) are adjusted for the converter: ${MODES_DOC} `
    + 'As in Debezium, none means avro when the Avro converter is used (key.converter or value.converter; here also when it is the default), because Avro refuses such field names. '
    + 'Two columns that become the same field name stop the connector (CDC_NAME_ADJUSTMENT_CONFLICT).',
});

/** Spread into a plugin's ConfigDef field list. */
export const NAME_ADJUSTMENT_FIELDS = [schemaNameAdjustmentMode, fieldNameAdjustmentMode] as const;

export interface NameAdjustmentSettings {
  readonly schema: NameAdjustmentMode;
  readonly field: NameAdjustmentMode;
  /** True when field is avro only because none was asked for with the Avro converter. */
  readonly fieldAvroForConverter: boolean;
  /** True when schema is avro only because a Debezium 1.x config (database.server.name) left it unset. */
  readonly schemaAvroForLegacyConfig: boolean;
}

/** Said at start when a 1.x config gets 1.x's schema name adjustment. */
export const LEGACY_SCHEMA_NAMES_WARNING = 'schema.name.adjustment.mode is not set and the topic prefix is given as database.server.name, '
  + 'a Debezium 1.x property: record names are adjusted for Avro (avro), as Debezium 1.x did by default; '
  + 'set schema.name.adjustment.mode (avro to keep this, none for Debezium 2.x+ names) and rename database.server.name to topic.prefix to silence this';

/**
 * The modes a task uses. Debezium turns field.name.adjustment.mode=none into avro
 * when key.converter or value.converter is an Avro converter class, so column names
 * Avro refuses never reach it. Debezium looks only at the connector's own config;
 * here the converter the connector runs with counts, whether it comes from the
 * connector, the worker or the default (Avro): where Debezium would emit events the
 * names are the same, and where its Avro converter would fail on a column name
 * (Avro set only on the worker), this one emits the adjusted name instead.
 */
export function readNameAdjustment(config: ParsedValues): NameAdjustmentSettings {
  // Debezium 1.x adjusted record names for Avro by default; 2.0 removed database.server.name and made
  // the default none. A config that still uses that name was written for 1.x: give it 1.x's names.
  const schemaAvroForLegacyConfig = !config.isSet(schemaNameAdjustmentMode.name) && 'database.server.name' in config.raw();
  const schema = schemaAvroForLegacyConfig ? 'avro' : config.get(schemaNameAdjustmentMode);
  const asked = config.get(fieldNameAdjustmentMode);
  const avro = selectsAvroConverter(config.raw()['key.converter']) || selectsAvroConverter(config.raw()['value.converter']);
  const fieldAvroForConverter = asked === 'none' && avro;
  return { schema, field: fieldAvroForConverter ? 'avro' : asked, fieldAvroForConverter, schemaAvroForLegacyConfig };
}
