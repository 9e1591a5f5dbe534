import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Parser } from 'pg-protocol/dist/parser.js';
import { queuedFrame } from './stream.ts';

/** A CopyData message ('d', int32 length, payload), as a walsender sends XLogData. */
const copyData = (fill: number, n: number) => {
  const b = Buffer.alloc(5 + n, fill);
  b[0] = 0x64;
  b.writeUInt32BE(4 + n, 1);
  return b;
};

test('a queued frame keeps its bytes when pg-protocol reuses its read buffer; a bare view does not', () => {
  const parser = new Parser();
  const views: Buffer[] = [];
  const kept: Buffer[] = [];
  const a = copyData(0x41, 40), b = copyData(0x42, 40);
  const onMessage = (m: unknown) => { const chunk = (m as { chunk: Buffer }).chunk; views.push(chunk); kept.push(queuedFrame(chunk)); };
  // One read: message a whole and the start of b. The next, smaller read completes b: the parser moves
  // b's start to the front of the same buffer, over a's bytes.
  parser.parse(Buffer.concat([a, b.subarray(0, 30)]), onMessage);
  parser.parse(b.subarray(30), onMessage);
  assert.equal(kept[0]!.toString('latin1'), 'A'.repeat(40));
  assert.equal(kept[1]!.toString('latin1'), 'B'.repeat(40));
  assert.notEqual(views[0]!.toString('latin1'), 'A'.repeat(40), 'pg-protocol no longer reuses its buffer: queuedFrame could be a view');
});
