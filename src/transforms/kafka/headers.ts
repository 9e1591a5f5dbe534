/**
 * InsertHeader, DropHeaders, HeaderFrom$Key / $Value (KIP-145). Records here keep one value
 * per header name, so a header "appended" under a name the record already has replaces it
 * (Connect would keep both; the daemon's own records never carry the names these add).
 */
import { ConfigDef, defineField } from '../../config/define.ts';
import type { ConnectSchema } from '../../events/schema.ts';
import type { HeaderValue } from '../../events/record.ts';
import { TransformError, type TransformationPlugin } from '../contracts.ts';
import { copyStructSchema, fieldValue, findField, requireMap, requireStruct, SchemaCache, sideSchema, sideValue, withSide } from '../schema-util.ts';
import { keyValuePlugins, replaceNullWithDefault } from './key-value.ts';
import { KAFKA_TRANSFORMS_PACKAGE, KAFKA_TRANSFORMS_VERSION } from './version.ts';

const header = defineField({ name: 'header', type: 'string', group: 'Transform', importance: 'high', doc: 'The name of the header.' });
const valueLiteral = defineField({
  name: 'value.literal', type: 'string', group: 'Transform', importance: 'high',
  doc: 'The literal value that is to be set as the header value on all records (typed as Connect\'s Values.parseString types it).',
});

/**
 * Connect's Values.parseString for the literals headers get: the smallest integer type that
 * holds an integer, FLOAT64 for other numbers, BOOLEAN for true/false, else STRING (dates,
 * arrays and maps stay strings here; with the default SimpleHeaderConverter the bytes written
 * are the same text either way).
 */
export function parseLiteral(text: string): HeaderValue {
  const t = text.trim();
  if (/^[+-]?\d+$/.test(t)) {
    const n = BigInt(t);
    if (n >= -128n && n <= 127n) return { schema: { type: 'int8', optional: false }, value: Number(n) };
    if (n >= -32768n && n <= 32767n) return { schema: { type: 'int16', optional: false }, value: Number(n) };
    if (n >= -2147483648n && n <= 2147483647n) return { schema: { type: 'int32', optional: false }, value: Number(n) };
    if (n >= -(2n ** 63n) && n < 2n ** 63n) return { schema: { type: 'int64', optional: false }, value: n };
  }
  if (/^[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?$/.test(t)) return { schema: { type: 'float64', optional: false }, value: Number(t) };
  if (/^(true|false)$/i.test(t)) return { schema: { type: 'boolean', optional: false }, value: t.toLowerCase() === 'true' };
  return { schema: { type: 'string', optional: false }, value: text };
}

export const insertHeader: TransformationPlugin = {
  kind: 'transformation', className: `${KAFKA_TRANSFORMS_PACKAGE}.InsertHeader`, aliases: [], version: KAFKA_TRANSFORMS_VERSION,
  configDef: new ConfigDef([header, valueLiteral]),
  doc: 'Add a header to each record.',
  create(config) {
    const name = config.get(header);
    const value = parseLiteral(config.get(valueLiteral));
    return { apply: (record) => ({ ...record, headers: { ...record.headers, [name]: value } }) };
  },
};

const dropList = defineField({
  name: 'headers', type: 'list', group: 'Transform', importance: 'high', doc: 'The name of the headers to be removed.',
  check: (v) => v.length > 0 || 'list at least one header name',
});

export const dropHeaders: TransformationPlugin = {
  kind: 'transformation', className: `${KAFKA_TRANSFORMS_PACKAGE}.DropHeaders`, aliases: [], version: KAFKA_TRANSFORMS_VERSION,
  configDef: new ConfigDef([dropList]),
  doc: 'Removes one or more headers from each record.',
  create(config) {
    const drop = new Set(config.get(dropList));
    return {
      apply(record) {
        if (!record.headers || !Object.keys(record.headers).some((k) => drop.has(k))) return record;
        const kept: Record<string, string | HeaderValue> = {};
        for (const [k, v] of Object.entries(record.headers)) if (!drop.has(k)) kept[k] = v;
        return { ...record, headers: kept };
      },
    };
  },
};

const fromFields = defineField({ name: 'fields', type: 'list', group: 'Transform', importance: 'high', doc: 'Field names in the record whose values are to be copied or moved to headers.' });
const toHeaders = defineField({
  name: 'headers', type: 'list', group: 'Transform', importance: 'high', doc: 'Header names, in the same order as the field names listed in the fields configuration property.',
  check: (v, all) => v.length === (all.value('fields') as readonly string[] | undefined)?.length || "'fields' config must have the same number of elements as 'headers' config",
});
const operation = defineField({
  name: 'operation', type: 'string', enum: ['move', 'copy'], group: 'Transform', importance: 'high',
  doc: 'Either move if the fields are to be moved to the headers (removed from the key/value), or copy if the fields are to be copied to the headers (retained in the key/value).',
});

export const headerFromPlugins = keyValuePlugins({
  name: 'HeaderFrom', fields: [fromFields, toHeaders, operation, replaceNullWithDefault],
  doc: 'Moves or copies fields in the key/value of a record into that record\'s headers.',
  create(side, config) {
    const names = config.get(fromFields);
    const targets = config.get(toHeaders);
    const move = config.get(operation) === 'move';
    const withDefault = config.get(replaceNullWithDefault);
    const moved = new Set(names);
    const cache = new SchemaCache();
    const purpose = `header ${move ? 'move' : 'copy'}`;
    return {
      apply(record) {
        const schema = sideSchema(record, side);
        const value = sideValue(record, side);
        const headers: Record<string, string | HeaderValue> = { ...record.headers };
        if (schema === null) {
          const map = requireMap(value, purpose);
          names.forEach((n, i) => { headers[targets[i]!] = { schema: null, value: map[n] ?? null }; });
          if (!move) return { ...record, headers };
          const rest: Record<string, unknown> = {};
          for (const [k, v] of Object.entries(map)) if (!moved.has(k)) rest[k] = v;
          return withSide({ ...record, headers }, side, null, rest);
        }
        const struct = requireStruct(value, purpose);
        names.forEach((n, i) => {
          const f = findField(schema, n);
          if (!f) throw new TransformError(`${n} is not a valid field name`);
          headers[targets[i]!] = { schema: f.schema, value: fieldValue(struct, f, withDefault) };
        });
        if (!move) return { ...record, headers };
        const out = cache.get(schema, (s): ConnectSchema => copyStructSchema(s, (s.fields ?? []).filter((f) => !moved.has(f.name))));
        const rest: Record<string, unknown> = {};
        for (const f of out.fields ?? []) rest[f.name] = fieldValue(struct, findField(schema, f.name)!, withDefault);
        return withSide({ ...record, headers }, side, out, rest);
      },
    };
  },
});
