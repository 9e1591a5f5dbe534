/**
 * Debezium's MariaDB event shapes through the whole daemon, against the stack's MariaDB 10.11,
 * Kafka and registry (debezium-events.md §1, §2, §5.4, §6, §7). Two connectors stream the same
 * writes with different settings:
 *   A: include.query (with binlog_annotate_row_events), provide.transaction.metadata,
 *      column.exclude.list, message.key.columns for a table without a key, a table.include.list
 *      of two tables, tombstones and extended headers by default;
 *   B: skipped.operations=u, tombstones.on.delete=false, extended.headers.enabled=false.
 * Checked: c/u/d with before/after, tombstones, a key change as delete + tombstone + create with
 * __debezium.newkey/oldkey headers, every field of the source block against what the server says
 * (@@server_id, @@last_gtid, CONNECTION_ID(), SHOW MASTER STATUS), BEGIN/END records and the
 * transaction block, topic names <prefix>.<db>.<table>, and that filtered tables and databases
 * get no topic.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type mysql from 'mysql2/promise';
import { stackEnv, SKIP_REASON } from '../helpers/stack-env.ts';
import { binlogHead, mariadbAdmin, mariadbSkip } from '../helpers/mariadb.ts';
import { Daemon, writeConfig } from '../helpers/daemon.ts';
import { readUntil, topicsWithPrefix, waitForTopics, type ReadRecord } from '../helpers/kafka-reader.ts';

const env = stackEnv();
const SKIP = env ? mariadbSkip() : SKIP_REASON;
const DB = `myev_${process.pid}`;
const DB2 = `myev_other_${process.pid}`;
let admin: mysql.Connection;

before(async () => {
  if (SKIP) return;
  admin = await mariadbAdmin();
  await admin.query(`DROP DATABASE IF EXISTS ${DB}; DROP DATABASE IF EXISTS ${DB2}; CREATE DATABASE ${DB}; CREATE DATABASE ${DB2};
    CREATE TABLE ${DB}.t (id INT PRIMARY KEY, note VARCHAR(20) NOT NULL, secret VARCHAR(20));
    CREATE TABLE ${DB}.nokey (code VARCHAR(5) NOT NULL, n INT);
    CREATE TABLE ${DB}.other (id INT PRIMARY KEY);
    CREATE TABLE ${DB2}.t (id INT PRIMARY KEY, note VARCHAR(20) NOT NULL, secret VARCHAR(20));`);
});

after(async () => {
  if (!admin) return;
  await admin.query(`DROP DATABASE IF EXISTS ${DB}; DROP DATABASE IF EXISTS ${DB2}`).catch(() => undefined);
  await admin.end().catch(() => undefined);
});

interface Envelope {
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  source: Record<string, unknown>;
  transaction: { id: string; total_order: bigint; data_collection_order: bigint } | null;
  op: string;
  ts_ms: bigint | null;
}
/** What the server said about one write: its GTID, its binlog file, where each of its rows events starts, its statements. */
interface Write { gtid: string; file: string; rowsEvents: number[]; statements: string[] }

