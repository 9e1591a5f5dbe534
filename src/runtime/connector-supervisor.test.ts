import { test } from 'node:test';
import { createHeaderConverter } from '../serde/header-converter.ts';
import type { OffsetTopics } from '../offsets/offset-topics.ts';
import assert from 'node:assert/strict';
import type { Kafka } from 'kafkajs';
import { ConnectorSupervisor, stateSince } from './connector-supervisor.ts';
import { noopTaskMetrics } from '../metrics/task-metrics.ts';
import type { Logger } from '../log/logger.ts';
import type { SourceConnectorPlugin } from './source-task.ts';
import type { ParsedConfig } from '../config/define.ts';
import type { TopicManager } from '../kafka/topics.ts';
import type { Converter } from '../serde/converter.ts';

/** A Kafka whose producers never connect, as while the broker is stopped. */
const downKafka = { producer: () => ({ connect: async () => { throw new Error('Connection error: connect ECONNREFUSED 127.0.0.1:9092'); }, disconnect: async () => undefined }) } as unknown as Kafka;

function recorder(): { log: Logger; lines: { level: string; msg: string }[] } {
  const lines: { level: string; msg: string }[] = [];
  const at = (level: string) => (_o: object, msg?: string) => { lines.push({ level, msg: msg ?? '' }); };
  const log: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: () => log };
  return { log, lines };
}

test('while Kafka is unreachable the task is RESTARTING with the cause and the outage\'s start, and the log says it once', async () => {
  const { log, lines } = recorder();
  const outage = { since: Date.now() - 5_000, brokers: ['127.0.0.1:9092'], error: 'connect ECONNREFUSED 127.0.0.1:9092' };
  const config = { get: (f: { default?: unknown }) => f.default, getInt: () => undefined, getLong: () => undefined, getString: () => undefined, getBoolean: () => undefined } as unknown as ParsedConfig;
  const plugin = { createTask: () => ({ start: async () => undefined, poll: async () => [], committed: () => undefined, finished: () => false, stop: async () => undefined }) } as unknown as SourceConnectorPlugin;
  const sup = new ConnectorSupervisor({
    name: 'orders', taskId: 0, plugin, config, kafka: downKafka, topics: {} as TopicManager, clusterId: 'cdc', offsetTopics: { primary: 'offsets', secondary: null } satisfies OffsetTopics, offsetsTopicSpec: { partitions: 1, replicationFactor: 1 },
    producer: { compression: 'none', maxRequestBytes: 1_048_576, transactionTimeoutMs: 60_000 }, converters: { key: {} as Converter, value: {} as Converter, header: createHeaderConverter(undefined) }, offsetFlushIntervalMs: 60_000, topicCreation: null, log, metrics: noopTaskMetrics(),
    backoff: { initialMs: 5, maxMs: 10 }, maxRestarts: -1, stallTimeoutMs: 60_000, kafkaOutage: () => outage,
  });
  sup.start();
  try {
    for (let i = 0; i < 200 && sup.current().restarts < 4; i++) await new Promise((r) => setTimeout(r, 10));
    const s = sup.current();
    assert.ok(s.restarts >= 4, `restarts: ${s.restarts}`);
    assert.equal(s.state, 'RESTARTING');
    assert.match(s.reason!, /^Kafka unreachable since .* \(127\.0\.0\.1:9092: connect ECONNREFUSED 127\.0\.0\.1:9092\); retrying from the committed offset once it is back$/);
    assert.equal(s.since, outage.since, 'since is when the outage began, not the latest retry');
    assert.equal(lines.filter((l) => l.msg.startsWith('task interrupted;')).length, 1, 'one warning for the interruption, retries at debug');
    assert.equal(lines.filter((l) => l.level === 'warn' && l.msg.startsWith('task interrupted')).length, 1);
  } finally {
    await sup.stop();
  }
});

test('since is when the state began: a reason that comes or goes keeps it, a new state or a known older cause sets it', () => {
  const running = { state: 'RUNNING' as const, since: 1_000 };
  assert.equal(stateSince(running, 'RUNNING', undefined, 5_000), 1_000, 'a RUNNING note (catching up) that clears is no restart');
  assert.equal(stateSince({ state: 'STALLED', since: 2_000 }, 'STALLED', undefined, 5_000), 2_000);
  assert.equal(stateSince(running, 'STALLED', undefined, 5_000), 5_000);
  assert.equal(stateSince(running, 'RESTARTING', 800, 5_000), 800);
});
