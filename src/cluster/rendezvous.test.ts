import { test } from 'node:test';
import assert from 'node:assert/strict';
import { owner } from './rendezvous.ts';

const connectors = Array.from({ length: 300 }, (_, i) => `c${i}`);

test('every worker computes the same owner, and load spreads', () => {
  const workers = ['a:8083', 'b:8083', 'c:8083'];
  const counts = new Map<string, number>();
  for (const c of connectors) {
    const o = owner(c, workers)!;
    assert.equal(owner(c, [...workers].reverse()), o, 'order of the member list does not matter');
    counts.set(o, (counts.get(o) ?? 0) + 1);
  }
  for (const w of workers) assert.ok(counts.get(w)! > 60, `${w} got ${counts.get(w)}`);
});

test('a departing worker moves only its own connectors; a joining one takes only what it wins', () => {
  const before = ['a:8083', 'b:8083', 'c:8083'];
  const after = ['a:8083', 'c:8083'];
  for (const c of connectors) {
    const o = owner(c, before)!;
    if (o !== 'b:8083') assert.equal(owner(c, after), o);
  }
  const joined = [...before, 'd:8083'];
  for (const c of connectors) {
    const o = owner(c, joined)!;
    if (o !== 'd:8083') assert.equal(o, owner(c, before));
  }
});

test('no workers, no owner', () => {
  assert.equal(owner('x', []), null);
});
