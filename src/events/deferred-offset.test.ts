import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DeferredOffsetUnit } from './deferred-offset.ts';
import type { JsonMap } from './record.ts';

class Counted extends DeferredOffsetUnit {
  calls = 0;
  constructor(private readonly lsn: number) { super([], { server: 'db' }); }
  protected buildOffset(): JsonMap { this.calls++; return { lsn: this.lsn }; }
}

test('a deferred offset is built when first read, once', () => {
  const u = new Counted(7);
  assert.equal(u.calls, 0);
  assert.deepEqual(u.offset, { lsn: 7 });
  assert.equal(u.offset, u.offset);
  assert.equal(u.calls, 1);
});

test('a spread copy has no offset; a copy that names it has the built one', () => {
  const u = new Counted(7);
  assert.equal('offset' in { ...u }, false);
  assert.deepEqual({ ...u, offset: u.offset }.offset, { lsn: 7 });
});
