/**
 * SetSchemaMetadata$Key / $Value: overwrites the schema's name and/or version (optional,
 * default, doc and parameters kept). A struct value is carried over to the renamed schema.
 */
import { defineField } from '../../config/define.ts';
import { ConfigError } from '../../errors/cdc-error.ts';
import type { ConnectSchema } from '../../events/schema.ts';
import { TransformError } from '../contracts.ts';
import { fieldValue, SchemaCache, sideSchema, sideValue, withSide } from '../schema-util.ts';
import { keyValuePlugins, replaceNullWithDefault } from './key-value.ts';

const schemaName = defineField({ name: 'schema.name', type: 'string', required: false, group: 'Transform', importance: 'high', doc: 'Schema name to set.' });
const schemaVersion = defineField({ name: 'schema.version', type: 'int', required: false, group: 'Transform', importance: 'high', doc: 'Schema version to set.' });

export const setSchemaMetadataPlugins = keyValuePlugins({
  name: 'SetSchemaMetadata', fields: [schemaName, schemaVersion, replaceNullWithDefault],
  doc: 'Set the schema name, version or both on the record\'s key (SetSchemaMetadata$Key) or value (SetSchemaMetadata$Value) schema.',
  create(side, config) {
    const name = config.get(schemaName);
    const version = config.get(schemaVersion);
    if (name === undefined && version === undefined) {
      throw new ConfigError({ code: 'CDC_CONFIG_INVALID', what: 'Neither schema name nor version configured', fix: 'set schema.name, schema.version or both' });
    }
    const withDefault = config.get(replaceNullWithDefault);
    const cache = new SchemaCache();
    return {
      apply(record) {
        const schema = sideSchema(record, side);
        const value = sideValue(record, side);
        if (schema === null) {
          if (value === null || value === undefined) return record;
          throw new TransformError('Schema required for [updating schema metadata]');
        }
        const out = cache.get(schema, (s): ConnectSchema => ({
          ...s, ...(name !== undefined ? { name } : {}), ...(version !== undefined ? { version } : {}),
        }));
        if (out.type !== 'struct' || value === null || value === undefined) return withSide(record, side, out, value ?? null);
        // Connect rebuilds the struct against the new schema, reading each field with Struct.get (or getWithoutDefault).
        const struct = value as Record<string, unknown>;
        const copy: Record<string, unknown> = {};
        for (const f of out.fields ?? []) copy[f.name] = fieldValue(struct, f, withDefault);
        return withSide(record, side, out, copy);
      },
    };
  },
});
