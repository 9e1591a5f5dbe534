/**
 * DATE, DATETIME(fsp), TIMESTAMP(fsp) and TIME(fsp), from the exact text zongji produces with
 * dateStrings (and a mysql2 query with dateStrings produces too), mapped as Debezium's
 * binlog connectors do (debezium-events.md §11):
 *   DATE      io.debezium.time.Date (days; connect: org.apache.kafka.connect.data.Date)
 *   DATETIME  fsp 0..3 io.debezium.time.Timestamp (ms), 4..6 MicroTimestamp (µs), the wall clock
 *             read as UTC; connect: org.apache.kafka.connect.data.Timestamp (ms); microseconds:
 *             always MicroTimestamp; nanoseconds: io.debezium.time.NanoTimestamp (ns)
 *   TIMESTAMP io.debezium.time.ZonedTimestamp, ISO-8601 in UTC; the fraction printed with the
 *             column's fsp digits (ZonedTimestamp's fractionalWidth), none for fsp 0
 *   TIME      io.debezium.time.MicroTime (µs, negative and beyond 24 h kept as the duration);
 *             connect: org.apache.kafka.connect.data.Time (ms of day, 00:00..24:00 only);
 *             nanoseconds: io.debezium.time.NanoTime (ns)
 * Zero dates ('0000-00-00', or a zero month or day) and the TIMESTAMP zero value read as NULL,
 * as Debezium's row deserializers make them: null for a nullable column, else the default or
 * the epoch (types.ts).
 */
import { S, type ConnectSchema } from '../../src/events/schema.ts';
import { SourceError } from '../../src/errors/cdc-error.ts';
import type { MySqlScalarMapping, MySqlTypeContext } from './type-options.ts';
import { utcTimestampTextToZoned } from './utc-timestamp-text.ts';

const named = (type: 'int32' | 'int64' | 'string', name: string): ConnectSchema => S[type]({ name, version: 1 });

export const TEMPORAL_SCHEMAS = {
  date: named('int32', 'io.debezium.time.Date'),
  connectDate: named('int32', 'org.apache.kafka.connect.data.Date'),
  microTime: named('int64', 'io.debezium.time.MicroTime'),
  connectTime: named('int32', 'org.apache.kafka.connect.data.Time'),
  timestamp: named('int64', 'io.debezium.time.Timestamp'),
  microTimestamp: named('int64', 'io.debezium.time.MicroTimestamp'),
  connectTimestamp: named('int64', 'org.apache.kafka.connect.data.Timestamp'),
  zonedTimestamp: named('string', 'io.debezium.time.ZonedTimestamp'),
  nanoTime: named('int64', 'io.debezium.time.NanoTime'),
  nanoTimestamp: named('int64', 'io.debezium.time.NanoTimestamp'),
} as const;

/** NanoTimestamp is an int64 of nanoseconds: years 1677..2262 only, where DATETIME spans 1000..9999. */
const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

/** Days since 1970-01-01 of a proleptic Gregorian date (no Date object: it maps years 0..99 to 19xx). */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function civilFromDays(z: number): { y: number; m: number; d: number } {
  const zz = z + 719468;
  const era = Math.floor(zz / 146097);
  const doe = zz - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  return { y: yoe + era * 400 + (m <= 2 ? 1 : 0), m, d };
}

const DATE_TEXT = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATETIME_TEXT = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/;
const TIME_TEXT = /^(-)?(\d{1,3}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/;

function bad(ctx: MySqlTypeContext, v: unknown): SourceError {
  return new SourceError({
    code: 'CDC_MYSQL_VALUE_PARSE',
    what: `the server sent ${JSON.stringify(String(v))}, which does not read as ${ctx.column.columnType}`,
    where: ctx.where,
    fix: 'read the binlog with dateStrings enabled (the binlog reader does); report the value if it persists',
  });
}

function text(ctx: MySqlTypeContext, v: unknown): string {
  if (typeof v === 'string') return v;
  if (Buffer.isBuffer(v)) return v.toString('latin1');
  throw bad(ctx, v);
}

const micros6 = (frac: string | undefined): bigint => BigInt((frac ?? '').padEnd(6, '0') || '0');

/** 'YYYY-MM-DD HH:MM:SS[.f]' -> µs since epoch as UTC; undefined for a zero date, null when malformed. */
export function dateTimeMicros(t: string): bigint | undefined | null {
  const m = DATETIME_TEXT.exec(t);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y === 0 || mo === 0 || d === 0) return undefined;
  const secs = BigInt(daysFromCivil(y, mo, d)) * 86400n + BigInt(Number(m[4]) * 3600 + Number(m[5]) * 60 + Number(m[6]));
  return secs * 1_000_000n + micros6(m[7]);
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return (a % b !== 0n && (a < 0n) !== (b < 0n)) ? q - 1n : q;
}

export function dateMapping(ctx: MySqlTypeContext): MySqlScalarMapping {
  const convert = (v: unknown) => {
    const m = DATE_TEXT.exec(text(ctx, v));
    if (!m) throw bad(ctx, v);
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    return y === 0 || mo === 0 || d === 0 ? undefined : daysFromCivil(y, mo, d);
  };
  return { schema: ctx.opts.timePrecisionMode === 'connect' ? TEMPORAL_SCHEMAS.connectDate : TEMPORAL_SCHEMAS.date, convert, zero: 0 };
}

