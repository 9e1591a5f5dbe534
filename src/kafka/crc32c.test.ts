import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { crc32c, crc32cJs } from './crc32c.ts';
import { kafkajsOriginal as original } from '../../test/helpers/kafkajs-original.ts';
import { assembleBase64, moduleSource } from '../../scripts/gen-crc32c-wasm.ts';

const kafkajsCrc = original<(b: Buffer) => number>('protocol/recordBatch/crc32C/index.js');
const rand = (n: number): number => Math.floor(Math.random() * n);

test('CRC-32C: the check value, in WebAssembly and in JavaScript', () => {
  for (const f of [crc32c, crc32cJs]) {
    assert.equal(f(Buffer.from('123456789')), 0xe3069283);
    assert.equal(f(Buffer.alloc(0)), 0);
    assert.equal(f(Buffer.alloc(32)), 0x8a9136aa); // RFC 3720 B.4: 32 bytes of zeros
    assert.equal(f(Buffer.alloc(32, 0xff)), 0x62a8ab43); // and of ones
  }
});

test('CRC-32C: both paths and kafkajs agree on random buffers, offsets and lengths across chunk boundaries', () => {
  const lengths = [1, 15, 16, 17, 63, 64, 65, 1000, 49151, 49152, 49153, 98304 + 7, 300_000];
  for (let i = 0; i < 300; i++) {
    const b = randomBytes(i < lengths.length ? lengths[i]! + 5 : rand(140_000));
    const from = i < lengths.length ? rand(5) : rand(Math.max(1, b.length));
    const to = i < lengths.length ? from + lengths[i]! : from + rand(b.length - from + 1);
    const expected = kafkajsCrc(b.subarray(from, to));
    assert.equal(crc32c(b, from, to), expected, `length ${to - from} from ${from}`);
    assert.equal(crc32cJs(b, from, to), expected, `JavaScript, length ${to - from} from ${from}`);
  }
});

test('the WebAssembly module is the one crc32c.wat assembles to (run npx tsx scripts/gen-crc32c-wasm.ts after editing it)', async () => {
  const committed = readFileSync(new URL('./crc32c-wasm.ts', import.meta.url), 'utf8');
  assert.equal(committed, moduleSource(await assembleBase64()));
});
