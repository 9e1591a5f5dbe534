import { test } from 'node:test';
import assert from 'node:assert/strict';
import { keyColumnProblems, keyColumnsSyntax, parseKeyColumns, type IdentityFacts } from './key-columns.ts';

test('message.key.columns syntax', () => {
  assert.equal(keyColumnsSyntax('public.a:x,y;inv\\..*:code'), true);
  assert.match(String(keyColumnsSyntax('public.a')), /schema\.table:column/);
  assert.match(String(keyColumnsSyntax('public.a:')), /schema\.table:column/);
  assert.match(String(keyColumnsSyntax('(bad:x')), /regular expression/);
  const k = parseKeyColumns('public.a:x, y;inv\\..*:code');
  assert.deepEqual(k('public.a'), ['x', 'y']);
  assert.deepEqual(k('inv.items'), ['code']);
  assert.equal(k('public.b'), undefined);
});

const table = (over: Partial<IdentityFacts>): IdentityFacts => ({ schema: 'public', name: 'orders', columns: ['id', 'code', 'note'], replicaIdentity: 'd', identityColumns: ['id'], ...over });

test('key columns must exist and lie in the replica identity', () => {
  assert.deepEqual(keyColumnProblems(table({}), ['id'], false), []);
  const [missing] = keyColumnProblems(table({}), ['nope'], false);
  assert.match(missing!.what, /does not have/);
  assert.match(missing!.fix, /id, code, note/);
  const [outside] = keyColumnProblems(table({}), ['code'], false);
  assert.match(outside!.what, /outside its replica identity \(id\)/);
  assert.match(outside!.fix, /ALTER TABLE "public"\."orders" REPLICA IDENTITY FULL;/);
  // FULL carries every column; an index identity carries its own columns.
  assert.deepEqual(keyColumnProblems(table({ replicaIdentity: 'f', identityColumns: [] }), ['code'], false), []);
  assert.deepEqual(keyColumnProblems(table({ replicaIdentity: 'i', identityColumns: ['code'] }), ['code'], false), []);
  assert.match(keyColumnProblems(table({ replicaIdentity: 'n', identityColumns: [] }), ['id'], false)[0]!.what, /empty/);
});

test('with deletes skipped only existence matters', () => {
  assert.deepEqual(keyColumnProblems(table({}), ['code'], true), []);
  assert.equal(keyColumnProblems(table({}), ['nope'], true).length, 1);
});
