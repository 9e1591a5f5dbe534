/**
 * Numeric families: bool, int2/int4/int8/oid, float4/float8, numeric, money.
 * Semantics follow Debezium 3.6's PostgresValueConverter / SpecialValueDecimal:
 *  - numeric(p,s) precise -> Connect Decimal (scale s, connect.decimal.precision p), value rescaled to s;
 *  - unconstrained numeric precise -> io.debezium.data.VariableScaleDecimal {scale, value}, trailing
 *    zeros stripped (never a negative scale);
 *  - NaN/±Infinity: double -> NaN/±Infinity, string -> "NAN"/"POSITIVE_INFINITY"/"NEGATIVE_INFINITY"
 *    (SpecialValue enum names), precise -> null: Debezium's conversion fails and its default
 *    event.converting.failure.handling.mode=warn writes null (odd-values.ts warns and counts);
 *  - money goes through a double (pgjdbc PGmoney), then BigDecimal.valueOf(d).setScale(digits, HALF_UP).
 */
import { S, type ConnectSchema } from '../../src/events/schema.ts';
import { OddValue } from './odd-values.ts';
import { PgTextFormatError } from './pg-text.ts';
import {
  bigDecFromDouble, bigDecToJavaString, javaDoubleToString, parseDecimal, plainDecimalBytes, setScale, stripTrailingZeros,
  twosComplementBytes, type BigDec,
} from './type-decimal.ts';
import type { ScalarContext, ScalarMapping } from './type-options.ts';

