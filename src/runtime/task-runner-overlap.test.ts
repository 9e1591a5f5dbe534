/**
 * Overlapped commits of the task runner (units with commitInBackground: chunks of the chunked
 * snapshot): the next unit is polled and converted while the previous transaction commits, the
 * next transaction begins only after that commit succeeded, and a failed commit lets no later
 * offset commit.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Kafka } from 'kafkajs';
import { TaskRunner } from './task-runner.ts';
import type { RecordSet } from '../kafka/record-set.ts';
import { noopTaskMetrics } from '../metrics/task-metrics.ts';
import { createHeaderConverter } from '../serde/header-converter.ts';
import type { Converter } from '../serde/converter.ts';
import type { OutRecord, TxnProducer } from '../kafka/txn-producer.ts';
import type { TopicManager } from '../kafka/topics.ts';
import type { Logger } from '../log/logger.ts';
import type { ParsedConfig } from '../config/define.ts';
import type { SourceRecord, SourceUnit } from '../events/record.ts';
import type { SourceTask } from './source-task.ts';
import type { InternalTopics } from './internal-topics.ts';

const log: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => log };
const emptyKafka = { admin: () => ({ connect: async () => undefined, disconnect: async () => undefined, fetchTopicOffsets: async () => [{ partition: 0, high: '0', low: '0', offset: '0' }] }) } as unknown as Kafka;
const noInternal: InternalTopics = { declare: async () => { throw new Error('not used'); }, isDeclared: () => false };
const partition = { server: 'db' };

interface Txn { no: number; sent: OutRecord[]; outcome: 'open' | 'committed' | 'aborted' }

/**
 * A producer whose commits take `commitMs` and record their end in `events`; commit number
 * `failCommitNo` fails. `begin` records too, so the test sees when each transaction starts.
 */
function slowProducer(events: string[], commitMs: number, failCommitNo?: number): TxnProducer & { txns: Txn[] } {
  const txns: Txn[] = [];
  return {
    transactionalId: 'cdc-c-0', txns,
    start: async () => undefined, stop: async () => undefined, reset: async () => undefined,
    begin: async () => {
      const t: Txn = { no: txns.length + 1, sent: [], outcome: 'open' };
      txns.push(t);
      events.push(`begin ${t.no}`);
      return {
        send: async (rs) => { t.sent.push(...rs); },
        sendSet: async (set) => { t.sent.push(...set.records()); },
        commit: async () => {
          events.push(`commit ${t.no} start`);
          await new Promise((r) => setTimeout(r, commitMs));
          if (t.no === failCommitNo) { events.push(`commit ${t.no} failed`); throw new Error('broker gone'); }
          t.outcome = 'committed';
          events.push(`commit ${t.no} done`);
        },
        abort: async () => { t.outcome = 'aborted'; },
      };
    },
  };
}

/** A task handing out one chunk unit per poll, in order; it records polls and acknowledgements. */
function chunkTask(events: string[], units: SourceUnit[]): SourceTask & { acked: unknown[] } {
  const acked: unknown[] = [];
  let next = 0;
  let done = false;
  return {
    acked,
    start: async () => undefined,
    poll: async () => {
      if (next >= units.length) { done = true; return []; }
      events.push(`poll ${next + 1}`);
      return [units[next++]!];
    },
    committed: (_p, o) => { acked.push(o); events.push(`acked ${JSON.stringify(o)}`); },
    finished: () => done,
    stop: async () => undefined,
  };
}

function chunk(no: number, background = true): SourceUnit {
  return {
    records: [{ topic: 'db.t', keySchema: null, key: { id: no }, valueSchema: null, value: { chunk: no } }],
    partition, offset: { chunk: no }, commitAfter: true, ...(background ? { commitInBackground: true } : {}),
  };
}

