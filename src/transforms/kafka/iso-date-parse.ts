/**
 * The date and time literals of Connect's Values.parseString (values-parse.ts): the pattern is
 * chosen by the text's length alone (Values.parseAsTemporal), then the text is read as
 * java.text.SimpleDateFormat.parse(text, ParsePosition) reads it, in UTC (Connect uses the
 * JVM's zone, UTC in the usual container). Values are JS Dates, as java.util.Date in Connect.
 */
import type { ConnectSchema } from '../../events/schema.ts';
import type { SchemaAndValue } from './values-parse.ts';

export const DATE: ConnectSchema = { type: 'int32', optional: false, name: 'org.apache.kafka.connect.data.Date', version: 1 };
export const TIME: ConnectSchema = { type: 'int32', optional: false, name: 'org.apache.kafka.connect.data.Time', version: 1 };
export const TIMESTAMP: ConnectSchema = { type: 'int64', optional: false, name: 'org.apache.kafka.connect.data.Timestamp', version: 1 };

const TIME_LENGTH = 13; // HH:mm:ss.SSS'Z'
const TIMESTAMP_LENGTH = 24; // yyyy-MM-dd'T'HH:mm:ss.SSS'Z'
const DATE_LENGTH = 10; // yyyy-MM-dd

/** A Date, Time or Timestamp, or null when the text is none of them. Escaped colons (`\:`) count as colons. */
export function parseTemporal(text: string): SchemaAndValue | null {
  const t = text.replaceAll('\\:', ':');
  if (t.length === TIME_LENGTH) return temporal(t, ['H', ':', 'm', ':', 's', '.', 'S', 'Z'], TIME);
  if (t.length === TIMESTAMP_LENGTH) return temporal(t, ['y', '-', 'M', '-', 'd', 'T', 'H', ':', 'm', ':', 's', '.', 'S', 'Z'], TIMESTAMP);
  if (t.length === DATE_LENGTH) return temporal(t, ['y', '-', 'M', '-', 'd'], DATE);
  return null;
}

/**
 * SimpleDateFormat.parse(text, ParsePosition) with its defaults: lenient (fields roll over),
 * numbers may have any number of digits and a sign, spaces before a number are skipped,
 * literals must match exactly, and text after the pattern is ignored. UTC.
 */
function temporal(text: string, pattern: readonly string[], schema: ConnectSchema): SchemaAndValue | null {
  const f: Record<string, number> = { y: 1970, M: 1, d: 1, H: 0, m: 0, s: 0, S: 0 };
  let i = 0;
  for (const part of pattern) {
    if (part.length === 1 && /[yMdHmsS]/.test(part)) {
      while (text[i] === ' ' || text[i] === '\t') i++;
      const m = /^-?[0-9]+/.exec(text.slice(i));
      if (!m) return null;
      f[part] = Number(m[0]);
      i += m[0].length;
    } else {
      if (text[i] !== part) return null;
      i++;
    }
  }
  const d = new Date(0);
  d.setUTCFullYear(f['y']!, f['M']! - 1, f['d']!);
  d.setUTCHours(f['H']!, f['m']!, f['s']!, f['S']!);
  return Number.isNaN(d.getTime()) ? null : { schema, value: d };
}
