import { kafkajsPatch, groupMessagesPerPartition, retryConcurrentTransactions, type RequestQueueLike } from './kafkajs-patch.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { murmur2 } from './murmur2.ts';
import { defaultPartitioner } from './partitioner.ts';
import { encodeProduceV3, frameRequest, type ProduceMessage, type ProduceV3Args } from './produce-encoding.ts';
import { kafkajsModule, kafkajsOriginal as original } from '../../test/helpers/kafkajs-original.ts';

const Long = kafkajsModule<{ fromInt(n: number): unknown; fromValue(v: unknown): unknown }>('utils/long.js');
type Encoded = { buf: Buffer; offset: number };
const kafkajsProduceV3 = original<(a: ProduceV3Args) => { encode(): Promise<Encoded> }>('protocol/requests/produce/v3/request.js');
const kafkajsFrame = original<(a: unknown) => Promise<Encoded>>('protocol/request.js');
const kafkajsGroup = original<(a: unknown) => unknown>('producer/groupMessagesPerPartition.js');
const kafkajsMurmur2 = original<(k: unknown) => number>('producer/partitioners/default/murmur2.js');

const bytes = (e: Encoded): Buffer => e.buf.subarray(0, e.offset);

async function kafkajsBytes(args: ProduceV3Args, now: number): Promise<Buffer> {
  const realNow = Date.now;
  Date.now = () => now; // kafkajs stamps messages without a timestamp with Date.now()
  try {
    return bytes(await kafkajsProduceV3(args).encode());
  } finally {
    Date.now = realNow;
  }
}

let seed = 7;
function rand(n: number): number {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed % n;
}

function randomField(): Buffer | string | null | undefined {
  switch (rand(6)) {
    case 0: return null;
    case 1: return undefined;
    case 2: return 'text é ✓ ' + 'x'.repeat(rand(300));
    case 3: return Buffer.alloc(0);
    default: return randomBytes(rand(2000));
  }
}

function randomMessage(now: number): ProduceMessage {
  const headers: Record<string, string | Buffer | (string | Buffer)[]> = {};
  for (let h = rand(5); h > 0; h--) {
    const k = ['__debezium.context.connectorName', 'a', 'ключ', `h${rand(1000)}`][rand(4)]!;
    headers[k] = rand(3) === 0 ? [String(rand(1e6)), randomBytes(rand(40))] : rand(2) === 0 ? 'v'.repeat(rand(200)) : randomBytes(rand(20));
  }
  const m: { key?: unknown; value?: unknown; headers?: unknown; timestamp?: unknown } = { key: randomField(), value: randomField() };
  if (rand(3) > 0) m.headers = headers;
  const ts = rand(5);
  if (ts === 1) m.timestamp = String(now - rand(100000));
  else if (ts === 2) m.timestamp = now + rand(5000) - 2500;
  else if (ts === 3) m.timestamp = String(now - rand(2) * 5_000_000_000); // a delta beyond 32 bits
  return m;
}

test('the produce request is byte for byte what kafkajs 2.2.4 encodes (random messages, headers, timestamps, several topics and partitions)', async () => {
  assert.equal(kafkajsPatch.produce, true, kafkajsPatch.note ?? '');
  for (let round = 0; round < 60; round++) {
    const now = 1_765_000_000_000 + rand(1_000_000);
    const topicData = Array.from({ length: 1 + rand(3) }, (_, t) => ({
      topic: `topic-${t}-ü`,
      partitions: Array.from({ length: 1 + rand(3) }, (_, p) => ({
        partition: p * 3,
        firstSequence: rand(100000),
        messages: Array.from({ length: 1 + rand(round < 50 ? 40 : 400) }, () => randomMessage(now)),
      })),
    }));
    const args: ProduceV3Args = {
      acks: -1, timeout: 30000,
      transactionalId: rand(4) === 0 ? null : 'connect-cdc-demo-0',
      producerId: Long.fromValue(BigInt(rand(1e9)) * 1000n), producerEpoch: rand(30000),
      compression: 0, topicData,
    };
    const ours = encodeProduceV3(args, now);
    assert.ok(ours, 'the fast path takes these messages');
    assert.deepEqual(ours, await kafkajsBytes(args, now), `round ${round}`);
    if (round % 20 === 0) {
      const roomy = encodeProduceV3(args, now, 256);
      assert.deepEqual(roomy?.subarray(256), ours, `round ${round}: the same bytes after the headroom`);
    }
  }
});

test('what the encoder does not match goes back to kafkajs: compression, a null header value, a fractional timestamp, a number as value', () => {
  const base = (m: ProduceMessage, compression = 0): ProduceV3Args => ({ acks: -1, timeout: 1000, compression, topicData: [{ topic: 't', partitions: [{ partition: 0, messages: [m] }] }] });
  assert.equal(encodeProduceV3(base({ value: 'x' }, 1)), null);
  assert.equal(encodeProduceV3(base({ value: 'x', headers: { a: null } })), null);
  assert.equal(encodeProduceV3(base({ value: 'x', timestamp: 1.5 })), null);
  assert.equal(encodeProduceV3(base({ value: 42 })), null);
  assert.equal(encodeProduceV3({ acks: -1, timeout: 1000, topicData: [{ topic: 't', partitions: [{ partition: 0, messages: [] }] }] }), null);
  assert.ok(encodeProduceV3(base({ value: 'x' })));
});

