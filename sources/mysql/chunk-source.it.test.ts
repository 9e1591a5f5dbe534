/**
 * The MySQL/MariaDB chunked snapshot against the stack's real MariaDB 10.11: tables with a
 * composite key and a collation-sensitive string key read in chunks while a writer updates,
 * deletes and inserts, with the real binlog reader as the stream driving the companion:
 *  - each chunk's binlog position P is exact: its rows equal the binlog replayed up to P;
 *  - every row is read at most once, rows nobody changed exactly once, and each read equals
 *    the latest state emitted before it (a read never goes back in time) and the state the next
 *    change starts from;
 *  - the last event of each key is the table's final state;
 *  - a table without a key and a nullable key are refused with the fix.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type mysql from 'mysql2/promise';
import type { SourceRecord } from '../../src/events/record.ts';
import { binlogHead, mariadbAdmin, mariadbOptions, mariadbSkip } from '../../test/helpers/mariadb.ts';
import { recordingLogger } from '../../test/doubles/recording-logger.ts';
import { BinlogReader } from './binlog-reader.ts';
import { comparePoints, type BinlogPoint } from './chunk-position.ts';
import { RecordingPoints, stream, type Emitted } from '../../test/helpers/mysql-chunk-stream.ts';
import type { KeyValues } from '../../src/snapshot/contracts.ts';
import { keyText } from '../../src/snapshot/chunk-windows.ts';
import { encodeJavaKey } from '../../src/snapshot/java-serial.ts';
import { openMySqlChunkedSnapshot } from './chunked-run.ts';
import type { MysqlConnectionSettings } from './config-task.ts';
import type { ChangeRecords, MySqlRow, MySqlTableModel } from './event-model.ts';

const SKIP = mariadbSkip();
const DB = `cdc_chunk_it_${process.pid}`;
let serverIdSeq = 7700 + (process.pid % 500);
const noMetrics = { snapshotProgress: () => {}, snapshotRunning: () => {}, snapshotChunks: () => {}, snapshotEta: () => {}, snapshotTables: () => {}, snapshotEnded: () => {} };

function connection(): MysqlConnectionSettings {
  const o = mariadbOptions();
  return { host: o.host!, port: o.port!, user: o.user!, password: o.password, tls: { mode: 'disabled' }, connectTimeoutMs: 10_000, initialStatements: [] };
}

/** distinct under utf8mb4_general_ci (where é = e, Ä = A = a, Ü = U), ordered by it unlike by code point */
const TEXT_KEYS = ['a', 'B', 'c', 'é', 'ö', 'Z', '_x', '10', '9', 'ß', 'ss ', 'Ü', 'Äx', 'ä b', 'zz', 'Ω', 'x', 'Y', 'ñ', '#'];

function keyOfRow(table: string, row: MySqlRow): string {
  return table === 'comp' ? `${String(row['a'])}|${String(row['b'])}` : String(row['k']);
}

