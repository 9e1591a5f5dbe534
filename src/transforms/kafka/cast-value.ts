/**
 * Connect's Cast value rules (castValueToType): Java narrowing for numbers (silent
 * overflow, floating values saturate to int/long first), booleans as 1/0 and "true"
 * (any case) parsing, strings parsed as Java parses them, and to-string with Java's
 * number texts, ISO-8601 for dates and Base64 for bytes. Logical values (Date, Time,
 * Timestamp, Decimal) are taken as their numbers first.
 */
import type { ConnectSchema } from '../../events/schema.ts';
import { javaBigDecimalText, javaDoubleText, javaFloatText } from '../../serde/java-number-text.ts';
import { TransformError } from '../contracts.ts';
import { parseJavaNumber } from './number-text.ts';

export type CastType = 'int8' | 'int16' | 'int32' | 'int64' | 'float32' | 'float64' | 'boolean' | 'string';
export const CAST_TYPES: readonly CastType[] = ['int8', 'int16', 'int32', 'int64', 'float32', 'float64', 'boolean', 'string'];
const INPUT_TYPES = new Set<string>([...CAST_TYPES, 'bytes']);
const BITS: Record<string, number> = { int8: 8, int16: 16, int32: 32, int64: 64 };
const DAY_MS = 86_400_000;
const DATE = 'org.apache.kafka.connect.data.Date';
const TIME = 'org.apache.kafka.connect.data.Time';
const TIMESTAMP = 'org.apache.kafka.connect.data.Timestamp';
const DECIMAL = 'org.apache.kafka.connect.data.Decimal';

export function checkCastInput(schema: ConnectSchema): void {
  if (!INPUT_TYPES.has(schema.type)) {
    throw new TransformError(`Cast transformation does not support casting from ${schema.type.toUpperCase()}; supported types are ${[...INPUT_TYPES].map((t) => t.toUpperCase()).join(', ')}`);
  }
}

type Loose = { kind: 'int'; v: bigint } | { kind: 'float'; v: number; single: boolean } | { kind: 'decimal'; unscaled: bigint; scale: number }
  | { kind: 'bool'; v: boolean } | { kind: 'string'; v: string } | { kind: 'bytes'; v: Buffer } | { kind: 'date'; ms: number };

function unscaledOf(b: Buffer): bigint {
  if (b.length === 0) return 0n;
  const u = BigInt(`0x${b.toString('hex')}`);
  return b[0]! & 0x80 ? u - (1n << BigInt(8 * b.length)) : u;
}

/** The value as Connect's Java object would be, judged by its schema (or its own type when schemaless). */
function classify(schema: ConnectSchema | null, value: unknown): Loose {
  const name = schema?.name;
  const num = (v: unknown) => (v instanceof Date ? v.getTime() : Number(v));
  if (name === DATE) return { kind: 'date', ms: value instanceof Date ? value.getTime() : Number(value) * DAY_MS };
  if (name === TIME || name === TIMESTAMP) return { kind: 'date', ms: num(value) };
  if (name === DECIMAL && Buffer.isBuffer(value)) return { kind: 'decimal', unscaled: unscaledOf(value), scale: Number(schema?.parameters?.['scale'] ?? 0) };
  if (typeof value === 'bigint') return { kind: 'int', v: value };
  if (typeof value === 'number') {
    const t = schema?.type;
    if (t === 'float32' || t === 'float64' || (t === undefined && !Number.isInteger(value))) return { kind: 'float', v: value, single: t === 'float32' };
    return { kind: 'int', v: BigInt(value) };
  }
  if (typeof value === 'boolean') return { kind: 'bool', v: value };
  if (typeof value === 'string') return { kind: 'string', v: value };
  if (Buffer.isBuffer(value)) return { kind: 'bytes', v: value };
  if (value instanceof Date) return { kind: 'date', ms: value.getTime() };
  throw new TransformError(`Unexpected type in Cast transformation: ${typeof value}`);
}