function runner(task: SourceTask, producer: TxnProducer, events: string[], metrics = noopTaskMetrics(), sendBatch = 100): TaskRunner {
  const converter: Converter = {
    fromConnectData: async (_topic, isKey, _s, v) => {
      if (!isKey) events.push(`convert ${(v as { chunk: number }).chunk}`);
      return Buffer.from(JSON.stringify(v));
    },
  };
  const topics = { ensureCompacted: async () => undefined, ensure: async () => undefined } as unknown as TopicManager;
  return new TaskRunner({
    connectorName: 'c', taskId: 0, config: {} as ParsedConfig, task, kafka: emptyKafka, producer, topics, dataTopicSpec: null,
    offsetTopics: { primary: 'offsets', secondary: null }, offsetsTopicSpec: { partitions: 1, replicationFactor: 1 },
    keyConverter: converter, valueConverter: converter, headerConverter: createHeaderConverter(undefined),
    errors: { tolerance: 'none', logEnable: false, includeMessages: false, retryTimeoutMs: 0, retryDelayMaxMs: 0 },
    internalTopics: noInternal, log, metrics,
    limits: { sendBatch, txnMaxRecords: sendBatch, txnMaxMs: 60_000, pollMs: 10 },
  });
}

test('the next chunk is polled and converted while the previous chunk\'s transaction commits; its transaction begins only after that commit', async () => {
  const events: string[] = [];
  const producer = slowProducer(events, 100);
  const task = chunkTask(events, [chunk(1), chunk(2), chunk(3)]);
  await runner(task, producer, events).run(new AbortController().signal);
  const at = (e: string): number => { const i = events.indexOf(e); assert.ok(i >= 0, `${e} in ${events.join(', ')}`); return i; };
  // The overlap: chunk 2 is read from the task and encoded before chunk 1's commit ended.
  assert.ok(at('poll 2') < at('commit 1 done'), events.join(', '));
  assert.ok(at('convert 2') < at('commit 1 done'), events.join(', '));
  assert.ok(at('convert 3') < at('commit 2 done'), events.join(', '));
  // One Kafka transaction at a time, in order, each acknowledged before the next begins.
  assert.ok(at('commit 1 done') < at('begin 2') && at('commit 2 done') < at('begin 3'), events.join(', '));
  assert.ok(at('acked {"chunk":1}') < at('begin 2'), events.join(', '));
  assert.deepEqual(task.acked, [{ chunk: 1 }, { chunk: 2 }, { chunk: 3 }]);
  assert.deepEqual(producer.txns.map((t) => t.outcome), ['committed', 'committed', 'committed']);
  // Each chunk's records and its offset in its own transaction.
  assert.deepEqual(producer.txns.map((t) => t.sent.map((r) => `${r.topic}:${r.value!.toString()}`)), [1, 2, 3].map((n) => [
    `db.t:{"chunk":${n}}`, `offsets:{"chunk":${n}}`,
  ]));
});

test('a unit without commitInBackground commits before the next poll (as before)', async () => {
  const events: string[] = [];
  const producer = slowProducer(events, 20);
  const task = chunkTask(events, [chunk(1, false), chunk(2, false)]);
  await runner(task, producer, events).run(new AbortController().signal);
  const at = (e: string): number => events.indexOf(e);
  assert.ok(at('commit 1 done') < at('poll 2'), events.join(', '));
  assert.deepEqual(task.acked, [{ chunk: 1 }, { chunk: 2 }]);
});

test('a failed background commit fails the run before a later chunk is sent: no later offset commits, nothing is acknowledged', async () => {
  const events: string[] = [];
  const producer = slowProducer(events, 50, 1);
  const task = chunkTask(events, [chunk(1), chunk(2), chunk(3)]);
  await assert.rejects(runner(task, producer, events).run(new AbortController().signal), /broker gone/);
  // Chunk 2 was converted meanwhile (the overlap) but never reached Kafka.
  assert.ok(events.indexOf('convert 2') >= 0 && events.indexOf('convert 2') < events.indexOf('commit 1 failed'), events.join(', '));
  assert.equal(producer.txns.length, 1, `no transaction after the failed one: ${events.join(', ')}`);
  assert.equal(producer.txns[0]!.outcome, 'aborted');
  assert.ok(producer.txns.every((t) => t.sent.every((r) => !r.value!.toString().includes('"chunk":2'))));
  assert.deepEqual(task.acked, []);
});

