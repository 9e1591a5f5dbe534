import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closestName, editDistance } from './did-you-mean.ts';

test('edit distance', () => {
  assert.equal(editDistance('kitten', 'sitting'), 3);
  assert.equal(editDistance('', 'abc'), 3);
  assert.equal(editDistance('same', 'same'), 0);
});

test('suggests only plausible typos', () => {
  const names = ['database.hostname', 'database.port', 'slot.name'];
  assert.equal(closestName('database.hostnme', names), 'database.hostname');
  assert.equal(closestName('Database.Port', names), 'database.port');
  assert.equal(closestName('completely.different', names), undefined);
});
