/**
 * PostgreSQL date/time text (DateStyle=ISO, the server default) to epoch-based numbers, and the
 * java.time ISO formats Debezium prints (ISO_LOCAL_DATE years: 4 digits, '+' above 9999,
 * '-' before year 0; fractions trimmed, or fixed width for ZonedTimestamp).
 * Calendar: proleptic Gregorian with astronomical years (1 BC = year 0), as java.time and
 * PostgreSQL both use. Microsecond instants are bigint: they exceed 2^53 within the PG range.
 */
import { PgTextFormatError } from './pg-text.ts';

export const MICROS_PER_DAY = 86_400_000_000n;
export const MICROS_PER_DAY_NUM = 86_400_000_000;

/** Days since 1970-01-01 of a proleptic Gregorian date (astronomical year). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: era * 400 + yoe + (month <= 2 ? 1 : 0), month, day };
}

/** `infinity` / `-infinity` for date, timestamp and timestamptz. */
export type Infinite = 'infinity' | '-infinity';

function astronomicalYear(digits: string, bc: boolean): number {
  const y = Number(digits);
  return bc ? 1 - y : y;
}

const DATE_RE = /^(\d{4,})-(\d{2})-(\d{2})( BC)?$/;

/** date text -> days since epoch, or the infinity marker. */
export function parseDateText(text: string): number | Infinite {
  if (text === 'infinity' || text === '-infinity') return text;
  const m = DATE_RE.exec(text);
  if (!m) throw new PgTextFormatError('date', text);
  return daysFromCivil(astronomicalYear(m[1]!, m[4] !== undefined), Number(m[2]), Number(m[3]));
}

const TIME_RE = /^(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?$/;

/** time text (`13:51:30.123`, `24:00:00`) -> microseconds past midnight. */
export function parseTimeText(text: string): number {
  const m = TIME_RE.exec(text);
  if (!m) throw new PgTextFormatError('time', text);
  return ((Number(m[1]) * 60 + Number(m[2])) * 60 + Number(m[3] ?? 0)) * 1_000_000 + fractionMicros(m[4]);
}

function fractionMicros(frac: string | undefined): number {
  return frac ? Number(frac.padEnd(6, '0').slice(0, 6)) : 0;
}

const OFFSET_RE = /([+-])(\d{2})(?::?(\d{2}))?(?::?(\d{2}))?$/;

function offsetSeconds(sign: string, h: string, m: string | undefined, s: string | undefined): number {
  const v = Number(h) * 3600 + Number(m ?? 0) * 60 + Number(s ?? 0);
  return sign === '-' ? -v : v;
}

/**
 * timetz text (`13:51:30.123789+02`, `04:05:11-08`) -> micros of the UTC time of day, wrapped
 * into [0, 24h) like Java's OffsetTime: 24:00:00+00 becomes 00:00:00, as Debezium writes it.
 */
export function parseTimetzText(text: string): number {
  const om = OFFSET_RE.exec(text);
  if (!om) throw new PgTextFormatError('timetz', text, 'missing offset');
  const local = parseTimeText(text.slice(0, om.index));
  const utc = local - offsetSeconds(om[1]!, om[2]!, om[3], om[4]) * 1_000_000;
  return ((utc % MICROS_PER_DAY_NUM) + MICROS_PER_DAY_NUM) % MICROS_PER_DAY_NUM;
}

const TIMESTAMP_RE = /^(\d{4,})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([+-])(\d{2})(?::?(\d{2}))?(?::?(\d{2}))?)?( BC)?$/;