test('the offset trailer rides in the last produce request; a request stays below 512 KiB', async () => {
  const requests: Record<string, number>[] = [];
  const producer: TxnProducer = {
    transactionalId: 'cdc-c-0', start: async () => undefined, stop: async () => undefined, reset: async () => undefined,
    begin: async () => ({
      send: async () => { throw new Error('not used'); },
      sendSet: async (set) => {
        const counts: Record<string, number> = {};
        for (const r of set.records()) counts[r.topic] = (counts[r.topic] ?? 0) + 1;
        requests.push(counts);
      },
      commit: async () => undefined, abort: async () => undefined,
    }),
  };
  const big = (i: number): SourceRecord => ({ topic: 'db.t', keySchema: null, key: { id: i }, valueSchema: null, value: { pad: 'x'.repeat(200 * 1024) } });
  const units: SourceUnit[] = [
    { records: Array.from({ length: 1024 }, (_, i) => ({ topic: 'db.t', keySchema: null, key: { id: i }, valueSchema: null, value: { chunk: i } })), partition, offset: { upTo: 1 }, commitAfter: true },
    { records: Array.from({ length: 10 }, (_, i) => big(i)), partition, offset: { upTo: 2 }, commitAfter: true },
  ];
  await runner(chunkTask([], units), producer, [], noopTaskMetrics(), 2048).run(new AbortController().signal);
  // A default chunk (1,024 rows) and its offset: one produce request.
  assert.deepEqual(requests[0], { 'db.t': 1024, offsets: 1 });
  // Records of ~200 KiB: two to a request, the offset with the last two.
  assert.deepEqual(requests.slice(1), [{ 'db.t': 2 }, { 'db.t': 2 }, { 'db.t': 2 }, { 'db.t': 2 }, { 'db.t': 2, offsets: 1 }]);
});

/** A producer whose sends take `sendMs` each and log their start and end; send number `failSendNo` fails. */
function slowSendProducer(events: string[], sendMs: number, failSendNo?: number): TxnProducer & { inFlightMax: number; txns: Txn[] } {
  const txns: Txn[] = [];
  let sends = 0, inFlight = 0;
  const p = {
    transactionalId: 'cdc-c-0', txns, inFlightMax: 0,
    start: async () => undefined, stop: async () => undefined, reset: async () => undefined,
    begin: async () => {
      const t: Txn = { no: txns.length + 1, sent: [], outcome: 'open' };
      txns.push(t);
      return {
        sendSet: async (set: RecordSet) => send(set.records()),
        send: async (rs: readonly OutRecord[]) => send(rs),
        commit: async () => { events.push(`commit ${t.no}`); t.outcome = 'committed'; },
        abort: async () => { events.push(`abort ${t.no} (in flight: ${inFlight})`); t.outcome = 'aborted'; },
      };
      async function send(rs: readonly OutRecord[]): Promise<void> {
          const no = ++sends;
          inFlight++;
          p.inFlightMax = Math.max(p.inFlightMax, inFlight);
          events.push(`send ${no} start`);
          await new Promise((r) => setTimeout(r, sendMs));
          inFlight--;
          if (no === failSendNo) { events.push(`send ${no} failed`); throw new Error('produce refused'); }
          t.sent.push(...rs);
          events.push(`send ${no} end`);
      }
    },
  };
  return p;
}

/** One unit of `n` records (values {chunk: i}), committed after it. */
function bigUnit(n: number): SourceUnit {
  return {
    records: Array.from({ length: n }, (_, i) => ({ topic: 'db.t', keySchema: null, key: { id: i }, valueSchema: null, value: { chunk: i } })),
    partition, offset: { upTo: n }, commitAfter: true,
  };
}

