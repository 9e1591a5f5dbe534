/**
 * The signal.* properties (Debezium 3.6 names), declared once for every source plugin,
 * and their reading into one typed SignalConfig. Channels: source (the signal table),
 * kafka (the signal topic) and rest (POST /connectors/{name}/signals, which writes to the
 * signal topic, so the task reads that topic for it too). Debezium's file, jmx and
 * in-process channels have no counterpart in a daemon and are refused.
 */
import { defineField, type FieldDef, type ParsedConfig, type PrefixFamily } from '../../config/define.ts';
import type { SignalChannelName } from './signal.ts';

const EVENTS = 'Events';
const CHANNELS = ['source', 'kafka', 'rest'] as const;
const REFUSED_CHANNELS: Readonly<Record<string, string>> = {
  file: 'the file channel reads a file on the worker\'s disk, which the next worker after a failover does not have',
  jmx: 'there is no JMX in a Node.js daemon',
  'in-process': 'in-process signals are an API of Debezium embedded in a Java program',
};
const CHANNEL_FIX = 'use source, kafka or rest in signal.enabled.channels (rest sends signals through POST /connectors/<name>/signals)';

export const SIGNAL_FIELDS: readonly FieldDef[] = [
  defineField({ name: 'signal.data.collection', type: 'list', required: false, group: EVENTS,
    doc: 'Signal table (schema.table) for the source channel: every row inserted into it is a signal (columns id, type, data as Debezium lays them out). The table is added to the publication for that purpose; migrations/ has the SQL that creates one.' }),
  defineField({ name: 'signal.enabled.channels', type: 'list', default: ['source'], group: EVENTS,
    doc: 'Channels signals are read from: source (the table in signal.data.collection), kafka (signal.kafka.topic), rest (POST /connectors/{name}/signals, written to signal.kafka.topic; the task reads that topic).',
    check: (v) => {
      const unknown = v.filter((c) => !(CHANNELS as readonly string[]).includes(c.toLowerCase()) && !REFUSED_CHANNELS[c.toLowerCase()]);
      return unknown.length === 0 || `unknown signal channel ${unknown.join(', ')}: ${CHANNEL_FIX}`;
    },
    unsupported: {
      why: `Debezium's file, jmx and in-process channels are not offered (${Object.entries(REFUSED_CHANNELS).map(([c, why]) => `${c}: ${why}`).join('; ')}); source, kafka and rest are`,
      fix: CHANNEL_FIX,
      when: (v) => v.some((c) => REFUSED_CHANNELS[c.toLowerCase()] !== undefined),
    } }),
  defineField({ name: 'signal.poll.interval.ms', type: 'long', default: 5000, group: EVENTS,
    doc: 'How often the task takes the signals the kafka (and rest) channel has read; signals of the source channel act when the stream reaches them.',
    check: (v) => v >= 1 || 'use at least 1 ms' }),
  defineField({ name: 'signal.kafka.topic', type: 'string', required: false, group: EVENTS,
    doc: 'Signal topic of the kafka and rest channels (default <topic.prefix>-signal); only partition 0 is read, only records whose key is topic.prefix are signals. Created with one partition when missing.' }),
  defineField({ name: 'signal.kafka.bootstrap.servers', type: 'list', required: false, group: EVENTS,
    doc: 'Brokers of the signal topic. The signal topic lives in the worker\'s Kafka cluster (the rest channel writes it with the worker\'s client): a list naming other brokers than the worker\'s bootstrap.servers stops the task with the fix.' }),
  defineField({ name: 'signal.kafka.groupId', type: 'string', default: 'kafka-signal', group: EVENTS,
    doc: 'Consumer group of the kafka channel: the consumer joins <groupId>-<random> (one group per task start, never shared) and commits nothing to it; where it is in the topic is part of the connector offset, committed with the effect of each signal. At the first start, a position Debezium committed for this group is taken over.' }),
  defineField({ name: 'signal.kafka.poll.timeout.ms', type: 'long', default: 100, group: EVENTS,
    doc: 'Longest wait of one fetch of the signal topic for new records (kafkajs maxWaitTimeInMs); signal.consumer.fetch.max.wait.ms wins when set.',
    check: (v) => v >= 0 || 'use 0 or more' }),
];

