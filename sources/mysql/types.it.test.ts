/**
 * Type round trip against the stack's MariaDB 10.11: one table with every type Debezium's binlog
 * connectors map, rows with the edge values (unsigned maxima, DECIMAL(65,30), microseconds,
 * negative and over-24 h TIME, zero dates, latin1 text, NULLs), read back from the binlog with
 * BinlogReader, decoded with the information_schema column model (checked against the table
 * map) and compared with:
 *   1. what the server holds, read with SQL that prints each value in an independent form
 *      (HEX, UNIX_TIMESTAMP, TIME_TO_SEC, DATEDIFF ...) and turned into Debezium's value here;
 *   2. the same row read the way a snapshot reads (mysql2, dateStrings, big numbers as strings),
 *      so streaming and snapshot give identical Connect values.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import mysql from 'mysql2/promise';
import { binlogHead, mariadbAdmin, mariadbOptions, mariadbSkip } from '../../test/helpers/mariadb.ts';
import { BinlogReader } from './binlog-reader.ts';
import type { BinlogEvent, Row } from './binlog-events.ts';
import { bytesToUnscaled } from './decimal-text.ts';
import { checkAgainstTableMap, readTableSchema, sqlRunner, type MySqlTable } from './table-schema.ts';
import { DEFAULT_MYSQL_TYPE_OPTIONS, isSkipped, mapColumn, type MySqlColumnMapping, type MySqlTypeOptions } from './types.ts';

const SKIP = mariadbSkip();
const DB = `cdc_types_it_${process.pid}`;

const DDL = `CREATE TABLE ${DB}.types (
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

// sql_mode '' lets the zero dates and the invalid ENUM in; values are as the server stores them.
const ROWS = [
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

/** Each column printed by the server in a form that does not go through the decoder under test. */
const PROBE = `SELECT id, b1, ti, tiu, si, siu, mi, miu, i, CAST(iu AS CHAR) iu, CAST(bi AS CHAR) bi, CAST(biu AS CHAR) biu,
  CAST(d652 AS CHAR) d652, CAST(d52 AS CHAR) d52, HEX(f) fh, f, db,
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
  FROM ${DB}.types ORDER BY id`;

const hexText = (h: string | null) => (h === null ? null : Buffer.from(h, 'hex').toString('utf8'));

