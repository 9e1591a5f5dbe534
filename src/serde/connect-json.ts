/**
 * Kafka Connect's JSON forms, text-exact with org.apache.kafka.connect.json.JsonConverter:
 *  - schema: {"type", fields|items|keys+values, "optional", "name", "version",
 *    "doc", "parameters", "default"} and, inside a struct, "field" last;
 *    type names int8..int64, float (float32), double (float64), boolean,
 *    string, bytes, array, map, struct;
 *  - payload: bytes and BASE64 decimals as base64, int64 as exact digits,
 *    floats as Java prints them (1.0, 1.0E10), NUMERIC decimals as
 *    BigDecimal#toString, maps with string keys as objects and other maps as
 *    [[key, value], ...].
 * Null handling as replace.null.with.default=true (Connect's default): a null
 * takes the schema default, else must be optional.
 */
import type { ConnectSchema } from '../events/schema.ts';
import { javaBigDecimalText, javaDoubleText, javaFloatText } from './java-number-text.ts';
import { ValueMismatchError } from './value-mismatch.ts';
import { mapEntries } from './map-entries.ts';

export type DecimalFormat = 'BASE64' | 'NUMERIC';

export interface ConnectJsonOptions {
  readonly decimalFormat: DecimalFormat;
  readonly replaceNullWithDefault: boolean;
}

export type JsonPayloadWriter = (value: unknown) => string;

const DECIMAL = 'org.apache.kafka.connect.data.Decimal';
const TYPE_NAMES: Readonly<Record<ConnectSchema['type'], string>> = {
  int8: 'int8', int16: 'int16', int32: 'int32', int64: 'int64', float32: 'float', float64: 'double',
  boolean: 'boolean', string: 'string', bytes: 'bytes', array: 'array', map: 'map', struct: 'struct',
};

/** The "schema" half of the envelope. */
export function connectJsonSchema(schema: ConnectSchema, opts: ConnectJsonOptions, fieldName?: string): string {
  const out: string[] = [`{"type":${JSON.stringify(TYPE_NAMES[schema.type])}`];
  if (schema.type === 'struct') out.push(`,"fields":[${(schema.fields ?? []).map((f) => connectJsonSchema(f.schema, opts, f.name)).join(',')}]`);
  if (schema.type === 'array') out.push(`,"items":${connectJsonSchema(schema.items!, opts)}`);
  if (schema.type === 'map') out.push(`,"keys":${connectJsonSchema(schema.keys!, opts)},"values":${connectJsonSchema(schema.values!, opts)}`);
  out.push(`,"optional":${schema.optional}`);
  if (schema.name !== undefined) out.push(`,"name":${JSON.stringify(schema.name)}`);
  if (schema.version !== undefined) out.push(`,"version":${schema.version}`);
  if (schema.doc !== undefined) out.push(`,"doc":${JSON.stringify(schema.doc)}`);
  if (schema.parameters !== undefined) {
    out.push(`,"parameters":{${Object.entries(schema.parameters).map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`);
  }
  if (schema.defaultValue !== undefined && schema.defaultValue !== null) {
    out.push(`,"default":${compileNonNull(schema, 'default', opts)(schema.defaultValue)}`);
  }
  if (fieldName !== undefined) out.push(`,"field":${JSON.stringify(fieldName)}`);
  out.push('}');
  return out.join('');
}

/** The payload writer for a schema (or for schemaless values when schema is null). */
export function compileJsonPayloadWriter(schema: ConnectSchema | null, opts: ConnectJsonOptions): JsonPayloadWriter {
  return schema === null ? writeSchemaless : compile(schema, '', opts);
}

function compile(schema: ConnectSchema, path: string, opts: ConnectJsonOptions): JsonPayloadWriter {
  const write = compileNonNull(schema, path, opts);
  const hasDefault = schema.defaultValue !== undefined && schema.defaultValue !== null && opts.replaceNullWithDefault;
  const defaultText = hasDefault ? write(schema.defaultValue) : undefined;
  const optional = schema.optional;
  return (v) => {
    if (v !== null && v !== undefined) return write(v);
    if (defaultText !== undefined) return defaultText;
    if (optional) return 'null';
    throw ValueMismatchError.requiredNull(path);
  };
}

