/**
 * The MariaDB type round-trip fixture, shared by the binlog-reader test
 * (sources/mysql/types.it.test.ts) and the whole-daemon test (test/integration/mysql-types.it.test.ts):
 * one table with every type Debezium's binlog connectors map, rows with the edge values (unsigned
 * maxima, DECIMAL(65,30), microseconds, negative and over-24 h TIME, zero dates, latin1 text,
 * NULLs), a PROBE query in which the server prints each value in a form that does not go through
 * the code under test (HEX, UNIX_TIMESTAMP, TIME_TO_SEC, DATEDIFF ...), and `expected()`, which
 * turns a probe value into Debezium's Connect value with the default type options.
 */

/** The table `<db>.types`. */
export const typesDdl = (db: string): string => `CREATE TABLE ${db}.types (
  id INT PRIMARY KEY,
  b1 TINYINT(1), ti TINYINT, tiu TINYINT UNSIGNED, si SMALLINT, siu SMALLINT UNSIGNED, mi MEDIUMINT, miu MEDIUMINT UNSIGNED,
  i INT, iu INT UNSIGNED, bi BIGINT, biu BIGINT UNSIGNED,
  d652 DECIMAL(65,30), d52 DECIMAL(5,2) NOT NULL DEFAULT 1.5, f FLOAT, db DOUBLE,
  bit1 BIT(1), bit10 BIT(10),
  c CHAR(4), vc VARCHAR(20), tx TEXT, lat VARCHAR(20) CHARACTER SET latin1, mtx MEDIUMTEXT,
  bn BINARY(4), vb VARBINARY(10), bl BLOB,
  dt DATE, dtm0 DATETIME, dtm3 DATETIME(3), dtm6 DATETIME(6), ts0 TIMESTAMP NULL, ts6 TIMESTAMP(6) NULL,
  tm0 TIME, tm6 TIME(6), y YEAR,
  js JSON, e ENUM('a','b','c,d'), st SET('x','y','z'),
  zd DATE NOT NULL DEFAULT '2000-01-01'
)`;

/**
 * The rows, for `INSERT INTO <db>.types VALUES ${TYPE_ROWS.join(',')}` in a session with
 * sql_mode '' (lets the zero dates and the invalid ENUM in) and time_zone '+00:00'; the values
 * compared are the ones the server stores.
 */
export const TYPE_ROWS: readonly string[] = [
  `(1, 1, -128, 255, -32768, 65535, -8388608, 16777215, -2147483648, 4294967295, -9223372036854775808, 18446744073709551615,
    '-12345678901234567890123456789012345.123456789012345678901234567891', -999.99, 3.25, -1.0000000000000002,
    b'1', b'1000000001', 'ab', 'héllo wörld', 'long text', 'café €', REPEAT('m', 300),
    x'01020000', x'ff00', x'deadbeef', '2024-02-29', '2024-02-29 23:59:59', '1999-12-31 23:59:59.123', '0001-01-01 00:00:00.000001',
    '2038-01-19 03:14:07', '1970-01-01 00:00:01.000001',
    '-01:00:00', '-838:59:59.000000', 0, '{"a": [1, 2.5, "x"]}', 'c,d', 'x,z', '0000-00-00')`,
  `(2, 0, 127, 0, 32767, 0, 8388607, 0, 2147483647, 0, 9223372036854775807, 9223372036854775808,
    '99999999999999999999999999999999999.999999999999999999999999999999', 0, -3.5e38, 1.7976931348623157e308,
    b'0', b'0', '', '', '', '', '',
    x'00', x'', x'', '0000-00-00', '0000-00-00 00:00:00', '2020-00-15 10:00:00', '2024-01-01 00:00:00.5',
    '0000-00-00 00:00:00', '2024-06-01 12:00:00.999999',
    '838:59:59', '25:00:00.000001', 2155, '[]', '', '', '2020-05-00')`,
  `(3, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0.01, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
    NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, '-00:00:01', '-00:00:00.5', 1901, NULL, 'a', 'y', '1970-01-01')`,
];

/** The session settings the rows are written with. */
export const TYPE_ROWS_SESSION = "SET SESSION sql_mode = ''; SET SESSION time_zone = '+00:00'";

/** The columns of `<db>.types` after the key, in table order. */
export const TYPE_COLUMNS: readonly string[] = ['b1', 'ti', 'tiu', 'si', 'siu', 'mi', 'miu', 'i', 'iu', 'bi', 'biu', 'd652', 'd52', 'f', 'db',
  'bit1', 'bit10', 'c', 'vc', 'tx', 'lat', 'mtx', 'bn', 'vb', 'bl', 'dt', 'dtm0', 'dtm3', 'dtm6', 'ts0', 'ts6', 'tm0', 'tm6', 'y', 'js', 'e', 'st', 'zd'];