/** Debezium's value for a column from the probe row (expected side, written independently of the mapping). */
function expected(col: string, p: Record<string, unknown>): unknown {
  const v = p[col];
  const nul = v === null || v === undefined;
  switch (col) {
    case 'b1': case 'ti': case 'tiu': case 'si': case 'siu': case 'mi': case 'miu': case 'i':
      return nul ? null : Number(v);
    case 'iu': case 'bi': return nul ? null : BigInt(String(v));
    case 'biu': { if (nul) return null; const b = BigInt(String(v)); return b > (1n << 63n) - 1n ? b - (1n << 64n) : b; }
    case 'd652': case 'd52': return nul ? null : String(v);
    case 'f': return nul ? null : Buffer.from(Float32Array.of(Number(p.f)).buffer).equals(Buffer.from(Float32Array.of(Math.fround(Number(p.f))).buffer)) ? Math.fround(Number(p.f)) : null;
    case 'db': return nul ? null : Number(v);
    case 'bit1': return nul ? null : Number(v) !== 0;
    case 'bit10': { if (nul) return null; const n = Number(v); return Buffer.from([n & 0xff, n >> 8]); }
    case 'c': case 'vc': case 'tx': case 'lat': return hexText(v as string | null);
    case 'mtx': return nul ? null : 'm'.repeat(Number(v));
    case 'bn': return nul ? null : Buffer.from(String(v).padEnd(8, '0'), 'hex');
    case 'vb': case 'bl': return nul ? null : Buffer.from(String(v), 'hex');
    case 'dt': return nul ? null : Number(v);
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

function normalise(col: string, v: unknown): unknown {
  if (Buffer.isBuffer(v) && (col === 'd652' || col === 'd52')) {
    const scale = col === 'd652' ? 30 : 2;
    const u = bytesToUnscaled(v);
    const neg = u < 0n;
    const digits = (neg ? -u : u).toString().padStart(scale + 1, '0');
    return `${neg ? '-' : ''}${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  }
  return v;
}

describe('MariaDB types: binlog and snapshot values against what the server holds', { skip: SKIP }, () => {
  let admin: mysql.Connection;
  let table: MySqlTable;
  const binlogRows: Row[] = [];
  let mapEvent: BinlogEvent | undefined;

  before(async () => {
    admin = await mariadbAdmin();
    await admin.query(`DROP DATABASE IF EXISTS ${DB}; CREATE DATABASE ${DB}; ${DDL}`);
    const head = await binlogHead(admin);
    const r = new BinlogReader({ connection: mariadbOptions(), serverId: 7000 + (process.pid % 90), start: head, includeSchema: { [DB]: true } });
    await r.start();
    try {
      await admin.query(`SET SESSION sql_mode = ''; SET SESSION time_zone = '+00:00'; INSERT INTO ${DB}.types VALUES ${ROWS.join(',')}`);
      const ac = new AbortController();
      const t = setTimeout(() => ac.abort(), 30_000);
      for (;;) {
        const e = await r.next(ac.signal);
        if (e === null) throw new Error('no commit within 30 s');
        if (e.type === 'table-map') mapEvent = e;
        if (e.type === 'rows') binlogRows.push(...e.rows.map((x) => x.after!));
        if (e.type === 'commit') break;
      }
      clearTimeout(t);
    } finally {
      await r.stop();
    }
    table = (await readTableSchema(sqlRunner(admin), DB, 'types', 'mariadb'))!;
  });
  after(async () => {
    await admin?.query(`DROP DATABASE IF EXISTS ${DB}`);
    await admin?.end();
  });

  test('information_schema agrees with the table map (FULL metadata), and JSON is recognised', () => {
    assert.ok(mapEvent && mapEvent.type === 'table-map');
    checkAgainstTableMap(table, mapEvent, 'test');
    assert.equal(table.columns.find((c) => c.name === 'js')!.dataType, 'json');
    assert.deepEqual(table.primaryKey, ['id']);
    assert.throws(() => checkAgainstTableMap(table, { ...mapEvent!, columnNames: [...(mapEvent as unknown as { columnNames: string[] }).columnNames].reverse() } as never, 'test'), /CDC_MYSQL_SCHEMA_MISMATCH/);
  });

  for (const [label, opts] of [['defaults', DEFAULT_MYSQL_TYPE_OPTIONS]] as [string, MySqlTypeOptions][]) {
    test(`every column decodes to the server's value (${label})`, async () => {
      const [probe] = await admin.query(PROBE);
      const mappings = new Map<string, MySqlColumnMapping>();
      for (const c of table.columns) {
        const m = mapColumn(c, opts, 'types');
        assert.ok(!isSkipped(m), `${c.name} mapped`);
        mappings.set(c.name, m as MySqlColumnMapping);
      }
      assert.equal(binlogRows.length, ROWS.length);
      for (const [i, p] of (probe as Record<string, unknown>[]).entries()) {
        for (const c of table.columns) {
          if (c.name === 'id' || c.name === 'f') continue;
          const got = normalise(c.name, mappings.get(c.name)!.convert(binlogRows[i]![c.name]));
          assert.deepEqual(got, expected(c.name, p), `row ${i + 1} column ${c.name}: binlog value ${String(binlogRows[i]![c.name])}`);
        }
      }
    });
  }

  const optionSets: [string, MySqlTypeOptions, string[]][] = [
    ['defaults', DEFAULT_MYSQL_TYPE_OPTIONS, []],
    ['precise bigint, string decimals, base64-url-safe binary', { ...DEFAULT_MYSQL_TYPE_OPTIONS, bigintUnsignedHandlingMode: 'precise', decimalHandlingMode: 'string', binaryHandlingMode: 'base64-url-safe' }, []],
    // connect's Time cannot hold negative or long TIME values (CDC_MYSQL_TIME_RANGE, as Debezium fails): those columns are left out.
    ['double decimals, hex binary, connect temporals', { ...DEFAULT_MYSQL_TYPE_OPTIONS, decimalHandlingMode: 'double', binaryHandlingMode: 'hex', timePrecisionMode: 'connect' }, ['tm0', 'tm6']],
  ];
  for (const [label, opts, skipCols] of optionSets) test(`a snapshot read (mysql2 binary protocol, dateStrings, UTC session) converts to the same values as the binlog (${label})`, async () => {
    const snap = await mysql.createConnection({ ...mariadbOptions(), dateStrings: true, supportBigNumbers: true, bigNumberStrings: true, timezone: 'Z', jsonStrings: true } as mysql.ConnectionOptions);
    try {
      await snap.query("SET time_zone = '+00:00'");
      // The binary protocol (execute): the text protocol prints FLOAT with 6 digits and loses its value.
      const [rows] = await snap.execute(`SELECT * FROM ${DB}.types ORDER BY id`);
      for (const [i, row] of (rows as Row[]).entries()) {
        for (const c of table.columns) {
          if (skipCols.includes(c.name)) continue;
          const m = mapColumn(c, opts, 'types') as MySqlColumnMapping;
          assert.deepEqual(m.convert(row[c.name] ?? null), m.convert(binlogRows[i]![c.name]), `row ${i + 1} column ${c.name}: snapshot ${String(row[c.name])} vs binlog ${String(binlogRows[i]![c.name])}`);
        }
      }
    } finally {
      await snap.end();
    }
  });
});
