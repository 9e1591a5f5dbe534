/**
 * The binlog reader against the stack's real MariaDB 10.11 (ROW, FULL image, FULL metadata):
 * transaction framing and positions, reconnect after the server kills the dump thread, resume
 * from a stored GTID transaction start, back-pressure on a 200,000-row transaction, and the
 * duplicate server id error. Each test works in its own database.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type mysql from 'mysql2/promise';
import { binlogHead, mariadbAdmin, mariadbOptions, mariadbSkip } from '../../test/helpers/mariadb.ts';
import { BinlogReader, type BinlogStart } from './binlog-reader.ts';
import type { BinlogEvent } from './binlog-events.ts';

const SKIP = mariadbSkip();
const DB = `cdc_reader_it_${process.pid}`;
let serverIdSeq = 7100 + (process.pid % 500);

function reader(start: BinlogStart, extra: Partial<ConstructorParameters<typeof BinlogReader>[0]> = {}): BinlogReader {
  return new BinlogReader({
    connection: mariadbOptions(), serverId: serverIdSeq++, start, heartbeatIntervalMs: 1000,
    includeSchema: { [DB]: true }, reconnect: { initialDelayMs: 100, maxDelayMs: 1000 }, ...extra,
  });
}

/** Reads until `until` says stop, failing after `ms`. */
async function collect(r: BinlogReader, until: (e: BinlogEvent, all: BinlogEvent[]) => boolean, ms = 30_000): Promise<BinlogEvent[]> {
  const out: BinlogEvent[] = [];
  const ac = new AbortController();
  const t = setTimeout(() => ac.abort(), ms);
  try {
    for (;;) {
      const e = await r.next(ac.signal);
      if (e === null) throw new Error(`timed out after ${ms} ms; got ${out.length} events: ${out.slice(-5).map((x) => x.type).join(',')}`);
      out.push(e);
      if (until(e, out)) return out;
    }
  } finally {
    clearTimeout(t);
  }
}

const insertedIds = (evs: BinlogEvent[]) => evs.flatMap((e) => (e.type === 'rows' && e.op === 'insert' ? e.rows.map((r) => Number(r.after!.id)) : []));

