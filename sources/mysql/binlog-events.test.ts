/**
 * Transaction framing and positions of EventTranslator over event shapes as zongji 0.9 emits them
 * for MariaDB 10.11 (recorded from the stack's server: sizes exclude the 19-byte header and the
 * 4-byte checksum, log_pos is the end of the event).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventTranslator, type BinlogEvent, type ZongjiEventLike } from './binlog-events.ts';
import { GtidTracker } from './gtid-tracker.ts';

const HDR = 23;
function ev(name: string, nextPosition: number, size: number, fields: Record<string, unknown> = {}): ZongjiEventLike {
  return { getEventName: () => name, timestamp: 1733400000000, nextPosition, size, ...fields };
}
const tableMap = { 5: { parentSchema: 'shop', tableName: 'orders' } };

function run(t: EventTranslator, events: ZongjiEventLike[]): BinlogEvent[] {
  return events.map((e) => t.translate(e)).filter((e): e is BinlogEvent => e !== null);
}

test('MariaDB DML transaction: begin at the GTID event own start, rows indexed, commit grows the GTID position', () => {
  const t = new EventTranslator({ file: 'binlog.000001', pos: 2193 }, HDR, GtidTracker.mariadb('0-1-9'));
  const out = run(t, [
    ev('rotate', 0, 21, { binlogName: 'binlog.000001', position: 2193 }),
    ev('format', 0, 229),
    ev('mariadbgtid', 2235, 19, { gtid: '0-1-10', standalone: false, serverId: 1 }),
    ev('tablemap', 2349, 91, { tableId: 5, schemaName: 'shop', tableName: 'orders', columnNames: ['id'], columnTypes: [3] }),
    ev('writerows', 2400, 28, { tableId: 5, tableMap, rows: [{ id: 1 }, { id: 2 }] }),
    ev('updaterows', 2460, 37, { tableId: 5, tableMap, rows: [{ before: { id: 1 }, after: { id: 3 } }] }),
    ev('xid', 2491, 8, { xid: 77 }),
  ]);
  assert.deepEqual(out.map((e) => e.type), ['rotate', 'begin', 'table-map', 'rows', 'rows', 'commit']);
  const begin = out[1]!;
  assert.ok(begin.type === 'begin');
  assert.equal(begin.pos, 2193, 'the GTID event own start, not 2235');
  assert.equal(begin.gtid, '0-1-10');
  assert.equal(begin.gtidsBefore, '0-1-9');
  const rows = out.filter((e) => e.type === 'rows');
  assert.deepEqual(rows.map((e) => e.type === 'rows' && [e.op, e.index, e.db, e.table]), [['insert', 0, 'shop', 'orders'], ['update', 1, 'shop', 'orders']]);
  assert.deepEqual(rows[0]!.type === 'rows' && rows[0]!.rows, [{ before: null, after: { id: 1 } }, { before: null, after: { id: 2 } }]);
  const commit = out[5]!;
  assert.ok(commit.type === 'commit');
  assert.equal(commit.gtidsAfter, '0-1-10');
  assert.equal(commit.nextPos, 2491);
  assert.deepEqual(t.resumePoint, { file: 'binlog.000001', pos: 2491, inTransaction: false });
});

test('mid-transaction the resume point is the transaction start', () => {
  const t = new EventTranslator({ file: 'b.1', pos: 100 }, HDR, GtidTracker.mariadb(''));
  run(t, [ev('mariadbgtid', 142, 19, { gtid: '0-1-1', standalone: false }), ev('tablemap', 200, 35, { tableId: 5 })]);
  assert.deepEqual(t.resumePoint, { file: 'b.1', pos: 100, inTransaction: true });
  assert.equal(t.openTransaction?.gtid, '0-1-1');
});

test('MariaDB DDL: standalone GTID + QUERY is one ddl event positioned at the GTID', () => {
  const t = new EventTranslator({ file: 'b.1', pos: 500 }, HDR, GtidTracker.mariadb('0-1-1'));
  const out = run(t, [
    ev('mariadbgtid', 542, 19, { gtid: '0-1-2', standalone: true, isDdl: true }),
    ev('query', 650, 85, { query: 'ALTER TABLE t ADD c INT', schema: 'shop', slaveProxyId: 12 }),
  ]);
  assert.equal(out.length, 1);
  const d = out[0]!;
  assert.ok(d.type === 'ddl');
  assert.deepEqual([d.pos, d.nextPos, d.gtid, d.gtidsBefore, d.gtidsAfter, d.db, d.thread], [500, 650, '0-1-2', '0-1-1', '0-1-2', 'shop', 12]);
});

test('MySQL framing: GTID, BEGIN, rows, XID; DDL after GTID; a file change via rotate', () => {
  const t = new EventTranslator({ file: 'mysql-bin.000001', pos: 4 }, HDR, GtidTracker.mysql('3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5'));
  const sid = '3e11fa47-71ca-11e1-9e33-c80aa9429562';
  const out = run(t, [
    ev('gtid', 200, 42, { gtid: `${sid}:6` }),
    ev('query', 280, 57, { query: 'BEGIN', slaveProxyId: 9 }),
    ev('tablemap', 330, 27, { tableId: 5 }),
    ev('writerows', 380, 27, { tableId: 5, tableMap, rows: [{ id: 1 }] }),
    ev('xid', 411, 8, { xid: 1 }),
    ev('gtid', 488, 42, { gtid: `${sid}:7` }),
    ev('query', 600, 89, { query: 'CREATE TABLE x (a int)', schema: 'shop' }),
    ev('rotate', 650, 27, { binlogName: 'mysql-bin.000002', position: 4 }),
  ]);
  assert.deepEqual(out.map((e) => e.type), ['begin', 'table-map', 'rows', 'commit', 'ddl', 'rotate']);
  const b = out[0]!;
  assert.ok(b.type === 'begin' && b.pos === 135 && b.thread === 9 && b.gtid === `${sid}:6`);
  assert.ok(out[3]!.type === 'commit' && out[3]!.gtidsAfter === `${sid}:1-6`);
  assert.ok(out[4]!.type === 'ddl' && out[4]!.gtidsAfter === `${sid}:1-7` && out[4]!.pos === 423);
  assert.deepEqual(t.resumePoint, { file: 'mysql-bin.000002', pos: 4, inTransaction: false });
});

test('heartbeats carry the file and position; COMMIT queries end non-transactional groups', () => {
  const t = new EventTranslator({ file: 'b.1', pos: 4 }, HDR, GtidTracker.mariadb(''));
  const out = run(t, [
    ev('heartbeat', 900, 8, { binlogName: 'b.1' }),
    ev('mariadbgtid', 942, 19, { gtid: '0-1-3', standalone: false }),
    ev('query', 1000, 30, { query: 'COMMIT' }),
  ]);
  assert.deepEqual(out.map((e) => [e.type, e.file, e.type === 'heartbeat' ? e.pos : e.nextPos]), [['heartbeat', 'b.1', 900], ['begin', 'b.1', 942], ['commit', 'b.1', 1000]]);
  const g = new EventTranslator({ file: '', pos: 4 }, HDR, GtidTracker.mariadb('0-1-3'));
  run(g, [ev('rotate', 0, 21, { binlogName: 'b.7', position: 4 }), ev('heartbeat', 1234, 8, { binlogName: 'b.7' })]);
  assert.deepEqual(g.resumePoint, { file: 'b.7', pos: 1234, inTransaction: false }, 'an idle heartbeat moves the resume point');
});
