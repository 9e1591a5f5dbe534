import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Kafka } from 'kafkajs';
import { recordingLogger } from '../../test/doubles/recording-logger.ts';
import { logStateChange, positionSummary } from './state-change-log.ts';
import { ConnectorInstance } from './connector-instance.ts';
import { noopTaskMetrics } from '../metrics/task-metrics.ts';
import { createHeaderConverter } from '../serde/header-converter.ts';
import type { StatusStore } from '../cluster/status-store.ts';
import type { SourceConnectorPlugin } from './source-task.ts';
import type { ParsedConfig } from '../config/define.ts';
import type { TopicManager } from '../kafka/topics.ts';
import type { Converter } from '../serde/converter.ts';

test('one JSON-ready line with connector, task, state, position and reason; level by state', () => {
  const { log, lines } = recordingLogger();
  logStateChange(log, { connector: 'orders', task: 0, state: 'FAILED', reason: 'CDC_PG_AUTH: denied\n  at connector "orders"', position: [{ lsn: 123, txId: 7, lsn_commit: null }] }, { connector: false });
  logStateChange(log, { connector: 'orders', state: 'PAUSED' }, { connector: false });
  assert.deepEqual(lines.map((l) => [l.level, l.obj, l.msg]), [
    ['error', { connector: 'orders', task: 0, state: 'FAILED', position: { lsn: 123, txId: 7, lsn_commit: null }, reason: 'CDC_PG_AUTH: denied' }, 'task orders-0 is FAILED'],
    ['info', { connector: 'orders', state: 'PAUSED' }, 'connector orders is PAUSED'],
  ]);
});

test('position: the committed offset, at most 8 fields each; unknown before the first commit', () => {
  assert.equal(positionSummary(null), undefined);
  assert.equal(positionSummary([]), undefined);
  const wide = Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`k${i}`, i]));
  assert.equal(Object.keys(positionSummary([wide]) as object).length, 8);
  assert.deepEqual(positionSummary([{ file: 'bin.1', pos: 4 }, { file: 'bin.2', pos: 8 }]), [{ file: 'bin.1', pos: 4 }, { file: 'bin.2', pos: 8 }]);
});

/** A Kafka whose producers never connect: the task goes RESTARTING, retry after retry. */
const downKafka = { producer: () => ({ connect: async () => { throw new Error('Connection error: connect ECONNREFUSED 127.0.0.1:9092'); }, disconnect: async () => undefined }) } as unknown as Kafka;

test('a task logs each state change once when it happens, not each retry, and its stop', async () => {
  const { log, lines } = recordingLogger();
  const config = { get: (f: { default?: unknown }) => f.default, getInt: () => undefined, getLong: () => undefined, getString: () => undefined, getBoolean: () => undefined } as unknown as ParsedConfig;
  const plugin = { version: '1.0', createTask: () => ({ start: async () => undefined, poll: async () => [], committed: () => undefined, finished: () => false, stop: async () => undefined }) } as unknown as SourceConnectorPlugin;
  const status = { putConnector: async () => undefined, putTask: async () => undefined, putTopic: async () => undefined } as unknown as StatusStore;
  const instance = new ConnectorInstance({
    name: 'orders', taskId: 0, plugin, config, kafka: downKafka, topics: {} as TopicManager, clusterId: 'cdc', offsetTopics: { primary: 'offsets', secondary: null }, offsetsTopicSpec: { partitions: 1, replicationFactor: 1 },
    producer: { compression: 'none', maxRequestBytes: 1_048_576, transactionTimeoutMs: 60_000 }, converters: { key: {} as Converter, value: {} as Converter, header: createHeaderConverter(undefined) },
    offsetFlushIntervalMs: 60_000, topicCreation: null, log: log.child({ connector: 'orders' }), metrics: noopTaskMetrics(),
    status, workerId: 'w:8083', generation: () => 0,
  });
  instance.start();
  try {
    for (let i = 0; i < 300 && instance.current().restarts < 2; i++) await new Promise((r) => setTimeout(r, 10));
    await instance.publish();
  } finally {
    await instance.stop();
  }
  const changes = lines.filter((l) => typeof l.obj.state === 'string');
  assert.deepEqual(changes.map((l) => l.obj.state), ['RESTARTING', 'STOPPED']);
  const restarting = changes[0]!;
  assert.equal(restarting.bindings.connector, 'orders');
  assert.equal(restarting.obj.task, 0);
  assert.equal(restarting.level, 'warn');
  assert.match(String(restarting.obj.reason), /Kafka|ECONNREFUSED/);
  assert.equal('connector' in restarting.obj, false, 'the connector comes from the child binding, not twice');
});
