/**
 * Types Debezium passes through as PostgreSQL prints them: character types (bpchar keeps its
 * padding), network addresses, built-in ranges, and the named string types Uuid, Json, Xml,
 * Ltree, Tsvector and Enum (param `allowed` = labels in enumsortorder, comma-joined).
 */
import { S, type ConnectSchema } from '../../src/events/schema.ts';
import type { ScalarMapping } from './type-options.ts';

const identity = (text: string): string => text;

function stringMapping(schema: ConnectSchema): ScalarMapping {
  return { schema, parse: identity, zero: '' };
}

const named = (name: string): ConnectSchema => S.string({ name, version: 1 });

/** Plain STRING: text-like, network, and range types (range text as PostgreSQL prints it). */
const PLAIN = new Set([
  'text', 'varchar', 'bpchar', 'char', 'name', 'citext', 'isbn',
  'inet', 'cidr', 'macaddr', 'macaddr8',
  'int4range', 'int8range', 'numrange', 'tsrange', 'tstzrange', 'daterange',
]);

const NAMED: Readonly<Record<string, string>> = {
  uuid: 'io.debezium.data.Uuid',
  json: 'io.debezium.data.Json',
  jsonb: 'io.debezium.data.Json',
  xml: 'io.debezium.data.Xml',
  ltree: 'io.debezium.data.Ltree',
  tsvector: 'io.debezium.data.Tsvector',
};

export function textualMapping(typeName: string): ScalarMapping | null {
  if (PLAIN.has(typeName)) return stringMapping(S.string());
  const name = NAMED[typeName];
  return name ? stringMapping(named(name)) : null;
}

export function enumSchema(labels: readonly string[]): ConnectSchema {
  return S.string({ name: 'io.debezium.data.Enum', version: 1, parameters: { allowed: labels.join(',') } });
}

export function enumMapping(labels: readonly string[]): ScalarMapping {
  return stringMapping(enumSchema(labels));
}

export const JSON_SCHEMA_NAME = 'io.debezium.data.Json';
export const UUID_SCHEMA_NAME = 'io.debezium.data.Uuid';
