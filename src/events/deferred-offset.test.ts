import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DeferredOffsetUnit } from './deferred-offset.ts';
import type { JsonMap } from './record.ts';

let calls = 0;
class Counted extends DeferredOffsetUnit {
  readonly #lsn: number;
  constructor(lsn: number) { super([], { server: 'db' }); this.#lsn = lsn; }
  protected buildOffset(): JsonMap { calls++; return { lsn: this.#lsn }; }
}

test('a deferred offset is built when first read, once', () => {
  calls = 0;
  const u = new Counted(7);
  assert.equal(calls, 0);
  assert.deepEqual(u.offset, { lsn: 7 });
  assert.equal(u.offset, u.offset);
  assert.equal(calls, 1);
});

test('a spread copy (a wrapping plugin\'s) carries the offset, built then, and nothing private', () => {
  calls = 0;
  const u = new Counted(7);
  const copy = { ...u, records: [] };
  assert.equal(calls, 1, 'the spread read the offset');
  assert.deepEqual(copy, { records: [], partition: { server: 'db' }, offset: { lsn: 7 } });
  assert.equal(u.offset, copy.offset, 'the same object: built once');
});
