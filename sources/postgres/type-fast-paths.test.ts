/**
 * The shortcuts for the text PostgreSQL prints most often (timestamptz under TimeZone=UTC,
 * timestamp, fixed-scale numeric) against the general parsers they bypass: where a shortcut
 * answers, it must answer what the general path answers; where the general path refuses,
 * the shortcut must step aside.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatIsoDateTime, parseTimestampText, parseTimestampTextGeneral, utcTimestamptzIso, type FractionStyle,
} from './type-datetime-text.ts';
import { parseDecimal, plainDecimalBytes, setScale, twosComplementBytes, twosComplementBytesOfNumber } from './type-decimal.ts';
import { timestamptzMapping } from './type-temporal.ts';
import { DEFAULT_PG_TYPE_OPTIONS } from './types.ts';

/** Deterministic pseudo-random numbers (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pad = (n: number, w: number) => String(n).padStart(w, '0');

function outcome<T>(f: () => T): T | string {
  try {
    return f();
  } catch (err) {
    return `error: ${(err as Error).message}`;
  }
}

function timestampTexts(): string[] {
  const r = rng(7);
  const out = [
    '2024-05-28 12:00:00+00', '2024-05-28 12:00:00.5+00', '2024-05-28 12:00:00.000001+00', '2024-05-28 12:00:00.100000+00',
    '2024-05-28 12:00:00.123456789+00', '2024-05-28 12:00:00.1234567891+00', '2024-02-29 23:59:59.999999+00', '2023-02-29 00:00:00+00',
    '2024-04-31 00:00:00+00', '2024-13-01 00:00:00+00', '2024-00-10 00:00:00+00', '2024-01-00 00:00:00+00', '2024-05-28 24:00:00+00',
    '2024-05-28 23:60:00+00', '2024-05-28 23:59:60+00', '0001-01-01 00:00:00+00', '0000-03-01 00:00:00+00', '9999-12-31 23:59:59.999999+00',
    '10000-01-01 00:00:00+00', '0044-03-15 12:00:00+00 BC', '2024-05-28T12:00:00+00', '2024-05-28 12:00:00+02', '2024-05-28 12:00:00-07',
    '2024-05-28 12:00:00+05:30', '2024-05-28 12:00:00-0330', '2024-05-28 12:00:00+01:02:03', '2024-05-28 12:00:00.+00', '2024-05-28 12:00:00',
    '2024-05-28 12:00:00.25', '2024-5-28 12:00:00+00', '2024-05-28 12:00+00', ' 2024-05-28 12:00:00+00', '2024-05-28 12:00:00+00 ',
    '2024-05-28 12:00:00.5x+00', 'infinity', '-infinity', '', 'x', '1677-09-21 00:12:43.145224+00', '2262-04-11 23:47:16.854775+00',
    '1900-01-01 00:00:00.000000', '1969-12-31 23:59:59.999999', '1970-01-01 00:00:00', '2038-01-19 03:14:08',
  ];
  for (let i = 0; i < 3000; i++) {
    const y = Math.floor(r() * 10_000), mo = 1 + Math.floor(r() * 12), d = 1 + Math.floor(r() * 31);
    const h = Math.floor(r() * 24), mi = Math.floor(r() * 60), s = Math.floor(r() * 60);
    const fd = Math.floor(r() * 8); // 0 = no fraction
    const frac = fd === 0 ? '' : `.${String(Math.floor(r() * 10 ** fd)).padStart(fd, '0')}`;
    const zone = ['+00', '+00', '+00', '-00', '+01', '-08', '+05:30', '-09:30', '', ' BC'][Math.floor(r() * 10)]!;
    out.push(`${pad(y, 4)}-${pad(mo, 2)}-${pad(d, 2)}${r() < 0.9 ? ' ' : 'T'}${pad(h, 2)}:${pad(mi, 2)}:${pad(s, 2)}${frac}${zone}`);
  }
  return out;
}

test('timestamp and timestamptz text: the common shape parses as the general path does', () => {
  for (const t of timestampTexts()) {
    for (const withZone of [true, false]) {
      assert.deepStrictEqual(outcome(() => parseTimestampText(t, withZone)), outcome(() => parseTimestampTextGeneral(t, withZone)), `${t} (${withZone})`);
    }
  }
});

test('timestamptz under TimeZone=UTC: ZonedTimestamp text straight from the fields', () => {
  const styles: FractionStyle[] = ['trim', 1, 3, 6];
  let answered = 0;
  for (const t of timestampTexts()) {
    for (const style of styles) {
      const fast = utcTimestamptzIso(t, style);
      if (fast === null) continue;
      answered++;
      const v = parseTimestampTextGeneral(t, true);
      assert.equal(typeof v, 'bigint', t);
      assert.equal(fast, `${formatIsoDateTime(v as bigint, style)}Z`, `${t} (${style})`);
    }
  }
  assert.ok(answered > 1000, `the shortcut answered ${answered} times`);
  // The mapping gives the same strings whichever way it goes.
  for (const typeMod of [-1, 0, 3]) {
    const { parse } = timestamptzMapping({ opts: DEFAULT_PG_TYPE_OPTIONS, typeMod, where: 'column "t"' });
    assert.equal(parse('2024-05-28 12:00:00.5+00'), parse('2024-05-28 14:00:00.5+02'));
    assert.equal(parse('2024-05-28 12:00:00+00'), parse('2024-05-28T12:00:00+00'));
  }
});

test('fixed-scale numeric: plain text to Decimal bytes without bigints', () => {
  const r = rng(11);
  const texts = [
    '0', '-0', '0.00', '-0.00', '1', '-1', '127', '128', '-128', '-129', '255', '256', '32767', '32768', '-32769', '1234.50', '-1234.5',
    '9999999999.99', '-9999999999.99', '999999999999999', '9999999999999999', '12345678901234.5', '0.001', '5.', '.5', '-.5', '.', '-', '',
    '+5', '1e3', '1E-2', 'NaN', 'Infinity', '-Infinity', '1.2.3', '--1', '1-', ' 1', '1 ', '00012.30', '2147483647', '2147483648',
    '-2147483648', '-2147483649', '4294967295', '4294967296', '140737488355327', '140737488355328', '-140737488355328', '-140737488355329',
  ];
  for (let i = 0; i < 5000; i++) {
    const intDigits = Math.floor(r() * 16), fracDigits = Math.floor(r() * 5);
    const int = intDigits === 0 ? '' : String(Math.floor(r() * 10 ** intDigits));
    const frac = fracDigits === 0 ? '' : `.${String(Math.floor(r() * 10 ** fracDigits)).padStart(fracDigits, '0')}`;
    texts.push(`${r() < 0.3 ? '-' : ''}${int || (frac ? '' : '0')}${frac}`);
  }
  let answered = 0;
  for (const t of texts) {
    for (const scale of [-2, 0, 1, 2, 3, 4, 10]) {
      const fast = plainDecimalBytes(t, scale);
      if (fast === undefined) continue;
      answered++;
      assert.deepStrictEqual(fast, twosComplementBytes(setScale(parseDecimal(t), scale).unscaled), `${t} at scale ${scale}`);
    }
  }
  assert.ok(answered > 5000, `the shortcut answered ${answered} times`);
  for (let i = 0; i < 20_000; i++) {
    const v = Math.floor((r() - 0.5) * 2 ** Math.floor(r() * 54));
    assert.deepStrictEqual(twosComplementBytesOfNumber(v), twosComplementBytes(BigInt(v)), String(v));
  }
  for (const v of [0, -1, 1, 2 ** 53, -(2 ** 53), 2 ** 53 - 1, -(2 ** 53) + 1, 2 ** 31, -(2 ** 31), 2 ** 32, -(2 ** 32) - 1, 2 ** 47, -(2 ** 47), 2 ** 47 - 1]) {
    assert.deepStrictEqual(twosComplementBytesOfNumber(v), twosComplementBytes(BigInt(v)), String(v));
  }
});
