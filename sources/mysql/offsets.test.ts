import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeMySqlPosition, encodeMySqlPosition, isComplete, mysqlPartition, positionAfter, positionInTransaction, ReplaySkip, type MySqlPosition } from './offsets.ts';

const complete: MySqlPosition = {
  serverId: 1, file: 'binlog.000003', pos: 4560, gtids: '0-1-15', gtid: null, events: 0, rows: 0, tsSec: 1733400000, snapshot: false, snapshotCompleted: true,
};
const mid: MySqlPosition = { ...complete, pos: 4560, gtid: '0-1-16', events: 2, rows: 37 };

test('round trip: complete and mid-transaction positions', () => {
  for (const p of [complete, mid, { ...complete, gtids: null }, { ...complete, snapshot: true, snapshotCompleted: false }]) {
    assert.deepEqual(decodeMySqlPosition(encodeMySqlPosition(p), 'test'), p);
  }
});

test("encoded with Debezium's key names; zero counters and a null gtid left out", () => {
  assert.deepEqual(encodeMySqlPosition(complete), {
    ts_sec: 1733400000, file: 'binlog.000003', pos: 4560, gtids: '0-1-15', server_id: 1, snapshot_completed: true, offset_version: 1,
  });
  const m = encodeMySqlPosition(mid);
  assert.equal(m.event, 2);
  assert.equal(m.row, 37);
  assert.equal(m.gtid, '0-1-16');
  assert.deepEqual(mysqlPartition('shop'), { server: 'shop' });
});

test("a Debezium-written offset decodes (no offset_version, no snapshot_completed)", () => {
  const p = decodeMySqlPosition({ file: 'mysql-bin.000012', pos: 154, gtids: '', event: 3, row: 1, ts_sec: 1, server_id: 223344 }, 'test');
  assert.equal(p.gtids, null);
  assert.equal(p.events, 3);
  assert.equal(p.rows, 1);
  assert.equal(p.snapshotCompleted, true);
  assert.equal(decodeMySqlPosition({ file: 'f', pos: 4, snapshot: true }, 'test').snapshotCompleted, false);
});

test('bad offsets are refused with what/where/fix', () => {
  assert.throws(() => decodeMySqlPosition({ pos: 4 }, 'connector x'), /CDC_MYSQL_OFFSET_INVALID[\s\S]*file[\s\S]*at connector x/);
  assert.throws(() => decodeMySqlPosition({ file: 'f', pos: -1 }, 'x'), /CDC_MYSQL_OFFSET_INVALID/);
  assert.throws(() => decodeMySqlPosition({ file: 'f', pos: 4, offset_version: 9 }, 'x'), /CDC_MYSQL_OFFSET_VERSION/);
});

test('isComplete', () => {
  assert.equal(isComplete(complete), true);
  assert.equal(isComplete(mid), false);
});

test('ReplaySkip: skips the written row events, then the written rows of the next, then nothing', () => {
  const s = new ReplaySkip(mid);
  assert.equal(s.expectedGtid, '0-1-16');
  s.beginTransaction('0-1-16', 'x');
  assert.equal(s.skipRows(10), 10);
  assert.equal(s.skipRows(5), 5);
  assert.equal(s.skipRows(100), 37);
  assert.equal(s.skipRows(100), 0);
  const none = new ReplaySkip(complete);
  assert.equal(none.skipRows(3), 0);
  assert.equal(new ReplaySkip(null).skipRows(3), 0);
});

test('ReplaySkip: a different transaction at the stored position is an error, not a guess', () => {
  const s = new ReplaySkip(mid);
  assert.throws(() => s.beginTransaction('0-1-17', 'connector x'), /CDC_MYSQL_OFFSET_REPLAY_MISMATCH[\s\S]*0-1-16[\s\S]*0-1-17/);
  assert.equal(s.skipRows(5), 0);
  const ended = new ReplaySkip({ ...mid, events: 5 });
  ended.endTransaction();
  assert.equal(ended.skipRows(5), 0);
});

test('positions built from reader events: inside a transaction and after it', () => {
  const begin = { file: 'b.1', pos: 2193, gtid: '0-1-10', gtidsBefore: '0-1-9', timestampMs: 1733400000000 };
  const inTx = positionInTransaction(begin, 1, 2, 5);
  assert.deepEqual([inTx.file, inTx.pos, inTx.gtids, inTx.gtid, inTx.events, inTx.rows, inTx.tsSec], ['b.1', 2193, '0-1-9', '0-1-10', 2, 5, 1733400000]);
  assert.equal(isComplete(inTx), false);
  const done = positionAfter({ file: 'b.1', nextPos: 2491, gtidsAfter: '0-1-10', timestampMs: 1733400001000 }, 1);
  assert.deepEqual([done.pos, done.gtids, done.gtid, isComplete(done)], [2491, '0-1-10', null, true]);
  // A transaction without GTID (MySQL gtid_mode=OFF) still reads as incomplete while mid-way.
  assert.equal(isComplete(positionInTransaction({ ...begin, gtid: null }, 1, 0, 0)), false);
  assert.deepEqual(decodeMySqlPosition(encodeMySqlPosition(inTx), 'x'), inTx);
});