/** Java's (int)/(long) of a floating value: truncation, saturation, NaN -> 0. */
function saturate(d: number, bits: number): bigint {
  if (Number.isNaN(d)) return 0n;
  const max = (1n << BigInt(bits - 1)) - 1n;
  const min = -(1n << BigInt(bits - 1));
  if (d >= Number(max)) return max;
  if (d <= Number(min)) return min;
  return BigInt(Math.trunc(d));
}

function rawNumber(l: Loose): Loose {
  if (l.kind !== 'date') return l;
  return { kind: 'int', v: BigInt(l.ms) };
}

function toInteger(l0: Loose, type: string, schema: ConnectSchema | null): number | bigint {
  let l = l0;
  if (l.kind === 'date') l = { kind: 'int', v: BigInt(schema?.name === DATE ? Math.floor(l.ms / DAY_MS) : l.ms) };
  const bits = BITS[type]!;
  let v: bigint;
  switch (l.kind) {
    case 'int': v = BigInt.asIntN(bits, l.v); break;
    case 'float': v = BigInt.asIntN(bits, saturate(l.v, bits === 64 ? 64 : 32)); break;
    case 'decimal': v = BigInt.asIntN(bits, l.unscaled / 10n ** BigInt(Math.max(0, l.scale))); break;
    case 'bool': v = l.v ? 1n : 0n; break;
    case 'string': { const p = parseJavaNumber(l.v, type); v = BigInt(p); break; }
    default: throw new TransformError(`Unexpected type in Cast transformation: ${l.kind}`);
  }
  return bits === 64 && (v > BigInt(Number.MAX_SAFE_INTEGER) || v < BigInt(Number.MIN_SAFE_INTEGER)) ? v : Number(v);
}

function toFloat(l0: Loose, single: boolean, schema: ConnectSchema | null): number {
  const l = l0.kind === 'date' ? { kind: 'int' as const, v: BigInt(schema?.name === DATE ? Math.floor(l0.ms / DAY_MS) : l0.ms) } : l0;
  let d: number;
  switch (l.kind) {
    case 'int': d = Number(l.v); break;
    case 'float': d = l.v; break;
    case 'decimal': d = Number(l.unscaled) / 10 ** l.scale; break;
    case 'bool': d = l.v ? 1 : 0; break;
    case 'string': d = parseJavaNumber(l.v, single ? 'float32' : 'float64') as number; break;
    default: throw new TransformError(`Unexpected type in Cast transformation: ${l.kind}`);
  }
  return single ? Math.fround(d) : d;
}

function isoText(ms: number): string {
  const iso = new Date(ms).toISOString(); // yyyy-MM-ddTHH:mm:ss.SSSZ
  if (ms >= 0 && ms < DAY_MS) return `${iso.slice(11, 23)}Z`;
  if (ms % DAY_MS === 0) return iso.slice(0, 10);
  return iso;
}

export function castValue(schema: ConnectSchema | null, value: unknown, target: CastType): unknown {
  if (value === null || value === undefined) return null;
  const l = classify(schema, value);
  switch (target) {
    case 'int8': case 'int16': case 'int32': case 'int64': return toInteger(l, target, schema);
    case 'float32': return toFloat(l, true, schema);
    case 'float64': return toFloat(l, false, schema);
    case 'boolean': {
      const r = rawNumber(l);
      if (r.kind === 'bool') return r.v;
      if (r.kind === 'string') return r.v.toLowerCase() === 'true';
      if (r.kind === 'int') return r.v !== 0n;
      if (r.kind === 'float') return saturate(r.v, 64) !== 0n;
      if (r.kind === 'decimal') return r.unscaled / 10n ** BigInt(Math.max(0, r.scale)) !== 0n;
      throw new TransformError(`Unexpected type in Cast transformation: ${r.kind}`);
    }
    case 'string':
      switch (l.kind) {
        case 'date': return isoText(l.ms);
        case 'bytes': return l.v.toString('base64');
        case 'int': return l.v.toString();
        case 'float': return l.single ? javaFloatText(l.v) : javaDoubleText(l.v);
        case 'decimal': return javaBigDecimalText(l.unscaled, l.scale);
        case 'bool': return String(l.v);
        default: return l.v;
      }
  }
}