test('request framing is what kafkajs writes around a payload', async () => {
  const Encoder = kafkajsModule<new () => Encoded & { writeBytes(b: Buffer): unknown }>('protocol/encoder.js');
  for (const clientId of ['cdcd', 'клиент', null]) {
    const payload = new Encoder();
    payload.writeBytes(randomBytes(70000));
    const request = { apiKey: 0, apiVersion: 7, encode: async () => payload };
    const theirs = bytes(await kafkajsFrame({ correlationId: 123456, clientId, request }));
    assert.deepEqual(frameRequest(0, 7, 123456, clientId, payload.buf, payload.offset), theirs);
    // The payload after headroom: the header goes in front of it in place when it fits, else a copy.
    for (const room of [256, 12]) {
      const roomy = Buffer.concat([Buffer.alloc(room, 0xee), payload.buf.subarray(0, payload.offset)]);
      const framed = frameRequest(0, 7, 123456, clientId, roomy, roomy.length, room);
      assert.deepEqual(framed, theirs, `headroom ${room}, client id ${clientId}`);
      assert.equal(framed.buffer === roomy.buffer, room === 256, `headroom ${room}: ${room === 256 ? 'in place' : 'a copy'}`);
    }
  }
});

test('grouping by partition: the same partitions, messages in order, as kafkajs', () => {
  const messages = Array.from({ length: 500 }, (_, i) => ({ key: `k${i}`, value: String(i) }));
  const args = { topic: 't', partitionMetadata: [{}, {}, {}, {}, {}], messages, partitioner: ({ message }: { message: unknown }) => Number((message as { value: string }).value) % 5 };
  assert.deepEqual(groupMessagesPerPartition(args), kafkajsGroup(args));
  assert.deepEqual(groupMessagesPerPartition({ ...args, partitionMetadata: [] }), {});
});

test('murmur2: the hash kafkajs (and the Java client) computes, for keys of every length and byte value', () => {
  // Kafka's own test vectors (UtilsTest.testMurmur2)
  const java: [string, number][] = [['21', -973932308], ['foobar', -790332482], ['a-little-bit-long-string', -985981536], ['a-little-bit-longer-string', -1486304829], ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971], ['abc', 479470107]];
  for (const [k, h] of java) assert.equal(murmur2(Buffer.from(k)), h, k);
  for (let i = 0; i < 3000; i++) {
    const key = randomBytes(rand(70));
    assert.equal(murmur2(key), kafkajsMurmur2(key));
  }
  for (const s of ['', 'x', 'ключ', '{"id":12345}']) assert.equal(murmur2(s), kafkajsMurmur2(s));
});

test('the patch is in place in a process that imports it before kafkajs', () => {
  // This file imports it first; src/cli.ts does the same for the daemon.
  const { grouping, framing, produce, hash, idleTimer, concurrentTxnRetry } = kafkajsPatch;
  assert.deepEqual({ grouping, framing, produce, hash, idleTimer, concurrentTxnRetry }, { grouping: true, framing: true, produce: true, hash: true, idleTimer: true, concurrentTxnRetry: true }, kafkajsPatch.note ?? '');
  // kafkajs's default partitioner now hashes with it
  assert.equal(kafkajsModule('producer/partitioners/default/murmur2.js'), murmur2);
});

test('an idle request queue arms no timer; a pending request is checked at the end of a throttle, or in 10 ms', async () => {
  type Queue = RequestQueueLike & { destroy(): void; inflight: Map<number, unknown> };
  type QueueClass = new (a: Record<string, unknown>) => Queue;
  const args = { maxInFlightRequests: 1, requestTimeout: 30_000, enforceRequestTimeout: false, clientId: 't', broker: 'b:1', logger: { debug() {}, info() {}, warn() {}, error() {} } };
  // kafkajs's own: once checked, a 1 ms timer re-arms itself for ever with nothing pending.
  const Unpatched = original<QueueClass>('network/requestQueue/index.js');
  const before = new Unpatched(args);
  before.checkPendingRequests();
  assert.notEqual(before.throttleCheckTimeoutId, null, 'kafkajs 2.2.4 arms a timer with an empty queue (the defect the patch removes)');
  before.destroy();

  const Patched = kafkajsModule<QueueClass>('network/requestQueue/index.js');
  const q = new Patched(args);
  q.checkPendingRequests();
  assert.equal(q.throttleCheckTimeoutId, null, 'nothing pending, no timer');
  // A waiting request (the in-flight limit is reached) under a client-side throttle of 30 ms.
  q.inflight.set(1, {});
  const sent: string[] = [];
  q.pending.push({ send: () => sent.push('sent'), expectResponse: true, correlationId: 2 });
  q.throttledUntil = Date.now() + 30;
  q.scheduleCheckPendingRequests();
  assert.notEqual(q.throttleCheckTimeoutId, null, 'a pending request is checked later');
  q.inflight.clear();
  await new Promise((r) => setTimeout(r, 60));
  assert.deepEqual(sent, ['sent'], 'sent once the throttle ended');
  assert.equal(q.throttleCheckTimeoutId, null, 'and no timer after that: the queue is empty');
  q.destroy();
});

