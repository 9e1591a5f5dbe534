import { test } from 'node:test';
import assert from 'node:assert/strict';
import { coerce, textOf } from './coerce.ts';
import { Secret } from './secret.ts';

const ok = (value: unknown) => ({ ok: true, value });

test('integers respect the width of their Java type', () => {
  assert.deepEqual(coerce('int', '42'), ok(42));
  assert.deepEqual(coerce('int', ' -7 '), ok(-7));
  assert.deepEqual(coerce('int', 2147483647), ok(2147483647));
  assert.equal(coerce('int', 2147483648).ok, false);
  assert.equal(coerce('short', '40000').ok, false);
  assert.deepEqual(coerce('long', '900000'), ok(900000));
  assert.equal(coerce('long', '9007199254740993').ok, false); // would lose digits
  assert.equal(coerce('int', '1.5').ok, false);
  assert.equal(coerce('int', 1.5).ok, false);
  assert.equal(coerce('int', '').ok, false);
  assert.equal(coerce('int', true).ok, false);
});

test('doubles, booleans, strings and classes', () => {
  assert.deepEqual(coerce('double', '0.25'), ok(0.25));
  assert.deepEqual(coerce('double', 3), ok(3));
  assert.equal(coerce('double', 'abc').ok, false);
  assert.deepEqual(coerce('boolean', 'TRUE'), ok(true));
  assert.deepEqual(coerce('boolean', false), ok(false));
  assert.equal(coerce('boolean', 'yes').ok, false);
  assert.deepEqual(coerce('string', 1.1), ok('1.1'));
  assert.deepEqual(coerce('string', '  x '), ok('x'));
  assert.equal(coerce('string', { a: 1 }).ok, false);
  assert.deepEqual(coerce('class', 'io.x.Y'), ok('io.x.Y'));
  assert.equal(coerce('class', 'io x').ok, false);
});

test('lists come from comma-separated strings or YAML sequences', () => {
  assert.deepEqual(coerce('list', 'a, b ,c'), ok(['a', 'b', 'c']));
  assert.deepEqual(coerce('list', ''), ok([]));
  assert.deepEqual(coerce('list', ['a', 1, true]), ok(['a', '1', 'true']));
  assert.equal(coerce('list', [{ a: 1 }]).ok, false);
});

test('passwords become Secrets', () => {
  const r = coerce('password', 'pw');
  assert.ok(r.ok && r.value instanceof Secret && r.value.reveal() === 'pw');
});

test('textOf renders Connect string forms and hides secrets unless asked', () => {
  assert.equal(textOf(['a', 'b']), 'a,b');
  assert.equal(textOf(5), '5');
  assert.equal(textOf(new Secret('pw')), '[hidden]');
  assert.equal(textOf(new Secret('pw'), true), 'pw');
  assert.equal(JSON.stringify({ p: new Secret('pw') }), '{"p":"[hidden]"}');
});
