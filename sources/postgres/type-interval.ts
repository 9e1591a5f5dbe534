/**
 * interval: PostgreSQL text (IntervalStyle postgres, the default, plus postgres_verbose,
 * sql_standard and iso_8601) -> io.debezium.time.MicroDuration (INT64 µs) or
 * io.debezium.time.Interval (ISO-8601 string).
 * Debezium reads the text with pgjdbc's PGInterval (seconds kept as whole seconds + µs) and then
 * computes µs in double arithmetic with a month of 365.25/12 days (MicroDuration.durationMicros),
 * truncating to long; we repeat the same double operations in the same order so results match
 * to the microsecond, including the rounding artefacts of fractional months.
 */
import { S } from '../../src/events/schema.ts';
import { PgTextFormatError } from './pg-text.ts';
import { bigDecFromDouble, bigDecToPlainString, setScale, stripTrailingZeros } from './type-decimal.ts';
import { INT64_MAX, INT64_MIN, type ScalarContext, type ScalarMapping } from './type-options.ts';

export interface IntervalParts {
  readonly years: number;
  readonly months: number;
  readonly days: number;
  readonly hours: number;
  readonly minutes: number;
  readonly wholeSeconds: number;
  readonly microSeconds: number;
}

export const DAYS_PER_MONTH_AVG = 365.25 / 12.0;

function parts(years: number, months: number, days: number, hours: number, minutes: number, seconds: number): IntervalParts {
  if (![years, months, days, hours, minutes, seconds].every(Number.isFinite)) throw new RangeError('non-finite interval field');
  // PGInterval.setSeconds: Math.round(seconds * 1e6), split with truncating division.
  const total = Math.floor(seconds * 1_000_000 + 0.5);
  const whole = Math.trunc(total / 1_000_000);
  return { years, months, days, hours, minutes, wholeSeconds: whole, microSeconds: total - whole * 1_000_000 };
}

/** PGInterval.getSeconds(). */
export function intervalSeconds(p: IntervalParts): number {
  return p.wholeSeconds + p.microSeconds / 1_000_000;
}

const INT_RE = /^[+-]?\d+$/;
function int(text: string | undefined, whole: string): number {
  if (text === undefined || !INT_RE.test(text)) throw new PgTextFormatError('interval', whole);
  return Number(text);
}
function dbl(text: string | undefined, whole: string): number {
  if (text === undefined || !/^[+-]?(\d+\.?\d*|\.\d+)$/.test(text)) throw new PgTextFormatError('interval', whole);
  return Number(text);
}

const ISO_RE = /^P(?:(-?\d+)Y)?(?:(-?\d+)M)?(?:(-?\d+)W)?(?:(-?\d+)D)?(?:T(?:(-?\d+)H)?(?:(-?\d+)M)?(?:(-?\d+(?:\.\d+)?)S)?)?$/;
const SQL_YM = /^([+-]?)(\d+)-(\d+)$/;
const SQL_DT = /^([+-]?)(\d+)\s+([+-]?)(\d+):(\d{2}):(\d{2}(?:\.\d+)?)$/;
const SQL_COMPOUND = /^([+-]?)(\d+)-(\d+)\s+([+-])(\d+)\s+([+-])(\d+):(\d{2}):(\d{2}(?:\.\d+)?)$/;