export function dateTimeMapping(ctx: MySqlTypeContext): MySqlScalarMapping {
  const read = (v: unknown): bigint | undefined => {
    const t = text(ctx, v);
    const us = dateTimeMicros(t);
    if (us === null) throw bad(ctx, v);
    return us;
  };
  const mode = ctx.opts.timePrecisionMode;
  if (mode === 'nanoseconds') {
    const convert = (v: unknown): bigint | undefined => {
      const us = read(v);
      if (us === undefined) return undefined;
      const ns = us * 1000n;
      if (ns > INT64_MAX || ns < INT64_MIN) {
        throw new SourceError({
          code: 'CDC_MYSQL_TIME_RANGE',
          what: `DATETIME value ${String(v)} is outside the years 1677..2262 that io.debezium.time.NanoTimestamp (int64 nanoseconds) can hold`,
          where: ctx.where,
          fix: 'set time.precision.mode=microseconds or adaptive_time_microseconds',
        });
      }
      return ns;
    };
    return { schema: TEMPORAL_SCHEMAS.nanoTimestamp, convert, zero: 0n };
  }
  if (mode === 'microseconds') return { schema: TEMPORAL_SCHEMAS.microTimestamp, convert: read, zero: 0n };
  if (mode === 'connect' || ctx.column.fsp <= 3) {
    const schema = ctx.opts.timePrecisionMode === 'connect' ? TEMPORAL_SCHEMAS.connectTimestamp : TEMPORAL_SCHEMAS.timestamp;
    return { schema, convert: (v) => { const us = read(v); return us === undefined ? undefined : floorDiv(us, 1000n); }, zero: 0n };
  }
  return { schema: TEMPORAL_SCHEMAS.microTimestamp, convert: read, zero: 0n };
}

const pad = (n: number | bigint, w: number) => String(n).padStart(w, '0');

/** ZonedTimestamp text of µs since epoch: 'YYYY-MM-DDTHH:MM:SS[.f{fsp}]Z'. */
export function zonedTimestampText(us: bigint, fsp: number): string {
  const secs = floorDiv(us, 1_000_000n);
  const frac = us - secs * 1_000_000n;
  const days = Number(floorDiv(secs, 86400n));
  const sod = Number(secs - BigInt(days) * 86400n);
  const { y, m, d } = civilFromDays(days);
  let s = `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}T${pad(Math.floor(sod / 3600), 2)}:${pad(Math.floor(sod / 60) % 60, 2)}:${pad(sod % 60, 2)}`;
  if (fsp > 0) s += `.${pad(frac, 6).slice(0, fsp)}`;
  return `${s}Z`;
}

/**
 * TIMESTAMP: zongji renders the stored UTC epoch in the reader's zone 'Z'; the zero value
 * (epoch 0) comes back as '0000-00-00 00:00:00'. A snapshot must read with time_zone '+00:00'.
 */
export function timestampMapping(ctx: MySqlTypeContext): MySqlScalarMapping {
  const fsp = ctx.column.fsp;
  return {
    schema: TEMPORAL_SCHEMAS.zonedTimestamp,
    convert: (v) => {
      const fast = typeof v === 'string' ? utcTimestampTextToZoned(v, fsp) : null;
      if (fast !== null) return fast;
      const us = dateTimeMicros(text(ctx, v));
      if (us === null) throw bad(ctx, v);
      return us === undefined || us === 0n ? undefined : zonedTimestampText(us, fsp);
    },
    zero: '1970-01-01T00:00:00Z',
  };
}

/**
 * zongji's negative TIME without fraction: it decodes the one's complement of the packed value
 * and then adds one second without carrying, so -01:00:00 comes back as '-00:63:64'. The wrong
 * text always ends in second 64 (the borrow it forgot), which no correct text has; undo it on the
 * packed hour/minute/second bit fields. Correct text passes through unchanged.
 */
export function repairNegativeTime(t: string): string {
  const m = TIME_TEXT.exec(t);
  if (!m || m[1] !== '-' || Number(m[4]) < 60) return t;
  const packed = ((Number(m[2]) << 12) | (Number(m[3]) << 6) | (Number(m[4]) - 1)) + 1;
  const h = packed >> 12;
  const min = (packed >> 6) & 63;
  const sec = packed & 63;
  return `-${pad(h, h > 99 ? 3 : 2)}:${pad(min, 2)}:${pad(sec, 2)}${m[5] !== undefined ? `.${m[5]}` : ''}`;
}

/** '[-]HHH:MM:SS[.f]' -> signed µs. */
export function timeMicros(t: string): bigint | undefined {
  const m = TIME_TEXT.exec(repairNegativeTime(t));
  if (!m) return undefined;
  const us = BigInt(Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4])) * 1_000_000n + micros6(m[5]);
  return m[1] === '-' ? -us : us;
}

export function timeMapping(ctx: MySqlTypeContext): MySqlScalarMapping {
  const read = (v: unknown): bigint => {
    const us = timeMicros(text(ctx, v));
    if (us === undefined) throw bad(ctx, v);
    return us;
  };
  if (ctx.opts.timePrecisionMode === 'connect') {
    return {
      schema: TEMPORAL_SCHEMAS.connectTime,
      convert: (v) => {
        const us = read(v);
        if (us < 0n || us > 86_400_000_000n) {
          throw new SourceError({
            code: 'CDC_MYSQL_TIME_RANGE',
            what: `TIME value ${String(v)} is outside 00:00:00..24:00:00, which org.apache.kafka.connect.data.Time cannot hold`,
            where: ctx.where,
            fix: 'set time.precision.mode=adaptive_time_microseconds (io.debezium.time.MicroTime keeps negative and long durations)',
          });
        }
        return Number(us / 1000n);
      },
      zero: 0,
    };
  }
  if (ctx.opts.timePrecisionMode === 'nanoseconds') return { schema: TEMPORAL_SCHEMAS.nanoTime, convert: (v) => read(v) * 1000n, zero: 0n };
  return { schema: TEMPORAL_SCHEMAS.microTime, convert: read, zero: 0n };
}
