/**
 * Numbers: TINYINT..BIGINT (signed and unsigned), DECIMAL/NUMERIC, FLOAT, DOUBLE, BIT and YEAR,
 * mapped as Debezium's BinlogValueConverters does (debezium-events.md §11):
 *   TINYINT (any width, tinyint(1) included) INT16; SMALLINT INT16, unsigned INT32; MEDIUMINT INT32;
 *   INT INT32, unsigned INT64; BIGINT INT64, unsigned per bigint.unsigned.handling.mode
 *   (long: INT64, values above 2^63-1 wrap as Java's long does; precise: Decimal(20,0));
 *   DECIMAL(M,D) per decimal.handling.mode; FLOAT FLOAT32, DOUBLE FLOAT64; BIT(1) BOOLEAN,
 *   BIT(n) io.debezium.data.Bits (little-endian bytes, as Debezium reverses the binlog's
 *   big-endian ones); YEAR io.debezium.time.Year.
 * zongji gives integers as numbers, or exact strings beyond 2^53; DECIMAL as exact text.
 */
import { S, type ConnectSchema } from '../../src/events/schema.ts';
import { parseExactDecimal, plainDecimalBytes, toPlainString, unscaledBytes, withScale } from './decimal-text.ts';
import type { MySqlScalarMapping, MySqlTypeContext } from './type-options.ts';

export const DECIMAL_NAME = 'org.apache.kafka.connect.data.Decimal';

export function decimalSchema(scale: number, precision: number): ConnectSchema {
  return S.bytes({ name: DECIMAL_NAME, version: 1, parameters: { scale: String(scale), 'connect.decimal.precision': String(precision) } });
}

function toBigInt(v: unknown, where: string): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return BigInt(v);
  if (typeof v === 'boolean') return v ? 1n : 0n;
  throw new TypeError(`${where}: expected an integer, got ${typeof v} ${String(v)}`);
}

function smallInt(where: string): (v: unknown) => number {
  return (v) => Number(toBigInt(v, where));
}

/** Java's (long) of an unsigned 64-bit value: above 2^63-1 it wraps negative. */
function wrapToLong(v: bigint): bigint {
  return v > (1n << 63n) - 1n ? v - (1n << 64n) : v;
}

export function integerMapping(ctx: MySqlTypeContext): MySqlScalarMapping {
  const { column: c, where } = ctx;
  switch (c.dataType) {
    case 'tinyint': return { schema: S.int16(), convert: smallInt(where), zero: 0 };
    case 'smallint': return c.unsigned ? { schema: S.int32(), convert: smallInt(where), zero: 0 } : { schema: S.int16(), convert: smallInt(where), zero: 0 };
    case 'mediumint': return { schema: S.int32(), convert: smallInt(where), zero: 0 };
    case 'int':
    case 'integer':
      return c.unsigned ? { schema: S.int64(), convert: (v) => toBigInt(v, where), zero: 0n } : { schema: S.int32(), convert: smallInt(where), zero: 0 };
    default: // bigint
      if (!c.unsigned) return { schema: S.int64(), convert: (v) => toBigInt(v, where), zero: 0n };
      if (ctx.opts.bigintUnsignedHandlingMode === 'precise') {
        return { schema: decimalSchema(0, 20), convert: (v) => unscaledBytes(toBigInt(v, where)), zero: unscaledBytes(0n) };
      }
      return { schema: S.int64(), convert: (v) => wrapToLong(toBigInt(v, where)), zero: 0n };
  }
}

export function decimalMapping(ctx: MySqlTypeContext): MySqlScalarMapping {
  const precision = ctx.column.precision ?? 10;
  const scale = ctx.column.scale ?? 0;
  const exact = (v: unknown) => withScale(parseExactDecimal(typeof v === 'number' ? String(v) : String(v)), scale);
  switch (ctx.opts.decimalHandlingMode) {
    case 'double':
      return { schema: S.float64(), convert: (v) => Number(toPlainString(exact(v))), zero: 0 };
    case 'string':
      return { schema: S.string(), convert: (v) => toPlainString(exact(v)), zero: toPlainString({ unscaled: 0n, scale }) };
    default:
      // The text zongji and mysql2 print (`-12.340`, exactly `scale` fraction digits) takes the path without bigints.
      return {
        schema: decimalSchema(scale, precision),
        convert: (v) => (typeof v === 'string' ? plainDecimalBytes(v, scale) : undefined) ?? unscaledBytes(exact(v).unscaled),
        zero: unscaledBytes(0n),
      };
  }
}

function toFloat(where: string): (v: unknown) => number {
  return (v) => {
    const n = typeof v === 'string' ? Number(v) : v;
    if (typeof n !== 'number' || Number.isNaN(n)) throw new TypeError(`${where}: expected a number, got ${String(v)}`);
    return n;
  };
}

export function floatMapping(ctx: MySqlTypeContext): MySqlScalarMapping {
  // FLOAT(p) with p > 24 is stored (and reported by information_schema) as DOUBLE.
  if (ctx.column.dataType === 'float') return { schema: S.float32(), convert: (v) => Math.fround(toFloat(ctx.where)(v)), zero: 0 };
  return { schema: S.float64(), convert: toFloat(ctx.where), zero: 0 };
}

/** BIT(n): the binlog's big-endian bytes, or a number / bigint from a text-protocol query. */
function bitBytes(v: unknown, width: number, where: string): Buffer {
  const n = Math.ceil(width / 8);
  if (Buffer.isBuffer(v)) {
    const out = Buffer.alloc(n);
    v.copy(out, n - Math.min(n, v.length), Math.max(0, v.length - n));
    return out;
  }
  let x = toBigInt(v, where);
  const out = Buffer.alloc(n);
  for (let i = n - 1; i >= 0; i--) { out[i] = Number(x & 0xffn); x >>= 8n; }
  return out;
}

export function bitMapping(ctx: MySqlTypeContext): MySqlScalarMapping {
  const width = ctx.column.length ?? 1;
  if (width <= 1) return { schema: S.boolean(), convert: (v) => bitBytes(v, 1, ctx.where)[0] !== 0, zero: false };
  return {
    schema: S.bytes({ name: 'io.debezium.data.Bits', version: 1, parameters: { length: String(width) } }),
    convert: (v) => Buffer.from(bitBytes(v, width, ctx.where)).reverse(),
    zero: Buffer.alloc(0),
  };
}

/**
 * YEAR: zongji adds 1900 to the stored byte, so YEAR 0000 comes back as 1900, a value the type
 * cannot hold (its range is 1901..2155 plus 0000): it is read back as 0, what the server stores.
 * Debezium itself writes 1900 for it while streaming and 2000 in a snapshot; we write the
 * server's value in both, a deliberate difference.
 */
export function yearMapping(ctx: MySqlTypeContext): MySqlScalarMapping {
  return {
    schema: S.int32({ name: 'io.debezium.time.Year', version: 1 }),
    convert: (v) => {
      const y = typeof v === 'string' ? Number(v) : Number(toBigInt(v, ctx.where));
      return y === 1900 ? 0 : y;
    },
    zero: 0,
  };
}
