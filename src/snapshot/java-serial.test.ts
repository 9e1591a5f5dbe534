import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { decodeJavaKey, encodeJavaKey, UnsupportedJavaValue } from './java-serial.ts';
import type { KeyValues } from './contracts.ts';

/** Bytes written by a real JVM (see _about in the file). */
const JVM: Record<string, string> = JSON.parse(readFileSync(new URL('../../test/fixtures/java-serial/jvm-keys.json', import.meta.url), 'utf8'));

// The three examples printed in shared/reference/incremental-snapshots.md §7, verbatim.
const REF_NULL = 'aced000570';
const REF_INT_1 = 'aced0005757200135b4c6a6176612e6c616e672e4f626a6563743b90ce589f1073296c020000787000000001737200116a6176612e6c616e672e496e746567657212e2a0a4f781873802000149000576616c7565787200106a6176612e6c616e672e4e756d62657286ac951d0b94e08b020000787000000001';
const REF_STR_A = 'aced0005757200135b4c6a6176612e6c616e672e4f626a6563743b90ce589f1073296c02000078700000000174000161';

test('writes the exact bytes of the reference examples: null, [Integer 1], ["a"]', () => {
  assert.equal(encodeJavaKey(null), REF_NULL);
  assert.equal(encodeJavaKey([1]), REF_INT_1);
  assert.equal(encodeJavaKey(['a']), REF_STR_A);
});

test('reads the reference examples back', () => {
  assert.equal(decodeJavaKey(REF_NULL), null);
  assert.deepEqual(decodeJavaKey(REF_INT_1), [1]);
  assert.deepEqual(decodeJavaKey(REF_STR_A), ['a']);
});

const WRITTEN: [string, KeyValues | null][] = [
  ['null', null],
  ['int1', [1]],
  ['strA', ['a']],
  ['int1int2', [1, 2]], // the second Integer refers back to the first one's class descriptor
  ['long1', [1n]],
  ['mixed', [-5, 9223372036854775807n, 'x\u00e9\u0000\u{1F600}', null, 7n, 3]],
  ['empty', []],
];

for (const [name, key] of WRITTEN) {
  test(`writes what the JVM writes and reads it back: ${name}`, () => {
    assert.equal(encodeJavaKey(key), JVM[name]);
    assert.deepEqual(decodeJavaKey(JVM[name]!), key);
  });
}

test('reads what the JVM writes but this daemon never does: Short, Byte, a String written twice as one instance', () => {
  assert.deepEqual(decodeJavaKey(JVM.short!), [3, -4]);
  assert.deepEqual(decodeJavaKey(JVM.samestr!), ['dup', 'dup']);
});

test('a whole number beyond 32 bits is written as java.lang.Long, and reads back as a bigint', () => {
  assert.deepEqual(decodeJavaKey(encodeJavaKey([2 ** 40])), [2n ** 40n]);
  assert.equal(encodeJavaKey([2 ** 40]), encodeJavaKey([2n ** 40n]));
});

test('long strings (over 65535 bytes) round-trip as TC_LONGSTRING', () => {
  const s = 'k'.repeat(70_000);
  const hex = encodeJavaKey([s]);
  assert.equal(hex.slice(88, 90), '7c');
  assert.deepEqual(decodeJavaKey(hex), [s]);
});

test('classes outside the subset are refused by name, never misread', () => {
  assert.throws(() => decodeJavaKey(JVM.bigdec!), (e: unknown) => e instanceof UnsupportedJavaValue && /java\.math\.BigDecimal/.test(e.message));
  assert.throws(() => decodeJavaKey(JVM.uuid!), (e: unknown) => e instanceof UnsupportedJavaValue && /java\.util\.UUID/.test(e.message));
});

test('malformed values are refused: not hex, wrong header, cut short, trailing bytes', () => {
  for (const bad of ['xyz', 'aced0004' + '70', REF_INT_1.slice(0, 60), REF_NULL + '70', '']) {
    assert.throws(() => decodeJavaKey(bad), UnsupportedJavaValue, bad);
  }
});

test('a fractional number cannot be a key (a source bug, not a user error)', () => {
  assert.throws(() => encodeJavaKey([1.5]), TypeError);
});
