/**
 * date, time, timetz, timestamp, timestamptz under each time.precision.mode, as Debezium 3.6.
 * Precision comes from the typmod (time(p), timestamp(p)); without one PostgreSQL keeps
 * microseconds and the driver reports 6, so "no typmod" behaves as p = 6.
 *
 * Infinity, as Debezium 3.6 emits it (constants from pgjdbc's PGStatement, read as µs):
 *   timestamp  ±infinity -> MicroTimestamp 9223372036825200000 / -9223372036832400000,
 *              Timestamp (ms) 9223372036825200 / -9223372036832400, NanoTimestamp Long.MAX/MIN;
 *   timestamptz ±infinity -> the strings "infinity" / "-infinity";
 *   date       ±infinity -> epoch days of -5877611-06-21 / -5877611-06-22 (Debezium's constants; the
 *              positive one carries a sign bug fixed only after 3.6, debezium/dbz#2524).
 */
import { OddValue } from './odd-values.ts';
import { S, type ConnectSchema } from '../../src/events/schema.ts';
import { CdcError } from '../../src/errors/cdc-error.ts';
import {
  daysFromCivil, floorDiv, formatIsoDate, formatIsoDateTime, formatIsoTime, parseDateText, parseTimeText,
  parseTimestampText, parseTimetzText, utcTimestamptzIso, type Infinite,
} from './type-datetime-text.ts';
import { INT64_MAX, INT64_MIN, type ScalarContext, type ScalarMapping } from './type-options.ts';

export const TIMESTAMP_POSITIVE_INFINITY_MICROS = 9223372036825200000n;
export const TIMESTAMP_NEGATIVE_INFINITY_MICROS = -9223372036832400000n;
export const DATE_POSITIVE_INFINITY_DAYS = daysFromCivil(-5877611, 6, 21);
export const DATE_NEGATIVE_INFINITY_DAYS = daysFromCivil(-5877611, 6, 22);

const named = (type: 'int32' | 'int64' | 'string', name: string): ConnectSchema => S[type]({ name, version: 1 });

const SCHEMAS = {
  date: named('int32', 'io.debezium.time.Date'),
  connectDate: named('int32', 'org.apache.kafka.connect.data.Date'),
  isoDate: named('string', 'io.debezium.time.IsoDate'),
  time: named('int32', 'io.debezium.time.Time'),
  microTime: named('int64', 'io.debezium.time.MicroTime'),
  nanoTime: named('int64', 'io.debezium.time.NanoTime'),
  connectTime: named('int32', 'org.apache.kafka.connect.data.Time'),
  isoTime: named('string', 'io.debezium.time.IsoTime'),
  timestamp: named('int64', 'io.debezium.time.Timestamp'),
  microTimestamp: named('int64', 'io.debezium.time.MicroTimestamp'),
  nanoTimestamp: named('int64', 'io.debezium.time.NanoTimestamp'),
  connectTimestamp: named('int64', 'org.apache.kafka.connect.data.Timestamp'),
  isoTimestamp: named('string', 'io.debezium.time.IsoTimestamp'),
  zonedTime: named('string', 'io.debezium.time.ZonedTime'),
  zonedTimestamp: named('string', 'io.debezium.time.ZonedTimestamp'),
} as const;

/** Declared fractional-second precision; PostgreSQL's default (no typmod) is 6. */
export function temporalPrecision(typeMod: number): number {
  return typeMod >= 0 ? Math.min(typeMod, 6) : 6;
}

function dateDays(text: string): number {
  const v = parseDateText(text);
  if (v === 'infinity') return DATE_POSITIVE_INFINITY_DAYS;
  if (v === '-infinity') return DATE_NEGATIVE_INFINITY_DAYS;
  return v;
}

export function dateMapping(ctx: ScalarContext): ScalarMapping {
  switch (ctx.opts.timePrecisionMode) {
    case 'isostring':
      return { schema: SCHEMAS.isoDate, parse: (t) => `${formatIsoDate(dateDays(t))}Z`, zero: '1970-01-01Z' };
    case 'connect':
      return { schema: SCHEMAS.connectDate, parse: dateDays, zero: 0 };
    default:
      return { schema: SCHEMAS.date, parse: dateDays, zero: 0 };
  }
}