const CONSUMER_GROUP = 'Signal consumer';
const consumerField = (name: string, type: 'long' | 'string', doc: string): FieldDef =>
  defineField({ name, type, required: false, group: CONSUMER_GROUP, importance: 'low', doc });
const consumerNoEffect = (name: string, type: 'long' | 'string' | 'boolean' | 'list', why: string): FieldDef =>
  defineField({ name, type, required: false, group: CONSUMER_GROUP, importance: 'low', doc: 'Kafka consumer setting.', noEffect: { why } });
const consumerRefused = (name: string, why: string): FieldDef =>
  defineField({ name, type: 'string', required: false, group: CONSUMER_GROUP, importance: 'low', doc: 'Kafka consumer setting.', unsupported: { why, fix: 'remove it' } });

/** Consumer settings Debezium passes to the signal consumer: those kafkajs has, the others declared. */
export const SIGNAL_CONSUMER_FIELDS: readonly FieldDef[] = [
  defineField({ name: 'auto.offset.reset', type: 'string', enum: ['earliest', 'latest'], required: false, group: CONSUMER_GROUP, importance: 'low',
    doc: 'Where the kafka channel starts when neither the connector offset nor the Debezium group has a position: earliest (default, as Debezium) or latest.' }),
  defineField({ name: 'isolation.level', type: 'string', enum: ['read_committed', 'read_uncommitted'], required: false, group: CONSUMER_GROUP, importance: 'low',
    doc: 'Whether signals written in Kafka transactions are read before their commit (default read_committed).' }),
  consumerField('session.timeout.ms', 'long', 'Consumer group session timeout (kafkajs sessionTimeout).'),
  consumerField('heartbeat.interval.ms', 'long', 'Consumer group heartbeat interval (kafkajs heartbeatInterval).'),
  consumerField('max.poll.interval.ms', 'long', 'Rebalance timeout of the consumer group (kafkajs rebalanceTimeout).'),
  consumerField('fetch.min.bytes', 'long', 'Least data a fetch waits for (kafkajs minBytes).'),
  consumerField('fetch.max.bytes', 'long', 'Most data one fetch returns (kafkajs maxBytes).'),
  consumerField('max.partition.fetch.bytes', 'long', 'Most data one fetch returns per partition (kafkajs maxBytesPerPartition).'),
  consumerField('fetch.max.wait.ms', 'long', 'Longest wait of one fetch (kafkajs maxWaitTimeInMs); wins over signal.kafka.poll.timeout.ms.'),
  consumerField('client.rack', 'string', 'Rack of the consumer, for fetching from the nearest replica (kafkajs rackId).'),
  consumerNoEffect('group.id', 'string', 'the consumer group is named by signal.kafka.groupId'),
  consumerNoEffect('enable.auto.commit', 'boolean', 'nothing is committed to the consumer group: the position is part of the connector offset'),
  consumerNoEffect('auto.commit.interval.ms', 'long', 'nothing is committed to the consumer group: the position is part of the connector offset'),
  consumerNoEffect('key.deserializer', 'string', 'keys and values are read as UTF-8 text, as Debezium\'s default StringDeserializer does'),
  consumerNoEffect('value.deserializer', 'string', 'keys and values are read as UTF-8 text, as Debezium\'s default StringDeserializer does'),
  consumerNoEffect('max.poll.records', 'long', 'records are taken from the consumer in memory every signal.poll.interval.ms, whatever their number'),
  consumerNoEffect('client.id', 'string', 'every Kafka client of the daemon uses the worker\'s client.id'),
  consumerNoEffect('request.timeout.ms', 'long', 'the Kafka client (kafkajs) manages request timeouts with its own settings'),
  consumerRefused('bootstrap.servers', 'the signal consumer uses the worker\'s Kafka client; say where the signal topic is with signal.kafka.bootstrap.servers'),
  consumerRefused('security.protocol', 'the signal consumer shares the worker\'s connection settings (security.protocol, sasl.*, ssl.* of the worker)'),
];

