/**
 * Record headers to bytes, as Kafka Connect's header converters write them. Sources
 * send a header either as text or as a Connect value with its schema (Debezium's
 * __debezium.oldkey/newkey carry the key struct); the converter renders the latter:
 * - SimpleHeaderConverter (Connect's default) writes Values.convertToString: a struct
 *   or map as {"field":value,...} with strings quoted, bytes as base64, numbers exact;
 * - StringConverter writes the value's Java toString(): a struct as Struct{field=value,...}
 *   (null fields left out), bytes as base64 (Java would print an object address).
 * Text headers are written unchanged by both.
 */
import type { ConnectSchema } from '../events/schema.ts';
import type { HeaderValue } from '../events/record.ts';
import { headerConverterKind, type HeaderConverterKind } from '../config/header-converter-names.ts';
import { ConfigError } from '../errors/cdc-error.ts';

export interface HeaderConverter {
  /** Header values as Kafka record header text; a null value leaves the header out. */
  fromConnectHeaders(headers: Readonly<Record<string, string | HeaderValue>>): Record<string, string>;
}

export function createHeaderConverter(className: string | undefined): HeaderConverter {
  const kind = headerConverterKind(className);
  if (!kind) {
    throw new ConfigError({
      code: 'CDC_CONVERTER_UNKNOWN', what: `header converter "${className}" is not implemented`, where: 'property header.converter',
      fix: 'use org.apache.kafka.connect.storage.SimpleHeaderConverter (the default) or org.apache.kafka.connect.storage.StringConverter',
    });
  }
  return {
    fromConnectHeaders(headers) {
      const out: Record<string, string> = {};
      for (const [name, h] of Object.entries(headers)) {
        if (typeof h === 'string') { out[name] = h; continue; }
        if (h.value === null || h.value === undefined) continue;
        out[name] = render(kind, h.schema, h.value);
      }
      return out;
    },
  };
}

export function render(kind: HeaderConverterKind, schema: ConnectSchema | null, value: unknown): string {
  return kind === 'simple' ? simple(schema, value, false) : javaString(schema, value);
}

/** Connect's Decimal: unscaled two's-complement big-endian bytes plus a scale parameter. */
function decimalText(schema: ConnectSchema | null, value: unknown): string | null {
  if (schema?.name !== 'org.apache.kafka.connect.data.Decimal' || !Buffer.isBuffer(value)) return null;
  const scale = Number(schema.parameters?.scale ?? 0);
  let n = value.length === 0 ? 0n : BigInt.asIntN(value.length * 8, BigInt(`0x${value.toString('hex')}`));
  const negative = n < 0n;
  if (negative) n = -n;
  let digits = n.toString();
  if (scale > 0) {
    digits = digits.padStart(scale + 1, '0');
    digits = `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  }
  return (negative ? '-' : '') + digits;
}

function scalar(schema: ConnectSchema | null, value: unknown): string | null {
  const dec = decimalText(schema, value);
  if (dec !== null) return dec;
  if (Buffer.isBuffer(value)) return value.toString('base64');
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  return null;
}

function entries(value: unknown): [unknown, unknown][] {
  return value instanceof Map ? [...value.entries()] : Object.entries(value as Record<string, unknown>);
}

function simple(schema: ConnectSchema | null, value: unknown, embedded: boolean): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return embedded ? JSON.stringify(value) : value;
  const s = scalar(schema, value);
  if (s !== null) return s;
  if (Array.isArray(value)) return `[${value.map((v) => simple(schema?.items ?? null, v, true)).join(',')}]`;
  if (schema?.type === 'struct' && schema.fields) {
    const obj = value as Record<string, unknown>;
    return `{${schema.fields.map((f) => `${JSON.stringify(f.name)}:${simple(f.schema, obj[f.name], true)}`).join(',')}}`;
  }
  if (typeof value === 'object') {
    return `{${entries(value).map(([k, v]) => `${simple(schema?.keys ?? null, k, true)}:${simple(schema?.values ?? null, v, true)}`).join(',')}}`;
  }
  return String(value);
}

function javaString(schema: ConnectSchema | null, value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return value;
  const s = scalar(schema, value);
  if (s !== null) return s;
  if (Array.isArray(value)) return `[${value.map((v) => javaString(schema?.items ?? null, v)).join(', ')}]`;
  if (schema?.type === 'struct' && schema.fields) {
    const obj = value as Record<string, unknown>;
    const set = schema.fields.filter((f) => obj[f.name] !== null && obj[f.name] !== undefined);
    return `Struct{${set.map((f) => `${f.name}=${javaString(f.schema, obj[f.name])}`).join(',')}}`;
  }
  if (typeof value === 'object') {
    return `{${entries(value).map(([k, v]) => `${javaString(schema?.keys ?? null, k)}=${javaString(schema?.values ?? null, v)}`).join(', ')}}`;
  }
  return String(value);
}
