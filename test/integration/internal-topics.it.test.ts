/**
 * Internal topics a plugin owns (src/runtime/internal-topics.ts), against the real broker:
 * a test-only task declares a history topic, hands out units whose internalRecords belong
 * to them, and fails with one unit still in its open transaction. read_committed readers
 * must then see the history entry, the change event and the offset of the committed unit
 * and nothing of the aborted one; the next task reads exactly that history back in start(),
 * before it streams, and resumes from that offset. An existing topic with the wrong
 * retention is refused instead of being used.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { kafkaFor, readToEnd } from '../helpers/kafka-reader.ts';
import { stackEnv, SKIP_REASON } from '../helpers/stack-env.ts';
import { TaskRunner } from '../../src/runtime/task-runner.ts';
import { KafkaTxnProducer } from '../../src/kafka/txn-producer.ts';
import { TopicManager } from '../../src/kafka/topics.ts';
import { KafkaInternalTopics, type InternalTopicSpec } from '../../src/runtime/internal-topics.ts';
import { silentLogger } from '../../src/log/logger.ts';
import { noopTaskMetrics } from '../../src/metrics/task-metrics.ts';
import { createHeaderConverter } from '../../src/serde/header-converter.ts';
import { SourceError } from '../../src/errors/cdc-error.ts';
import type { Converter } from '../../src/serde/converter.ts';
import type { ParsedConfig } from '../../src/config/define.ts';
import type { SourceUnit } from '../../src/events/record.ts';
import type { SourceTask, SourceTaskContext } from '../../src/runtime/source-task.ts';
import type { Kafka } from 'kafkajs';

const env = stackEnv();
const log = silentLogger();
const partition = { server: 'it' };
/** The data records' converter is not under test here: plain JSON text. */
const jsonText: Converter = { fromConnectData: async (_t, _k, _s, v) => Buffer.from(JSON.stringify(v)) };

/** A test-only source task that owns a schema-history-like topic. */
class HistoryOwningTask implements SourceTask {
  history: string[] = [];
  resumedFrom: unknown = undefined;
  committedOffsets: unknown[] = [];
  private step = 0;
  private done = false;

  constructor(private readonly spec: InternalTopicSpec, private readonly script: (SourceUnit | Error)[]) {}

  async start(ctx: SourceTaskContext): Promise<void> {
    const topic = await ctx.internalTopics.declare(this.spec);
    await topic.readAll((r) => { this.history.push(r.value!.toString('utf8')); });
    this.resumedFrom = ctx.offsets.get(partition);
  }

  async poll(): Promise<SourceUnit[]> {
    const next = this.script[this.step++];
    if (next === undefined) { this.done = true; return []; }
    if (next instanceof Error) throw next;
    return [next];
  }

  committed(_p: unknown, offset: unknown): void { this.committedOffsets.push(offset); }
  finished(): boolean { return this.done; }
  async stop(): Promise<void> {}
}

function unit(n: number, history: string, topics: { data: string; history: string }, commitAfter: boolean): SourceUnit {
  return {
    records: [{ topic: topics.data, keySchema: null, key: { n }, valueSchema: null, value: { n, after: `row ${n}` } }],
    internalRecords: [{ topic: topics.history, key: '{"server":"it"}', value: history }],
    partition, offset: { n }, ...(commitAfter ? { commitAfter: true } : {}),
  };
}

function runner(kafka: Kafka, topics: TopicManager, task: SourceTask, ids: { connector: string; offsets: string }): { runner: TaskRunner; producer: KafkaTxnProducer } {
  const producer = new KafkaTxnProducer({ kafka, transactionalId: `it-${ids.connector}-0`, settings: { compression: 'none', maxRequestBytes: 1_048_576, transactionTimeoutMs: 60_000 }, log });
  const r = new TaskRunner({
    connectorName: ids.connector, taskId: 0, config: {} as ParsedConfig, task, kafka, producer, topics,
    dataTopicSpec: () => ({ partitions: 1, replicationFactor: 1 }),
    offsetTopics: { primary: ids.offsets, secondary: null }, offsetsTopicSpec: { partitions: 1, replicationFactor: 1 },
    keyConverter: jsonText, valueConverter: jsonText, headerConverter: createHeaderConverter(undefined),
    errors: { tolerance: 'none', logEnable: false, includeMessages: false, retryTimeoutMs: 0, retryDelayMaxMs: 0 },
    log, metrics: noopTaskMetrics(),
    // Nothing commits by age or size: only commitAfter closes a transaction.
    limits: { sendBatch: 100, txnMaxRecords: 1000, txnMaxMs: 600_000, pollMs: 50 },
  });
  return { runner: r, producer };
}

