import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigDef, defineField, type PrefixFamily } from './define.ts';

const fam = (prefix: string, extra: string): PrefixFamily => ({
  prefix, doc: 'test family',
  fields: [
    defineField({ name: 'size', type: 'int', required: false, group: 'g', doc: 'd', check: (v) => v > 0 || 'use a positive size' }),
    defineField({ name: 'token', type: 'password', required: false, group: 'g', doc: 'd' }),
    defineField({ name: extra, type: 'string', required: false, group: 'g', doc: 'd', noEffect: { why: 'nothing reads it' } }),
  ],
});

test('family members are parsed like fields; the longest matching prefix wins; merge keeps families', () => {
  const a = new ConfigDef([defineField({ name: 'name', type: 'string', group: 'g', doc: 'd' })], { prefixFamilies: [fam('p.', 'a')] });
  const b = new ConfigDef([], { prefixFamilies: [fam('p.override.', 'b')] });
  const def = a.merge(b);
  assert.deepEqual(def.prefixFamilies().map((f) => f.prefix), ['p.', 'p.override.']);
  const c = def.parse({ name: 'n', 'p.size': '3', 'p.override.size': 4, 'p.override.b': 'x' }, 'here');
  assert.equal(c.value('p.size'), 3);
  assert.equal(c.value('p.override.size'), 4);
  assert.equal(c.isSet('p.override.token'), false);
  assert.deepEqual(c.warnings.map((w) => w.property), ['p.override.b']);
  assert.equal(def.isSecret('p.override.token'), true);
  assert.equal(def.isSecret('p.size'), false);
  assert.throws(() => def.parse({ name: 'n', 'p.override.sise': 1, 'p.size': 0 }, 'here'), (err: Error) =>
    /unknown property p\.override\.sise[\s\S]*did you mean p\.override\.size/.test(err.message) && /use a positive size/.test(err.message));
  // A key of the shorter family is not a member of the longer one.
  assert.throws(() => def.parse({ name: 'n', 'p.override.a': 'x' }, 'here'), /unknown property p\.override\.a/);
});
