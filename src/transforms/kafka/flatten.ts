/**
 * Flatten$Key / $Value: nested struct fields become top-level fields named
 * parent<delimiter>child, recursively. Leaves keep their schema basics, become optional when
 * any ancestor is, and take their default from the field or from the ancestor's default.
 * A null nested struct gives nulls for all its leaves; a MAP field under a schema fails.
 */
import { defineField } from '../../config/define.ts';
import type { ConnectField, ConnectSchema } from '../../events/schema.ts';
import { TransformError } from '../contracts.ts';
import { copyStructSchema, fieldValue, requireMap, requireStruct, SchemaCache, sideSchema, sideValue, withSide, type StructValue } from '../schema-util.ts';
import { keyValuePlugins } from './key-value.ts';

const delimiter = defineField({
  name: 'delimiter', type: 'string', default: '.', group: 'Transform', importance: 'medium',
  doc: 'Delimiter to insert between field names from the input record when generating field names for the output record.',
});

function leafSchema(orig: ConnectSchema, optional: boolean, defaultValue: unknown): ConnectSchema {
  const { defaultValue: _d, ...rest } = orig;
  return { ...rest, optional: optional || orig.optional, ...(defaultValue !== undefined && defaultValue !== null ? { defaultValue } : {}) };
}

function flattenSchema(schema: ConnectSchema, prefix: string, delim: string, optional: boolean, parentDefault: StructValue | null, out: ConnectField[]): void {
  for (const f of schema.fields ?? []) {
    const name = prefix === '' ? f.name : `${prefix}${delim}${f.name}`;
    const fieldOptional = optional || f.schema.optional;
    const def = f.schema.defaultValue !== undefined && f.schema.defaultValue !== null ? f.schema.defaultValue
      : parentDefault ? parentDefault[f.name] ?? null : null;
    if (f.schema.type === 'struct') flattenSchema(f.schema, name, delim, fieldOptional, def as StructValue | null, out);
    else if (f.schema.type === 'map') {
      throw new TransformError(`Flatten transformation does not support MAP for record with schemas (for field ${name}).`);
    } else out.push({ name, schema: leafSchema(f.schema, fieldOptional, def) });
  }
}

function flattenValue(struct: StructValue | null, schema: ConnectSchema, prefix: string, delim: string, out: StructValue): void {
  for (const f of schema.fields ?? []) {
    const name = prefix === '' ? f.name : `${prefix}${delim}${f.name}`;
    const v = struct === null ? null : fieldValue(struct, f, true);
    if (f.schema.type === 'struct') flattenValue((v ?? null) as StructValue | null, f.schema, name, delim, out);
    else out[name] = v;
  }
}

function flattenLoose(map: Record<string, unknown>, prefix: string, delim: string, out: Record<string, unknown>): void {
  for (const [k, v] of Object.entries(map)) {
    const name = prefix === '' ? k : `${prefix}${delim}${k}`;
    if (v instanceof Map) flattenLoose(Object.fromEntries(v), name, delim, out);
    else if (v !== null && typeof v === 'object' && !Array.isArray(v) && !Buffer.isBuffer(v) && !(v instanceof Date)) flattenLoose(v as Record<string, unknown>, name, delim, out);
    else out[name] = v;
  }
}

export const flattenPlugins = keyValuePlugins({
  name: 'Flatten', fields: [delimiter],
  doc: 'Flatten a nested data structure, generating names for each field by concatenating the field names at each level with a configurable delimiter character.',
  create(side, config) {
    const delim = config.get(delimiter);
    const cache = new SchemaCache();
    return {
      apply(record) {
        const schema = sideSchema(record, side);
        const value = sideValue(record, side);
        if (schema === null) {
          if (value === null || value === undefined) return record;
          const out: Record<string, unknown> = {};
          flattenLoose(requireMap(value, 'flattening'), '', delim, out);
          return withSide(record, side, null, out);
        }
        const struct = value === null || value === undefined ? null : requireStruct(value, 'flattening');
        const outSchema = cache.get(schema, (s) => {
          const fields: ConnectField[] = [];
          flattenSchema(s, '', delim, s.optional, (s.defaultValue ?? null) as StructValue | null, fields);
          return copyStructSchema(s, fields);
        });
        if (struct === null) return withSide(record, side, outSchema, null);
        const out: StructValue = {};
        flattenValue(struct, schema, '', delim, out);
        return withSide(record, side, outSchema, out);
      },
    };
  },
});