/** The decimal number in text[from, from + n), or -1 when a character there is not a digit. */
function digitsAt(text: string, from: number, n: number): number {
  let v = 0;
  for (let i = from; i < from + n; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/** Length of the run of digits starting at `from`. */
function digitRun(text: string, from: number): number {
  let i = from;
  for (; i < text.length; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) break;
  }
  return i - from;
}

/** Seconds of a `+HH`, `-HH` or `±HH:MM` offset ending the text at `from`; NaN for any other form. */
function offsetAt(text: string, from: number): number {
  const sign = text.charCodeAt(from);
  if (sign !== 43 && sign !== 45) return Number.NaN; // + -
  const h = digitsAt(text, from + 1, 2);
  let secs: number;
  if (text.length === from + 3 && h >= 0) secs = h * 3600;
  else if (text.length === from + 6 && h >= 0 && text.charCodeAt(from + 3) === 58 && digitsAt(text, from + 4, 2) >= 0) secs = h * 3600 + digitsAt(text, from + 4, 2) * 60;
  else return Number.NaN;
  return sign === 45 ? -secs : secs;
}

/**
 * The common shape, without regular expression or intermediate bigints: 4-digit year, no
 * BC, ' ' or 'T', a fraction of 1..9 digits or none, and for timestamptz an offset of hours
 * or hours:minutes. Same arithmetic as the general path; undefined for anything else.
 */
function parseTimestampCommon(text: string, withZone: boolean): bigint | undefined {
  if (text.length < 19) return undefined;
  const y = digitsAt(text, 0, 4), mo = digitsAt(text, 5, 2), d = digitsAt(text, 8, 2);
  const h = digitsAt(text, 11, 2), mi = digitsAt(text, 14, 2), s = digitsAt(text, 17, 2);
  const sep = text.charCodeAt(10);
  if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || s < 0 || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45
    || (sep !== 32 && sep !== 84) || text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) return undefined;
  let i = 19;
  let micros = 0;
  if (text.charCodeAt(i) === 46) { // '.'
    const n = digitRun(text, i + 1);
    if (n < 1 || n > 9) return undefined;
    micros = n >= 6 ? digitsAt(text, i + 1, 6) : digitsAt(text, i + 1, n) * 10 ** (6 - n);
    i += 1 + n;
  }
  let offset = 0;
  if (withZone) {
    offset = offsetAt(text, i);
    if (Number.isNaN(offset)) return undefined;
  } else if (i !== text.length) {
    return undefined;
  }
  const secs = daysFromCivil(y, mo, d) * 86_400 + (h * 60 + mi) * 60 + s - offset;
  // Exact in a double while |secs| * 10^6 stays below 2^53 (years ~1685..2255).
  if (secs > -9_007_199_254 && secs < 9_007_199_254) return BigInt(secs * 1_000_000 + micros);
  return BigInt(secs) * 1_000_000n + BigInt(micros);
}

/**
 * timestamp / timestamptz text -> microseconds since the epoch (UTC instant for timestamptz;
 * the wall clock read as UTC for timestamp), or the infinity marker.
 * `withZone` requires (timestamptz) or forbids (timestamp) the offset.
 */
export function parseTimestampText(text: string, withZone: boolean): bigint | Infinite {
  return parseTimestampCommon(text, withZone) ?? parseTimestampTextGeneral(text, withZone);
}

