import { test } from 'node:test';
import assert from 'node:assert/strict';
import { comparePoints, fileSequence, WindowPoints } from './chunk-position.ts';

test('binlog positions compare by file sequence number, then offset', () => {
  assert.equal(fileSequence('mysql-bin.000012'), 12);
  assert.ok(comparePoints({ file: 'b.000002', pos: 4 }, { file: 'b.000001', pos: 999999 }) > 0);
  assert.ok(comparePoints({ file: 'b.000009', pos: 500 }, { file: 'b.000010', pos: 4 }) < 0, 'numbers, not text: 9 < 10 even as "000009" vs "000010" and beyond six digits');
  assert.ok(comparePoints({ file: 'b.999999', pos: 4 }, { file: 'b.1000000', pos: 4 }) < 0);
  assert.equal(comparePoints({ file: 'b.000003', pos: 120 }, { file: 'b.000003', pos: 120 }), 0);
  assert.ok(comparePoints({ file: 'b.000003', pos: 119 }, { file: 'b.000003', pos: 120 }) < 0);
  assert.throws(() => fileSequence('binlog'), /sequence number/);
});

test('a window closes once the stream has processed its binlog position, not before', () => {
  const p = new WindowPoints();
  p.advance({ file: 'b.000001', pos: 100 });
  p.register('w1', { file: 'b.000001', pos: 300 });
  p.register('w2', { file: 'b.000002', pos: 50 });
  assert.deepEqual(p.due(), []);
  p.advance({ file: 'b.000001', pos: 299 });
  assert.deepEqual(p.due(), []);
  p.advance({ file: 'b.000001', pos: 300 });
  assert.deepEqual(p.due(), ['w1']);
  assert.deepEqual(p.due(), [], 'taken out once');
  p.advance({ file: 'b.000002', pos: 4 });
  assert.deepEqual(p.due(), []);
  p.advance({ file: 'b.000002', pos: 900 });
  assert.deepEqual(p.due(), ['w2']);
  assert.equal(p.waiting, 0);
});

test('an idle stream: a window whose position the stream already processed (equal or passed) is due at once', () => {
  const p = new WindowPoints();
  p.advance({ file: 'b.000004', pos: 500 });
  p.register('same', { file: 'b.000004', pos: 500 });
  p.register('older', { file: 'b.000003', pos: 9000 });
  assert.deepEqual(p.due(), ['same', 'older']);
});

test('nothing is due before the stream reported any position', () => {
  const p = new WindowPoints();
  p.register('w', { file: 'b.000001', pos: 4 });
  assert.deepEqual(p.due(), []);
  assert.equal(p.processed, null);
});

test('the position a chunk must see is the one after the last captured change; heartbeats and header events do not move it', async () => {
  const p = new WindowPoints();
  assert.equal(await p.mustSee(), null);
  p.advance({ file: 'b.000001', pos: 200 });
  assert.equal(await p.mustSee(), null, 'no change yet');
  p.noteChange();
  let got: unknown = 'pending';
  const waiting = p.mustSee().then((v) => { got = v; });
  await new Promise((r) => setImmediate(r));
  assert.equal(got, 'pending', 'a handed-over change whose position is not reported yet must be waited for');
  p.advance({ file: 'b.000001', pos: 350 });
  await waiting;
  assert.deepEqual(got, { file: 'b.000001', pos: 350 });
  p.advance({ file: 'b.000002', pos: 339 }); // rotation, header events, heartbeat
  assert.deepEqual(await p.mustSee(), { file: 'b.000001', pos: 350 });
  assert.deepEqual(p.processed, { file: 'b.000002', pos: 339 });
  p.advance({ file: 'b.000001', pos: 10 });
  assert.deepEqual(p.processed, { file: 'b.000002', pos: 339 }, 'never moves backwards');
});

test('a position of 0 (an event sent without one) moves nothing; an open change waits for a real position', async () => {
  const p = new WindowPoints();
  p.advance({ file: 'b.000001', pos: 100 });
  p.noteChange();
  p.advance({ file: 'b.000001', pos: 0 });
  assert.deepEqual(p.processed, { file: 'b.000001', pos: 100 });
  let got: unknown = 'pending';
  const waiting = p.mustSee().then((v) => { got = v; });
  await new Promise((r) => setImmediate(r));
  assert.equal(got, 'pending');
  p.advance({ file: 'b.000001', pos: 180 });
  await waiting;
  assert.deepEqual(got, { file: 'b.000001', pos: 180 });
});