const INT_RE = /^[+-]?\d+$/;
const FLOAT_RE = /^(?:[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|[+-]?Infinity|NaN)$/;

function intParser(kind: string, min: number, max: number) {
  return (text: string): number => {
    if (!INT_RE.test(text)) throw new PgTextFormatError(kind, text);
    const v = Number(text);
    if (v < min || v > max) throw new PgTextFormatError(kind, text, 'out of range');
    return v;
  };
}

function bigintParser(kind: string, min: bigint, max: bigint) {
  return (text: string): bigint => {
    if (!INT_RE.test(text)) throw new PgTextFormatError(kind, text);
    const v = BigInt(text);
    if (v < min || v > max) throw new PgTextFormatError(kind, text, 'out of range');
    return v;
  };
}

function parseFloatText(text: string): number {
  if (!FLOAT_RE.test(text)) throw new PgTextFormatError('float', text);
  return Number(text);
}

export const boolMapping: ScalarMapping = {
  schema: S.boolean(),
  // pgoutput and the snapshot both print booleans as t/f.
  parse: (text) => {
    if (/^(t|true)$/i.test(text)) return true;
    if (/^(f|false)$/i.test(text)) return false;
    throw new PgTextFormatError('boolean', text);
  },
  zero: false,
};

export const int2Mapping: ScalarMapping = { schema: S.int16(), parse: intParser('smallint', -32768, 32767), zero: 0 };
export const int4Mapping: ScalarMapping = { schema: S.int32(), parse: intParser('integer', -2147483648, 2147483647), zero: 0 };
export const int8Mapping: ScalarMapping = {
  schema: S.int64(), parse: bigintParser('bigint', -(1n << 63n), (1n << 63n) - 1n), zero: 0n,
};
/** oid is unsigned 32-bit, hence INT64. */
export const oidMapping: ScalarMapping = { schema: S.int64(), parse: bigintParser('oid', 0n, 4294967295n), zero: 0n };
/** float4 keeps the parsed double: it denotes the same float32 and prints as PostgreSQL printed it. */
export const float4Mapping: ScalarMapping = { schema: S.float32(), parse: parseFloatText, zero: 0 };
export const float8Mapping: ScalarMapping = { schema: S.float64(), parse: parseFloatText, zero: 0 };

export const DECIMAL_NAME = 'org.apache.kafka.connect.data.Decimal';
export const VSD_NAME = 'io.debezium.data.VariableScaleDecimal';

export function decimalSchema(scale: number, precision?: number): ConnectSchema {
  const parameters: Record<string, string> = { scale: String(scale) };
  if (precision !== undefined) parameters['connect.decimal.precision'] = String(precision);
  return S.bytes({ name: DECIMAL_NAME, version: 1, parameters });
}

export const VSD_SCHEMA: ConnectSchema = S.struct(VSD_NAME, [
  S.field('scale', S.int32()),
  S.field('value', S.bytes()),
], { version: 1, doc: 'Variable scaled decimal' });

export function vsdValue(d: BigDec): { scale: number; value: Buffer } {
  return { scale: d.scale, value: twosComplementBytes(d.unscaled) };
}

/** numeric typmod -> (precision, scale); PostgreSQL 15 allows a negative scale (11-bit signed). */
export function numericTypmod(typeMod: number): { precision: number; scale: number } | null {
  if (typeMod < 4) return null;
  const t = typeMod - 4;
  return { precision: (t >> 16) & 0xffff, scale: ((t & 0x7ff) ^ 1024) - 1024 };
}

type Special = 'NAN' | 'POSITIVE_INFINITY' | 'NEGATIVE_INFINITY';
function special(text: string): Special | null {
  if (text === 'NaN') return 'NAN';
  if (text === 'Infinity') return 'POSITIVE_INFINITY';
  if (text === '-Infinity') return 'NEGATIVE_INFINITY';
  return null;
}

/** A Connect Decimal cannot hold NaN/±Infinity: Debezium writes null and carries on. */
function specialAsNull(text: string): never {
  throw new OddValue(null, `numeric ${text} written as null: decimal.handling.mode=precise cannot hold it`, 'decimal.handling.mode=string');
}

export function numericMapping(ctx: ScalarContext): ScalarMapping {
  const mode = ctx.opts.decimalHandlingMode;
  const tm = numericTypmod(ctx.typeMod);
  // Debezium: a column without precision and scale (or scale 0 with the driver's "unbounded"
  // length) is variable-scale; numeric(p) with scale 0 is a fixed Decimal.
  const rescale = (d: BigDec): BigDec => (tm ? setScale(d, tm.scale) : d);
  if (mode === 'double') {
    return {
      schema: S.float64(),
      parse: (text) => (special(text) ? Number(text) : (parseDecimal(text), Number(text))),
      zero: 0,
    };
  }
  if (mode === 'string') {
    return {
      schema: S.string(),
      parse: (text) => special(text) ?? bigDecToJavaString(rescale(parseDecimal(text))),
      zero: bigDecToJavaString(rescale({ unscaled: 0n, scale: 0 })),
    };
  }
  if (!tm) {
    const normalise = (d: BigDec): BigDec => {
      const s = stripTrailingZeros(d);
      return s.scale < 0 ? setScale(s, 0) : s;
    };
    return {
      schema: VSD_SCHEMA,
      parse: (text) => (special(text) ? specialAsNull(text) : vsdValue(normalise(parseDecimal(text)))),
      zero: vsdValue({ unscaled: 0n, scale: 0 }),
    };
  }
  const scale = tm.scale;
  return {
    schema: decimalSchema(tm.scale, tm.precision),
    parse: (text) => plainDecimalBytes(text, scale)
      ?? (special(text) ? specialAsNull(text) : twosComplementBytes(rescale(parseDecimal(text)).unscaled)),
    zero: twosComplementBytes(0n),
  };
}

/**
 * money text depends on lc_monetary; with C/en_US it is `$1,234.11`, `-$1,234.11` or `($1,234.11)`.
 * Like pgjdbc's PGmoney we drop currency symbols and grouping and read a double.
 */
function parseMoney(text: string): number {
  const t = text.trim();
  const negative = t.startsWith('-') || t.startsWith('(') || /^[^0-9]*-/.test(t);
  const digits = t.replace(/[^0-9.]/g, '');
  if (!/^\d+(\.\d*)?$|^\.\d+$/.test(digits)) throw new PgTextFormatError('money', text);
  const v = Number(digits);
  return negative ? -v : v;
}

export function moneyMapping(ctx: ScalarContext): ScalarMapping {
  const digits = ctx.opts.moneyFractionDigits;
  switch (ctx.opts.decimalHandlingMode) {
    case 'double':
      return { schema: S.float64(), parse: parseMoney, zero: 0 };
    case 'string':
      // Debezium prints the double with String.valueOf, e.g. 1234.0 or 1.0E7.
      return { schema: S.string(), parse: (text) => javaDoubleToString(parseMoney(text)), zero: bigDecToJavaString(setScale({ unscaled: 0n, scale: 0 }, digits)) };
    case 'precise':
      return {
        schema: decimalSchema(digits),
        parse: (text) => twosComplementBytes(setScale(bigDecFromDouble(parseMoney(text)), digits, 'half-up').unscaled),
        zero: twosComplementBytes(0n),
      };
  }
}