describe('MySQL/MariaDB chunked snapshot (MariaDB)', { skip: SKIP }, () => {
  let admin: mysql.Connection;
  before(async () => {
    admin = await mariadbAdmin();
    await admin.query(`DROP DATABASE IF EXISTS ${DB}; CREATE DATABASE ${DB};
      CREATE TABLE ${DB}.comp (a INT NOT NULL, b VARCHAR(40) COLLATE utf8mb4_general_ci NOT NULL, v INT NOT NULL, PRIMARY KEY (a, b));
      CREATE TABLE ${DB}.str (k VARCHAR(64) COLLATE utf8mb4_unicode_ci NOT NULL PRIMARY KEY, v INT NOT NULL);
      CREATE TABLE ${DB}.ctr (id INT NOT NULL PRIMARY KEY, v INT NOT NULL);
      CREATE TABLE ${DB}.nokey (a INT, b INT);
      CREATE TABLE ${DB}.nullable (a INT NULL, b INT, UNIQUE KEY (a))`);
    const comp: string[] = [];
    for (let a = 1; a <= 150; a++) for (const b of TEXT_KEYS) comp.push(`(${a}, ${admin.escape(b)}, 0)`);
    await admin.query(`INSERT INTO ${DB}.comp VALUES ${comp.join(',')}`);
    const str: string[] = [];
    for (let i = 0; i < 2000; i++) str.push(`(${admin.escape(`${TEXT_KEYS[i % TEXT_KEYS.length]}-${i}`)}, 0)`);
    await admin.query(`INSERT INTO ${DB}.str VALUES ${str.join(',')}`);
    await admin.query(`INSERT INTO ${DB}.ctr VALUES ${Array.from({ length: 200 }, (_, i) => `(${i + 1}, 0)`).join(',')}`);
  });
  after(async () => {
    await admin?.query(`DROP DATABASE IF EXISTS ${DB}`);
    await admin?.end();
  });

  test('each chunk\'s binlog position is exact: its rows are the binlog replayed up to P, under concurrent writes', async () => {
    const head = await binlogHead(admin);
    const { log } = recordingLogger();
    const points = new RecordingPoints();
    const run = await openMySqlChunkedSnapshot({
      cfg: { connection: connection(), snapshot: { chunkSize: 500, maxThreads: 1, tablesOrder: 'disabled' } as never, events: { topicPrefix: 'it' } as never },
      log, metrics: noMetrics, contextHeaders: null, captured: [`${DB}.ctr`], model: () => undefined, changeRecords: () => [],
      messageKeyColumns: () => undefined, serverId: () => 1, where: 'test', stored: null, initial: null, points,
    });
    const writer = await mariadbAdmin();
    let writing = true;
    let n = 0;
    const writes = (async () => {
      while (writing) {
        const id = 1 + (n * 37) % 200;
        if (n % 5 === 0) await writer.query(`START TRANSACTION; UPDATE ${DB}.ctr SET v = v + 1 WHERE id = ${id}; UPDATE ${DB}.ctr SET v = v + 1 WHERE id = ${1 + (id % 200)}; COMMIT`);
        else await writer.query(`UPDATE ${DB}.ctr SET v = v + 1 WHERE id = ${id}`);
        n++;
      }
    })();
    const reads: { rows: readonly MySqlRow[]; p: BinlogPoint }[] = [];
    try {
      const id = `${DB}.ctr`;
      assert.deepEqual(await run.source.chunkKey(id, null), { ok: true, columns: ['id'] });
      const max = await run.source.maxKey(id, ['id'], null);
      assert.deepEqual(max, [200]);
      // at least 25 chunks, and on until the writer wrote 100 times between them (a slow machine reads longer)
      for (let i = 0; i < 25 || (n < 100 && i < 2000); i++) {
        const rows = await run.source.readChunk(id, ['id'], null, max!, 500, null);
        await run.source.writeWatermark(`w${i}`, id);
        reads.push({ rows, p: points.registered.get(`w${i}`)! });
        await new Promise((res) => setTimeout(res, 20));
      }
    } finally {
      writing = false;
      await writes;
      await writer.end();
      await run.close();
    }
    // The binlog of the whole run, replayed.
    const end = await binlogHead(admin);
    const r = new BinlogReader({ connection: mariadbOptions(), serverId: serverIdSeq++, start: head, heartbeatIntervalMs: 1000, includeSchema: { [DB]: true } });
    await r.start();
    const updates: { at: BinlogPoint; id: number }[] = [];
    try {
      for (;;) {
        const ac = new AbortController();
        const t = setTimeout(() => ac.abort(), 30_000);
        const e = await r.next(ac.signal).finally(() => clearTimeout(t));
        if (e === null) throw new Error('binlog read timed out');
        if (e.type === 'rows' && e.table === 'ctr') for (const ch of e.rows) updates.push({ at: { file: e.file, pos: e.nextPos }, id: Number(ch.after!['id']) });
        if (e.nextPos > 0 && comparePoints({ file: e.file, pos: e.nextPos }, end) >= 0) break;
      }
    } finally {
      await r.stop();
    }
    assert.ok(updates.length > 50, `the writer wrote while chunks were read (${updates.length} row updates)`);
    const distinct = new Set(reads.map((x) => `${x.p.file}:${x.p.pos}`));
    assert.ok(distinct.size >= 5, `chunks read at different binlog positions (${distinct.size})`);
    for (const { rows, p } of reads) {
      const expected = new Map<number, number>();
      for (const u of updates) if (comparePoints(u.at, p) <= 0) expected.set(u.id, (expected.get(u.id) ?? 0) + 1);
      assert.equal(rows.length, 200);
      for (const row of rows) assert.equal(Number(row['v']), expected.get(Number(row['id'])) ?? 0, `row ${String(row['id'])} of the chunk read at ${p.file}:${p.pos}`);
    }
  });

  test('a composite key and a collation-sensitive string key read in chunks beside the stream, under writes: each row once, never older than the stream', async () => {
    const head = await binlogHead(admin);
    const { log } = recordingLogger();
    const models = new Map<string, MySqlTableModel>(['comp', 'str'].map((t) => [`${DB}.${t}`, { id: `${DB}.${t}`, db: DB, table: t, topic: `it.${DB}.${t}` } as unknown as MySqlTableModel]));
    const changeRecords: ChangeRecords = (m, change) => [{ topic: m.topic, keySchema: null, key: null, valueSchema: null, value: { table: m.table, row: change.kind === 'read' ? change.after : null } } as SourceRecord];
    const run = await openMySqlChunkedSnapshot({
      cfg: { connection: connection(), snapshot: { chunkSize: 250, maxThreads: 2, tablesOrder: 'ascending' } as never, events: { topicPrefix: 'it' } as never },
      log, metrics: noMetrics, contextHeaders: null, captured: [...models.keys()], model: (id) => models.get(id), changeRecords,
      messageKeyColumns: () => undefined, serverId: () => 1, where: 'test', stored: null, initial: [...models.keys()],
    });
    const r = new BinlogReader({ connection: mariadbOptions(), serverId: serverIdSeq++, start: head, heartbeatIntervalMs: 500, includeSchema: { [DB]: true } });
    await r.start();
    const writer = await mariadbAdmin();
    const writes = (async () => {
      // a fixed number of writes, faster than the lagging stream: windows stay open across many of them
      for (let n = 0; n < 1500; n++) {
        const a = 1 + (n * 7) % 150, b = TEXT_KEYS[n % TEXT_KEYS.length]!, i = (n * 13) % 2000, s = `${TEXT_KEYS[i % TEXT_KEYS.length]}-${i}`;
        switch (n % 6) {
          case 0: await writer.query(`UPDATE ${DB}.comp SET v = v + 1 WHERE a = ? AND b = ?`, [a, b]); break;
          case 1: await writer.query(`DELETE FROM ${DB}.comp WHERE a = ? AND b = ?`, [a, b]); break;
          case 2: await writer.query(`INSERT INTO ${DB}.comp VALUES (?, ?, 100) ON DUPLICATE KEY UPDATE v = v + 1`, [a + 1000, b]); break;
          case 3: await writer.query(`UPDATE ${DB}.str SET v = v + 1 WHERE k = ?`, [s]); break;
          case 4: await writer.query(`START TRANSACTION; UPDATE ${DB}.str SET v = v + 1 WHERE k = ${writer.escape(s)}; DELETE FROM ${DB}.comp WHERE a = ${a} AND b = ${writer.escape(b)}; COMMIT`); break;
          default: await writer.query(`UPDATE ${DB}.comp SET b = CONCAT(b, '~') WHERE a = ? AND b = ?`, [a, b]); break; // a key change
        }
      }
    })();
    const out: Emitted[] = [];
    try {
      await stream(r, run, DB, keyOfRow, out, () => !run.engine.initialPending && run.engine.finished, 120_000, 3);
    } finally {
      await writes;
      await writer.end();
    }
    try {
      // drain the stream up to the end of the writes
      const end = await binlogHead(admin);
      let at: BinlogPoint = { file: head.file, pos: 0 };
      const origin = run.companion.onPosition.bind(run.companion);
      run.companion.onPosition = (file, pos) => { at = { file, pos }; origin(file, pos); };
      await stream(r, run, DB, keyOfRow, out, () => comparePoints(at, end) >= 0, 60_000);
    } finally {
      await r.stop();
      await run.close();
    }
    assert.equal(run.companion.initialRunning, false, 'the initial snapshot completed');
    const reads = out.filter((e) => e.kind === 'read');
    const changes = out.filter((e) => e.kind === 'change');
    assert.ok(changes.length > 20, `writes ran during the snapshot (${changes.length} changes)`);
    const dropped = [...new Set(changes.map((e) => `${e.table}/${e.key}`))].filter((k) => !reads.some((e) => `${e.table}/${e.key}` === k)).length;
    log.info({ reads: reads.length, changes: changes.length, changedKeysNotRead: dropped }, 'chunked snapshot beside the stream');
    // each row at most once; rows nobody touched exactly once
    const readCount = new Map<string, number>();
    for (const e of reads) readCount.set(`${e.table}/${e.key}`, (readCount.get(`${e.table}/${e.key}`) ?? 0) + 1);
    for (const [k, n] of readCount) assert.equal(n, 1, `${k} read ${n} times`);
    const touched = new Set(changes.map((e) => `${e.table}/${e.key}`));
    let untouched = 0;
    for (let a = 1; a <= 150; a++) for (const b of TEXT_KEYS) if (!touched.has(`comp/${a}|${b}`)) { untouched++; assert.equal(readCount.get(`comp/${a}|${b}`), 1, `comp ${a}|${b} never changed, read once`); }
    for (let i = 0; i < 2000; i++) { const k = `${TEXT_KEYS[i % TEXT_KEYS.length]}-${i}`; if (!touched.has(`str/${k}`)) { untouched++; assert.equal(readCount.get(`str/${k}`), 1, `str ${k} read once`); } }
    assert.ok(untouched > 3000, `most rows were read from chunks (${untouched})`);
    // a read is the latest state the stream emitted before it, and the state the next change starts from
    const state = new Map<string, MySqlRow | null>();
    const readPending = new Map<string, MySqlRow>();
    const v = (row: MySqlRow | null | undefined) => (row ? String(row['v']) : 'absent');
    for (const e of out) {
      const k = `${e.table}/${e.key}`;
      if (e.kind === 'read') {
        if (state.has(k)) assert.equal(v(e.row), v(state.get(k)), `${k}: a read older than a change the stream emitted before it`);
        readPending.set(k, e.row);
        state.set(k, e.row);
      } else {
        const r0 = readPending.get(k);
        if (r0 && e.before) assert.equal(v(e.before), v(r0), `${k}: the change after the read starts from another state`);
        if (r0 && !e.before) assert.fail(`${k}: an insert follows a read of an existing row`);
        readPending.delete(k);
        state.set(k, e.after);
      }
    }
    // the last event of each key is the final state
    const [compRows] = await admin.query(`SELECT a, b, v FROM ${DB}.comp`);
    const [strRows] = await admin.query(`SELECT k, v FROM ${DB}.str`);
    const final = new Map<string, string>();
    for (const row of compRows as MySqlRow[]) final.set(`comp/${keyOfRow('comp', row)}`, String(row['v']));
    for (const row of strRows as MySqlRow[]) final.set(`str/${keyOfRow('str', row)}`, String(row['v']));
    for (const [k, fv] of final) assert.equal(v(state.get(k)), fv, `${k}: last event vs table`);
    for (const [k, row] of state) if (!final.has(k)) assert.equal(row, null, `${k}: gone from the table, its last event is a delete`);
  });

  test('keys of every kind (datetime, decimal, varbinary, bigint unsigned, time, int unsigned, timestamp, year, char): paged one row at a time, each row once, the same key from a chunk and from the binlog', async () => {
    const head = await binlogHead(admin);
    await admin.query(`CREATE TABLE ${DB}.kinds1 (dt DATETIME(6) NOT NULL, dc DECIMAL(10,3) NOT NULL, vb VARBINARY(8) NOT NULL, bu BIGINT UNSIGNED NOT NULL, tm TIME(2) NOT NULL, v INT, PRIMARY KEY (dt, dc, vb, bu, tm));
      CREATE TABLE ${DB}.kinds2 (iu INT UNSIGNED NOT NULL, ts TIMESTAMP(3) NOT NULL, yr YEAR NOT NULL, ch CHAR(4) NOT NULL, v INT, PRIMARY KEY (iu, ts, yr, ch))`);
    const rows1: string[] = [], rows2: string[] = [];
    for (const dt of ['2024-01-01 00:00:00', '2024-01-01 00:00:00.5']) for (const dc of ['1.500', '-0.001']) for (const vb of ['0x00', '0xff00']) for (const bu of ['0', '18446744073709551615']) for (const tm of ['-838:59:59', '12:00:00.5']) rows1.push(`('${dt}', ${dc}, ${vb}, ${bu}, '${tm}', 1)`);
    for (const iu of ['0', '4294967295']) for (const ts of ['2024-02-03 04:05:06', '2024-02-03 04:05:06.7']) for (const yr of ['1901', '2155']) for (const ch of ['ab', 'Ab c']) rows2.push(`(${iu}, '${ts}', ${yr}, '${ch}', 1)`);
    await admin.query(`SET time_zone = '+00:00'; INSERT INTO ${DB}.kinds1 VALUES ${rows1.join(',')}; INSERT INTO ${DB}.kinds2 VALUES ${rows2.join(',')}`);
    const { log } = recordingLogger();
    const tables = [`${DB}.kinds1`, `${DB}.kinds2`];
    const run = await openMySqlChunkedSnapshot({
      cfg: { connection: connection(), snapshot: { chunkSize: 1, maxThreads: 1, tablesOrder: 'disabled' } as never, events: { topicPrefix: 'it' } as never },
      log, metrics: noMetrics, contextHeaders: null, captured: tables, model: () => undefined, changeRecords: () => [],
      messageKeyColumns: () => undefined, serverId: () => 1, where: 'test', stored: null, initial: null,
    });
    const r = new BinlogReader({ connection: mariadbOptions(), serverId: serverIdSeq++, start: head, heartbeatIntervalMs: 1000, includeSchema: { [DB]: true } });
    await r.start();
    try {
      for (const [id, expectedRows] of [[tables[0]!, rows1.length], [tables[1]!, rows2.length]] as const) {
        const key = await run.source.chunkKey(id, null);
        assert.ok(key.ok, JSON.stringify(key));
        const max = await run.source.maxKey(id, key.columns, null);
        const fromChunks: string[] = [];
        let afterKey: KeyValues | null = null;
        for (let i = 0; i < 100; i++) {
          const rows = await run.source.readChunk(id, key.columns, afterKey, max!, 1, null);
          await run.source.writeWatermark(`${id}-${i}`, id);
          if (rows.length === 0) break;
          afterKey = run.source.keyOf(id, rows[0]!);
          fromChunks.push(keyText(afterKey));
          encodeJavaKey(afterKey); // the key can be written into the offset as Debezium writes it
          if (keyText(afterKey) === keyText(max!)) break;
        }
        assert.equal(fromChunks.length, expectedRows, `${id}: every row read`);
        assert.equal(new Set(fromChunks).size, expectedRows, `${id}: no row twice`);
        const fromBinlog: string[] = [];
        while (fromBinlog.length < expectedRows) {
          const ac = new AbortController();
          const t = setTimeout(() => ac.abort(), 30_000);
          const e = await r.next(ac.signal).finally(() => clearTimeout(t));
          if (e === null) throw new Error('binlog read timed out');
          if (e.type === 'rows' && `${DB}.${e.table}` === id) for (const ch of e.rows) fromBinlog.push(keyText(run.source.changedKey(id, ch.after!)!));
        }
        assert.deepEqual([...fromBinlog].sort(), [...fromChunks].sort(), `${id}: the binlog gives the keys a chunk gives`);
      }
    } finally {
      await r.stop();
      await run.close();
    }
  });

  test('a table without a primary key and a nullable key column are refused with the fix', async () => {
    const { log } = recordingLogger();
    const run = await openMySqlChunkedSnapshot({
      cfg: { connection: connection(), snapshot: { chunkSize: 100, maxThreads: 1, tablesOrder: 'disabled' } as never, events: { topicPrefix: 'it' } as never },
      log, metrics: noMetrics, contextHeaders: null, captured: [`${DB}.nokey`, `${DB}.nullable`], model: () => undefined, changeRecords: () => [],
      messageKeyColumns: (id) => (id === `${DB}.nullable` ? ['a'] : undefined), serverId: () => 1, where: 'connector "it"', stored: null, initial: [`${DB}.nokey`, `${DB}.nullable`],
    });
    try {
      const nullable = await run.source.chunkKey(`${DB}.nullable`, null);
      assert.equal(nullable.ok, false);
      assert.match(!nullable.ok ? nullable.fix : '', new RegExp(`ALTER TABLE \`${DB}\`\\.\`nullable\` MODIFY \`a\` int\\(11\\) NOT NULL`));
      await assert.rejects(run.engine.step(), (e: Error & { code?: string }) => {
        assert.equal(e.code, 'CDC_SNAPSHOT_NO_KEY');
        assert.match(e.message, new RegExp(`${DB}\\.nokey has no primary key`));
        assert.match(e.message, /may be NULL/);
        assert.match(e.message, /message\.key\.columns/);
        return true;
      });
    } finally {
      await run.close();
    }
  });
});
