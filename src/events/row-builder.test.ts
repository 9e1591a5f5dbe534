import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileRowBuilder, type RowColumn } from './row-builder.ts';

const tag = (v: unknown) => (v === undefined ? 'undef' : v === null ? 'null' : `v:${String(v)}`);
const cols = (names: string[]): RowColumn[] => names.map((n) => ({ name: n, field: `f_${n}`, convert: tag as (v: never) => unknown }));

test('fields in column order, absent columns read as null, present undefined passed on', () => {
  const build = compileRowBuilder(cols(['a', 'b', 'c']));
  const out = build({ c: 3, a: 1, b: undefined });
  assert.deepEqual(out, { f_a: 'v:1', f_b: 'undef', f_c: 'v:3' });
  assert.deepEqual(Object.keys(out), ['f_a', 'f_b', 'f_c']);
  assert.deepEqual(build({}), { f_a: 'null', f_b: 'null', f_c: 'null' });
});

test('any name is safe in the compiled source; __proto__ takes the plain loop', () => {
  const odd = ['a"b', "it's", 'x\\y', '`\n`', '${x}'];
  const build = compileRowBuilder(cols(odd));
  assert.deepEqual(build(Object.fromEntries(odd.map((n, i) => [n, i]))), Object.fromEntries(odd.map((n, i) => [`f_${n}`, `v:${i}`])));
  const proto = compileRowBuilder([{ name: '__proto__', field: '__proto__', convert: tag as (v: never) => unknown }]);
  const row = JSON.parse('{"__proto__": 5}') as Record<string, unknown>;
  const out = proto(row);
  assert.ok(Object.prototype.hasOwnProperty.call(out, '__proto__'));
  assert.equal(out['__proto__'], 'v:5');
});