export const SIGNAL_CONSUMER_FAMILY: PrefixFamily = {
  prefix: 'signal.consumer.',
  doc: 'Settings of the kafka channel\'s consumer (Debezium passes them to its Kafka consumer); the ones kafkajs has are applied. The sasl.* and ssl.* settings are refused: the consumer shares the worker\'s connection settings.',
  fields: SIGNAL_CONSUMER_FIELDS,
};

/** kafkajs consumer options from signal.consumer.* and signal.kafka.poll.timeout.ms. */
export interface SignalConsumerOptions {
  readonly sessionTimeout?: number;
  readonly heartbeatInterval?: number;
  readonly rebalanceTimeout?: number;
  readonly minBytes?: number;
  readonly maxBytes?: number;
  readonly maxBytesPerPartition?: number;
  readonly maxWaitTimeInMs: number;
  readonly rackId?: string;
  readonly readUncommitted: boolean;
}

export interface SignalConfig {
  readonly channels: ReadonlySet<SignalChannelName>;
  /** signal tables as written (schema.table), empty = no source channel */
  readonly dataCollections: readonly string[];
  readonly pollIntervalMs: number;
  readonly topic: string;
  /** the key a record of the signal topic must have: topic.prefix */
  readonly key: string;
  readonly bootstrapServers: readonly string[] | null;
  readonly groupId: string;
  readonly fromBeginning: boolean;
  readonly consumer: SignalConsumerOptions;
}

export function signalTopic(config: ParsedConfig, topicPrefix: string): string {
  return config.getString('signal.kafka.topic') ?? `${topicPrefix}-signal`;
}

export function readSignalConfig(config: ParsedConfig, topicPrefix: string): SignalConfig {
  const channels = new Set((config.getList('signal.enabled.channels') ?? ['source']).map((c) => c.toLowerCase())
    .filter((c): c is SignalChannelName => (CHANNELS as readonly string[]).includes(c)));
  const c = config.originalsWithPrefix('signal.consumer.');
  const num = (k: string): number | undefined => (c[k] === undefined ? undefined : Number(c[k]));
  const opt = <T>(k: string, v: T | undefined): Record<string, T> => (v === undefined || (typeof v === 'number' && Number.isNaN(v)) ? {} : { [k]: v });
  return {
    channels,
    dataCollections: config.getList('signal.data.collection') ?? [],
    pollIntervalMs: config.getLong('signal.poll.interval.ms') ?? 5000,
    topic: signalTopic(config, topicPrefix),
    key: topicPrefix,
    bootstrapServers: config.getList('signal.kafka.bootstrap.servers') ?? null,
    groupId: config.getString('signal.kafka.groupId') ?? 'kafka-signal',
    fromBeginning: (c['auto.offset.reset'] ?? 'earliest').toLowerCase() !== 'latest',
    consumer: {
      ...opt('sessionTimeout', num('session.timeout.ms')),
      ...opt('heartbeatInterval', num('heartbeat.interval.ms')),
      ...opt('rebalanceTimeout', num('max.poll.interval.ms')),
      ...opt('minBytes', num('fetch.min.bytes')),
      ...opt('maxBytes', num('fetch.max.bytes')),
      ...opt('maxBytesPerPartition', num('max.partition.fetch.bytes')),
      ...opt('rackId', c['client.rack']),
      maxWaitTimeInMs: num('fetch.max.wait.ms') ?? config.getLong('signal.kafka.poll.timeout.ms') ?? 100,
      readUncommitted: (c['isolation.level'] ?? 'read_committed').toLowerCase() === 'read_uncommitted',
    },
  };
}

/** True when the task must read the signal topic (kafka channel, or rest which writes to it). */
export function readsSignalTopic(s: SignalConfig): boolean {
  return s.channels.has('kafka') || s.channels.has('rest');
}
