/**
 * Builds the key or value Converter a connector config asks for, the way a
 * Connect worker reads key.converter / value.converter and their prefixed
 * settings (key.converter.schema.registry.url, value.converter.schemas.enable).
 * Unlike Connect, the default is Avro: this product writes Avro unless told
 * otherwise, so a Schema Registry URL is required by default. A top-level
 * schema.registry.url (and basic.auth.*) serves both converters when the
 * prefixed form is absent.
 */
import { ConfigError } from '../errors/cdc-error.ts';
import type { Converter, ConverterLogger } from './converter.ts';
import { AvroConverter } from './avro-converter.ts';
import { parseAvroConverterConfig } from './avro-converter-config.ts';
import { JsonConverter, parseJsonConverterConfig } from './json-converter.ts';
import { SchemaRegistryClient } from './schema-registry-client.ts';
import type { FetchLike } from './http-fetch.ts';

export type ConverterRole = 'key' | 'value';

export interface CreateConverterDeps {
  readonly role: ConverterRole;
  /** The connector's config map. */
  readonly config: Readonly<Record<string, unknown>>;
  readonly log: ConverterLogger;
  /** Replaces the HTTP client of registry calls (tests). */
  readonly fetch?: FetchLike;
}

type ConverterKind = 'avro' | 'json';

const CONVERTER_NAMES: Readonly<Record<string, ConverterKind>> = {
  'io.confluent.connect.avro.avroconverter': 'avro',
  avro: 'avro',
  'org.apache.kafka.connect.json.jsonconverter': 'json',
  json: 'json',
};

/** Settings a top-level key may supply to both converters. */
const SHARED_REGISTRY_KEYS = ['schema.registry.url', 'basic.auth.credentials.source', 'basic.auth.user.info'];

export function createConverter(deps: CreateConverterDeps): Converter {
  const { role, config } = deps;
  const property = `${role}.converter`;
  const kind = converterKind(config[property], property);
  const prefix = `${property}.`;
  const settings: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) if (k.startsWith(prefix)) settings[k.slice(prefix.length)] = v;

  if (kind === 'json') return new JsonConverter({ config: parseJsonConverterConfig(settings, prefix) });

  for (const k of SHARED_REGISTRY_KEYS) if (settings[k] === undefined && config[k] !== undefined) settings[k] = config[k];
  const avroConfig = parseAvroConverterConfig(settings, prefix);
  const registry = new SchemaRegistryClient({
    urls: avroConfig.registryUrls,
    ...(avroConfig.userInfo !== undefined ? { userInfo: avroConfig.userInfo } : {}),
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
  });
  return new AvroConverter({ registry, log: deps.log, config: avroConfig });
}

/** Both converters of a connector. */
export function createConverters(config: Readonly<Record<string, unknown>>, log: ConverterLogger, fetchImpl?: FetchLike): { key: Converter; value: Converter } {
  const common = { config, log, ...(fetchImpl ? { fetch: fetchImpl } : {}) };
  return { key: createConverter({ ...common, role: 'key' }), value: createConverter({ ...common, role: 'value' }) };
}

/**
 * True when `raw` (a key.converter / value.converter value, possibly unset) selects the
 * Avro converter; unset counts, Avro being this daemon's default. An unknown name is
 * not Avro (createConverter refuses it on its own).
 */
export function selectsAvroConverter(raw: unknown): boolean {
  if (raw === undefined || raw === null || String(raw).trim() === '') return true;
  return CONVERTER_NAMES[String(raw).trim().toLowerCase()] === 'avro';
}

function converterKind(raw: unknown, property: string): ConverterKind {
  if (raw === undefined || raw === null || String(raw).trim() === '') return 'avro';
  const kind = CONVERTER_NAMES[String(raw).trim().toLowerCase()];
  if (kind) return kind;
  throw new ConfigError({
    code: 'CDC_CONVERTER_UNKNOWN',
    what: `unknown converter "${String(raw)}"`,
    where: `property ${property}`,
    fix: 'use io.confluent.connect.avro.AvroConverter (or avro) or org.apache.kafka.connect.json.JsonConverter (or json)',
  });
}
