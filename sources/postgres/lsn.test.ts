import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatLsn, parseLsn } from './lsn.ts';

const reference = (t: string) => { const [hi, lo] = t.split('/'); return (BigInt(`0x${hi}`) << 32n) | BigInt(`0x${lo}`); };

test('parseLsn is exact on both sides of 2^53 and round-trips through formatLsn', () => {
  for (const t of ['0/0', '0/16B3748', '1/0', '1FFFFF/FFFFFFFF', '200000/0', '200000/1', 'FFFFFFFF/FFFFFFFF', 'abc/DEF', '00000001/0000000A']) {
    assert.equal(parseLsn(t), reference(t), t);
    assert.equal(parseLsn(formatLsn(parseLsn(t))), parseLsn(t), t);
  }
  assert.equal(parseLsn(' 0/10 '), 16n);
  assert.equal(parseLsn(null), 0n);
  assert.equal(parseLsn(''), 0n);
});

test('parseLsn refuses what is not an LSN', () => {
  for (const t of ['0/0x', '0x1/0', '1/', '/1', '123456789/0', '1-2', 'G/0']) assert.throws(() => parseLsn(t), /not an LSN/, t);
});