test('MariaDB events: c/u/d, tombstones, key change, source block, query, transaction metadata, filters, headers', { skip: SKIP, timeout: 180_000 }, async () => {
  const a = `myeva_${process.pid}`, b = `myevb_${process.pid}`;
  const daemonA = new Daemon(writeConfig({
    env: env!, name: a, database: DB, source: 'mariadb',
    connector: {
      'snapshot.mode': 'no_data', 'include.query': true, 'provide.transaction.metadata': true,
      'table.include.list': `${DB}\\.t,${DB}\\.nokey`, 'column.exclude.list': `${DB}\\.t\\.secret`, 'message.key.columns': `${DB}.nokey:code`,
    },
  }), env!).start();
  const daemonB = new Daemon(writeConfig({
    env: env!, name: b, database: DB, source: 'mariadb',
    connector: { 'snapshot.mode': 'no_data', 'skipped.operations': 'u', 'tombstones.on.delete': false, 'extended.headers.enabled': false, 'table.include.list': `${DB}\\.t` },
  }), env!).start();
  const writer = await mariadbAdmin();
  try {
    await Daemon.withLogs([{ label: 'connector A', daemon: daemonA }, { label: 'connector B', daemon: daemonB }], async () => {
      await Promise.all([daemonA.waitForStreaming(), daemonB.waitForStreaming()]);
      await writer.query('SET SESSION binlog_annotate_row_events = ON');
      const [[who]] = await writer.query('SELECT CONNECTION_ID() AS thread, @@server_id AS serverId') as unknown as [[{ thread: number; serverId: number }]];
      /** Runs the statements as one transaction and returns what the server says of it. */
      const write = async (statements: string[]): Promise<Write> => {
        const head = await binlogHead(admin);
        await writer.query('START TRANSACTION');
        for (const s of statements) await writer.query(s);
        await writer.query('COMMIT');
        const [[g]] = await writer.query('SELECT @@last_gtid AS gtid') as unknown as [[{ gtid: string }]];
        const [events] = await admin.query(`SHOW BINLOG EVENTS IN '${head.file}' FROM ${head.pos}`) as unknown as [{ Pos: number; Event_type: string }[]];
        assert.match(events[0]!.Event_type, /Gtid/, 'the transaction starts where the binlog ended before it');
        const end = events.findIndex((e) => e.Event_type === 'Xid');
        const rowsEvents = events.slice(0, end).filter((e) => /^(Write|Update|Delete)_rows/.test(e.Event_type)).map((e) => Number(e.Pos));
        return { gtid: g.gtid, file: head.file, rowsEvents, statements };
      };
      const w1 = await write([`INSERT INTO ${DB}.t VALUES (1, 'one', 's1'), (2, 'two', 's2')`, `INSERT INTO ${DB}.nokey VALUES ('X', 10)`]);
      const w2 = await write([`UPDATE ${DB}.t SET note = 'uno' WHERE id = 1`]);
      const w3 = await write([`UPDATE ${DB}.t SET id = 20 WHERE id = 2`]);
      const w4 = await write([`DELETE FROM ${DB}.t WHERE id = 1`]);
      // Filtered out: a table outside table.include.list and a database outside database.include.list.
      await write([`INSERT INTO ${DB}.other VALUES (1)`, `INSERT INTO ${DB2}.t VALUES (1, 'x', 'y')`]);
      const w6 = await write([`INSERT INTO ${DB}.t VALUES (3, 'three', 's3')`]);
      const tsAfter = Date.now();

      const tA = `${a}.${DB}.t`, nA = `${a}.${DB}.nokey`, txA = `${a}.transaction`, tB = `${b}.${DB}.t`;
      await waitForTopics(env!, [tA, nA, txA, tB]);
      const recA = await readUntil(env!, [tA], (rs) => rs.length >= 9, 90_000);
      const recN = await readUntil(env!, [nA], (rs) => rs.length >= 1, 30_000);
      const recTx = await readUntil(env!, [txA], (rs) => rs.length >= 10, 30_000);
      const recB = await readUntil(env!, [tB], (rs) => rs.length >= 4, 30_000);

      // Topic names: <prefix>.<db>.<table>; nothing for filtered tables or databases.
      for (const prefix of [a, b]) {
        const topics = await topicsWithPrefix(env!, `${prefix}.`);
        assert.deepEqual(topics.filter((t) => t.includes('other') || t.includes(DB2)), [], `no topic for ${DB}.other or ${DB2}: ${topics.join(', ')}`);
      }
      assert.deepEqual((await topicsWithPrefix(env!, `${b}.`)).filter((t) => t.includes(DB)), [tB], 'B captures only its included table');

      // --- A: the shapes, in commit order ---
      const env_ = (r: ReadRecord) => r.value as Envelope | null;
      const shape = recA.map((r) => [env_(r)?.op ?? 'tombstone', r.key]);
      assert.deepEqual(shape, [
        ['c', { id: 1 }], ['c', { id: 2 }],
        ['u', { id: 1 }],
        ['d', { id: 2 }], ['tombstone', { id: 2 }], ['c', { id: 20 }],
        ['d', { id: 1 }], ['tombstone', { id: 1 }],
        ['c', { id: 3 }],
      ]);
      const [c1, c2, u1, d2, t2, c20, d1, t1, c3] = recA;
      assert.deepEqual(env_(c1!)!.before, null);
      assert.deepEqual(env_(c1!)!.after, { id: 1, note: 'one' }, 'column.exclude.list drops secret');
      assert.deepEqual(env_(u1!)!.before, { id: 1, note: 'one' });
      assert.deepEqual(env_(u1!)!.after, { id: 1, note: 'uno' });
      assert.deepEqual(env_(d2!)!.before, { id: 2, note: 'two' });
      assert.equal(env_(d2!)!.after, null);
      assert.deepEqual(env_(c20!)!.before, null);
      assert.deepEqual(env_(c20!)!.after, { id: 20, note: 'two' });
      assert.deepEqual(env_(d1!)!.before, { id: 1, note: 'uno' });
      for (const t of [t2!, t1!]) assert.equal(t.rawValue, null, 'a tombstone has a null value');
      // Key change: delete with __debezium.newkey, its tombstone with the same headers, create with __debezium.oldkey.
      assert.equal(d2!.headers['__debezium.newkey'], '{"id":20}');
      assert.equal(t2!.headers['__debezium.newkey'], '{"id":20}');
      assert.equal(c20!.headers['__debezium.oldkey'], '{"id":2}');
      assert.equal(c20!.headers['__debezium.newkey'], undefined);
      assert.equal(c1!.headers['__debezium.oldkey'], undefined);
      // Extended headers on every record, tombstones included.
      for (const r of recA) {
        assert.equal(r.headers['__debezium.context.connectorName'], 'mariadb');
        assert.equal(r.headers['__debezium.context.connectorLogicalName'], a);
        assert.equal(r.headers['__debezium.context.taskId'], '0');
      }

      // The source block, field by field, against the server's own account of each write.
      const writeOf = new Map<ReadRecord, [Write, number, string, number]>([
        [c1!, [w1, 0, w1.statements[0]!, 0]], [c2!, [w1, 1, w1.statements[0]!, 0]], [u1!, [w2, 0, w2.statements[0]!, 0]],
        [d2!, [w3, 0, w3.statements[0]!, 0]], [c20!, [w3, 0, w3.statements[0]!, 0]], [d1!, [w4, 0, w4.statements[0]!, 0]], [c3!, [w6, 0, w6.statements[0]!, 0]],
        [recN[0]!, [w1, 0, w1.statements[1]!, 1]],
      ]);
      assert.deepEqual([w1, w2, w3, w4, w6].map((w) => w.rowsEvents.length), [2, 1, 1, 1, 1], 'rows events per transaction (SHOW BINLOG EVENTS)');
      for (const [r, [w, row, query, rowsEvent]] of writeOf) {
        const v = env_(r)!;
        const s = v.source;
        assert.match(String(s.version), /^\d+\.\d+\.\d+\.Final$/);
        assert.equal(s.connector, 'mariadb');
        assert.equal(s.name, a);
        assert.equal(s.snapshot, 'false');
        assert.equal(s.db, DB);
        assert.equal(s.sequence, null);
        assert.equal(s.table, r === recN[0] ? 'nokey' : 't');
        assert.equal(s.server_id, BigInt(who.serverId), 'the server_id of the server that wrote the event');
        assert.equal(s.gtid, w.gtid, 'the GTID of the transaction (@@last_gtid)');
        assert.equal(s.file, w.file);
        // Debezium's source.pos is the start of the event being handled (BinlogOffsetContext.setEventPosition
        // for every event): the rows event that holds the row, not the transaction's restart position.
        assert.equal(s.pos, BigInt(w.rowsEvents[rowsEvent]!), 'the start of the rows event holding the row');
        assert.equal(s.row, row, 'index of the row within its rows event');
        // MariaDB's GTID event replaces the BEGIN query event and carries no thread id (only a
        // statement's own QUERY event does, e.g. a DDL), so a row change has none to report.
        assert.equal(s.thread, null, `no thread id in a MariaDB transaction (the writer was connection ${who.thread})`);
        assert.equal(s.query, query, 'include.query with binlog_annotate_row_events');
        const ts = Number(s.ts_ms);
        assert.equal(ts % 1000, 0, 'MariaDB binlog timestamps have second resolution');
        assert.ok(ts <= tsAfter && ts > tsAfter - 120_000, `source.ts_ms ${ts} is the time of the write`);
        assert.equal(s.ts_us, BigInt(ts) * 1000n);
        assert.equal(s.ts_ns, BigInt(ts) * 1_000_000n);
        assert.equal(typeof v.ts_ms, 'bigint');
      }

      // Transaction metadata: blocks on data events, BEGIN/END on <prefix>.transaction.
      const blocks = recA.filter((r) => r.value !== null).map((r) => { const t = env_(r)!.transaction!; return [t.id, t.total_order, t.data_collection_order]; });
      const nokey = env_(recN[0]!)!;
      assert.deepEqual(blocks, [
        [w1.gtid, 1n, 1n], [w1.gtid, 2n, 2n],
        [w2.gtid, 1n, 1n],
        [w3.gtid, 1n, 1n], [w3.gtid, 2n, 2n],
        [w4.gtid, 1n, 1n],
        [w6.gtid, 1n, 1n],
      ]);
      assert.deepEqual(nokey.transaction, { id: w1.gtid, total_order: 3n, data_collection_order: 1n });
      const txs = recTx.map((r) => { const v = r.value as { status: string; id: string; event_count: bigint | null; data_collections: unknown }; assert.deepEqual(r.key, { id: v.id }); return [v.status, v.id, v.event_count, v.data_collections]; });
      const dc = (n: bigint, extra: { data_collection: string; event_count: bigint }[] = []) => [{ data_collection: `${DB}.t`, event_count: n }, ...extra];
      assert.deepEqual(txs, [
        ['BEGIN', w1.gtid, null, null], ['END', w1.gtid, 3n, dc(2n, [{ data_collection: `${DB}.nokey`, event_count: 1n }])],
        ['BEGIN', w2.gtid, null, null], ['END', w2.gtid, 1n, dc(1n)],
        ['BEGIN', w3.gtid, null, null], ['END', w3.gtid, 2n, dc(2n)],
        ['BEGIN', w4.gtid, null, null], ['END', w4.gtid, 1n, dc(1n)],
        ['BEGIN', w6.gtid, null, null], ['END', w6.gtid, 1n, dc(1n)],
      ], 'one BEGIN/END per transaction with captured events; none for the filtered one');

      // message.key.columns gives the keyless table a key; the query of its own statement.
      assert.deepEqual(recN[0]!.key, { code: 'X' });
      assert.deepEqual(nokey.after, { code: 'X', n: 10 });

      // --- B: skipped.operations=u drops every update (key changes too), no tombstones, no context headers ---
      assert.deepEqual(recB.map((r) => [env_(r)!.op, r.key]), [['c', { id: 1 }], ['c', { id: 2 }], ['d', { id: 1 }], ['c', { id: 3 }]]);
      assert.deepEqual(env_(recB[2]!)!.before, { id: 1, note: 'uno', secret: 's1' }, 'B excludes no column; the delete carries the updated row');
      for (const r of recB) {
        const v = env_(r)!;
        assert.deepEqual(r.headers, {}, 'extended.headers.enabled=false: no headers');
        assert.equal(v.source.query, null, 'include.query off');
        assert.equal(v.transaction, null, 'provide.transaction.metadata off');
        assert.equal(v.source.name, b);
      }
      assert.deepEqual((await topicsWithPrefix(env!, `${b}.`)).filter((t) => t.endsWith('.transaction')), []);
    });
  } finally {
    await writer.end().catch(() => undefined);
    await Promise.all([daemonA.stop(), daemonB.stop()]);
  }
});
