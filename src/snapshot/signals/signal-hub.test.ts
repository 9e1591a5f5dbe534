import { test } from 'node:test';
import assert from 'node:assert/strict';
import { silentLogger } from '../../log/logger.ts';
import { RecordingSnapshotCommands } from '../../../test/doubles/recording-snapshot-commands.ts';
import { POSTGRES_CONFIG_DEF } from '../../../sources/postgres/config-spec.ts';
import { SignalHub } from './signal-hub.ts';
import { readSignalConfig } from './signal-config.ts';
import type { SignalKafkaAccess } from './kafka-signal-channel.ts';

const BASE = { 'database.hostname': 'h', 'database.user': 'u', 'database.dbname': 'd', 'topic.prefix': 'shop' };
const cfg = (extra: Record<string, string>) => readSignalConfig(POSTGRES_CONFIG_DEF.parse({ ...BASE, ...extra }, 'test'), 'shop');

test('signal config: defaults as Debezium (source channel, <topic.prefix>-signal, key topic.prefix) and signal.consumer.* to kafkajs', () => {
  const d = cfg({});
  assert.deepEqual([...d.channels], ['source']);
  assert.equal(d.topic, 'shop-signal');
  assert.equal(d.key, 'shop');
  assert.equal(d.groupId, 'kafka-signal');
  assert.equal(d.fromBeginning, true);
  assert.deepEqual(d.consumer, { maxWaitTimeInMs: 100, readUncommitted: false });
  const c = cfg({ 'signal.enabled.channels': 'source,kafka,rest', 'signal.kafka.topic': 'sig', 'signal.consumer.auto.offset.reset': 'latest',
    'signal.consumer.session.timeout.ms': '20000', 'signal.consumer.fetch.max.wait.ms': '50', 'signal.consumer.isolation.level': 'read_uncommitted' });
  assert.deepEqual([...c.channels], ['source', 'kafka', 'rest']);
  assert.equal(c.topic, 'sig');
  assert.equal(c.fromBeginning, false);
  assert.deepEqual(c.consumer, { sessionTimeout: 20000, maxWaitTimeInMs: 50, readUncommitted: true });
});

test('signal.enabled.channels: file, jmx, in-process refused with the reason; unknown names refused', () => {
  for (const [v, re] of [['source,file', /file channel reads a file/], ['jmx', /no JMX/], ['sourse', /unknown signal channel sourse/]] as const) {
    assert.throws(() => POSTGRES_CONFIG_DEF.parse({ ...BASE, 'signal.enabled.channels': v }, 'test'), re);
  }
  assert.throws(() => POSTGRES_CONFIG_DEF.parse({ ...BASE, 'signal.consumer.sasl.mechanism': 'plain' }, 'test'), /signal\.consumer\.sasl\.mechanism/);
  assert.throws(() => POSTGRES_CONFIG_DEF.parse({ ...BASE, 'signal.consumer.security.protocol': 'SSL' }, 'test'), /worker's connection settings/);
});

test('source channel: rows dispatched in order; no topic channel = no offset fields; source not enabled = warned, not applied', async () => {
  const commands = new RecordingSnapshotCommands();
  const hub = new SignalHub({ connectorName: 'c', config: cfg({ 'signal.data.collection': 'public.sig' }), commands, capturedTables: () => ['public.a'], log: silentLogger(), kafka: null });
  await hub.start(null);
  hub.fromSource({ id: '1', type: 'execute-snapshot', data: '{"data-collections": ["public.a"]}' });
  hub.fromSource({ id: '2', type: 'pause-snapshot', data: null });
  assert.deepEqual(commands.calls.map((c) => c[0]), ['execute', 'pause']);
  assert.equal(hub.poll(), false);
  assert.deepEqual(hub.offsetFields(), {});
  await hub.stop();

  const c2 = new RecordingSnapshotCommands();
  const h2 = new SignalHub({ connectorName: 'c', config: cfg({ 'signal.enabled.channels': 'rest' }), commands: c2, capturedTables: () => ['public.a'], log: silentLogger(), kafka: null });
  h2.fromSource({ id: '3', type: 'pause-snapshot', data: null });
  assert.deepEqual(c2.calls, []);
});

test('kafka channel: signal.kafka.bootstrap.servers naming another cluster stops the start with CDC_SIGNAL_KAFKA_CLUSTER', async () => {
  const access: SignalKafkaAccess = { kafka: {} as never, topics: {} as never, brokers: ['k1:9092', 'k2:9092'] };
  const hub = new SignalHub({ connectorName: 'c', config: cfg({ 'signal.enabled.channels': 'kafka', 'signal.kafka.bootstrap.servers': 'other:9092' }), commands: new RecordingSnapshotCommands(), capturedTables: () => [], log: silentLogger(), kafka: access });
  await assert.rejects(hub.start(null), (e: Error & { code?: string }) => e.code === 'CDC_SIGNAL_KAFKA_CLUSTER' && /signal\.kafka\.bootstrap\.servers/.test(e.message));
});