/** Each column printed by the server in a form that does not go through the decoder under test (ordered by id). */
export const typesProbe = (db: string): string => `SELECT id, b1, ti, tiu, si, siu, mi, miu, i, CAST(iu AS CHAR) iu, CAST(bi AS CHAR) bi, CAST(biu AS CHAR) biu,
  CAST(d652 AS CHAR) d652, CAST(d52 AS CHAR) d52, HEX(f) fh, f, CAST(f AS DOUBLE) fd, db,
  CAST(bit1 AS UNSIGNED) bit1, CAST(bit10 AS UNSIGNED) bit10,
  HEX(c) c, HEX(CONVERT(vc USING utf8mb4)) vc, HEX(tx) tx, HEX(CONVERT(lat USING utf8mb4)) lat, LENGTH(mtx) mtx,
  HEX(bn) bn, HEX(vb) vb, HEX(bl) bl,
  IF(dt = '0000-00-00' OR MONTH(dt) = 0 OR DAY(dt) = 0, NULL, DATEDIFF(dt, '1970-01-01')) dt,
  IF(MONTH(dtm0) = 0 OR DAY(dtm0) = 0, NULL, CAST((TO_SECONDS(dtm0) - 62167219200) * 1000000 + MICROSECOND(dtm0) AS CHAR)) dtm0,
  IF(MONTH(dtm3) = 0 OR DAY(dtm3) = 0, NULL, CAST((TO_SECONDS(dtm3) - 62167219200) * 1000000 + MICROSECOND(dtm3) AS CHAR)) dtm3,
  IF(MONTH(dtm6) = 0 OR DAY(dtm6) = 0, NULL, CAST((TO_SECONDS(dtm6) - 62167219200) * 1000000 + MICROSECOND(dtm6) AS CHAR)) dtm6,
  CAST(UNIX_TIMESTAMP(ts0) AS CHAR) ts0, CAST(UNIX_TIMESTAMP(ts6) AS CHAR) ts6,
  TIME_TO_SEC(tm0) tm0, CAST(TIME_TO_SEC(tm6) AS CHAR) tm6s, MICROSECOND(tm6) tm6us, y + 0 y,
  HEX(js) js, e, st, IF(MONTH(zd) = 0 OR DAY(zd) = 0, NULL, DATEDIFF(zd, '1970-01-01')) zd
  FROM ${db}.types ORDER BY id`;

const hexText = (h: string | null) => (h === null ? null : Buffer.from(h, 'hex').toString('utf8'));

/**
 * Debezium's value for a column from the probe row (expected side, written independently of the
 * mapping), with the default options: DECIMAL as its digits (compare with `decimalText`), BIGINT
 * UNSIGNED wrapped to a signed long, INT64 values as bigint.
 */
export function expected(col: string, p: Record<string, unknown>): unknown {
  const v = p[col];
  const nul = v === null || v === undefined;
  switch (col) {
    case 'b1': case 'ti': case 'tiu': case 'si': case 'siu': case 'mi': case 'miu': case 'i':
      return nul ? null : Number(v);
    case 'iu': case 'bi': return nul ? null : BigInt(String(v));
    case 'biu': { if (nul) return null; const b = BigInt(String(v)); return b > (1n << 63n) - 1n ? b - (1n << 64n) : b; }
    case 'd652': case 'd52': return nul ? null : String(v);
    // The text protocol prints FLOAT rounded to 6 digits (-3.5e38 is stored as -FLT_MAX, printed -3.40282e38):
    // the server's exact widening to DOUBLE gives the stored float32.
    case 'f': return nul ? null : Math.fround(Number(p.fd));
    case 'db': return nul ? null : Number(v);
    case 'bit1': return nul ? null : Number(v) !== 0;
    // Debezium's Bits: little-endian bytes, length ceil(n/8).
    case 'bit10': { if (nul) return null; const n = Number(v); return Buffer.from([n & 0xff, n >> 8]); }
    case 'c': case 'vc': case 'tx': case 'lat': return hexText(v as string | null);
    case 'mtx': return nul ? null : 'm'.repeat(Number(v));
    // BINARY(4) keeps its 0x00 padding.
    case 'bn': return nul ? null : Buffer.from(String(v).padEnd(8, '0'), 'hex');
    case 'vb': case 'bl': return nul ? null : Buffer.from(String(v), 'hex');
    case 'dt': return nul ? null : Number(v);
    // DATETIME(0..3): Timestamp in ms (floored); DATETIME(4..6): MicroTimestamp.
    case 'dtm0': case 'dtm3': { if (nul) return null; const us = BigInt(String(v)); return us / 1000n - (us % 1000n < 0n ? 1n : 0n); }
    case 'dtm6': return nul ? null : BigInt(String(v));
    case 'ts0': case 'ts6': {
      if (nul || String(v).startsWith('0')) return null;
      const [s, frac = ''] = String(v).split('.');
      const iso = new Date(Number(s) * 1000).toISOString().slice(0, 19);
      return `${iso}${col === 'ts6' ? `.${frac.padEnd(6, '0')}` : ''}Z`;
    }
    case 'tm0': return nul ? null : BigInt(Number(v)) * 1_000_000n;
    case 'tm6': {
      if (p.tm6s === null) return null;
      const secs = BigInt(String(p.tm6s).split('.')[0]!);
      const neg = String(p.tm6s).startsWith('-');
      const us = BigInt(Number(p.tm6us));
      return neg ? secs * 1_000_000n - us : secs * 1_000_000n + us;
    }
    case 'y': return nul ? null : Number(v);
    case 'js': return hexText(v as string | null);
    case 'e': case 'st': return nul ? null : String(v);
    // A NOT NULL column holding a zero date gets the schema default (Debezium's convertValue), 2000-01-01 here.
    case 'zd': return nul ? 10957 : Number(v);
    default: return v;
  }
}

/**
 * A Connect Decimal (unscaled two's-complement big-endian bytes, as BigInteger.toByteArray) as
 * plain text with `scale` digits after the point, decoded here and not by the code under test.
 */
export function decimalText(bytes: Buffer, scale: number): string {
  let u = 0n;
  for (const b of bytes) u = (u << 8n) | BigInt(b);
  if (bytes.length > 0 && (bytes[0]! & 0x80) !== 0) u -= 1n << BigInt(8 * bytes.length);
  const neg = u < 0n;
  const digits = (neg ? -u : u).toString().padStart(scale + 1, '0');
  return scale === 0 ? `${neg ? '-' : ''}${digits}` : `${neg ? '-' : ''}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
}

/** The DECIMAL columns of the fixture and their scales. */
export const DECIMAL_SCALES: Readonly<Record<string, number>> = { d652: 30, d52: 2 };