test('inside a transaction the next records are converted while the previous produce request is in flight; one request at a time, in order, the commit after the last', async () => {
  const events: string[] = [];
  const producer = slowSendProducer(events, 30);
  const task = chunkTask(events, [bigUnit(350)]);
  await runner(task, producer, events).run(new AbortController().signal);
  const at = (e: string): number => { const i = events.indexOf(e); assert.ok(i >= 0, `${e} in ${events.join(', ')}`); return i; };
  // sendBatch is 100: the records 100..199 are converted while the first request (0..99) is under way.
  assert.ok(at('send 1 start') < at('convert 150') && at('convert 150') < at('send 1 end'), events.join(', '));
  assert.equal(producer.inFlightMax, 1, 'never two produce requests at once (kafkajs numbers records when it builds a request)');
  for (let i = 1; i < 4; i++) assert.ok(at(`send ${i} end`) < at(`send ${i + 1} start`), events.join(', '));
  assert.ok(at('send 4 end') < at('commit 1'), events.join(', '));
  assert.deepEqual(producer.txns[0]!.sent.map((r) => r.topic === 'offsets' ? 'offset' : JSON.parse(r.value!.toString()).chunk), [...Array.from({ length: 350 }, (_, i) => i), 'offset']);
  assert.deepEqual(task.acked, [{ upTo: 350 }]);
});

test('a produce request that fails while the next records are converted fails the run: the transaction aborts once the request ended, nothing is acknowledged', async () => {
  const events: string[] = [];
  const producer = slowSendProducer(events, 30, 2);
  const task = chunkTask(events, [bigUnit(350)]);
  await assert.rejects(runner(task, producer, events).run(new AbortController().signal), /produce refused/);
  assert.ok(events.includes('abort 1 (in flight: 0)'), events.join(', '));
  assert.ok(!events.some((e) => e.startsWith('send 3')), `no request after the failed one: ${events.join(', ')}`);
  assert.ok(!events.includes('commit 1'), events.join(', '));
  assert.deepEqual(task.acked, []);
});

test('lazyRecords are built as the runner converts them, after the unit\'s records, and counted as polled', async () => {
  const events: string[] = [];
  const producer = slowSendProducer(events, 30);
  function* reads(): Generator<SourceRecord> {
    for (let i = 0; i < 250; i++) {
      events.push(`build ${i}`);
      yield { topic: 'db.t', keySchema: null, key: { id: i }, valueSchema: null, value: { chunk: i, op: 'r', source: {} } };
    }
  }
  const unit: SourceUnit = {
    records: [{ topic: 'db.t', keySchema: null, key: { id: -1 }, valueSchema: null, value: { chunk: -1, op: 'c', source: {} } }],
    lazyRecords: reads(), partition, offset: { upTo: 250 }, commitAfter: true,
  };
  const polled: number[] = [];
  const ops: string[] = [];
  const metrics = { ...noopTaskMetrics(), recordsPolled: (n: number) => { polled.push(n); }, changeEvents: (op: string, n: number) => { ops.push(`${op} ${n}`); } };
  const task = chunkTask(events, [unit]);
  await runner(task, producer, events, metrics).run(new AbortController().signal);
  const at = (e: string): number => { const i = events.indexOf(e); assert.ok(i >= 0, `${e} in ${events.join(', ')}`); return i; };
  // Pulled one by one: record 150 is built only once the first request (records -1..98) is under way.
  assert.ok(at('build 0') > at('poll 1') && at('send 1 start') < at('build 150'), events.join(', '));
  assert.ok(at('build 150') < at('convert 150') && at('convert 149') < at('build 150'), events.join(', '));
  assert.deepEqual(producer.txns[0]!.sent.map((r) => r.topic === 'offsets' ? 'offset' : JSON.parse(r.value!.toString()).chunk), [-1, ...Array.from({ length: 250 }, (_, i) => i), 'offset']);
  assert.equal(polled.reduce((a, b) => a + b, 0), 251);
  assert.deepEqual(ops.sort(), ['c 1', 'r 250']);
  assert.deepEqual(task.acked, [{ upTo: 250 }]);
});
