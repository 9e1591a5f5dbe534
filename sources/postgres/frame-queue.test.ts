import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameQueue, type StreamItem } from './frame-queue.ts';

/** A message of n bytes whose content names it (seq) so that any overwrite shows. */
function frame(seq: number, n: number): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = (seq * 31 + i * 7) & 0xff;
  return b;
}

/** Offered as the stream does: the message after a 25-byte header, in a chunk that is then scribbled over. */
function offer(q: FrameQueue, seq: number, n: number): boolean {
  const chunk = Buffer.concat([Buffer.alloc(25, 0x77), frame(seq, n)]);
  const ok = q.offerFrame(BigInt(seq), chunk, 25);
  chunk.fill(0xee);
  return ok;
}

test('frames of any size come out in order and intact, and stay intact until the next take, however the ring fills, wraps and grows', async () => {
  let seed = 7;
  const rand = (n: number) => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed % n; };
  const q = new FrameQueue(1_000_000, 0);
  let next = 0;
  let expected = 0;
  let handed: StreamItem[] = [];
  const rings = new Set<number>();
  for (let round = 0; round < 400; round++) {
    const offers = rand(300);
    for (let k = 0; k < offers; k++) {
      // Mostly small messages, some of tens of KiB, a few larger than the largest ring's half (own Buffer).
      const r = rand(1000);
      const n = r < 950 ? 1 + rand(400) : r < 998 ? 10_000 + rand(60_000) : 2_200_000 + rand(100_000);
      offer(q, next++, n);
      if (rand(50) === 0) q.offerKeepalive(123n);
    }
    rings.add(q.ringBytes);
    // What the previous take handed out is untouched by everything offered since.
    for (const it of handed) if (it.kind === 'message') assert.deepEqual(it.frame, frame(Number(it.lsn), it.frame.length), `round ${round}: message ${it.lsn} overwritten before the next take`);
    handed = await q.take(1 + rand(500), 0);
    for (const it of handed) {
      if (it.kind === 'keepalive') { assert.equal(it.walEnd, 123n); continue; }
      assert.equal(it.lsn, BigInt(expected++), 'in order, none lost or repeated');
      assert.deepEqual(it.frame, frame(Number(it.lsn), it.frame.length));
    }
  }
  while (q.size > 0) for (const it of await q.take(10_000, 0)) if (it.kind === 'message') assert.equal(it.lsn, BigInt(expected++));
  assert.equal(expected, next);
  assert.equal(q.bytes, 0);
  assert.ok(rings.size >= 3, `the ring grew (${[...rings].join(', ')})`);
  assert.ok(Math.max(...rings) <= 4 * 1024 * 1024, "never past 4 MiB");
});

test('bounds as bounded-queue.ts: offer answers false once the count or byte bound is reached; whenSpace calls back after a take', async () => {
  const byCount = new FrameQueue(3, 0);
  assert.equal(offer(byCount, 0, 10), true);
  assert.equal(offer(byCount, 1, 10), true);
  assert.equal(offer(byCount, 2, 10), false);
  assert.equal(offer(byCount, 3, 10), false, 'admitted past the bound (the rest of one socket read), still full');
  let called = 0;
  byCount.whenSpace(() => called++);
  assert.equal(called, 0);
  await byCount.take(1, 0);
  assert.equal(called, 0, 'still at the bound: 3 queued');
  await byCount.take(2, 0);
  assert.equal(called, 1);

  const byBytes = new FrameQueue(100, 25);
  assert.equal(offer(byBytes, 0, 10), true);
  assert.equal(offer(byBytes, 1, 10), true);
  assert.equal(offer(byBytes, 2, 10), false);
  assert.equal(byBytes.bytes, 30);
  assert.equal(byBytes.peakBytes, 30);
  assert.equal(byBytes.offerKeepalive(1n), false, 'a keepalive weighs nothing but the queue is still full');
  await byBytes.take(10, 0);
  assert.equal(byBytes.bytes, 0);
  assert.equal(byBytes.size, 0);
});

test('take waits for the first item up to waitMs; a failure is thrown once the queue is drained', async () => {
  const q = new FrameQueue(10, 0);
  const t0 = Date.now();
  assert.deepEqual(await q.take(5, 30), []);
  assert.ok(Date.now() - t0 >= 25);
  const waiting = q.take(5, 5_000);
  setTimeout(() => offer(q, 9, 4), 10);
  const got = await waiting;
  assert.equal(got.length, 1);
  assert.equal(got[0]!.kind === 'message' && got[0]!.lsn, 9n);
  offer(q, 10, 4);
  q.fail(new Error('stream ended'));
  assert.equal((await q.take(5, 0)).length, 1, 'what was queued before the failure is still handed out');
  await assert.rejects(q.take(5, 0), /stream ended/);
});

test('wrapping: a message goes to the ring\'s start only when it ends at or before the oldest held byte', async () => {
  const K = 1024;
  const q = new FrameQueue(100, 0);
  offer(q, 0, 100 * K); // [0, 100K)
  offer(q, 1, 100 * K); // [100K, 200K)
  await q.take(1, 0); // hands out 0
  const held = await q.take(1, 0); // releases 0, hands out 1: the oldest held byte is at 100K
  offer(q, 2, 50 * K); // [200K, 250K)
  offer(q, 3, 100 * K); // does not fit at the end; exactly fits before 100K: [0, 100K)
  offer(q, 4, 1); // nothing free before 100K any more: a new ring
  assert.deepEqual((held[0] as { frame: Buffer }).frame, frame(1, 100 * K), 'the handed-out message is intact');
  const rest = await q.take(10, 0);
  assert.deepEqual(rest.map((it) => (it.kind === 'message' ? [Number(it.lsn), it.frame.equals(frame(Number(it.lsn), it.frame.length))] : null)),
    [[2, true], [3, true], [4, true]]);
  assert.equal(q.ringBytes, 512 * K, 'message 4 went to a ring twice the size');
});

test('wrapping: one byte more than is free before the oldest held byte goes to a new ring, not over it', async () => {
  const K = 1024;
  const q = new FrameQueue(100, 0);
  offer(q, 0, 100 * K);
  offer(q, 1, 100 * K);
  await q.take(1, 0);
  const held = await q.take(1, 0); // the oldest held byte is at 100K
  offer(q, 2, 50 * K);
  offer(q, 3, 100 * K + 1);
  assert.deepEqual((held[0] as { frame: Buffer }).frame, frame(1, 100 * K));
  assert.equal(q.ringBytes, 512 * K);
  assert.deepEqual((await q.take(10, 0)).map((it) => it.kind === 'message' && it.frame.equals(frame(Number(it.lsn), it.frame.length))), [true, true]);
});