test('each connection looks for timed-out requests every second (kafkajs: every 100 ms), or at its request timeout when shorter', () => {
  type Queue = RequestQueueLike & { requestTimeoutIntervalId?: { _idleTimeout?: number } };
  type QueueClass = new (a: Record<string, unknown>) => Queue;
  const Patched = kafkajsModule<QueueClass>('network/requestQueue/index.js');
  const make = (requestTimeout: number) => new Patched({ maxInFlightRequests: null, requestTimeout, enforceRequestTimeout: true, clientId: 't', broker: 'b:1', logger: { debug() {} } });
  const slow = make(30_000), fast = make(200);
  slow.scheduleRequestTimeoutCheck();
  fast.scheduleRequestTimeoutCheck();
  try {
    assert.equal(slow.requestTimeoutIntervalId?._idleTimeout, 1000);
    assert.equal(fast.requestTimeoutIntervalId?._idleTimeout, 200);
  } finally {
    slow.destroy();
    fast.destroy();
  }
});

test('AddPartitionsToTxn: CONCURRENT_TRANSACTIONS is retried at a short backoff, other errors and a stuck broker are not hidden', async () => {
  const concurrent = Object.assign(new Error('another concurrent operation on the same transaction'), { type: 'CONCURRENT_TRANSACTIONS', retriable: true });
  let calls = 0;
  const m = retryConcurrentTransactions({ addPartitionsToTransaction: async (_t: unknown) => { calls++; if (calls < 3) throw concurrent; } }, 5, 1_000);
  const t0 = Date.now();
  await m.addPartitionsToTransaction([{ topic: 't', partitions: [{ partition: 0 }] }]);
  assert.equal(calls, 3);
  assert.ok(Date.now() - t0 < 300, 'two short backoffs, not the 300 ms generic retry');
  const other = retryConcurrentTransactions({ addPartitionsToTransaction: async (_t: unknown) => { throw Object.assign(new Error('fenced'), { type: 'INVALID_PRODUCER_EPOCH' }); } }, 5, 1_000);
  await assert.rejects(other.addPartitionsToTransaction([]), /fenced/);
  let stuckCalls = 0;
  const stuck = retryConcurrentTransactions({ addPartitionsToTransaction: async (_t: unknown) => { stuckCalls++; throw concurrent; } }, 5, 60);
  await assert.rejects(stuck.addPartitionsToTransaction([]), /concurrent operation/);
  assert.ok(stuckCalls > 2 && stuckCalls < 40, `retried for its bound, then let through (${stuckCalls} calls)`);
});

test("the default partitioner: kafkajs's choice for keyed and placed messages; keyless ones round robin over partitions with a leader", () => {
  const kafkajsPartitioner = original<(hash: (k: unknown) => number) => () => (a: unknown) => number>('producer/partitioners/legacy/partitioner.js');
  const theirs = kafkajsPartitioner(kafkajsMurmur2)();
  let start = 41;
  const ours = defaultPartitioner(murmur2, () => start)();
  const meta = (n: number, down: number[] = []) => Array.from({ length: n }, (_, i) => ({ partitionId: i, leader: down.includes(i) ? -1 : 1 }));
  for (let i = 0; i < 2000; i++) {
    const partitionMetadata = meta(1 + (i % 12), i % 5 === 0 ? [0, 2] : []);
    const message = i % 7 === 0 ? { key: Buffer.from(`k${i}`), partition: i % partitionMetadata.length } : { key: i % 3 === 0 ? `id-${i}` : Buffer.from([i & 255, i >> 8, 7]) };
    const args = { topic: `t${i % 3}`, partitionMetadata, message };
    assert.equal(ours(args), theirs(args), JSON.stringify(args));
  }
  // Without key or partition: the available partitions in turn from the topic's start; none available: all in turn.
  start = 5;
  const rr = defaultPartitioner(murmur2, () => start)();
  const picks = (n: number, partitionMetadata: ReturnType<typeof meta>) => Array.from({ length: n }, () => rr({ topic: 'keyless', partitionMetadata, message: { key: null } }));
  assert.deepEqual(picks(4, meta(4, [1])), [0, 2, 3, 0], 'counter 6, 7, 8, 9 over partitions 0, 2, 3');
  assert.deepEqual(picks(3, meta(3, [0, 1, 2])), [1, 2, 0], 'counter 10, 11, 12 over all three');
});
