import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildFilters } from './table-filter.ts';
import { parseKeyColumns } from './key-columns.ts';

const none = { schemaInclude: [], schemaExclude: [], tableInclude: [], tableExclude: [], columnInclude: [], columnExclude: [] };

test('empty lists capture every user table, never system schemas', () => {
  const f = buildFilters(none);
  assert.equal(f.table('public', 'orders'), true);
  assert.equal(f.table('pg_catalog', 'pg_class'), false);
  assert.equal(f.table('information_schema', 'x'), false);
});

test('include lists are anchored whole-name regexes', () => {
  const f = buildFilters({ ...none, tableInclude: ['public\\.ord.*'] });
  assert.equal(f.table('public', 'orders'), true);
  assert.equal(f.table('public', 'customers'), false);
  assert.equal(f.table('xpublic', 'orders'), false);
});

test('exclude lists drop matches; schema filters apply first', () => {
  const f = buildFilters({ ...none, tableExclude: ['public\\.audit'], schemaExclude: ['internal'] });
  assert.equal(f.table('public', 'audit'), false);
  assert.equal(f.table('public', 'audit2'), true);
  assert.equal(f.table('internal', 'x'), false);
});

test('column filters match schema.table.column', () => {
  const f = buildFilters({ ...none, columnExclude: ['public\\.users\\.password'] });
  assert.equal(f.column('public.users.password'), false);
  assert.equal(f.column('public.users.name'), true);
});

test('message.key.columns', () => {
  const k = parseKeyColumns('public.events:tenant,id;inv\\..*:code');
  assert.deepEqual(k('public.events'), ['tenant', 'id']);
  assert.deepEqual(k('inv.items'), ['code']);
  assert.equal(k('public.other'), undefined);
});
