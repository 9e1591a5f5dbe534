/**
 * Connect default values rendered as the JSON Confluent's AvroData writes, for
 * the "connect.default" property and for an Avro field's "default".
 * The two differ only for float32: the property keeps Java's float text
 * (0.1f -> 0.1) while the field default goes through Avro's JacksonUtils,
 * which widens to double (0.1f -> 0.10000000149011612).
 * Bytes (and Decimal's unscaled bytes) become a string with one code point per
 * byte (ISO-8859-1), as the Avro spec says for bytes defaults.
 */
import type { ConnectSchema } from '../events/schema.ts';
import { javaDoubleText, javaFloatText } from './java-number-text.ts';
import { JsonNumber, JsonObject, type JsonValue } from './json-text.ts';
import type { AvroNode } from './avro-schema-text.ts';

export type DefaultFlavor = 'connect-property' | 'field-default';

const DATE = 'org.apache.kafka.connect.data.Date';
const TIME = 'org.apache.kafka.connect.data.Time';
const TIMESTAMP = 'org.apache.kafka.connect.data.Timestamp';
const MS_PER_DAY = 86_400_000;

/** Throws a plain Error naming the type mismatch; callers add where it happened. */
export function connectDefaultJson(schema: ConnectSchema, value: unknown, flavor: DefaultFlavor): JsonValue {
  if (value === null || value === undefined) return null;
  switch (schema.type) {
    case 'int8': case 'int16': case 'int32':
      return JsonNumber.of(integer(logicalToNumber(schema, value), schema));
    case 'int64':
      return JsonNumber.of(long(logicalToNumber(schema, value), schema));
    case 'float32':
      return new JsonNumber(flavor === 'connect-property' ? javaFloatText(num(value, schema)) : javaDoubleText(Math.fround(num(value, schema))));
    case 'float64':
      return new JsonNumber(javaDoubleText(num(value, schema)));
    case 'boolean':
      if (typeof value !== 'boolean') throw mismatch(schema, value);
      return value;
    case 'string':
      if (typeof value !== 'string') throw mismatch(schema, value);
      return value;
    case 'bytes':
      if (!(value instanceof Uint8Array)) throw mismatch(schema, value);
      return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('latin1');
    case 'array':
      if (!Array.isArray(value)) throw mismatch(schema, value);
      return value.map((v) => connectDefaultJson(schema.items!, v, flavor));
    case 'map':
      return mapDefault(schema, value, flavor);
    case 'struct': {
      if (typeof value !== 'object') throw mismatch(schema, value);
      const rec = value as Record<string, unknown>;
      // Connect's Struct#get falls back to the field's own default when unset.
      return new JsonObject((schema.fields ?? []).map((f) => [
        f.name, connectDefaultJson(f.schema, rec[f.name] ?? f.schema.defaultValue, flavor),
      ]));
    }
  }
}

function mapDefault(schema: ConnectSchema, value: unknown, flavor: DefaultFlavor): JsonValue {
  const entries: Array<[unknown, unknown]> = value instanceof Map
    ? [...value.entries()]
    : typeof value === 'object' && value !== null ? Object.entries(value) : (() => { throw mismatch(schema, value); })();
  if (schema.keys!.type === 'string' && !schema.keys!.optional) {
    return new JsonObject(entries.map(([k, v]) => [String(k), connectDefaultJson(schema.values!, v, flavor)]));
  }
  // Non-string keys: AvroData writes [[key, value], ...] (which then fails the
  // Avro default check against the MapEntry record array, and is dropped there).
  return entries.map(([k, v]) => [connectDefaultJson(schema.keys!, k, flavor), connectDefaultJson(schema.values!, v, flavor)]);
}

function logicalToNumber(schema: ConnectSchema, value: unknown): unknown {
  if (!(value instanceof Date)) return value;
  const ms = value.getTime();
  if (schema.name === DATE) return Math.floor(ms / MS_PER_DAY);
  if (schema.name === TIME) return ((ms % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY;
  if (schema.name === TIMESTAMP) return ms;
  return value;
}

function integer(value: unknown, schema: ConnectSchema): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw mismatch(schema, value);
  return value;
}

function long(value: unknown, schema: ConnectSchema): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  throw mismatch(schema, value);
}

function num(value: unknown, schema: ConnectSchema): number {
  if (typeof value !== 'number') throw mismatch(schema, value);
  return value;
}

function mismatch(schema: ConnectSchema, value: unknown): Error {
  const shown = typeof value === 'bigint' ? `${value}n` : Buffer.isBuffer(value) ? 'a Buffer' : JSON.stringify(value) ?? String(value);
  return new Error(`default ${shown} is not a valid ${schema.name ?? schema.type} value`);
}

const INTEGRAL = /^-?\d+$/;

/**
 * Avro's own check of a field default against the field type (first union
 * branch only). AvroData drops a default that fails it, keeping the field.
 */
export function isValidAvroDefault(node: AvroNode, json: JsonValue | undefined): boolean {
  if (json === undefined) return false;
  switch (node.kind) {
    case 'union': return node.branches.length > 0 && isValidAvroDefault(node.branches[0]!, json);
    case 'array': return Array.isArray(json) && json.every((v) => isValidAvroDefault(node.items, v));
    case 'map': return json instanceof JsonObject && json.entries.every(([, v]) => isValidAvroDefault(node.values, v));
    case 'record':
      return json instanceof JsonObject
        && node.fields.every((f) => isValidAvroDefault(f.type, json.has(f.name) ? json.get(f.name) : f.default));
    case 'primitive':
      switch (node.type) {
        case 'null': return json === null;
        case 'boolean': return typeof json === 'boolean';
        case 'string': case 'bytes': return typeof json === 'string';
        case 'float': case 'double': return json instanceof JsonNumber;
        case 'int': return json instanceof JsonNumber && INTEGRAL.test(json.text) && fits(json.text, 31);
        case 'long': return json instanceof JsonNumber && INTEGRAL.test(json.text) && fits(json.text, 63);
      }
  }
}

function fits(text: string, bits: number): boolean {
  const v = BigInt(text);
  return v >= -(1n << BigInt(bits)) && v < 1n << BigInt(bits);
}
