/**
 * InsertField$Key / $Value: appends the record's topic, partition, offset, timestamp and/or a
 * static string, in that order. A trailing ! makes the field required, ? (or nothing) optional.
 * The rebuilt struct is required (copied basics). Source records have no offset: offset.field
 * fails on them, as in Connect.
 */
import { defineField } from '../../config/define.ts';
import { ConfigError } from '../../errors/cdc-error.ts';
import type { ConnectField, ConnectSchema } from '../../events/schema.ts';
import type { SourceRecord } from '../../events/record.ts';
import { TransformError } from '../contracts.ts';
import { copyStructSchema, fieldValue, requireMap, requireStruct, SchemaCache, sideSchema, sideValue, withSide } from '../schema-util.ts';
import { keyValuePlugins, replaceNullWithDefault } from './key-value.ts';

const optionalString = (name: string, doc: string) => defineField({ name, type: 'string', required: false, group: 'Transform', importance: 'medium', doc });
const topicField = optionalString('topic.field', 'Field name for Kafka topic. Suffix with ! to make this a required field, or ? to keep it optional (the default).');
const partitionField = optionalString('partition.field', 'Field name for Kafka partition. Suffix with ! to make this a required field, or ? to keep it optional (the default).');
const offsetField = optionalString('offset.field', 'Field name for Kafka offset - only applicable to sink connectors. Suffix with ! to make this a required field, or ? to keep it optional (the default).');
const timestampField = optionalString('timestamp.field', 'Field name for record timestamp. Suffix with ! to make this a required field, or ? to keep it optional (the default).');
const staticField = optionalString('static.field', 'Field name for static data field. Suffix with ! to make this a required field, or ? to keep it optional (the default).');
const staticValue = optionalString('static.value', 'Static field value, if field name configured.');

export const TIMESTAMP_SCHEMA_NAME = 'org.apache.kafka.connect.data.Timestamp';

interface Insertion { readonly name: string; readonly schema: ConnectSchema; value(r: SourceRecord): unknown }

function spec(text: string | undefined): { name: string; optional: boolean } | null {
  if (text === undefined || text === '') return null;
  if (text.endsWith('!')) return { name: text.slice(0, -1), optional: false };
  if (text.endsWith('?')) return { name: text.slice(0, -1), optional: true };
  return { name: text, optional: true };
}

export const insertFieldPlugins = keyValuePlugins({
  name: 'InsertField', fields: [topicField, partitionField, offsetField, timestampField, staticField, staticValue, replaceNullWithDefault],
  doc: 'Insert field(s) using attributes from the record metadata or a configured static value.',
  create(side, config) {
    const withDefault = config.get(replaceNullWithDefault);
    const inserts: Insertion[] = [];
    const add = (s: { name: string; optional: boolean } | null, schema: ConnectSchema, value: (r: SourceRecord) => unknown) => {
      if (s) inserts.push({ name: s.name, schema: { ...schema, optional: s.optional }, value });
    };
    const offset = spec(config.get(offsetField));
    add(spec(config.get(topicField)), { type: 'string', optional: true }, (r) => r.topic);
    add(spec(config.get(partitionField)), { type: 'int32', optional: true }, (r) => r.kafkaPartition ?? null);
    add(offset, { type: 'int64', optional: true }, () => null);
    add(spec(config.get(timestampField)), { type: 'int64', optional: true, name: TIMESTAMP_SCHEMA_NAME, version: 1 }, (r) => r.timestamp ?? null);
    const st = spec(config.get(staticField));
    const stValue = config.get(staticValue);
    if (st && stValue === undefined) {
      throw new ConfigError({ code: 'CDC_CONFIG_INVALID', what: `No value specified for static field: ${st.name}`, fix: 'set static.value, or remove static.field' });
    }
    add(st, { type: 'string', optional: true }, () => stValue);
    if (inserts.length === 0) {
      throw new ConfigError({ code: 'CDC_CONFIG_INVALID', what: 'No field insertion configured', fix: 'set at least one of topic.field, partition.field, timestamp.field, static.field' });
    }
    const cache = new SchemaCache();
    const purpose = 'field insertion';
    return {
      apply(record) {
        const value = sideValue(record, side);
        if (value === null || value === undefined) return record;
        if (offset) throw new TransformError(`Only SinkRecord supported for [offset insertion], found: SourceRecord`);
        const schema = sideSchema(record, side);
        if (schema === null) {
          const out = { ...requireMap(value, purpose) };
          for (const i of inserts) {
            const v = i.value(record);
            // Connect puts topic and static always, partition and timestamp only when the record has them.
            if (v !== null || i.schema.type === 'string') out[i.name] = v;
          }
          return withSide(record, side, null, out);
        }
        const struct = requireStruct(value, purpose);
        const outSchema = cache.get(schema, (s) => copyStructSchema(s, [...(s.fields ?? []), ...inserts.map((i): ConnectField => ({ name: i.name, schema: i.schema }))]));
        const out: Record<string, unknown> = {};
        for (const f of schema.fields ?? []) out[f.name] = fieldValue(struct, f, withDefault);
        for (const i of inserts) {
          const v = i.value(record);
          if (v === null && !i.schema.optional) {
            throw new TransformError(`Invalid value: null used for required field: "${i.name}", schema type: ${i.schema.type.toUpperCase()}`);
          }
          out[i.name] = v;
        }
        return withSide(record, side, outSchema, out);
      },
    };
  },
});
