/**
 * TIMESTAMP values as the binlog reader gets them: zongji renders the stored epoch in the zone
 * 'Z' as 'YYYY-MM-DD HH:MM:SS' and, for a column with fractional seconds, '.' and fsp digits.
 * Those fields are already UTC, so Debezium's io.debezium.time.ZonedTimestamp text of the same
 * instant ('YYYY-MM-DDTHH:MM:SS[.f]Z', fsp fraction digits) differs only in its separators: this
 * writes it without parsing the text into microseconds and formatting them again (bigints, a
 * regular expression and a dozen strings per value on the general path).
 */

function digitsAt(t: string, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const d = t.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * The ZonedTimestamp text of zongji's text `t` of a TIMESTAMP(fsp), exactly as
 * zonedTimestampText(dateTimeMicros(t), fsp) writes it; null for any text not of that shape
 * with a valid date and time, for the zero value and for the epoch's first second (which the
 * general path turns into null), so the caller takes the general path for those.
 */
export function utcTimestampTextToZoned(t: string, fsp: number): string | null {
  if (t.length !== (fsp > 0 ? 20 + fsp : 19)) return null;
  const y = digitsAt(t, 0, 4), mo = digitsAt(t, 5, 2), d = digitsAt(t, 8, 2);
  const h = digitsAt(t, 11, 2), mi = digitsAt(t, 14, 2), s = digitsAt(t, 17, 2);
  if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h < 0 || h > 23 || mi < 0 || mi > 59 || s < 0 || s > 59
    || t.charCodeAt(4) !== 45 || t.charCodeAt(7) !== 45 || t.charCodeAt(10) !== 32 || t.charCodeAt(13) !== 58 || t.charCodeAt(16) !== 58) return null;
  if (y === 1970 && mo === 1 && d === 1 && h === 0 && mi === 0 && s === 0) return null;
  if (fsp > 0 && (t.charCodeAt(19) !== 46 || digitsAt(t, 20, fsp) < 0)) return null;
  return `${t.slice(0, 10)}T${t.slice(11)}Z`;
}
