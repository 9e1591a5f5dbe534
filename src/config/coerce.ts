/**
 * Turns one raw property value into the declared type. Raw values are strings when
 * they come from .properties files or the REST API, and may already be numbers,
 * booleans or lists when they come from YAML/JSON; both must give the same result,
 * so a config means the same thing whichever way it was written.
 * Follows Kafka's ConfigDef.parseType where it matters to users: values are trimmed,
 * lists split on commas, booleans are true/false in any case.
 */
import type { FieldType } from './define.ts';
import { HIDDEN_VALUE, Secret } from './secret.ts';

export type Coerced = { ok: true; value: unknown } | { ok: false; expected: string; example: string };

const RANGES = {
  short: [-32768, 32767],
  int: [-2147483648, 2147483647],
  // Numbers above 2^53 would silently lose digits in a JS number.
  long: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
} as const;

const EXPECTED: Record<FieldType, { expected: string; example: string }> = {
  string: { expected: 'a string', example: 'some-text' },
  class: { expected: 'a class name (no spaces)', example: 'io.confluent.connect.avro.AvroConverter' },
  password: { expected: 'a string', example: '${env:DB_PASSWORD}' },
  short: { expected: `a whole number from ${RANGES.short[0]} to ${RANGES.short[1]}`, example: '3' },
  int: { expected: `a whole number from ${RANGES.int[0]} to ${RANGES.int[1]}`, example: '1' },
  long: { expected: `a whole number from ${RANGES.long[0]} to ${RANGES.long[1]}`, example: '60000' },
  double: { expected: 'a number', example: '0.5' },
  boolean: { expected: 'true or false', example: 'true' },
  list: { expected: 'a comma-separated list (or a YAML list) of plain values', example: 'a,b,c' },
};

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

export function describeType(type: FieldType): { expected: string; example: string } {
  return EXPECTED[type];
}

export function coerce(type: FieldType, input: unknown): Coerced {
  const value = convert(type, input);
  return value === FAIL ? { ok: false, ...EXPECTED[type] } : { ok: true, value };
}

const FAIL = Symbol('fail');

function convert(type: FieldType, input: unknown): unknown {
  switch (type) {
    case 'string':
      return scalarText(input) ?? FAIL;
    case 'class': {
      const s = scalarText(input);
      return s !== undefined && /^\S+$/.test(s) ? s : FAIL;
    }
    case 'password': {
      if (input instanceof Secret) return input;
      const s = scalarText(input);
      return s === undefined ? FAIL : new Secret(s);
    }
    case 'short':
    case 'int':
    case 'long':
      return integer(input, RANGES[type]);
    case 'double':
      return double(input);
    case 'boolean':
      return bool(input);
    case 'list':
      return list(input);
  }
}

function scalarText(input: unknown): string | undefined {
  if (typeof input === 'string') return input.trim();
  if (typeof input === 'number' || typeof input === 'boolean' || typeof input === 'bigint') return String(input);
  return undefined;
}

function integer(input: unknown, [min, max]: readonly [number, number]): number | typeof FAIL {
  let n: number;
  if (typeof input === 'number') n = input;
  else if (typeof input === 'bigint') n = Number(input);
  else if (typeof input === 'string' && INTEGER.test(input.trim())) n = Number(input.trim());
  else return FAIL;
  return Number.isInteger(n) && n >= min && n <= max ? n : FAIL;
}

function double(input: unknown): number | typeof FAIL {
  const n = typeof input === 'number' ? input : typeof input === 'string' && DECIMAL.test(input.trim()) ? Number(input.trim()) : NaN;
  return Number.isFinite(n) ? n : FAIL;
}

function bool(input: unknown): boolean | typeof FAIL {
  if (typeof input === 'boolean') return input;
  if (typeof input !== 'string') return FAIL;
  const s = input.trim().toLowerCase();
  return s === 'true' ? true : s === 'false' ? false : FAIL;
}

function list(input: unknown): readonly string[] | typeof FAIL {
  if (Array.isArray(input)) {
    const items = input.map(scalarText);
    return items.every((i): i is string => i !== undefined) ? items.filter((i) => i !== '') : FAIL;
  }
  const s = scalarText(input);
  if (s === undefined) return FAIL;
  // Empty items ("a,,b", trailing comma) are dropped: they are always typos, never meaning.
  return s.split(',').map((i) => i.trim()).filter((i) => i !== '');
}

/**
 * The string form of a raw or parsed value, as Kafka Connect shows it (lists joined
 * with commas). Secrets become "[hidden]" unless `reveal` is set (passthrough to
 * Kafka clients needs the real value).
 */
export function textOf(value: unknown, reveal = false): string {
  if (value instanceof Secret) return reveal ? value.reveal() : HIDDEN_VALUE;
  if (value === null || value === undefined) return '';
  if (Array.isArray(value)) return value.map((v) => textOf(v, reveal)).join(',');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
