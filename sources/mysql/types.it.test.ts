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
 * The table, rows, probe and expected values live in test/helpers/mysql-types-fixture.ts (shared
 * with the whole-daemon test, test/integration/mysql-types.it.test.ts).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import mysql from 'mysql2/promise';
import { binlogHead, mariadbAdmin, mariadbOptions, mariadbSkip } from '../../test/helpers/mariadb.ts';
import { BinlogReader } from './binlog-reader.ts';
import type { BinlogEvent, Row } from './binlog-events.ts';
import { DECIMAL_SCALES, decimalText, expected, TYPE_ROWS, TYPE_ROWS_SESSION, typesDdl, typesProbe } from '../../test/helpers/mysql-types-fixture.ts';
import { checkAgainstTableMap, readTableSchema, sqlRunner, type MySqlTable } from './table-schema.ts';
import { DEFAULT_MYSQL_TYPE_OPTIONS, isSkipped, mapColumn, type MySqlColumnMapping, type MySqlTypeOptions } from './types.ts';

const SKIP = mariadbSkip();
const DB = `cdc_types_it_${process.pid}`;

const DDL = typesDdl(DB);
const ROWS = TYPE_ROWS;
const PROBE = typesProbe(DB);

function normalise(col: string, v: unknown): unknown {
  const scale = DECIMAL_SCALES[col];
  return Buffer.isBuffer(v) && scale !== undefined ? decimalText(v, scale) : v;
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
      await admin.query(`${TYPE_ROWS_SESSION}; INSERT INTO ${DB}.types VALUES ${ROWS.join(',')}`);
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
