/**
 * Schema and value helpers shared by Kafka's and Debezium's transforms, reproducing
 * Connect's SchemaUtil / Requirements / Struct conventions (shared/reference/transforms.md §3):
 * - copying a schema's "basics" copies name, version, doc and parameters, never
 *   `optional` nor the default, so a struct rebuilt from an optional one is required;
 * - Struct.get replaces a null field by the field schema's default (replace.null.with.default);
 * - transformed schemas are cached per input schema object, so the same input schema
 *   always yields the same output schema object (converters cache by identity).
 */
import type { ConnectField, ConnectSchema } from '../events/schema.ts';
import type { SourceRecord } from '../events/record.ts';
import { TransformError } from './contracts.ts';

export type StructValue = Record<string, unknown>;

/** name, version, doc and parameters of `src` (Connect's SchemaUtil.copySchemaBasics): not optional, not the default. */
export function schemaBasics(src: ConnectSchema): Pick<ConnectSchema, 'name' | 'version' | 'doc' | 'parameters'> {
  return {
    ...(src.name !== undefined ? { name: src.name } : {}),
    ...(src.version !== undefined ? { version: src.version } : {}),
    ...(src.doc !== undefined ? { doc: src.doc } : {}),
    ...(src.parameters !== undefined ? { parameters: src.parameters } : {}),
  };
}

/** A new struct schema with `src`'s basics and the given fields; REQUIRED, as Connect's copied structs are. */
export function copyStructSchema(src: ConnectSchema, fields: readonly ConnectField[]): ConnectSchema {
  return { type: 'struct', optional: false, ...schemaBasics(src), fields };
}

/** The field named `name` of a struct schema, or undefined. */
export function findField(schema: ConnectSchema, name: string): ConnectField | undefined {
  return schema.fields?.find((f) => f.name === name);
}

/** The field named `name`, or TransformError "Unknown field: <name>" (Connect's Struct.lookupField). */
export function requireField(schema: ConnectSchema, name: string): ConnectField {
  const f = findField(schema, name);
  if (!f) throw new TransformError(`Unknown field: ${name}`);
  return f;
}

/** `s` made optional (same object when it already is). */
export function asOptional(s: ConnectSchema): ConnectSchema {
  return s.optional ? s : { ...s, optional: true };
}

/**
 * A struct field's value as Connect's Struct.get (replaceNullWithDefault=true) or
 * getWithoutDefault (false) returns it.
 */
export function fieldValue(struct: StructValue, field: ConnectField, replaceNullWithDefault = true): unknown {
  const v = struct[field.name];
  if ((v === null || v === undefined) && replaceNullWithDefault && field.schema.defaultValue !== undefined) {
    return field.schema.defaultValue;
  }
  return v ?? null;
}

function describeType(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Buffer.isBuffer(value)) return 'bytes';
  if (Array.isArray(value)) return 'array';
  if (value instanceof Map) return 'map';
  return typeof value;
}

/** Connect's Requirements.requireStruct: the value must be a struct; message as Connect's DataException. */
export function requireStruct(value: unknown, purpose: string): StructValue {
  if (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value) || Buffer.isBuffer(value) || value instanceof Map) {
    throw new TransformError(`Only Struct objects supported for [${purpose}], found: ${describeType(value)}`);
  }
  return value as StructValue;
}

/** Connect's Requirements.requireMap, for schemaless values (a JS object or Map). */
export function requireMap(value: unknown, purpose: string): StructValue {
  if (value instanceof Map) return Object.fromEntries(value) as StructValue;
  if (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value) || Buffer.isBuffer(value)) {
    throw new TransformError(`Only Map objects supported in absence of schema for [${purpose}], found: ${describeType(value)}`);
  }
  return value as StructValue;
}

/**
 * Output schema per input schema object (Connect caches input -> output; by identity here,
 * so a converter sees the same output object for every record of one input schema).
 */
export class SchemaCache {
  readonly #map = new WeakMap<ConnectSchema, ConnectSchema>();

  get(input: ConnectSchema, build: (s: ConnectSchema) => ConnectSchema): ConnectSchema {
    let out = this.#map.get(input);
    if (!out) {
      out = build(input);
      this.#map.set(input, out);
    }
    return out;
  }
}

/** Which part of a record a $Key / $Value transform operates on. */
export type RecordSide = 'key' | 'value';

export function sideSchema(record: SourceRecord, side: RecordSide): ConnectSchema | null {
  return side === 'key' ? record.keySchema : record.valueSchema;
}

export function sideValue(record: SourceRecord, side: RecordSide): unknown {
  return side === 'key' ? record.key : record.value;
}

/** A copy of `record` with the key or value (and its schema) replaced; everything else kept (Connect's newRecord). */
export function withSide(record: SourceRecord, side: RecordSide, schema: ConnectSchema | null, value: unknown): SourceRecord {
  return side === 'key' ? { ...record, keySchema: schema, key: value } : { ...record, valueSchema: schema, value };
}
