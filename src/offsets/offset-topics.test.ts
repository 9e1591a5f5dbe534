import { test } from 'node:test';
import assert from 'node:assert/strict';
import { partitionId } from './offset-key.ts';
import { mergeOffsets, offsetRecords, offsetTopicsFor } from './offset-topics.ts';
import type { ConnectorOffsets } from './offset-reader.ts';
import type { JsonMap } from '../events/record.ts';

function offsets(list: [JsonMap, JsonMap][]): ConnectorOffsets {
  const entries = new Map(list.map(([partition, offset]) => [partitionId(partition), { partition, offset }]));
  return { entries, get: (p) => entries.get(partitionId(p))?.offset ?? null };
}

test('a connector topic equal to the worker\'s (or unset) is the only store; another one is primary with the worker\'s as fallback', () => {
  assert.deepEqual(offsetTopicsFor(undefined, 'connect-offsets'), { primary: 'connect-offsets', secondary: null });
  assert.deepEqual(offsetTopicsFor('connect-offsets', 'connect-offsets'), { primary: 'connect-offsets', secondary: null });
  assert.deepEqual(offsetTopicsFor('inv-offsets', 'connect-offsets'), { primary: 'inv-offsets', secondary: 'connect-offsets' });
});

test('reads prefer the connector\'s topic and fall back to the worker\'s per partition', () => {
  const a = { server: 'a' }, b = { server: 'b' };
  const merged = mergeOffsets(offsets([[a, { lsn: 2 }]]), offsets([[a, { lsn: 1 }], [b, { lsn: 9 }]]));
  assert.deepEqual(merged.get(a), { lsn: 2 });
  assert.deepEqual(merged.get(b), { lsn: 9 });
  assert.deepEqual([...merged.entries.values()].map((e) => e.offset).sort((x, y) => Number(x.lsn) - Number(y.lsn)), [{ lsn: 2 }, { lsn: 9 }]);
});

test('offset records go to both topics, tombstones too, with Connect\'s key bytes', () => {
  const recs = offsetRecords({ primary: 'own', secondary: 'connect-offsets' }, 'inv', [{ partition: { server: 's' }, offset: null }]);
  assert.deepEqual(recs.map((r) => [r.topic, r.key!.toString(), r.value]), [['own', '["inv",{"server":"s"}]', null], ['connect-offsets', '["inv",{"server":"s"}]', null]]);
});
