import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildPushdown, plainName, pushdownSql, translateSuperset } from './filter-pushdown.ts';

test('portable patterns translate; "." and negated classes may also match nothing (UTF-16 vs code points)', () => {
  assert.equal(translateSuperset('public'), 'public');
  assert.equal(translateSuperset('public\\.orders_\\d+'), null, '\\d differs between dialects');
  assert.equal(translateSuperset('public\\.orders'), 'public\\.orders');
  assert.equal(translateSuperset('app_.*'), 'app_(?:.?)*');
  assert.equal(translateSuperset('(?:a|b)+?x{2,3}'), '(?:a|b)+?x{2,3}');
  assert.equal(translateSuperset('t[a-c0-9_]'), 't[a-c0-9_]');
  assert.equal(translateSuperset('t[^x]'), 't(?:[^x]?)');
  assert.equal(translateSuperset('Größe und 😀'), 'Größe und 😀');
});

test('anything outside the portable subset is not pushed down', () => {
  for (const p of ['a(?=b)', 'a(?<n>b)', '\\w+', '\\bx', '(a)\\1', 'x{300}', 'x{3,1}', '[a-Z]', '[\\d]', 'a)', '(a', '*a', 'a**', '[é]', '😀+', '\\é'])
    assert.equal(translateSuperset(p), null, p);
});

test('plain names: literals and escaped punctuation only', () => {
  assert.equal(plainName('public\\.my table'), 'public.my table');
  assert.equal(plainName('Öl\\$'), 'Öl$');
  assert.equal(plainName('public\\..*'), null);
  assert.equal(plainName('a\\d'), null);
});

test('include lists push down whole or not at all; an include list leaves its exclude list to JavaScript', () => {
  const p = buildPushdown({ schemaInclude: [], schemaExclude: ['audit', 'tmp_.*'], tableInclude: ['public\\.a', 'public\\.\\w+'], tableExclude: ['public\\.b'] });
  assert.deepEqual(p, { schemaInclude: null, schemaExcludeNames: ['audit'], tableInclude: null, tableExcludeNames: [] });
  const q = buildPushdown({ schemaInclude: ['s1|s2'], schemaExclude: ['s3'], tableInclude: [], tableExclude: ['s1\\.x'] });
  assert.deepEqual(q, { schemaInclude: ['^(?:s1|s2)$'], schemaExcludeNames: [], tableInclude: null, tableExcludeNames: ['s1.x'] });
  const sql = pushdownSql(q, 2);
  assert.equal(sql.sql, "n.nspname::text ~ ANY ($2::text[]) AND (n.nspname::text || '.' || c.relname::text) <> ALL ($3::text[])");
  assert.deepEqual(sql.params, [['^(?:s1|s2)$'], ['s1.x']]);
  assert.deepEqual(pushdownSql(buildPushdown({ schemaInclude: [], schemaExclude: [], tableInclude: [], tableExclude: [] }), 1), { sql: 'true', params: [] });
});