export function timeMapping(ctx: ScalarContext): ScalarMapping {
  const p = temporalPrecision(ctx.typeMod);
  const millis = { parse: (t: string) => Math.trunc(parseTimeText(t) / 1000), zero: 0 };
  const micros = { schema: SCHEMAS.microTime, parse: (t: string) => BigInt(parseTimeText(t)), zero: 0n };
  switch (ctx.opts.timePrecisionMode) {
    case 'adaptive':
      return p <= 3 ? { schema: SCHEMAS.time, ...millis } : micros;
    case 'adaptive_time_microseconds':
    case 'microseconds':
      return micros;
    case 'nanoseconds':
      return { schema: SCHEMAS.nanoTime, parse: (t) => BigInt(parseTimeText(t)) * 1000n, zero: 0n };
    case 'connect':
      return { schema: SCHEMAS.connectTime, ...millis };
    case 'isostring':
      return { schema: SCHEMAS.isoTime, parse: (t) => `${formatIsoTime(parseTimeText(t))}Z`, zero: '00:00:00Z' };
  }
}

/** timetz is io.debezium.time.ZonedTime in every mode: the UTC time of day, ISO, with Z. */
export function timetzMapping(): ScalarMapping {
  return {
    schema: SCHEMAS.zonedTime,
    parse: (t) => {
      const v = `${formatIsoTime(parseTimetzText(t))}Z`;
      // The end-of-day 24:00:00 wraps to the start of a day (Debezium's value): information lost.
      if (t.startsWith('24:')) throw new OddValue(v, 'timetz 24:00:00 (end of day) written as the wrapped time of day', null);
      return v;
    },
    zero: '00:00:00Z',
  };
}

function timestampMicros(text: string): bigint {
  const v = parseTimestampText(text, false);
  if (v === 'infinity') return TIMESTAMP_POSITIVE_INFINITY_MICROS;
  if (v === '-infinity') return TIMESTAMP_NEGATIVE_INFINITY_MICROS;
  return v;
}

export function timestampMapping(ctx: ScalarContext): ScalarMapping {
  const p = temporalPrecision(ctx.typeMod);
  const ms = (t: string) => floorDiv(timestampMicros(t), 1000n);
  const micro = { schema: SCHEMAS.microTimestamp, parse: timestampMicros, zero: 0n };
  switch (ctx.opts.timePrecisionMode) {
    case 'adaptive':
    case 'adaptive_time_microseconds':
      return p <= 3 ? { schema: SCHEMAS.timestamp, parse: ms, zero: 0n } : micro;
    case 'microseconds':
      return micro;
    case 'connect':
      return { schema: SCHEMAS.connectTimestamp, parse: ms, zero: 0n };
    case 'isostring':
      return {
        schema: SCHEMAS.isoTimestamp,
        parse: (t) => `${formatIsoDateTime(timestampMicros(t))}Z`,
        zero: '1970-01-01T00:00:00Z',
      };
    case 'nanoseconds':
      return {
        schema: SCHEMAS.nanoTimestamp,
        parse: (t) => {
          const v = parseTimestampText(t, false);
          if (v === 'infinity') return INT64_MAX;
          if (v === '-infinity') return INT64_MIN;
          const ns = v * 1000n;
          if (ns > INT64_MAX || ns < INT64_MIN) {
            throw new CdcError({
              code: 'CDC_PG_NANO_TIMESTAMP_RANGE',
              what: `timestamp ${t} is outside the range of io.debezium.time.NanoTimestamp (years 1677-2262)`,
              where: ctx.where,
              fix: 'use time.precision.mode=adaptive or microseconds for this table',
            });
          }
          return ns;
        },
        zero: 0n,
      };
  }
}

/**
 * timestamptz -> io.debezium.time.ZonedTimestamp in UTC. The fraction is printed with exactly the
 * column's precision digits (6 without a typmod: "2024-05-28T12:00:00.000000Z"); precision 0 prints none.
 */
export function timestamptzMapping(ctx: ScalarContext): ScalarMapping {
  const p = temporalPrecision(ctx.typeMod);
  const style = p > 0 ? p : 'trim';
  return {
    schema: SCHEMAS.zonedTimestamp,
    parse: (t) => {
      const iso = utcTimestamptzIso(t, style); // what the replication and snapshot sessions print
      if (iso !== null) return iso;
      const v: bigint | Infinite = parseTimestampText(t, true);
      if (v === 'infinity' || v === '-infinity') return v;
      return `${formatIsoDateTime(v, style)}Z`;
    },
    zero: '1970-01-01T00:00:00Z',
  };
}
