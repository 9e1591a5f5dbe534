/**
 * Decoding of __transaction_state records (test/helpers/kafka-transactions.ts).
 * The hex below is what Kafka 4.3.1 (the stack's broker) wrote for one
 * transactional id of test/integration/kafka-transactions.it.test.ts: version 1
 * values (flexible, with the ClientTransactionVersion tagged field). Version 0 is
 * built by hand from the schema, since a 4.x broker no longer writes it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeTxnLogKey, decodeTxnLogValue, transactionSpans, type TxnLogValue } from './kafka-transactions.ts';

const KEY = '0000002d74786e2d7370616e2d36663731386632652d383761622d343961302d386262312d646536353462653862656237';
const EMPTY = '0001000000000000000400000000ea600000000001a246554532ffffffffffffffff0100080000000000000004';
const TOPIC_PART = '022e74786e2d7370616e2d61646364666138322d636333362d343862372d396637372d333266353934623232353936020000000000';
const ONGOING = `0001000000000000000400000000ea6001${TOPIC_PART}000001a2465546ba000001a2465546ba0100080000000000000004`;
const PREPARE_COMMIT = `0001000000000000000400000000ea6002${TOPIC_PART}000001a24655566e000001a2465546ba0100080000000000000004`;
const COMPLETE_COMMIT = '0001000000000000000400000000ea600401000001a24655566e000001a2465546ba0100080000000000000004';
const TOPIC = 'txn-span-adcdfa82-cc36-48b7-9f77-32f594b22596';
const hex = (h: string) => Buffer.from(h, 'hex');

test('key: version 0, the transactional id', () => {
  assert.equal(decodeTxnLogKey(hex(KEY)), 'txn-span-6f718f2e-87ab-49a0-8bb1-de654be8beb7');
  assert.throws(() => decodeTxnLogKey(hex('0001000141')), /version 1/);
  assert.throws(() => decodeTxnLogKey(hex('0000000541')), /truncated/);
});

test('value version 1 (captured): every field, tagged fields skipped', () => {
  const ongoing = decodeTxnLogValue(hex(ONGOING));
  assert.deepEqual(ongoing, {
    version: 1, producerId: 4n, producerEpoch: 0, timeoutMs: 60_000, status: 'Ongoing',
    partitions: [{ topic: TOPIC, partitions: [0] }], lastUpdateMs: 1796476323514, startMs: 1796476323514,
  });
  const prepare = decodeTxnLogValue(hex(PREPARE_COMMIT));
  assert.equal(prepare.status, 'PrepareCommit');
  assert.equal(prepare.startMs, 1796476323514);
  assert.equal(prepare.lastUpdateMs - prepare.startMs, 4020, 'the 4 s the test held it open');
  const complete = decodeTxnLogValue(hex(COMPLETE_COMMIT));
  assert.equal(complete.status, 'CompleteCommit');
  assert.deepEqual(complete.partitions, []);
  const empty = decodeTxnLogValue(hex(EMPTY));
  assert.equal(empty.status, 'Empty');
  assert.equal(empty.startMs, -1);
  assert.equal(empty.partitions, null, 'compact array length 0 = null');
});

test('value version 0 (built from the schema): int16 strings, int32 arrays, no tagged fields', () => {
  const b = Buffer.alloc(64);
  let at = 0;
  at = b.writeInt16BE(0, at);
  at = b.writeBigInt64BE(7n, at);
  at = b.writeInt16BE(3, at);
  at = b.writeInt32BE(900_000, at);
  at = b.writeInt8(3, at); // PrepareAbort
  at = b.writeInt32BE(1, at);
  at = b.writeInt16BE(1, at);
  at += b.write('t', at);
  at = b.writeInt32BE(2, at);
  at = b.writeInt32BE(0, at);
  at = b.writeInt32BE(5, at);
  at = b.writeBigInt64BE(2000n, at);
  at = b.writeBigInt64BE(1000n, at);
  assert.deepEqual(decodeTxnLogValue(b.subarray(0, at)), {
    version: 0, producerId: 7n, producerEpoch: 3, timeoutMs: 900_000, status: 'PrepareAbort',
    partitions: [{ topic: 't', partitions: [0, 5] }], lastUpdateMs: 2000, startMs: 1000,
  });
  // null partitions (-1) in version 0
  const n = Buffer.from(b.subarray(0, 17 + 4));
  n.writeInt32BE(-1, 17);
  assert.equal(decodeTxnLogValue(Buffer.concat([n, Buffer.alloc(16)])).partitions, null);
});

test('value: unknown version or status, and truncation, are errors', () => {
  assert.throws(() => decodeTxnLogValue(hex(`0002${ONGOING.slice(4)}`)), /version 2/);
  assert.throws(() => decodeTxnLogValue(hex(`${ONGOING.slice(0, 32)}09${ONGOING.slice(34)}`)), /unknown transaction status 9/);
  assert.throws(() => decodeTxnLogValue(hex(ONGOING.slice(0, 60))), /truncated/);
});

const v = (status: TxnLogValue['status'], startMs: number, lastUpdateMs: number, producerId = 1n): TxnLogValue =>
  ({ version: 1, producerId, producerEpoch: 0, timeoutMs: 60_000, status, partitions: [{ topic: 'a', partitions: [0] }], lastUpdateMs, startMs });

test('spans: one per transaction, ended by its first Prepare* record; an unfinished one runs to now', () => {
  const id = 'x';
  const spans = transactionSpans([
    { transactionalId: id, value: v('Empty', -1, 10) },
    { transactionalId: id, value: v('Ongoing', 100, 100) },
    { transactionalId: id, value: v('Ongoing', 100, 150) },
    { transactionalId: id, value: v('PrepareCommit', 100, 400) },
    { transactionalId: id, value: v('CompleteCommit', 100, 420) },
    { transactionalId: id, value: v('Ongoing', 500, 500) },
    { transactionalId: id, value: v('PrepareEpochFence', 500, 9_500) },
    { transactionalId: id, value: v('CompleteAbort', 500, 9_600) },
    { transactionalId: id, value: v('Ongoing', 10_000, 10_000, 2n) },
    { transactionalId: id, value: v('CompleteAbort', 10_000, 10_300, 2n) },
    { transactionalId: id, value: v('Ongoing', 20_000, 20_000, 2n) },
  ], 25_000);
  assert.deepEqual(spans.map((s) => [s.startMs, s.durationMs, s.outcome]), [
    [100, 300, 'committed'], [500, 9_000, 'fenced'], [10_000, 300, 'aborted'], [20_000, 5_000, 'open'],
  ]);
});
