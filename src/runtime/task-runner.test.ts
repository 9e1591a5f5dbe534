import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Kafka } from 'kafkajs';
import { TaskRunner } from './task-runner.ts';
import { noopTaskMetrics } from '../metrics/task-metrics.ts';
import { createHeaderConverter } from '../serde/header-converter.ts';
import type { Converter } from '../serde/converter.ts';
import type { OutRecord, TxnProducer } from '../kafka/txn-producer.ts';
import type { TopicManager } from '../kafka/topics.ts';
import type { Logger } from '../log/logger.ts';
import type { ParsedConfig } from '../config/define.ts';
import type { JsonMap, SourceUnit } from '../events/record.ts';
import { DeferredOffsetUnit } from '../events/deferred-offset.ts';
import type { SourceTask, SourceTaskContext } from './source-task.ts';
import type { InternalTopic, InternalTopics, InternalTopicSpec } from './internal-topics.ts';

const log: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => log };
/** Enough Kafka for readOffsets: an empty offsets topic. */
const emptyKafka = { admin: () => ({ connect: async () => undefined, disconnect: async () => undefined, fetchTopicOffsets: async () => [{ partition: 0, high: '0', low: '0', offset: '0' }] }) } as unknown as Kafka;

interface Txn { sent: OutRecord[]; outcome: 'open' | 'committed' | 'aborted' }

function recordingProducer(failCommitNo?: number): TxnProducer & { txns: Txn[] } {
  const txns: Txn[] = [];
  return {
    transactionalId: 'cdc-c-0', txns,
    start: async () => undefined, stop: async () => undefined, reset: async () => undefined,
    begin: async () => {
      const t: Txn = { sent: [], outcome: 'open' };
      txns.push(t);
      return {
        send: async (rs) => { t.sent.push(...rs); },
        sendSet: async (set) => { t.sent.push(...set.records()); },
        commit: async () => { if (txns.length === failCommitNo) throw new Error('broker gone'); t.outcome = 'committed'; },
        abort: async () => { t.outcome = 'aborted'; },
      };
    },
  };
}

class SpyInternalTopics implements InternalTopics {
  readonly declared: InternalTopicSpec[] = [];
  async declare(spec: InternalTopicSpec): Promise<InternalTopic> {
    this.declared.push(spec);
    return { name: spec.name, readAll: async () => 0 };
  }
  isDeclared(topic: string): boolean { return this.declared.some((s) => s.name === topic); }
}

/** A task that declares "history" in start() and then hands out the given units once. */
function scriptedTask(units: SourceUnit[], opts: { declare?: boolean } = {}): SourceTask & { committedOffsets: unknown[] } {
  let given = false;
  let done = false;
  const committedOffsets: unknown[] = [];
  return {
    committedOffsets,
    start: async (ctx: SourceTaskContext) => {
      if (opts.declare !== false) await ctx.internalTopics.declare({ name: 'history', cleanupPolicy: 'delete', configs: { 'retention.ms': '-1' } });
    },
    poll: async () => {
      if (given) { done = true; return []; }
      given = true;
      return units;
    },
    committed: (_p, o) => { committedOffsets.push(o); },
    finished: () => done,
    stop: async () => undefined,
  };
}

/** Converters that would corrupt an internal record if it went through them. */
const jsonish: Converter = { fromConnectData: async (topic, isKey, _s, v) => Buffer.from(`${topic}:${isKey ? 'k' : 'v'}:${JSON.stringify(v)}`) };

function runner(task: SourceTask, producer: TxnProducer, internal: InternalTopics, ensured: string[][] = [], opts: { converter?: Converter; tolerance?: 'none' | 'all' } = {}): TaskRunner {
  const topics = { ensureCompacted: async () => undefined, ensure: async (ts: Iterable<string>) => { ensured.push([...ts]); } } as unknown as TopicManager;
  return new TaskRunner({
    connectorName: 'c', taskId: 0, config: {} as ParsedConfig, task, kafka: emptyKafka, producer, topics, dataTopicSpec: null,
    offsetTopics: { primary: 'offsets', secondary: null }, offsetsTopicSpec: { partitions: 1, replicationFactor: 1 },
    keyConverter: opts.converter ?? jsonish, valueConverter: opts.converter ?? jsonish, headerConverter: createHeaderConverter(undefined),
    errors: { tolerance: opts.tolerance ?? 'none', logEnable: false, includeMessages: false, retryTimeoutMs: 0, retryDelayMaxMs: 0 },
    internalTopics: internal, log, metrics: noopTaskMetrics(),
    limits: { sendBatch: 100, txnMaxRecords: 100, txnMaxMs: 60_000, pollMs: 10 },
  });
}

const partition = { server: 'db' };
const dataRecord = { topic: 'db.t', keySchema: null, key: { id: 1 }, valueSchema: null, value: { after: 1 } };
const historyUnit: SourceUnit = {
  records: [dataRecord], partition, offset: { pos: 2 },
  internalRecords: [{ topic: 'history', key: '{"server":"db"}', value: '{"ddl":"ALTER TABLE t ADD c INT"}' }],
};

test('internal records go out raw, first, in the same transaction as the data records and the offset', async () => {
  const producer = recordingProducer();
  const internal = new SpyInternalTopics();
  const ensured: string[][] = [];
  const task = scriptedTask([historyUnit]);
  await runner(task, producer, internal, ensured).run(new AbortController().signal);
  assert.deepEqual(internal.declared.map((s) => s.name), ['history']);
  assert.equal(producer.txns.length, 1);
  const [t] = producer.txns;
  assert.equal(t!.outcome, 'committed');
  assert.deepEqual(t!.sent.map((r) => r.topic), ['history', 'db.t', 'offsets']);
  assert.equal(t!.sent[0]!.value!.toString(), '{"ddl":"ALTER TABLE t ADD c INT"}', 'no converter touched it');
  assert.equal(t!.sent[0]!.key!.toString(), '{"server":"db"}');
  assert.equal(t!.sent[1]!.value!.toString(), 'db.t:v:{"after":1}');
  assert.deepEqual(task.committedOffsets, [{ pos: 2 }]);
  assert.ok(!ensured.flat().includes('history'), 'an internal topic is not created with the data topic spec');
});

