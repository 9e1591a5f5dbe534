/**
 * Cast$Key / $Value: casts top-level fields (spec field:type,...) or the whole key/value
 * (spec type) to int8..float64, boolean or string. The output schema copies the input's
 * basics and keeps optional and default (cast); cast fields get the plain target type
 * (a logical name such as Decimal is dropped), keeping optional and a cast default.
 */
import { defineField } from '../../config/define.ts';
import type { ConnectField, ConnectSchema } from '../../events/schema.ts';
import { copyStructSchema, fieldValue, requireMap, requireStruct, SchemaCache, schemaBasics, sideSchema, sideValue, withSide } from '../schema-util.ts';
import { CAST_TYPES, castValue, checkCastInput, type CastType } from './cast-value.ts';
import { keyValuePlugins, replaceNullWithDefault } from './key-value.ts';

interface Spec { readonly whole: CastType | null; readonly fields: ReadonlyMap<string, CastType> }

function parseSpec(entries: readonly string[]): Spec | string {
  if (entries.length === 0) return 'Must specify at least one field to cast.';
  const fields = new Map<string, CastType>();
  let whole: CastType | null = null;
  for (const e of entries) {
    const parts = e.split(':');
    const typeText = (parts.length === 1 ? parts[0]! : parts[1] ?? '').trim().toLowerCase();
    if (!(CAST_TYPES as readonly string[]).includes(typeText)) {
      return `Invalid type found in casting spec: ${e}; the target types are ${CAST_TYPES.join(', ')}`;
    }
    if (parts.length === 1) {
      if (entries.length > 1) return 'Cast transformations that specify a type to cast the entire value to may only specify a single cast in their spec';
      whole = typeText as CastType;
    } else if (parts.length === 2) {
      fields.set(parts[0]!.trim(), typeText as CastType);
    } else {
      return `Invalid cast mapping: ${e}; write field:type, e.g. spec: price:float64,qty:int32`;
    }
  }
  return { whole, fields };
}

const spec = defineField({
  name: 'spec', type: 'list', group: 'Transform', importance: 'high',
  doc: 'List of fields and the type to cast them to of the form field1:type,field2:type to cast fields of Maps or Structs. A single type to cast the entire value. Valid types are int8, int16, int32, int64, float32, float64, boolean, and string.',
  check: (v) => { const s = parseSpec(v); return typeof s === 'string' ? s : true; },
});

function primitive(type: CastType): ConnectSchema {
  return { type, optional: false };
}

function castSchema(s: ConnectSchema, target: CastType, basics: boolean): ConnectSchema {
  return {
    ...primitive(target), ...(basics ? schemaBasics(s) : {}), optional: s.optional,
    ...(s.defaultValue !== undefined && s.defaultValue !== null ? { defaultValue: castValue(s, s.defaultValue, target) } : {}),
  };
}

export const castPlugins = keyValuePlugins({
  name: 'Cast', fields: [spec, replaceNullWithDefault],
  doc: 'Cast fields or the entire key or value to a specific type, e.g. to force an integer field to a smaller width. Cast from integers, floats, boolean and string to any other type, and cast binary to string (base64 encoded).',
  create(side, config) {
    const parsed = parseSpec(config.get(spec)) as Spec;
    const withDefault = config.get(replaceNullWithDefault);
    const cache = new SchemaCache();
    return {
      apply(record) {
        const schema = sideSchema(record, side);
        const value = sideValue(record, side);
        if (value === null || value === undefined) return record;
        if (parsed.whole) {
          if (schema === null) return withSide(record, side, null, castValue(null, value, parsed.whole));
          checkCastInput(schema);
          return withSide(record, side, cache.get(schema, (s) => castSchema(s, parsed.whole!, true)), castValue(schema, value, parsed.whole));
        }
        if (schema === null) {
          const map = requireMap(value, 'cast');
          const out: Record<string, unknown> = { ...map };
          for (const [name, t] of parsed.fields) if (name in out) out[name] = castValue(null, out[name], t);
          return withSide(record, side, null, out);
        }
        const struct = requireStruct(value, 'cast');
        const outSchema = cache.get(schema, (s) => {
          const fields = (s.fields ?? []).map((f): ConnectField => {
            const t = parsed.fields.get(f.name);
            if (!t) return f;
            checkCastInput(f.schema);
            return { name: f.name, schema: castSchema(f.schema, t, false) };
          });
          return { ...copyStructSchema(s, fields), optional: s.optional, ...(s.defaultValue !== undefined ? { defaultValue: s.defaultValue } : {}) };
        });
        const out: Record<string, unknown> = {};
        for (const f of schema.fields ?? []) {
          const v = fieldValue(struct, f, withDefault);
          const t = parsed.fields.get(f.name);
          out[f.name] = t ? castValue(f.schema, v, t) : v;
        }
        return withSide(record, side, outSchema, out);
      },
    };
  },
});
