/**
 * Turns a Connect value (representation in src/events/schema.ts) into the
 * datum avsc writes for the Avro schema built by avro-schema.ts. Compiled once
 * per schema into a tree of closures, so the per-record path walks no schema
 * metadata and allocates only the datum.
 * Null handling follows AvroData: a null value takes the schema's default when
 * there is one (unless ignore.default.for.nullables), else must be optional.
 * Connect's Struct#get does the same for unset fields, which is how Debezium's
 * source.snapshot ends up "false" on streaming events.
 */
import type { ConnectSchema } from '../events/schema.ts';
import { ValueMismatchError } from './value-mismatch.ts';
import { mapEntries } from './map-entries.ts';

export type DatumConverter = (value: unknown) => unknown;

export interface DatumOptions {
  /** AvroData's ignore.default.for.nullables (default false): keep null instead of the default. */
  readonly ignoreDefaultForNullables?: boolean;
}

const MS_PER_DAY = 86_400_000;

export function compileDatumConverter(schema: ConnectSchema, opts: DatumOptions = {}): DatumConverter {
  return compile(schema, '', opts);
}

function compile(schema: ConnectSchema, path: string, opts: DatumOptions): DatumConverter {
  const convert = compileNonNull(schema, path, opts);
  const hasDefault = schema.defaultValue !== undefined && schema.defaultValue !== null;
  const useDefault = hasDefault && !(opts.ignoreDefaultForNullables && schema.optional);
  const defaultDatum = useDefault ? convert(schema.defaultValue) : undefined;
  const optional = schema.optional;
  return (value) => {
    if (value !== null && value !== undefined) return convert(value);
    if (useDefault) return defaultDatum;
    if (optional) return null;
    throw ValueMismatchError.requiredNull(path);
  };
}

function compileNonNull(schema: ConnectSchema, path: string, opts: DatumOptions): DatumConverter {
  switch (schema.type) {
    case 'int8': case 'int16': case 'int32': {
      const logical = schema.name;
      return (v) => {
        const n = v instanceof Date ? dateToInt(logical, v) : v;
        if (typeof n !== 'number' || !Number.isInteger(n)) throw ValueMismatchError.of(path, schema, v);
        return n;
      };
    }
    case 'int64':
      return (v) => {
        if (typeof v === 'bigint') return v;
        if (typeof v === 'number' && Number.isInteger(v)) return v;
        if (v instanceof Date) return v.getTime();
        throw ValueMismatchError.of(path, schema, v);
      };
    case 'float32': case 'float64':
      return (v) => {
        if (typeof v !== 'number') throw ValueMismatchError.of(path, schema, v);
        return v;
      };
    case 'boolean':
      return (v) => {
        if (typeof v !== 'boolean') throw ValueMismatchError.of(path, schema, v);
        return v;
      };
    case 'string':
      return (v) => {
        if (typeof v !== 'string') throw ValueMismatchError.of(path, schema, v);
        return v;
      };
    case 'bytes':
      return (v) => {
        if (Buffer.isBuffer(v)) return v;
        if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
        throw ValueMismatchError.of(path, schema, v);
      };
    case 'array': {
      const item = compile(schema.items!, `${path}[]`, opts);
      return (v) => {
        if (!Array.isArray(v)) throw ValueMismatchError.of(path, schema, v);
        return v.map(item);
      };
    }
    case 'map':
      return compileMap(schema, path, opts);
    case 'struct': {
      const fields = (schema.fields ?? []).map((f) => [f.name, compile(f.schema, path ? `${path}.${f.name}` : f.name, opts)] as const);
      return (v) => {
        if (typeof v !== 'object' || Array.isArray(v) || Buffer.isBuffer(v)) throw ValueMismatchError.of(path, schema, v);
        const rec = v as Record<string, unknown>;
        const out: Record<string, unknown> = {};
        for (const [name, conv] of fields) out[name] = conv(rec[name]);
        return out;
      };
    }
  }
}

function compileMap(schema: ConnectSchema, path: string, opts: DatumOptions): DatumConverter {
  const stringKeys = schema.keys!.type === 'string' && !schema.keys!.optional;
  const key = compile(schema.keys!, `${path}{key}`, opts);
  const value = compile(schema.values!, `${path}{}`, opts);
  return (v) => {
    const entries = mapEntries(v);
    if (!entries) throw ValueMismatchError.of(path, schema, v);
    if (stringKeys) {
      const out: Record<string, unknown> = {};
      for (const [k, x] of entries) out[key(k) as string] = value(x);
      return out;
    }
    // Avro maps have string keys only: AvroData writes other maps as key/value records.
    return entries.map(([k, x]) => ({ key: key(k), value: value(x) }));
  };
}

/** A Date where Connect expects an int32: days (Date) or millis of the day (Time); NaN otherwise. */
export function dateToInt(logical: string | undefined, d: Date): number {
  const ms = d.getTime();
  if (logical === 'org.apache.kafka.connect.data.Date') return Math.floor(ms / MS_PER_DAY);
  if (logical === 'org.apache.kafka.connect.data.Time') return ((ms % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY;
  return Number.NaN; // a Date where a plain int is expected: reported as a mismatch
}