test('internal records commit and abort with the data and offsets, and are read back before streaming', { skip: env ? false : SKIP_REASON, timeout: 180_000 }, async () => {
  const kafka = kafkaFor(env!);
  const id = randomUUID().slice(0, 8);
  const names = { data: `it-internal-data-${id}`, history: `it-internal-history-${id}` };
  const ids = { connector: `internal-${id}`, offsets: `it-internal-offsets-${id}` };
  const spec: InternalTopicSpec = { name: names.history, cleanupPolicy: 'delete', configs: { 'retention.ms': '-1', 'retention.bytes': '-1' } };
  const topics = new TopicManager({ kafka, log });
  try {
    // Run 1: unit 1 commits; unit 2 is in the open transaction when the source fails.
    const first = new HistoryOwningTask(spec, [unit(1, 'ddl 1', names, true), unit(2, 'ddl 2', names, false), new SourceError({ code: 'CDC_TEST', what: 'source dropped', retriable: true })]);
    const one = runner(kafka, topics, first, ids);
    await assert.rejects(one.runner.run(new AbortController().signal), /source dropped/);
    await one.producer.stop();
    assert.deepEqual(first.history, [], 'a new topic reads back empty');
    assert.deepEqual(first.committedOffsets, [{ n: 1 }], 'only the committed unit is acknowledged to the source');

    const history = await readToEnd(env!, [names.history], { decodeAvro: false });
    assert.deepEqual(history.map((r) => r.rawValue!.toString()), ['ddl 1'], 'the aborted unit\'s history entry is invisible to read_committed');
    const data = await readToEnd(env!, [names.data], { decodeAvro: false });
    assert.deepEqual(data.map((r) => JSON.parse(r.rawValue!.toString()).n), [1]);

    // Run 2: history and offset come back as committed; a new entry joins them.
    const second = new HistoryOwningTask(spec, [{ records: [], internalRecords: [{ topic: names.history, key: null, value: 'ddl 3' }], partition, offset: { n: 3 }, commitAfter: true }]);
    const two = runner(kafka, topics, second, ids);
    await two.runner.run(new AbortController().signal);
    await two.producer.stop();
    assert.deepEqual(second.history, ['ddl 1']);
    assert.deepEqual(second.resumedFrom, { n: 1 });
    const after = await readToEnd(env!, [names.history], { decodeAvro: false });
    assert.deepEqual(after.map((r) => r.rawValue!.toString()), ['ddl 1', 'ddl 3']);
  } finally {
    await topics.close();
  }
});

test('an existing internal topic whose retention would drop the history is refused with what to change', { skip: env ? false : SKIP_REASON, timeout: 120_000 }, async () => {
  const kafka = kafkaFor(env!);
  const name = `it-internal-short-${randomUUID().slice(0, 8)}`;
  const admin = kafka.admin();
  await admin.connect();
  const topics = new TopicManager({ kafka, log });
  try {
    await admin.createTopics({ topics: [{ topic: name, numPartitions: 1, replicationFactor: 1, configEntries: [{ name: 'retention.ms', value: '604800000' }] }], waitForLeaders: true });
    const service = new KafkaInternalTopics({ kafka, topics, connectorName: 'short' });
    await assert.rejects(service.declare({ name, cleanupPolicy: 'delete', configs: { 'retention.ms': '-1' } }), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'CDC_INTERNAL_TOPIC_MISMATCH');
      assert.match(err.message, /retention\.ms=604800000 where it needs -1/);
      assert.match(err.message, /--add-config retention\.ms=-1,cleanup\.policy=delete/);
      return true;
    });
    assert.equal(service.isDeclared(name), false);
  } finally {
    await admin.disconnect();
    await topics.close();
  }
});
