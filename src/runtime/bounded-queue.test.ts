import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { BoundedQueue } from './bounded-queue.ts';

test('put waits while the queue is full and resumes after take', async () => {
  const q = new BoundedQueue<number>(2);
  await q.put(1);
  await q.put(2);
  let third = false;
  const p = q.put(3).then(() => { third = true; });
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(third, false);
  assert.deepEqual(await q.take(10, 0), [1, 2]);
  await p;
  assert.equal(third, true);
  assert.deepEqual(await q.take(10, 0), [3]);
});

test('take waits for data up to the timeout', async () => {
  const q = new BoundedQueue<number>(2);
  const t0 = Date.now();
  assert.deepEqual(await q.take(5, 30), []);
  assert.ok(Date.now() - t0 >= 25);
  setTimeout(() => void q.put(7), 5);
  assert.deepEqual(await q.take(5, 1000), [7]);
});

test('a failure reaches the consumer after queued items drain', async () => {
  const q = new BoundedQueue<number>(5);
  await q.put(1);
  q.fail(new Error('socket closed'));
  assert.deepEqual(await q.take(5, 0), [1]);
  await assert.rejects(q.take(5, 0), /socket closed/);
});

test('the byte bound pauses the producer before the count bound does, and 0 means no byte bound', async () => {
  const weigh = (s: string): number => s.length;
  const q = new BoundedQueue<string>(100, { maxBytes: 10, weigh });
  await q.put('aaaa');
  await q.put('bbbbbbb'); // 11 bytes held: one item past the bound, as Debezium's queue admits it
  assert.equal(q.bytes, 11);
  let third = false;
  const p = q.put('c').then(() => { third = true; });
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(third, false, 'waits at 11 >= 10 bytes although 2 < 100 items');
  assert.deepEqual(await q.take(1, 0), ['aaaa']); // 7 bytes < 10: space again
  await p;
  assert.equal(third, true);
  assert.equal(q.bytes, 8);
  assert.equal(q.peakBytes, 11);

  const unbounded = new BoundedQueue<string>(100, { maxBytes: 0, weigh });
  for (let i = 0; i < 50; i++) await unbounded.put('x'.repeat(1000));
  assert.equal(unbounded.bytes, 50_000);
});

test('an item larger than the byte bound passes alone instead of blocking forever', async () => {
  const q = new BoundedQueue<string>(100, { maxBytes: 10, weigh: (s) => s.length });
  await q.put('x'.repeat(50));
  const next = q.put('y');
  assert.deepEqual(await q.take(10, 0), ['x'.repeat(50)]);
  await next;
  assert.deepEqual(await q.take(10, 0), ['y']);
  assert.equal(q.bytes, 0);
});

test('a taken item is not kept alive by the queue, whether it drained or still holds later items', async () => {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const q = new BoundedQueue<{ bytes: Buffer }>(100_000);
  const refs: WeakRef<object>[] = [];
  // Like a slow replication stream: a few items a poll, far fewer than the queue's compaction threshold.
  for (let round = 0; round < 50; round++) {
    for (let i = 0; i < 3; i++) {
      const item = { bytes: Buffer.alloc(1024) };
      refs.push(new WeakRef(item));
      await q.put(item);
    }
    await q.take(round % 2 === 0 ? 3 : 2, 0); // every other round leaves one item queued
  }
  await new Promise((r) => setImmediate(r)); // WeakRef targets stay alive until the job ends
  gc();
  const alive = refs.filter((r) => r.deref() !== undefined).length;
  assert.ok(alive <= 25, `${alive} of ${refs.length} items still reachable; at most the ${q.size} queued may be`);
  assert.equal(alive, q.size);
});

test('offer adds at once and says when the producer should pause; whenSpace calls back once room is made', async () => {
  const q = new BoundedQueue<number>(2, { maxBytes: 100, weigh: (n) => n });
  assert.equal(q.offer(10), true);
  assert.equal(q.offer(10), false, 'count bound reached');
  assert.equal(q.offer(10), false, 'past the bound: still added');
  assert.equal(q.size, 3);
  let called = 0;
  q.whenSpace(() => called++);
  assert.equal(called, 0);
  assert.deepEqual(await q.take(1, 0), [10]);
  assert.equal(called, 0, 'two left: still full');
  await q.take(1, 0);
  assert.equal(called, 1);
  await q.take(1, 0);
  assert.equal(called, 1, 'called once');
  q.whenSpace(() => called++);
  assert.equal(called, 2, 'room already: at once');
  // The byte bound pauses too.
  assert.equal(q.offer(150), false);
  let byBytes = 0;
  q.whenSpace(() => byBytes++);
  q.fail(new Error('stopped'));
  assert.equal(byBytes, 1, 'a failure releases the paused producer');
  assert.equal(q.offer(1), true, 'after a failure nothing is held back');
});
