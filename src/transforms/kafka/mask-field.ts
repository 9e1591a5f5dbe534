/**
 * MaskField$Key / $Value: replaces the listed fields' non-null values by their type's zero
 * (false, 0, "", Decimal 0, epoch, empty array/map), or by `replacement` parsed to the field's
 * type (numbers and strings only). The schema is unchanged. A null key/value (a tombstone)
 * fails, as in Connect: guard it with RecordIsTombstone and negate=true.
 */
import { defineField } from '../../config/define.ts';
import type { ConnectSchema } from '../../events/schema.ts';
import { TransformError } from '../contracts.ts';
import { fieldValue, requireMap, requireStruct, sideSchema, sideValue, withSide } from '../schema-util.ts';
import { keyValuePlugins, replaceNullWithDefault } from './key-value.ts';
import { decimalFromText, parseJavaNumber } from './number-text.ts';

const DECIMAL = 'org.apache.kafka.connect.data.Decimal';

const fields = defineField({
  name: 'fields', type: 'list', group: 'Transform', importance: 'high', doc: 'Names of fields to mask.',
  check: (v) => v.length > 0 || 'list at least one field',
});
const replacement = defineField({
  name: 'replacement', type: 'string', required: false, group: 'Transform', importance: 'low',
  doc: 'Custom value replacement, that will be applied to all \'fields\' values (numeric or non-empty string values only).',
  check: (v) => v !== '' || 'use a non-empty replacement, or remove replacement to mask with empty values',
});

/** The masked value for a field of `schema` (Connect's per-class zero, or the parsed replacement). */
function masker(schema: ConnectSchema, repl: string | undefined): (v: unknown) => unknown {
  const t = schema.type;
  if (schema.name === DECIMAL) {
    const scale = Number(schema.parameters?.['scale'] ?? 0);
    const m = repl === undefined ? Buffer.from([0]) : decimalFromText(repl, scale);
    return () => m;
  }
  if (repl === undefined) {
    switch (t) {
      case 'boolean': return () => false;
      case 'string': return () => '';
      case 'array': return () => [];
      case 'map': return (v) => (v instanceof Map ? new Map() : {});
      case 'int64': return (v) => (typeof v === 'bigint' ? 0n : 0);
      case 'int8': case 'int16': case 'int32': case 'float32': case 'float64': return () => 0;
      default: throw new TransformError(`Cannot mask value of type: ${t}`);
    }
  }
  if (t === 'string') return () => repl;
  if (t === 'int8' || t === 'int16' || t === 'int32' || t === 'int64' || t === 'float32' || t === 'float64') {
    const n = parseJavaNumber(repl, t);
    return (v) => (t === 'int64' && typeof v === 'bigint' ? BigInt(n as number) : n);
  }
  throw new TransformError(`Cannot mask value of type ${schema.name ?? t} with custom replacement.`);
}

/** Schemaless values: the zero (or replacement) by the value's own JavaScript type. */
function maskLoose(v: unknown, repl: string | undefined): unknown {
  if (v === null || v === undefined) return null;
  if (repl !== undefined) {
    if (typeof v === 'string') return repl;
    if (typeof v === 'number') return parseJavaNumber(repl, Number.isInteger(v) ? 'int64' : 'float64');
    if (typeof v === 'bigint') return BigInt(parseJavaNumber(repl, 'int64') as number);
    throw new TransformError(`Cannot mask value of type ${typeof v} with custom replacement.`);
  }
  if (typeof v === 'boolean') return false;
  if (typeof v === 'number') return 0;
  if (typeof v === 'bigint') return 0n;
  if (typeof v === 'string') return '';
  if (Array.isArray(v)) return [];
  if (v instanceof Map) return new Map();
  if (v instanceof Date) return new Date(0);
  throw new TransformError(`Cannot mask value of type: ${Buffer.isBuffer(v) ? 'bytes' : typeof v}`);
}

export const maskFieldPlugins = keyValuePlugins({
  name: 'MaskField', fields: [fields, replacement, replaceNullWithDefault],
  doc: 'Mask specified fields with a valid null value for the field type (i.e. 0, false, empty string, and so on). For numeric and string fields, an optional replacement value can be specified that is converted to the correct type.',
  create(side, config) {
    const masked = new Set(config.get(fields));
    const repl = config.get(replacement);
    const withDefault = config.get(replaceNullWithDefault);
    const maskers = new WeakMap<ConnectSchema, Map<string, (v: unknown) => unknown>>();
    const purpose = 'masking';
    return {
      apply(record) {
        const schema = sideSchema(record, side);
        const value = sideValue(record, side);
        if (schema === null) {
          const map = requireMap(value, purpose);
          const out: Record<string, unknown> = { ...map };
          for (const name of masked) if (name in out) out[name] = maskLoose(out[name], repl);
          return withSide(record, side, null, out);
        }
        const struct = requireStruct(value, purpose);
        let m = maskers.get(schema);
        if (!m) {
          // A type that cannot be masked fails only when a non-null value of it is met, as in Connect.
          m = new Map((schema.fields ?? []).filter((f) => masked.has(f.name)).map((f) => {
            try { return [f.name, masker(f.schema, repl)] as const; } catch (err) { return [f.name, () => { throw err; }] as const; }
          }));
          maskers.set(schema, m);
        }
        const out: Record<string, unknown> = {};
        for (const f of schema.fields ?? []) {
          const v = fieldValue(struct, f, withDefault);
          const mask = m.get(f.name);
          out[f.name] = mask && v !== null ? mask(v) : v;
        }
        return withSide(record, side, schema, out);
      },
    };
  },
});
