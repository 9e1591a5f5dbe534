import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withSnapshotOffset } from './companion-support.ts';
import { OWN_KEY } from './offset-codec.ts';

test('withSnapshotOffset: the position without stored snapshot fields, then the engine\'s, then snapshot_completed, in that order', () => {
  const position = { lsn_proc: 10, incremental_snapshot_primary_key: 'old', [OWN_KEY]: 'old', snapshot_completed: true, lsn: 9 };
  const fields = { incremental_snapshot_collections: 'c', [OWN_KEY]: 'new' };
  const out = withSnapshotOffset(position, fields, true);
  assert.deepEqual(out, { lsn_proc: 10, snapshot_completed: false, lsn: 9, incremental_snapshot_collections: 'c', [OWN_KEY]: 'new' });
  assert.deepEqual(Object.keys(out), ['lsn_proc', 'snapshot_completed', 'lsn', 'incremental_snapshot_collections', OWN_KEY]);
  assert.deepEqual(Object.keys(withSnapshotOffset({ a: 1 }, {}, false)), ['a', 'snapshot_completed']);
  assert.equal(withSnapshotOffset({ a: 1 }, {}, false)['snapshot_completed'], true);
});
