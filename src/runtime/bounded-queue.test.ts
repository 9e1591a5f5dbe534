import { test } from 'node:test';
import assert from 'node:assert/strict';
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
