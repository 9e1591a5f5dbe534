/**
 * decideSnapshot(): whether a task start takes a snapshot, for every
 * snapshot.mode x stored offset x slot present. What happens when no snapshot
 * is taken but the slot is gone (CDC_PG_SLOT_MISSING) is start()'s job and is
 * pinned against a real server in test/integration/pg-modes.it.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decideSnapshot } from './task.ts';
import { decodePosition, type PgPosition } from './offsets.ts';
import type { PgTaskConfig } from './task-config.ts';

type Mode = PgTaskConfig['snapshotMode'];
type Stored = 'none' | 'snapshot done' | 'snapshot unfinished';

const done: PgPosition = { lsnProc: 0x2000n, lsnCommit: 0x1f00n, lsn: 0x1f00n, eventsProcessed: 1, txId: 9, tsUsec: 1n, snapshotCompleted: true };
// What an interrupted snapshot leaves (task.ts pollSnapshot's in-progress offset, Debezium's keys).
const unfinished: PgPosition = decodePosition({ snapshot: 'INITIAL', lsn: 0x1000, last_snapshot_record: false }, 'test');
const stored: Record<Stored, PgPosition | null> = { none: null, 'snapshot done': done, 'snapshot unfinished': unfinished };

// [mode, stored, slot exists] -> snapshot?
const TABLE: [Mode, Stored, boolean, boolean][] = [
  ['initial', 'none', false, true],
  ['initial', 'none', true, true], // a leftover slot without offsets: snapshot (the task recreates the slot)
  ['initial', 'snapshot done', true, false],
  ['initial', 'snapshot done', false, false], // no snapshot: start() refuses with CDC_PG_SLOT_MISSING
  ['initial', 'snapshot unfinished', true, true],
  ['initial', 'snapshot unfinished', false, true],

  ['initial_only', 'none', false, true],
  ['initial_only', 'none', true, true],
  ['initial_only', 'snapshot done', true, false],
  ['initial_only', 'snapshot done', false, false],
  ['initial_only', 'snapshot unfinished', true, true],
  ['initial_only', 'snapshot unfinished', false, true],

  ['when_needed', 'none', false, true],
  ['when_needed', 'none', true, true],
  ['when_needed', 'snapshot done', true, false],
  ['when_needed', 'snapshot done', false, true], // the position cannot be resumed: snapshot again
  ['when_needed', 'snapshot unfinished', true, true],
  ['when_needed', 'snapshot unfinished', false, true],

  ['never', 'none', false, false],
  ['never', 'none', true, false],
  ['never', 'snapshot done', true, false],
  ['never', 'snapshot done', false, false],
  ['never', 'snapshot unfinished', true, false],
  ['never', 'snapshot unfinished', false, false],

  ['no_data', 'none', false, false],
  ['no_data', 'none', true, false],
  ['no_data', 'snapshot done', true, false],
  ['no_data', 'snapshot done', false, false],
  ['no_data', 'snapshot unfinished', true, false],
  ['no_data', 'snapshot unfinished', false, false],
];

test('the table covers every mode x stored offset x slot', () => {
  const modes: Mode[] = ['initial', 'initial_only', 'when_needed', 'never', 'no_data'];
  const keys = new Set(TABLE.map(([m, s, e]) => `${m}/${s}/${e}`));
  assert.equal(keys.size, TABLE.length, 'no duplicate rows');
  assert.equal(keys.size, modes.length * Object.keys(stored).length * 2);
});

test('the stored offsets mean what the table says', () => {
  assert.equal(unfinished.snapshotCompleted, false);
  assert.equal(done.snapshotCompleted, true);
  // a Debezium streaming offset without the snapshot key counts as past the snapshot
  assert.equal(decodePosition({ lsn: 100, lsn_commit: 90, txId: 1, ts_usec: 1 }, 'test').snapshotCompleted, true);
});

for (const [mode, s, slotExists, want] of TABLE) {
  test(`snapshot.mode=${mode}, stored offset: ${s}, slot ${slotExists ? 'exists' : 'missing'} -> ${want ? 'snapshot' : 'no snapshot'}`, () => {
    assert.equal(decideSnapshot(mode, stored[s], slotExists), want);
  });
}
