import { test } from 'node:test';
import assert from 'node:assert/strict';
import { javaBigDecimalText, javaDoubleText, javaFloatText } from './java-number-text.ts';

test('javaDoubleText follows Double.toString', () => {
  const cases: Array<[number, string]> = [
    [0, '0.0'], [-0, '-0.0'], [1, '1.0'], [-1.5, '-1.5'], [100, '100.0'],
    [0.1, '0.1'], [0.001, '0.001'], [0.0001, '1.0E-4'], [1234567.5, '1234567.5'],
    [1e7, '1.0E7'], [12345678, '1.2345678E7'], [1e21, '1.0E21'], [1.5e-10, '1.5E-10'],
    [Number.MAX_VALUE, '1.7976931348623157E308'], [NaN, 'NaN'], [Infinity, 'Infinity'],
  ];
  for (const [input, expected] of cases) assert.equal(javaDoubleText(input), expected, String(input));
});

test('javaFloatText follows Float.toString (shortest float32 digits)', () => {
  const cases: Array<[number, string]> = [
    [0.1, '0.1'], [1, '1.0'], [3.4028234663852886e38, '3.4028235E38'], [1.1, '1.1'],
    [16777216, '1.6777216E7'], [0.00012, '1.2E-4'], [-2.5, '-2.5'],
  ];
  for (const [input, expected] of cases) assert.equal(javaFloatText(input), expected, String(input));
});

test('javaBigDecimalText follows BigDecimal.toString', () => {
  const cases: Array<[bigint, number, string]> = [
    [12345n, 2, '123.45'], [-5n, 2, '-0.05'], [7n, 0, '7'], [1n, 6, '0.000001'],
    [1n, 7, '1E-7'], [123n, -2, '1.23E+4'], [0n, 2, '0.00'], [-123456n, 3, '-123.456'],
  ];
  for (const [u, s, expected] of cases) assert.equal(javaBigDecimalText(u, s), expected, `${u}e-${s}`);
});
