import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PgTextFormatError, parseArrayLiteral, parseBytea, parseHstore } from './pg-text.ts';
import {
  bigDecToJavaString, bigDecToPlainString, bytesToBigInt, javaDoubleToString, parseDecimal, setScale, stripTrailingZeros,
  twosComplementBytes,
} from './type-decimal.ts';

test('array literal: quoting, escapes, NULL, empty strings, bounds decoration', () => {
  const cases: [string, (string | null)[]][] = [
    ['{}', []],
    ['{1,2,3}', ['1', '2', '3']],
    ['{1,NULL,3}', ['1', null, '3']],
    ['{"a b","c\\"d",NULL,"NULL","",null}', ['a b', 'c"d', null, 'NULL', '', null]],
    ['{"back\\\\slash","comma,inside","{brace}"}', ['back\\slash', 'comma,inside', '{brace}']],
    ['{"cone      ","ctwo      "}', ['cone      ', 'ctwo      ']],
    ['[0:2]={7,8,9}', ['7', '8', '9']],
    ['{ 1 , 2 }', ['1', '2']],
    ['{"\\\\x000102","\\\\x030405"}', ['\\x000102', '\\x030405']],
  ];
  for (const [text, expected] of cases) assert.deepEqual(parseArrayLiteral(text), expected, text);
  assert.deepEqual(parseArrayLiteral('{(1,1),(0,0);(2,2),(1,1)}', ';'), ['(1,1),(0,0)', '(2,2),(1,1)']);
});

test('array literal: rejects what is not a one-dimensional array', () => {
  for (const bad of ['{{1,2},{3,4}}', '[1:2][1:2]={{1,2},{3,4}}', '1,2', '{1,2', '{"a}', '{1,2}x']) {
    assert.throws(() => parseArrayLiteral(bad), PgTextFormatError, bad);
  }
});

test('bytea: hex output and legacy escape output', () => {
  assert.deepEqual(parseBytea('\\x010203'), Buffer.from([1, 2, 3]));
  assert.deepEqual(parseBytea('\\x'), Buffer.alloc(0));
  assert.deepEqual(parseBytea('\\xDEADbeef'), Buffer.from('deadbeef', 'hex'));
  assert.deepEqual(parseBytea('\\001\\002\\003'), Buffer.from([1, 2, 3]));
  assert.deepEqual(parseBytea('abc\\\\\\377'), Buffer.from([0x61, 0x62, 0x63, 0x5c, 0xff]));
  assert.throws(() => parseBytea('\\x0'), PgTextFormatError);
  assert.throws(() => parseBytea('\\9'), PgTextFormatError);
});

test('hstore: quoted keys and values, NULL, escapes, textual order', () => {
  assert.deepEqual(parseHstore(''), []);
  assert.deepEqual(parseHstore('"key"=>"val"'), [['key', 'val']]);
  assert.deepEqual(parseHstore('"key4"=>"val4", "key5"=>NULL'), [['key4', 'val4'], ['key5', null]]);
  assert.deepEqual(parseHstore('"a\\"b"=>"c\\\\d", "n"=>"NULL"'), [['a"b', 'c\\d'], ['n', 'NULL']]);
  assert.deepEqual(parseHstore('a=>1,b => 2'), [['a', '1'], ['b', '2']]);
  assert.throws(() => parseHstore('"a"=>'), PgTextFormatError);
  assert.throws(() => parseHstore('"a" "b"'), PgTextFormatError);
});

test('decimal helpers behave like java.math.BigDecimal / BigInteger', () => {
  assert.deepEqual(parseDecimal('-12.340'), { unscaled: -12340n, scale: 3 });
  assert.deepEqual(parseDecimal('1.5e3'), { unscaled: 15n, scale: -2 });
  assert.deepEqual(stripTrailingZeros(parseDecimal('100')), { unscaled: 1n, scale: -2 });
  assert.deepEqual(stripTrailingZeros(parseDecimal('0.000')), { unscaled: 0n, scale: 0 });
  assert.deepEqual(setScale(parseDecimal('1.1'), 3), { unscaled: 1100n, scale: 3 });
  assert.deepEqual(setScale(parseDecimal('2.345'), 2, 'half-up'), { unscaled: 235n, scale: 2 });
  assert.deepEqual(setScale(parseDecimal('-2.345'), 2, 'half-up'), { unscaled: -235n, scale: 2 });
  assert.deepEqual(setScale(parseDecimal('2.345'), 2, 'half-even'), { unscaled: 234n, scale: 2 });
  assert.deepEqual(setScale(parseDecimal('2.349'), 2, 'down'), { unscaled: 234n, scale: 2 });
  assert.throws(() => setScale(parseDecimal('2.345'), 2), RangeError);
  // BigDecimal.toString switches to E-notation for negative scales and tiny magnitudes.
  const str: [string, string][] = [['1.10', '1.10'], ['0.000001', '0.000001'], ['0.0000001', '1E-7'], ['0.00000010', '1.0E-7'],
    ['0E-8', '0E-8'], ['-123.45', '-123.45']];
  for (const [input, out] of str) assert.equal(bigDecToJavaString(parseDecimal(input)), out, input);
  assert.equal(bigDecToJavaString({ unscaled: 123n, scale: -2 }), '1.23E+4');
  assert.equal(bigDecToPlainString({ unscaled: 123n, scale: -2 }), '12300');
  assert.equal(bigDecToPlainString({ unscaled: -5n, scale: 3 }), '-0.005');
  // BigInteger.toByteArray: minimal two's complement.
  const bytes: [bigint, string][] = [[0n, '00'], [127n, '7f'], [128n, '0080'], [-1n, 'ff'], [-128n, '80'], [-129n, 'ff7f'], [222n, '00de'],
    [(1n << 63n) - 1n, '7fffffffffffffff'], [-(1n << 63n), '8000000000000000']];
  for (const [v, hex] of bytes) {
    assert.equal(twosComplementBytes(v).toString('hex'), hex, String(v));
    assert.equal(bytesToBigInt(Buffer.from(hex, 'hex')), v);
  }
});

test('Double.toString as Java prints it', () => {
  const cases: [number, string][] = [[1234.11, '1234.11'], [1234, '1234.0'], [0, '0.0'], [-0, '-0.0'], [0.001, '0.001'],
    [0.0001, '1.0E-4'], [12345678, '1.2345678E7'], [9999999, '9999999.0'], [1e21, '1.0E21'], [-1.5e-7, '-1.5E-7'], [NaN, 'NaN'], [Infinity, 'Infinity']];
  for (const [d, s] of cases) assert.equal(javaDoubleToString(d), s, String(d));
});