/** Interval text -> PGInterval's fields. */
export function parseIntervalText(text: string): IntervalParts {
  const iso = text.startsWith('P') ? ISO_RE.exec(text) : null;
  if (text.startsWith('P')) {
    if (!iso) throw new PgTextFormatError('interval', text);
    const n = (i: number) => (iso[i] ? Number(iso[i]) : 0);
    return parts(n(1), n(2), n(4) + 7 * n(3), n(5), n(6), iso[7] ? Number(iso[7]) : 0);
  }
  let m = SQL_YM.exec(text);
  if (m) return parts(Number(m[1]! + m[2]), Number(m[1]! + m[3]), 0, 0, 0, 0);
  m = SQL_DT.exec(text);
  if (m) {
    const ts = m[3] || m[1]!;
    return parts(0, 0, Number(m[1]! + m[2]), Number(ts + m[4]), Number(ts + m[5]), Number(ts + m[6]));
  }
  m = SQL_COMPOUND.exec(text);
  if (m) {
    return parts(Number(m[1]! + m[2]), Number(m[1]! + m[3]), Number(m[4]! + m[5]), Number(m[6]! + m[7]), Number(m[6]! + m[8]), Number(m[6]! + m[9]));
  }
  const verbose = text.startsWith('@');
  let years = 0, months = 0, days = 0, hours = 0, minutes = 0, seconds = 0;
  const tokens = text.replace(/[+@]/g, ' ').toLowerCase().split(/\s+/).filter((t) => t !== '');
  let value: string | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (i % 2 === 0) {
      const colon = token.indexOf(':');
      if (colon < 0) {
        value = token;
        continue;
      }
      // hh:mm[:ss[.ffffff]], possibly negative; hours may have more than two digits.
      const neg = token.startsWith('-');
      const body = neg ? token.slice(1) : token;
      const [h, mi, s] = body.split(':');
      hours = int(h, text);
      minutes = int(mi, text);
      seconds = s === undefined ? 0 : dbl(s, text);
      if (neg) {
        hours = -hours;
        minutes = -minutes;
        seconds = -seconds;
      }
      value = undefined;
    } else if (token.startsWith('year')) years = int(value, text);
    else if (token.startsWith('mon')) months = int(value, text);
    else if (token.startsWith('day')) days = int(value, text);
    else if (token.startsWith('hour')) hours = int(value, text);
    else if (token.startsWith('min')) minutes = int(value, text);
    else if (token.startsWith('sec')) seconds = dbl(value, text);
    else if (token === 'ago' && verbose) continue;
    else throw new PgTextFormatError('interval', text, `unknown unit ${token}`);
  }
  if (verbose && text.trimEnd().endsWith('ago')) return parts(-years, -months, -days, -hours, -minutes, -seconds);
  return parts(years, months, days, hours, minutes, seconds);
}

/** MicroDuration.durationMicros(y, m, d, h, mi, seconds, DAYS_PER_MONTH_AVG) with Java's (long) cast. */
export function intervalMicros(p: IntervalParts): bigint {
  const numberOfDays = (p.years * 12 + p.months) * DAYS_PER_MONTH_AVG + p.days;
  const numberOfSeconds = (((numberOfDays * 24 + p.hours) * 60) + p.minutes) * 60 + intervalSeconds(p);
  return javaLongCast(numberOfSeconds * 1e6 + 0);
}

export function javaLongCast(d: number): bigint {
  if (Number.isNaN(d)) return 0n;
  if (d >= 9223372036854775807) return INT64_MAX;
  if (d <= -9223372036854775808) return INT64_MIN;
  return BigInt(Math.trunc(d));
}

/** io.debezium.time.Interval.toIsoString: PnYnMnDTnHnMnS, seconds with at most 6 decimals, no trailing zeros. */
export function intervalIsoString(p: IntervalParts): string {
  let secs = bigDecFromDouble(intervalSeconds(p));
  if (secs.scale > 6) secs = setScale(secs, 6, 'down');
  return `P${p.years}Y${p.months}M${p.days}DT${p.hours}H${p.minutes}M${bigDecToPlainString(stripTrailingZeros(secs))}S`;
}

const ZERO_PARTS = parts(0, 0, 0, 0, 0, 0);

export function intervalMapping(ctx: ScalarContext): ScalarMapping {
  if (ctx.opts.intervalHandlingMode === 'string') {
    return {
      schema: S.string({ name: 'io.debezium.time.Interval', version: 1 }),
      parse: (text) => intervalIsoString(parseIntervalText(text)),
      zero: intervalIsoString(ZERO_PARTS),
    };
  }
  return {
    schema: S.int64({ name: 'io.debezium.time.MicroDuration', version: 1 }),
    parse: (text) => intervalMicros(parseIntervalText(text)),
    zero: 0n,
  };
}