/** parseTimestampText for every form PostgreSQL prints (the reference the common shape is tested against). */
export function parseTimestampTextGeneral(text: string, withZone: boolean): bigint | Infinite {
  if (text === 'infinity' || text === '-infinity') return text;
  const m = TIMESTAMP_RE.exec(text);
  if (!m || (m[8] !== undefined) !== withZone) throw new PgTextFormatError(withZone ? 'timestamptz' : 'timestamp', text);
  const days = daysFromCivil(astronomicalYear(m[1]!, m[12] !== undefined), Number(m[2]), Number(m[3]));
  const secs = (Number(m[4]) * 60 + Number(m[5])) * 60 + Number(m[6]) - (withZone ? offsetSeconds(m[8]!, m[9]!, m[10], m[11]) : 0);
  return BigInt(days) * MICROS_PER_DAY + BigInt(secs) * 1_000_000n + BigInt(fractionMicros(m[7]));
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * What a TimeZone=UTC session prints for timestamptz (`2024-05-28 12:00:00.5+00`: 4-digit
 * year, valid date and time, fraction of 1..9 digits or none, offset +00), straight as
 * `${formatIsoDateTime(parseTimestampText(text, true), style)}Z` would print it: the fields
 * are already UTC, so only the fraction changes. null for any other text.
 */
export function utcTimestamptzIso(text: string, style: FractionStyle): string | null {
  const n = text.length;
  if (n < 22 || text.charCodeAt(n - 3) !== 43 || text.charCodeAt(n - 2) !== 48 || text.charCodeAt(n - 1) !== 48) return null; // "+00"
  const y = digitsAt(text, 0, 4), mo = digitsAt(text, 5, 2), d = digitsAt(text, 8, 2);
  const h = digitsAt(text, 11, 2), mi = digitsAt(text, 14, 2), s = digitsAt(text, 17, 2);
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59
    || text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || text.charCodeAt(10) !== 32 || text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) return null;
  let frac = ''; // the micros, 6 digits
  if (n > 22) {
    const digits = n - 23;
    if (text.charCodeAt(19) !== 46 || digits < 1 || digits > 9 || digitRun(text, 20) !== digits) return null;
    frac = digits >= 6 ? text.slice(20, 26) : text.slice(20, 20 + digits) + '000000'.slice(digits);
  }
  let tail: string;
  if (style === 'trim' || style <= 0 || style > 9) {
    let end = frac.length;
    while (end > 0 && frac.charCodeAt(end - 1) === 48) end--;
    tail = end === 0 ? 'Z' : `.${frac.slice(0, end)}Z`;
  } else {
    const f = frac || '000000'; // 6 digits; 7..9 are zeros
    tail = style <= 6 ? `.${f.slice(0, style)}Z` : `.${f}${'000'.slice(0, style - 6)}Z`;
  }
  return `${text.slice(0, 10)}T${text.slice(11, 19)}${tail}`;
}

/** Floor division for bigint (java.time rounds instants toward the past). */
export function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return (a % b !== 0n && (a < 0n) !== (b < 0n)) ? q - 1n : q;
}

/** java.time ISO_LOCAL_DATE year field. */
function isoYear(year: number): string {
  if (year > 9999) return `+${year}`;
  if (year < 0) return `-${String(-year).padStart(4, '0')}`;
  return String(year).padStart(4, '0');
}

export function formatIsoDate(days: number): string {
  const { year, month, day } = civilFromDays(days);
  return `${isoYear(year)}-${pad2(month)}-${pad2(day)}`;
}

/**
 * Fraction of a second as java.time prints it: 'trim' = ISO_LOCAL_TIME (no point when zero,
 * trailing zeros dropped); a width 1..9 = exactly that many digits (ZonedTimestamp with a
 * declared precision).
 */
export type FractionStyle = 'trim' | number;

function fraction(micros: number, style: FractionStyle): string {
  const nanos = String(micros * 1000).padStart(9, '0');
  if (style === 'trim' || style <= 0 || style > 9) {
    if (micros === 0) return '';
    return `.${nanos.replace(/0+$/, '')}`;
  }
  return `.${nanos.slice(0, style)}`;
}

/** HH:mm:ss[.f] for micros past midnight (24:00:00 allowed, as PostgreSQL allows it). */
export function formatIsoTime(micros: number, style: FractionStyle = 'trim'): string {
  const secs = Math.floor(micros / 1_000_000);
  const us = micros - secs * 1_000_000;
  const h = Math.floor(secs / 3600);
  const mi = Math.floor((secs % 3600) / 60);
  const s = secs % 60;
  return `${pad2(h)}:${pad2(mi)}:${pad2(s)}${fraction(us, style)}`;
}

/** yyyy-MM-ddTHH:mm:ss[.f] of an epoch-micros instant in UTC (no zone suffix). */
export function formatIsoDateTime(epochMicros: bigint, style: FractionStyle = 'trim'): string {
  const days = floorDiv(epochMicros, MICROS_PER_DAY);
  const micros = Number(epochMicros - days * MICROS_PER_DAY);
  return `${formatIsoDate(Number(days))}T${formatIsoTime(micros, style)}`;
}

function pad2(n: number): string {
  return String(n).padStart(2, '0');
}
