/**
 * InsertHeader, DropHeaders, HeaderFrom$Key / $Value (KIP-145), on headers as Connect keeps
 * them: an ordered list where a key may repeat. InsertHeader and HeaderFrom append (a header
 * already under that key stays), DropHeaders removes every header with a listed key.
 */
import { ConfigDef, defineField } from '../../config/define.ts';
import type { ConnectSchema } from '../../events/schema.ts';
import type { RecordHeader } from '../../events/record.ts';
import { appendHeaders, withoutHeaderKeys } from '../../events/headers.ts';
import { TransformError, type TransformationPlugin } from '../contracts.ts';
import { copyStructSchema, fieldValue, findField, requireMap, requireStruct, SchemaCache, sideSchema, sideValue, withSide } from '../schema-util.ts';
import { keyValuePlugins, replaceNullWithDefault } from './key-value.ts';
import { KAFKA_TRANSFORMS_PACKAGE, KAFKA_TRANSFORMS_VERSION } from './version.ts';
import { parseString } from './values-parse.ts';

const header = defineField({ name: 'header', type: 'string', group: 'Transform', importance: 'high', doc: 'The name of the header.' });
const valueLiteral = defineField({
  name: 'value.literal', type: 'string', group: 'Transform', importance: 'high',
  doc: 'The literal value that is to be set as the header value on all records (typed as Connect\'s Values.parseString types it).',
});

export const insertHeader: TransformationPlugin = {
  kind: 'transformation', className: `${KAFKA_TRANSFORMS_PACKAGE}.InsertHeader`, aliases: [], version: KAFKA_TRANSFORMS_VERSION,
  configDef: new ConfigDef([header, valueLiteral]),
  doc: 'Add a header to each record.',
  create(config) {
    const key = config.get(header);
    const parsed = parseString(config.get(valueLiteral));
    // One header object for every record: header lists are never modified in place (src/events/headers.ts).
    const added: readonly RecordHeader[] = [{ key, schema: parsed?.schema ?? null, value: parsed?.value ?? null }];
    return { apply: (record) => appendHeaders(record, added) };
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
        const kept = withoutHeaderKeys(record.headers, drop);
        return kept === record.headers ? record : { ...record, headers: kept };
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
        if (schema === null) {
          const map = requireMap(value, purpose);
          const withHeaders = appendHeaders(record, names.map((n, i) => ({ key: targets[i]!, schema: null, value: map[n] ?? null })));
          if (!move) return withHeaders;
          const rest: Record<string, unknown> = {};
          for (const [k, v] of Object.entries(map)) if (!moved.has(k)) rest[k] = v;
          return withSide(withHeaders, side, null, rest);
        }
        const struct = requireStruct(value, purpose);
        const withHeaders = appendHeaders(record, names.map((n, i) => {
          const f = findField(schema, n);
          if (!f) throw new TransformError(`${n} is not a valid field name`);
          return { key: targets[i]!, schema: f.schema, value: fieldValue(struct, f, withDefault) };
        }));
        if (!move) return withHeaders;
        const out = cache.get(schema, (s): ConnectSchema => copyStructSchema(s, (s.fields ?? []).filter((f) => !moved.has(f.name))));
        const rest: Record<string, unknown> = {};
        for (const f of out.fields ?? []) rest[f.name] = fieldValue(struct, findField(schema, f.name)!, withDefault);
        return withSide(withHeaders, side, out, rest);
      },
    };
  },
});