describe('binlog reader (MariaDB)', { skip: SKIP }, () => {
  let admin: mysql.Connection;
  before(async () => {
    admin = await mariadbAdmin();
    await admin.query(`DROP DATABASE IF EXISTS ${DB}; CREATE DATABASE ${DB}; CREATE TABLE ${DB}.t (id INT PRIMARY KEY, v VARCHAR(20))`);
  });
  after(async () => {
    await admin?.query(`DROP DATABASE IF EXISTS ${DB}`);
    await admin?.end();
  });

  test('frames transactions: begin at the GTID event own start, rows, commit; DDL as one event', async () => {
    const head = await binlogHead(admin);
    const r = reader(head);
    await r.start();
    try {
      await admin.query(`INSERT INTO ${DB}.t VALUES (1,'a'),(2,'b')`);
      await admin.query(`ALTER TABLE ${DB}.t ADD COLUMN w INT NULL`);
      const evs = await collect(r, (e) => e.type === 'ddl');
      const kinds = evs.filter((e) => e.type !== 'rotate' && e.type !== 'heartbeat').map((e) => e.type);
      assert.deepEqual(kinds, ['begin', 'table-map', 'rows', 'commit', 'ddl']);
      const begin = evs.find((e) => e.type === 'begin')!;
      assert.equal(begin.type === 'begin' && begin.pos, head.pos, 'the transaction starts where the binlog head was, at its GTID event');
      const commit = evs.find((e) => e.type === 'commit')!;
      assert.ok(commit.type === 'commit' && commit.gtid !== null && commit.gtidsAfter !== null && commit.gtidsAfter.includes(commit.gtid.split('-')[2]!));
      const ddl = evs.find((e) => e.type === 'ddl')!;
      assert.ok(ddl.type === 'ddl' && /ADD COLUMN w/i.test(ddl.query) && ddl.pos === commit.nextPos);
      const tm = evs.find((e) => e.type === 'table-map')!;
      assert.deepEqual(tm.type === 'table-map' && tm.columnNames, ['id', 'v']);
    } finally {
      await r.stop();
    }
  });

  for (const startKind of ['file position', 'GTID position'] as const) test(`KILL of the dump thread mid-stream (started from a ${startKind}): the reader reconnects and hands out every row exactly once`, async () => {
    await admin.query(`DELETE FROM ${DB}.t WHERE id >= 100`);
    const head: BinlogStart = startKind === 'file position'
      ? await binlogHead(admin)
      : { gtids: String(((await admin.query('SELECT @@gtid_binlog_pos AS p'))[0] as { p: string }[])[0]!.p) };
    // A small bound pauses the socket inside the big transaction, so the kill lands mid-transaction.
    const r = reader(head, { bounds: { maxRows: 300, maxBytes: 1 << 20 } });
    await r.start();
    try {
      await admin.query(`INSERT INTO ${DB}.t (id, v) VALUES (100, 'x')`);
      await collect(r, (e) => e.type === 'commit');
      // A big transaction so the kill lands while events of it are in flight.
      const values = Array.from({ length: 3000 }, (_, i) => `(${1000 + i}, 'v${i}')`).join(',');
      await admin.query(`INSERT INTO ${DB}.t (id, v) VALUES ${values}`);
      const first = await collect(r, (e) => e.type === 'rows');
      await new Promise((res) => setTimeout(res, 200));
      assert.ok(r.isPaused, 'the reader paused inside the transaction');
      const tid = r.dumpThreadId!;
      await admin.query(`KILL ${tid}`);
      for (let i = 101; i < 120; i++) await admin.query(`INSERT INTO ${DB}.t (id, v) VALUES (${i}, 'y')`);
      const rest = await collect(r, (_e, all) => insertedIds([...first, ...all]).includes(119), 60_000);
      const ids = insertedIds([...first, ...rest]);
      const expected = [...Array.from({ length: 3000 }, (_, i) => 1000 + i), ...Array.from({ length: 19 }, (_, i) => 101 + i)];
      assert.deepEqual(ids, expected, 'no row lost, none twice, in order');
      assert.ok(r.stats.reconnects >= 1, 'the reader reconnected');
    } finally {
      await r.stop();
    }
  });

  test('resume from a stored GTID position replays the next transaction whole, GTID first', async () => {
    const head = await binlogHead(admin);
    const r1 = reader(head);
    await r1.start();
    let before: string | null = null;
    let begin: BinlogEvent | undefined;
    try {
      await admin.query(`INSERT INTO ${DB}.t (id, v) VALUES (200, 'a')`);
      await admin.query(`START TRANSACTION; INSERT INTO ${DB}.t (id, v) VALUES (201, 'b'); INSERT INTO ${DB}.t (id, v) VALUES (202, 'c'); COMMIT`);
      const evs = await collect(r1, (e, all) => e.type === 'commit' && all.filter((x) => x.type === 'commit').length === 2);
      begin = evs.filter((e) => e.type === 'begin')[1];
      assert.ok(begin && begin.type === 'begin');
      before = begin.gtidsBefore;
    } finally {
      await r1.stop();
    }
    assert.ok(before !== null && before !== '');
    for (const start of [{ gtids: before }, { file: begin!.file, pos: begin!.pos }] as BinlogStart[]) {
      const r2 = reader(start);
      await r2.start();
      try {
        const evs = await collect(r2, (e) => e.type === 'commit');
        const body = evs.filter((e) => e.type !== 'rotate' && e.type !== 'heartbeat');
        assert.equal(body[0]!.type, 'begin', `starts with the transaction's GTID (${JSON.stringify(start)})`);
        assert.equal(body[0]!.type === 'begin' && body[0]!.gtid, begin!.type === 'begin' && begin!.gtid);
        assert.deepEqual(insertedIds(evs), [201, 202]);
      } finally {
        await r2.stop();
      }
    }
  });

  test('an idle server sends heartbeats with the current binlog position', async () => {
    const head = await binlogHead(admin);
    const r = reader(head);
    await r.start();
    try {
      const evs = await collect(r, (e) => e.type === 'heartbeat', 15_000);
      const hb = evs.at(-1)!;
      assert.equal(hb.file, head.file);
      assert.ok(hb.pos >= head.pos, `heartbeat position ${hb.pos} at or after ${head.pos}`);
    } finally {
      await r.stop();
    }
  });

  test('a position whose binlog file is gone: CDC_MYSQL_BINLOG_GONE from next(), with the fix', async () => {
    const r = reader({ file: 'binlog.999999', pos: 4 });
    await r.start();
    try {
      await assert.rejects(collect(r, () => false, 20_000), (err: Error & { code?: string }) => err.code === 'CDC_MYSQL_BINLOG_GONE' && /snapshot\.mode=when_needed/.test(err.message));
    } finally {
      await r.stop();
    }
  });

  test('a second reader with the same server id: the first fails with CDC_MYSQL_DUPLICATE_SERVER_ID', async () => {
    const head = await binlogHead(admin);
    const id = serverIdSeq++;
    const a = reader(head, { serverId: id });
    await a.start();
    const b = reader(head, { serverId: id });
    await b.start();
    try {
      await assert.rejects(collect(a, () => false, 20_000), (err: Error & { code?: string }) => err.code === 'CDC_MYSQL_DUPLICATE_SERVER_ID');
    } finally {
      await a.stop();
      await b.stop();
    }
  });

  test('back-pressure: a 200,000-row transaction read slowly keeps the queue bounded', { timeout: 600_000 }, async () => {
    await admin.query(`CREATE TABLE ${DB}.big (id INT PRIMARY KEY, pad CHAR(50))`);
    const head = await binlogHead(admin);
    const bounds = { maxRows: 5000, maxBytes: 4 * 1024 * 1024 };
    const r = reader(head, { bounds });
    await r.start();
    try {
      // MariaDB's Sequence engine: one INSERT ... SELECT, so one 200,000-row transaction.
      await admin.query(`INSERT INTO ${DB}.big (id, pad) SELECT seq, 'x' FROM ${DB}.seq_1_to_200000`);
      let rows = 0;
      let peakRss = process.memoryUsage().rss;
      let i = 0;
      for (;;) {
        const e = await r.next();
        if (e === null) throw new Error('reader stopped');
        if (e.type === 'rows') rows += e.rows.length;
        if (++i % 50 === 0) await new Promise((res) => setTimeout(res, 1)); // a slow consumer
        peakRss = Math.max(peakRss, process.memoryUsage().rss);
        if (e.type === 'commit') break;
      }
      assert.equal(rows, 200_000);
      const s = r.stats;
      console.log(`200,000-row transaction: peak queue ${s.peakRows} rows / ${s.peakBytes} bytes, peak RSS ${(peakRss / 1048576).toFixed(1)} MiB`);
      // The bound plus what mysql2 had already read off the socket when the pause came.
      assert.ok(s.peakRows < bounds.maxRows * 3, `queue stayed bounded (peak ${s.peakRows} rows)`);
    } finally {
      await r.stop();
    }
  });
});
