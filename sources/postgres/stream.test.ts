import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Parser } from 'pg-protocol/dist/parser.js';
import { EventEmitter } from 'node:events';
import type { LogicalReplicationService } from 'pg-logical-replication';
import { readCopyData, takeOverCopyData } from './copy-data.ts';
import { FrameQueue } from './frame-queue.ts';

/** A CopyData message ('d', int32 length) carrying XLogData ('w', three int64s, then n payload bytes). */
const copyData = (fill: number, n: number) => {
  const b = Buffer.alloc(5 + 25 + n, fill);
  b[0] = 0x64;
  b.writeUInt32BE(4 + 25 + n, 1);
  b[5] = 0x77;
  return b;
};
/** What readCopyData hands over, as one object (the stream passes the parts without one). */
const decode = (chunk: Buffer): unknown => {
  let out: unknown = null;
  const known = readCopyData(chunk, {
    xlogData: (lsn, c, from) => { out = { kind: 'message', lsn, frame: Buffer.from(c.subarray(from)) }; },
    keepalive: (walEnd, replyRequested) => { out = { kind: 'keepalive', walEnd, replyRequested }; },
  });
  return known ? out : null;
};

test('a queued frame keeps its bytes when pg-protocol reuses its read buffer; a bare view does not', async () => {
  const parser = new Parser();
  const views: Buffer[] = [];
  const queue = new FrameQueue(100, 0);
  const onMessage = (m: unknown) => {
    const chunk = (m as { chunk: Buffer }).chunk;
    views.push(chunk.subarray(25));
    readCopyData(chunk, { xlogData: (lsn, c, from) => queue.offerFrame(lsn, c, from), keepalive: () => undefined });
  };
  const a = copyData(0x41, 40), b = copyData(0x42, 40);
  // One read: message a whole and the start of b. The next, smaller read completes b: the parser moves
  // b's start to the front of the same buffer, over a's bytes.
  parser.parse(Buffer.concat([a, b.subarray(0, 55)]), onMessage);
  parser.parse(b.subarray(55), onMessage);
  const kept = (await queue.take(10, 0)).map((it) => (it.kind === 'message' ? it.frame.toString('latin1') : ''));
  assert.deepEqual(kept, ['A'.repeat(40), 'B'.repeat(40)]);
  assert.notEqual(views[0]!.toString('latin1'), 'A'.repeat(40), 'pg-protocol no longer reuses its buffer: the frame could be a view');
});

test('XLogData: the LSN is the data start from the header, the frame the payload after the 25-byte header', () => {
  const chunk = Buffer.alloc(25 + 3);
  chunk[0] = 0x77;
  chunk.writeBigUInt64BE(0x1_0000_00f0n, 1); // data start 1/F0
  chunk.writeBigUInt64BE(0x2_0000_0000n, 9); // end of WAL, not the message's position
  chunk.set([1, 2, 3], 25);
  assert.deepEqual(decode(chunk), { kind: 'message', lsn: 0x1_0000_00f0n, frame: Buffer.from([1, 2, 3]) });
});

test('a keepalive: end of WAL and whether the server asks for a reply', () => {
  const k = Buffer.alloc(18);
  k[0] = 0x6b;
  k.writeBigUInt64BE(0xffff_ffff_0000_0001n, 1);
  assert.deepEqual(decode(k), { kind: 'keepalive', walEnd: 0xffff_ffff_0000_0001n, replyRequested: false });
  k[17] = 1;
  assert.deepEqual(decode(k), { kind: 'keepalive', walEnd: 0xffff_ffff_0000_0001n, replyRequested: true });
});

test('a message type the protocol does not define, or a truncated header, is not read', () => {
  assert.equal(decode(Buffer.from([0x78, 0, 0])), null);
  assert.equal(decode(Buffer.alloc(10, 0x77)), null);
  assert.equal(decode(Buffer.alloc(17, 0x6b)), null);
});

test("the library's CopyData listener (added last) is replaced; pg's own stays; any other count refuses to start", () => {
  const connection = new EventEmitter();
  const seen: string[] = [];
  connection.on('copyData', () => seen.push('pg'));
  connection.on('copyData', () => seen.push('library'));
  const service = { _connection: connection } as unknown as LogicalReplicationService;
  takeOverCopyData(service, (chunk) => seen.push(`ours ${chunk.length}`));
  connection.emit('copyData', { chunk: Buffer.alloc(3) });
  assert.deepEqual(seen, ['pg', 'ours 3']);
  connection.on('copyData', () => undefined);
  assert.throws(() => takeOverCopyData(service, () => undefined), /has 3 CopyData listeners where this daemon expects two/);
  assert.throws(() => takeOverCopyData({ _connection: null } as unknown as LogicalReplicationService, () => undefined), /no longer exposes its connection/);
});