test('a failed commit aborts the internal records with the data: nothing of the unit is acknowledged', async () => {
  const producer = recordingProducer(1);
  const task = scriptedTask([historyUnit]);
  await assert.rejects(runner(task, producer, new SpyInternalTopics()).run(new AbortController().signal), /broker gone/);
  assert.equal(producer.txns[0]!.outcome, 'aborted');
  assert.ok(producer.txns[0]!.sent.some((r) => r.topic === 'history'));
  assert.deepEqual(task.committedOffsets, []);
});

test('a record for an internal topic the task never declared fails the task (a plugin defect), before anything commits', async () => {
  const producer = recordingProducer();
  const task = scriptedTask([historyUnit], { declare: false });
  await assert.rejects(runner(task, producer, new SpyInternalTopics()).run(new AbortController().signal), (err: Error & { code?: string }) => err.code === 'CDC_INTERNAL_TOPIC_UNDECLARED');
  assert.ok(producer.txns.every((t) => t.outcome !== 'committed'));
});

test('the context hands the task the runtime\'s internal topics service', async () => {
  let seen: InternalTopics | null = null;
  const internal = new SpyInternalTopics();
  const task: SourceTask = { start: async (ctx) => { seen = ctx.internalTopics; }, poll: async () => [], committed() {}, finished: () => true, stop: async () => undefined };
  await runner(task, recordingProducer(), internal).run(new AbortController().signal);
  assert.equal(seen, internal);
});

test('a converter that answers at once is used without its promise; one that cannot, or fails, goes the errors.* way', async () => {
  const calls = { now: 0, later: 0 };
  const bytes = (topic: string, isKey: boolean, v: unknown) => Buffer.from(`${topic}:${isKey ? 'k' : 'v'}:${JSON.stringify(v)}`);
  const converter: Converter = {
    fromConnectData: async (topic, isKey, _s, v) => {
      calls.later++;
      if ((v as { bad?: boolean }).bad) throw new Error('cannot convert');
      return bytes(topic, isKey, v);
    },
    fromConnectDataNow: (topic, isKey, _s, v) => {
      calls.now++;
      const x = v as { bad?: boolean; slow?: boolean };
      return x.bad || x.slow ? undefined : bytes(topic, isKey, v);
    },
  };
  const rec = (value: object) => ({ topic: 'db.t', keySchema: null, key: { id: 1 }, valueSchema: null, value });
  const unit: SourceUnit = { records: [rec({ n: 1 }), rec({ n: 2, slow: true }), rec({ n: 3, bad: true }), rec({ n: 4 })], partition, offset: { pos: 9 } };
  const producer = recordingProducer();
  const task = scriptedTask([unit]);
  await runner(task, producer, new SpyInternalTopics(), [], { converter, tolerance: 'all' }).run(new AbortController().signal);
  const [t] = producer.txns;
  assert.deepEqual(t!.sent.filter((r) => r.topic === 'db.t').map((r) => r.value!.toString()),
    ['db.t:v:{"n":1}', 'db.t:v:{"n":2,"slow":true}', 'db.t:v:{"n":4}'], 'in order; the failing record skipped under errors.tolerance=all');
  // Keys answer at once for all four; values for n=1 and n=4. The slow and the bad record go the full
  // way: key and value again through fromConnectData (the bad one fails at its value).
  assert.equal(calls.later, 4);
  assert.deepEqual(task.committedOffsets, [{ pos: 9 }]);
});

test('only the last unit of a partition in a transaction has its offset built, at the commit', async () => {
  const built: number[] = [];
  class Lazy extends DeferredOffsetUnit {
    readonly #pos: number;
    constructor(pos: number, p: JsonMap) { super([{ ...dataRecord, key: { id: pos } }], p); this.#pos = pos; }
    protected buildOffset(): JsonMap { built.push(this.#pos); return { pos: this.#pos }; }
  }
  const lazy = (pos: number, p: JsonMap = partition): SourceUnit => new Lazy(pos, p);
  const other = { server: 'other' };
  const producer = recordingProducer();
  const task = scriptedTask([lazy(1), lazy(2), lazy(3, other), lazy(4), lazy(5)], { declare: false });
  await runner(task, producer, new SpyInternalTopics()).run(new AbortController().signal);
  assert.equal(producer.txns.length, 1);
  assert.deepEqual(built.sort(), [3, 5], 'units 1, 2 and 4 were superseded before the commit: never built');
  const offsets = producer.txns[0]!.sent.filter((r) => r.topic === 'offsets').map((r) => JSON.parse(r.value!.toString()));
  assert.deepEqual(offsets.sort((a, b) => a.pos - b.pos), [{ pos: 3 }, { pos: 5 }]);
  assert.deepEqual(task.committedOffsets, [{ pos: 5 }, { pos: 3 }]);
});

test('a unit without an offset fails the task as a plugin defect, before anything commits', async () => {
  const producer = recordingProducer();
  const task = scriptedTask([{ records: [dataRecord], partition } as unknown as SourceUnit], { declare: false });
  await assert.rejects(runner(task, producer, new SpyInternalTopics()).run(new AbortController().signal), /CDC_UNIT_WITHOUT_OFFSET/);
  assert.ok(producer.txns.every((t) => t.outcome !== 'committed'));
});
