import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alreadyWritten, decodePosition, encodePosition, isComplete, type PgPosition } from './offsets.ts';
import { formatLsn, parseLsn } from './lsn.ts';

const mid: PgPosition = { lsnProc: 100n, lsnCommit: 200n, lsn: 180n, eventsProcessed: 3, txId: 7, tsUsec: 5n, snapshotCompleted: true, lastCommitLsn: 90n };

test('LSN text round trip, padded and unpadded', () => {
  assert.equal(parseLsn('0/16B3748'), 0x16b3748n);
  assert.equal(parseLsn('00000001/00000010'), (1n << 32n) + 16n);
  assert.equal(formatLsn((1n << 32n) + 16n), '1/10');
  assert.equal(parseLsn(null), 0n);
  assert.throws(() => parseLsn('zz'));
});

test('position encodes with Debezium key names and decodes back', () => {
  const m = encodePosition(mid);
  assert.equal(m.lsn_proc, 100);
  assert.equal(m.lsn_commit, 200);
  assert.equal(m.lsn_events_processed, 3);
  assert.equal(m.last_commit_lsn, 90);
  assert.deepEqual(decodePosition(m, 'test'), mid);
  // offsets written before last_commit_lsn existed decode with none (source.sequence starts with null)
  const { last_commit_lsn: _dropped, ...older } = m;
  assert.equal(decodePosition(older, 'test').lastCommitLsn, null);
});

test('a Debezium offset without lsn_proc resumes from lsn', () => {
  const p = decodePosition({ lsn: 500, lsn_commit: 480, txId: 1, ts_usec: 1 }, 'test');
  assert.equal(p.lsnProc, 500n);
  assert.ok(isComplete(p));
});

test('bad stored values give a clear error', () => {
  assert.throws(() => decodePosition({ lsn_proc: -1 }, 'connector "x"'), /CDC_PG_OFFSET_INVALID[\s\S]*connector "x"/);
});

test('resume rule: earlier transactions skipped, the partial one skips its written prefix', () => {
  assert.equal(alreadyWritten(null, 10n), 0);
  assert.equal(alreadyWritten(mid, 50n), 'all');
  assert.equal(alreadyWritten(mid, 200n), 3);
  assert.equal(alreadyWritten(mid, 300n), 0);
  const done: PgPosition = { ...mid, lsnProc: 260n };
  assert.equal(alreadyWritten(done, 200n), 'all');
  assert.equal(alreadyWritten(done, 260n), 0);
});
