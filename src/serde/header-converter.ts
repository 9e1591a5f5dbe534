/**
 * Record headers to bytes, as Kafka Connect's header converters write them. Each header is a
 * Connect value with its schema (src/events/record.ts, RecordHeader); the converter renders it:
 * - SimpleHeaderConverter (Connect's default) writes Values.convertToString: a struct
 *   or map as {"field":value,...} with strings quoted, bytes as base64, numbers as Java prints
 *   them (1.0, 1.0E10), decimals as BigDecimal.toString, Connect dates as ISO-8601 text;
 * - StringConverter writes the value's Java toString(): a struct as Struct{field=value,...}
 *   (null fields left out), bytes as base64 (Java would print an object address), a date as
 *   java.util.Date prints itself.
 * A string value is its own text under both. Dates are rendered in UTC (Connect uses the JVM's
 * zone, UTC in the usual container).
 *
 * The result is the kafkajs header object: a key that repeats (Connect's headers are a list)
 * gets an array of its values, in order. kafkajs writes a key's values together, at the
 * place of its first occurrence, so repeated keys keep their order among themselves; the
 * interleaving with other keys is not kept (a kafkajs limit, docs/transforms.md).
 */
import type { ConnectSchema } from '../events/schema.ts';
import type { RecordHeader } from '../events/record.ts';
import { headerConverterKind, type HeaderConverterKind } from '../config/header-converter-names.ts';
import { ConfigError } from '../errors/cdc-error.ts';
import { javaBigDecimalText, javaDoubleText, javaFloatText } from './java-number-text.ts';

/** Header text by key, as kafkajs takes it: one value, or the values of a repeated key in order. */
export type KafkaHeaders = Record<string, string | string[]>;

export interface HeaderConverter {
  /** Header values as Kafka record header text; a header with a null value is left out (kafkajs cannot write one). */
  fromConnectHeaders(headers: readonly RecordHeader[]): KafkaHeaders;
}

export function createHeaderConverter(className: string | undefined): HeaderConverter {
  const kind = headerConverterKind(className);
  if (!kind) {
    throw new ConfigError({
      code: 'CDC_CONVERTER_UNKNOWN', what: `header converter "${className}" is not implemented`, where: 'property header.converter',
      fix: 'use org.apache.kafka.connect.storage.SimpleHeaderConverter (the default) or org.apache.kafka.connect.storage.StringConverter',
    });
  }
  // A frozen list of frozen string headers (Debezium's context headers, shared by every record of a
  // task) always converts to the same text: converted once, and the frozen result shared.
  const shared = new WeakMap<readonly RecordHeader[], KafkaHeaders>();
  const convert = (headers: readonly RecordHeader[]): KafkaHeaders => {
    const out: KafkaHeaders = {};
    for (const h of headers) {
      const v = h.value;
      if (v === null || v === undefined) continue;
      // Both converters write a string as its own text: the common case (Debezium's context headers) skips render().
      put(out, h.key, typeof v === 'string' ? v : render(kind, h.schema, v));
    }
    return out;
  };
  return {
    fromConnectHeaders(headers) {
      if (!Object.isFrozen(headers)) return convert(headers);
      let out = shared.get(headers);
      if (out === undefined) {
        out = convert(headers);
        if (headers.every((h) => Object.isFrozen(h) && (h.value === null || typeof h.value === 'string'))) {
          shared.set(headers, Object.freeze(out));
        }
      }
      return out;
    },
  };
}

/** Appends `text` under `key`: an array once the key repeats. Own-property checks, so keys like "constructor" are plain keys. */
function put(out: KafkaHeaders, key: string, text: string): void {
  if (!Object.hasOwn(out, key)) {
    if (key === '__proto__') Object.defineProperty(out, key, { value: text, enumerable: true, writable: true, configurable: true });
    else out[key] = text;
    return;
  }
  const prev = out[key]!;
  if (Array.isArray(prev)) prev.push(text);
  else out[key] = [prev, text];
}

export function render(kind: HeaderConverterKind, schema: ConnectSchema | null, value: unknown): string {
  return kind === 'simple' ? simple(schema, value, false) : javaString(schema, value);
}

/** Connect's Decimal (unscaled two's-complement big-endian bytes plus a scale parameter) as BigDecimal.toString prints it. */
function decimalText(schema: ConnectSchema | null, value: unknown): string | null {
  if (schema?.name !== 'org.apache.kafka.connect.data.Decimal' || !Buffer.isBuffer(value)) return null;
  const scale = Number(schema.parameters?.scale ?? 0);
  const unscaled = value.length === 0 ? 0n : BigInt.asIntN(value.length * 8, BigInt(`0x${value.toString('hex')}`));
  return javaBigDecimalText(unscaled, scale);
}

const MS_PER_DAY = 86_400_000;
const DATE = 'org.apache.kafka.connect.data.Date';
const TIME = 'org.apache.kafka.connect.data.Time';
const TIMESTAMP = 'org.apache.kafka.connect.data.Timestamp';

/** Epoch ms of a Connect Date/Time/Timestamp value (a JS Date, or days / ms as the sources hand them), else null. */
function temporalMs(schema: ConnectSchema | null, value: unknown): number | null {
  if (value instanceof Date) return value.getTime();
  const name = schema?.name;
  if ((typeof value !== 'number' && typeof value !== 'bigint') || (name !== DATE && name !== TIME && name !== TIMESTAMP)) return null;
  return name === DATE ? Number(value) * MS_PER_DAY : Number(value);
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** Values.dateFormatFor: a time (before one day), a date (a whole day) or a timestamp, ISO-8601 with a literal Z. */
function isoDateText(ms: number): string {
  const d = new Date(ms);
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)}Z`;
  if (ms < MS_PER_DAY) return time;
  const date = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  return ms % MS_PER_DAY === 0 ? date : `${date}T${time}`;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** java.util.Date#toString in UTC: "Tue Mar 05 00:00:00 UTC 2024". */
function javaDateText(ms: number): string {
  const d = new Date(ms);
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`;
}

function scalar(schema: ConnectSchema | null, value: unknown): string | null {
  const dec = decimalText(schema, value);
  if (dec !== null) return dec;
  if (Buffer.isBuffer(value)) return value.toString('base64');
  if (typeof value === 'number') {
    // Java prints a float or double with a point or an exponent (1.0, 1.0E10); an int plainly.
    if (schema?.type === 'float32') return javaFloatText(value);
    if (schema?.type === 'float64' || (schema === null && !Number.isInteger(value))) return javaDoubleText(value);
    return String(value);
  }
  if (typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  return null;
}

function entries(value: unknown): [unknown, unknown][] {
  return value instanceof Map ? [...value.entries()] : Object.entries(value as Record<string, unknown>);
}

function simple(schema: ConnectSchema | null, value: unknown, embedded: boolean): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return embedded ? JSON.stringify(value) : value;
  const ms = temporalMs(schema, value);
  if (ms !== null) return isoDateText(ms);
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
  const ms = temporalMs(schema, value);
  if (ms !== null) return javaDateText(ms);
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
