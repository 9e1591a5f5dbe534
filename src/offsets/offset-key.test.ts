import { test } from 'node:test';
import assert from 'node:assert/strict';
import { offsetKey, offsetValue, parseOffsetKey, partitionId } from './offset-key.ts';

test('offset key is Connect\'s compact JSON array', () => {
  assert.equal(offsetKey('orders-cdc', { server: 'shop' }).toString(), '["orders-cdc",{"server":"shop"}]');
  assert.equal(offsetValue({ lsn: 1, lsn_commit: 2 })!.toString(), '{"lsn":1,"lsn_commit":2}');
  assert.equal(offsetValue(null), null);
});

test('keys Connect would ignore are ignored', () => {
  assert.equal(parseOffsetKey(Buffer.from('{"a":1}')), null);
  assert.equal(parseOffsetKey(Buffer.from('[1,{}]')), null);
  assert.equal(parseOffsetKey(Buffer.from('["a",{}, 3]')), null);
  assert.equal(parseOffsetKey(Buffer.from('not json')), null);
  assert.deepEqual(parseOffsetKey(Buffer.from('["c",{"server":"s"}]')), { connector: 'c', partition: { server: 's' } });
});

test('partition id ignores key order', () => {
  assert.equal(partitionId({ a: 1, b: 'x' }), partitionId({ b: 'x', a: 1 }));
});
