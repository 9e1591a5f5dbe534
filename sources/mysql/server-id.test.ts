import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_SERVER_ID_MAX, DEFAULT_SERVER_ID_MIN, defaultServerId, isValidServerId } from './server-id.ts';

test('the derived server id is stable, in Debezium\'s 5400..6400 range, and differs between names', () => {
  assert.equal(defaultServerId('inventory'), defaultServerId('inventory'));
  const ids = new Set<number>();
  for (let i = 0; i < 200; i++) {
    const id = defaultServerId(`connector-${i}`);
    assert.ok(id >= DEFAULT_SERVER_ID_MIN && id <= DEFAULT_SERVER_ID_MAX);
    ids.add(id);
  }
  assert.ok(ids.size > 170, `spread: ${ids.size} distinct ids for 200 names`);
  assert.notEqual(defaultServerId('inventory', 0), defaultServerId('inventory', 1));
});

test('isValidServerId', () => {
  assert.equal(isValidServerId(1), true);
  assert.equal(isValidServerId(0), false);
  assert.equal(isValidServerId(4294967296), false);
  assert.equal(isValidServerId(1.5), false);
});