/** The writer of a non-null value of `schema` (json-bytes-writer.ts falls back to it for the rarer types). */
export function compileNonNull(schema: ConnectSchema, path: string, opts: ConnectJsonOptions): JsonPayloadWriter {
  const bad = (v: unknown) => ValueMismatchError.of(path, schema, v);
  switch (schema.type) {
    case 'int8': case 'int16': case 'int32':
      return (v) => {
        if (typeof v !== 'number' || !Number.isInteger(v)) throw bad(v);
        return String(v);
      };
    case 'int64':
      return (v) => {
        if (typeof v === 'bigint') return v.toString();
        // Exact digits: String() for safe integers, BigInt beyond (String(1e21) would be 1e+21).
        if (typeof v === 'number' && Number.isInteger(v)) return Number.isSafeInteger(v) ? String(v) : BigInt(v).toString();
        throw bad(v);
      };
    case 'float32': case 'float64': {
      const text = schema.type === 'float32' ? javaFloatText : javaDoubleText;
      return (v) => {
        if (typeof v !== 'number') throw bad(v);
        // Jackson quotes NaN and infinities (QUOTE_NON_NUMERIC_NUMBERS).
        return Number.isFinite(v) ? text(v) : JSON.stringify(text(v));
      };
    }
    case 'boolean':
      return (v) => {
        if (typeof v !== 'boolean') throw bad(v);
        return v ? 'true' : 'false';
      };
    case 'string':
      return (v) => {
        if (typeof v !== 'string') throw bad(v);
        return jsonString(v);
      };
    case 'bytes': {
      const numeric = schema.name === DECIMAL && opts.decimalFormat === 'NUMERIC';
      const scale = Number.parseInt(schema.parameters?.['scale'] ?? '0', 10);
      return (v) => {
        if (!(v instanceof Uint8Array)) throw bad(v);
        const buf = Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
        return numeric ? javaBigDecimalText(unscaledOf(buf), scale) : `"${base64(buf)}"`;
      };
    }
    case 'array': {
      const item = compile(schema.items!, `${path}[]`, opts);
      return (v) => {
        if (!Array.isArray(v)) throw bad(v);
        return `[${v.map(item).join(',')}]`;
      };
    }
    case 'map': {
      const objectMode = schema.keys!.type === 'string'; // optionality does not matter here, unlike Avro
      const key = compile(schema.keys!, `${path}{key}`, opts);
      const value = compile(schema.values!, `${path}{}`, opts);
      return (v) => {
        const entries = mapEntries(v);
        if (!entries) throw bad(v);
        if (objectMode) return `{${entries.map(([k, x]) => `${JSON.stringify(String(k))}:${value(x)}`).join(',')}}`;
        return `[${entries.map(([k, x]) => `[${key(k)},${value(x)}]`).join(',')}]`;
      };
    }
    case 'struct': {
      const fields = schema.fields ?? [];
      // Per field the text before its value ({"a": then ,"b":), its name and its writer: one concatenation per field, no arrays.
      const heads = fields.map((f, i) => `${i === 0 ? '{' : ','}${JSON.stringify(f.name)}:`);
      const names = fields.map((f) => f.name);
      const writers = fields.map((f) => compile(f.schema, path ? `${path}.${f.name}` : f.name, opts));
      const n = fields.length;
      return (v) => {
        if (typeof v !== 'object' || v === null || Array.isArray(v) || Buffer.isBuffer(v)) throw bad(v);
        if (n === 0) return '{}';
        const rec = v as Record<string, unknown>;
        let out = '';
        for (let i = 0; i < n; i++) out += heads[i]! + writers[i]!(rec[names[i]!]);
        return `${out}}`;
      };
    }
  }
}

/** What JSON.stringify escapes in a string: quote, backslash, control characters, lone surrogates. */
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** JSON.stringify's text of a string, without calling it for the common string that needs no escape. */
export function jsonString(v: string): string {
  return NEEDS_ESCAPE.test(v) ? JSON.stringify(v) : `"${v}"`;
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Standard base64 with padding; short inputs (decimals, small keys) without a native call. */
export function base64(buf: Uint8Array): string {
  if (buf.length > 48) return Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString('base64');
  let out = '';
  let i = 0;
  for (; i + 2 < buf.length; i += 3) {
    const n = (buf[i]! << 16) | (buf[i + 1]! << 8) | buf[i + 2]!;
    out += B64[n >> 18]! + B64[(n >> 12) & 63]! + B64[(n >> 6) & 63]! + B64[n & 63]!;
  }
  const rest = buf.length - i;
  if (rest === 1) {
    const n = buf[i]! << 16;
    out += `${B64[n >> 18]!}${B64[(n >> 12) & 63]!}==`;
  } else if (rest === 2) {
    const n = (buf[i]! << 16) | (buf[i + 1]! << 8);
    out += `${B64[n >> 18]!}${B64[(n >> 12) & 63]!}${B64[(n >> 6) & 63]!}=`;
  }
  return out;
}

/** Two's-complement big-endian bytes -> bigint. */
function unscaledOf(buf: Buffer): bigint {
  if (buf.length === 0) return 0n;
  const n = BigInt(`0x${buf.toString('hex')}`);
  return (buf[0]! & 0x80) !== 0 ? n - (1n << BigInt(buf.length * 8)) : n;
}

/** Values without a schema: types inferred from the JS value, as JsonConverter infers from Java classes. */
function writeSchemaless(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : Number.isFinite(v) ? javaDoubleText(v) : JSON.stringify(javaDoubleText(v));
  if (typeof v === 'string' || typeof v === 'boolean') return JSON.stringify(v);
  if (v instanceof Uint8Array) return `"${Buffer.from(v).toString('base64')}"`;
  if (Array.isArray(v)) return `[${v.map(writeSchemaless).join(',')}]`;
  const entries = v instanceof Map ? [...v.entries()] : Object.entries(v as object);
  // JsonConverter writes a schemaless map as an object only when every key is a string.
  if (entries.every(([k]) => typeof k === 'string')) return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${writeSchemaless(x)}`).join(',')}}`;
  return `[${entries.map(([k, x]) => `[${writeSchemaless(k)},${writeSchemaless(x)}]`).join(',')}]`;
}
