import { test } from 'node:test';
import assert from 'node:assert/strict';
import avro from 'avsc';
import { exactLongOptions } from './avro-long-type.ts';

/** Zig-zag varint bytes per the Avro spec, computed independently of avsc. */
function zigzagVarint(n: bigint): Buffer {
  let z = n >= 0n ? n << 1n : ((-n) << 1n) - 1n;
  const out: number[] = [];
  do {
    let b = Number(z & 0x7fn);
    z >>= 7n;
    if (z > 0n) b |= 0x80;
    out.push(b);
  } while (z > 0n);
  return Buffer.from(out);
}

test('exact long: spec bytes for edge values, bigint back', () => {
  const type = avro.Type.forSchema('long', exactLongOptions());
  const values = [0n, -1n, 1n, 63n, -64n, 64n, 2n ** 53n + 1n, -(2n ** 53n) - 3n, 2n ** 63n - 1n, -(2n ** 63n), 9223372036825200000n];
  for (const v of values) {
    const buf = type.toBuffer(v);
    assert.deepStrictEqual(buf, zigzagVarint(v), `bytes of ${v}`);
    assert.equal(type.fromBuffer(buf), v);
  }
});

test('exact long: plain numbers are accepted, non-integers and out-of-range refused', () => {
  const type = avro.Type.forSchema('long', exactLongOptions());
  assert.deepStrictEqual(type.toBuffer(1234), zigzagVarint(1234n));
  assert.equal(type.isValid(1.5), false);
  assert.equal(type.isValid(2n ** 63n), false);
  assert.throws(() => type.toBuffer('12'));
});
