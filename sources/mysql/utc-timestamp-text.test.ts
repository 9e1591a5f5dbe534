import { test } from 'node:test';
import assert from 'node:assert/strict';
import { utcTimestampTextToZoned } from './utc-timestamp-text.ts';
import { dateTimeMicros, zonedTimestampText } from './type-temporal.ts';

/** What the general path makes of zongji's text: null where it gives no timestamp. */
function general(t: string, fsp: number): string | null {
  const us = dateTimeMicros(t);
  return us === null || us === undefined || us === 0n ? null : zonedTimestampText(us, fsp);
}

const pad = (n: number, w: number): string => String(n).padStart(w, '0');

test('a TIMESTAMP text becomes the ZonedTimestamp text the general path writes, for every fsp', () => {
  for (let i = 0; i < 20_000; i++) {
    const fsp = i % 7;
    const ms = Math.floor(Math.random() * 2 ** 31) * 1000; // TIMESTAMP's range: 1970..2038
    const dt = new Date(ms);
    const frac = fsp > 0 ? `.${pad(Math.floor(Math.random() * 10 ** fsp), fsp)}` : '';
    const t = `${pad(dt.getUTCFullYear(), 4)}-${pad(dt.getUTCMonth() + 1, 2)}-${pad(dt.getUTCDate(), 2)} ${pad(dt.getUTCHours(), 2)}:${pad(dt.getUTCMinutes(), 2)}:${pad(dt.getUTCSeconds(), 2)}${frac}`;
    assert.equal(utcTimestampTextToZoned(t, fsp), general(t, fsp), t);
  }
  assert.equal(utcTimestampTextToZoned('2024-02-29 23:59:59.000100', 6), '2024-02-29T23:59:59.000100Z');
  assert.equal(utcTimestampTextToZoned('2038-01-19 03:14:07', 0), '2038-01-19T03:14:07Z');
});

test('anything else is left to the general path: zero value, epoch zero, other shapes, invalid fields', () => {
  const others: [string, number][] = [
    ['0000-00-00 00:00:00', 0], ['0000-00-00 00:00:00.000000', 6], ['1970-01-01 00:00:00', 0], ['1970-01-01 00:00:00.000', 3],
    ['2024-05-28 12:00:00.5', 6], ['2024-05-28 12:00:00', 3], ['2024-05-28 12:00:00.123456', 0], ['2024-05-28T12:00:00', 0],
    ['2024-02-30 12:00:00', 0], ['2023-02-29 12:00:00', 0], ['2024-13-01 12:00:00', 0], ['2024-05-28 24:00:00', 0],
    ['2024-05-28 12:60:00', 0], ['2024-05-28 12:00:60', 0], ['2024-05-28 12:00:0x', 0], ['2024-05-28 12:00:00.12a', 3], ['2024-05-28 12:00:00,123', 3],
  ];
  for (const [t, fsp] of others) assert.equal(utcTimestampTextToZoned(t, fsp), null, t);
  // the epoch's first second always takes the general path, which writes it when the fraction is not zero
  assert.equal(utcTimestampTextToZoned('1970-01-01 00:00:00.001', 3), null);
  assert.equal(general('1970-01-01 00:00:00.001', 3), '1970-01-01T00:00:00.001Z');
});
