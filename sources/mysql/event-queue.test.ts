import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventQueue } from './event-queue.ts';

test('pauses past the row or byte bound and resumes below half of both', async () => {
  const calls: string[] = [];
  const q = new EventQueue<number>({ maxRows: 10, maxBytes: 1000 }, { onHigh: () => calls.push('high'), onLow: () => calls.push('low') });
  for (let i = 0; i < 3; i++) q.push(i, { rows: 4, bytes: 10 });
  assert.deepEqual(calls, ['high']);
  assert.equal(q.queuedRows, 12);
  await q.take();
  assert.deepEqual(calls, ['high'], 'still 8 rows: above half');
  await q.take();
  assert.deepEqual(calls, ['high', 'low']);
  q.push(9, { rows: 1, bytes: 2000 });
  assert.deepEqual(calls, ['high', 'low', 'high'], 'the byte bound alone pauses');
  assert.equal(q.peakRows, 12);
});

test('take waits for an item; close ends with null; fail throws once drained', async () => {
  const q = new EventQueue<string>({ maxRows: 5, maxBytes: 100 }, { onHigh: () => {}, onLow: () => {} });
  const p = q.take();
  q.push('a', { rows: 1, bytes: 1 });
  assert.equal(await p, 'a');
  q.push('b', { rows: 1, bytes: 1 });
  q.fail(new Error('boom'));
  assert.equal(await q.take(), 'b');
  await assert.rejects(q.take(), /boom/);
  const c = new EventQueue<string>({ maxRows: 5, maxBytes: 100 }, { onHigh: () => {}, onLow: () => {} });
  c.close();
  assert.equal(await c.take(), null);
  const ac = new AbortController();
  const pending = c.take(ac.signal);
  ac.abort();
  assert.equal(await pending, null);
});
