/**
 * Kafka client settings under Connect's prefixes, as validated prefix families (define.ts,
 * PrefixFamily): the worker's producer.*, consumer.*, admin.* and a connector's
 * producer.override.*, consumer.override.*, admin.override.* (Connect 4.x lets connectors
 * override anything by default: connector.client.config.override.policy=All).
 *
 * Each Kafka client property is implemented (src/kafka/producer-settings.ts reads it), held
 * to the value exactly-once needs, declared "accepted, no effect" with the reason, or refused;
 * any other key under these prefixes is unknown. test/config-truth.test.ts checks that every
 * member is one of these.
 */
import { defineField, type FieldDef, type PrefixFamily } from './define.ts';
import { securityFamilyFields } from './kafka-security-fields.ts';

const GROUP = 'Kafka clients';

/** Producer properties the daemon reads (src/kafka/producer-settings.ts). */
export const IMPLEMENTED_PRODUCER_PROPERTIES = ['compression.type', 'max.request.size', 'transaction.timeout.ms'] as const;
/** Held to the one value exactly-once delivery needs; the producer always runs with it. */
export const EXACTLY_ONCE_PRODUCER_PROPERTIES = ['acks', 'enable.idempotence', 'max.in.flight.requests.per.connection'] as const;
/** Held to read_committed, which every consumer of the daemon uses. */
export const EXACTLY_ONCE_CONSUMER_PROPERTIES = ['isolation.level'] as const;

const WHY = {
  connection: 'the Kafka client (kafkajs) manages connections, timeouts, reconnects and metadata refresh with its own settings',
  retry: 'a failed send is not retried record by record: the whole transaction is aborted and the task resumes from its committed offset, with backoff up to errors.retry.delay.max.ms (restart.max.attempts bounds the attempts)',
  batching: 'records are handed to Kafka as soon as a batch from the source is ready, in one request per broker; max.batch.size and max.queue.size (connector) bound batch size and memory',
  level: 'the compression codec runs at its default level',
  metrics: 'Kafka client metrics are not collected; the daemon\'s own metrics are served on metrics.port',
  serializer: 'records are bytes made by the converters (Connect overrides these too)',
  clientId: 'every Kafka client of the daemon uses the worker\'s client.id (default cdc-<group.id>)',
  partitionerKeyless: 'it only changes where records without a key go; records of tables with a primary key or replica identity always have one',
  consumer: 'the daemon runs no sink connectors: its consumers only read its own internal topics (offsets, configs, status) and join the worker group, with fixed settings',
  admin: 'the daemon\'s admin client uses fixed settings for topic creation and cluster lookups',
} as const;

const noEffect = (name: string, type: 'string' | 'int' | 'long' | 'boolean' | 'list' | 'double', why: string, doc = 'Kafka client setting.'): FieldDef =>
  defineField({ name, type, required: false, group: GROUP, importance: 'low', doc, noEffect: { why } });

const refused = (name: string, why: string, fix: string, doc = 'Kafka client setting.'): FieldDef =>
  defineField({ name, type: 'string', required: false, group: GROUP, importance: 'low', doc, unsupported: { why, fix } });

const JAVA_CLASSES = 'Java classes cannot be loaded by this daemon';

/** Connection-level settings every Kafka client has. */
function commonClientFields(why: string): FieldDef[] {
  return [
    ...['send.buffer.bytes', 'receive.buffer.bytes'].map((n) => noEffect(n, 'int', WHY.connection)),
    ...['reconnect.backoff.ms', 'reconnect.backoff.max.ms', 'retry.backoff.ms', 'retry.backoff.max.ms', 'socket.connection.setup.timeout.ms',
      'socket.connection.setup.timeout.max.ms', 'connections.max.idle.ms', 'metadata.max.age.ms', 'metadata.recovery.rebootstrap.trigger.ms'].map((n) => noEffect(n, 'long', why === WHY.consumer || why === WHY.admin ? why : WHY.connection)),
    noEffect('request.timeout.ms', 'int', why === WHY.consumer || why === WHY.admin ? why : WHY.connection),
    noEffect('client.dns.lookup', 'string', WHY.connection),
    noEffect('metadata.recovery.strategy', 'string', WHY.connection),
    noEffect('client.id', 'string', WHY.clientId),
    ...['metrics.sample.window.ms', 'metrics.num.samples', 'metrics.recording.level', 'enable.metrics.push'].map((n) =>
      noEffect(n, n === 'enable.metrics.push' ? 'boolean' : n === 'metrics.recording.level' ? 'string' : 'long', WHY.metrics)),
    refused('metric.reporters', JAVA_CLASSES, 'remove it; the daemon\'s metrics are served on metrics.port'),
    refused('interceptor.classes', JAVA_CLASSES, 'remove it'),
  ];
}

/** bootstrap.servers under a client prefix: like the security fields, one value for every client. */
function bootstrapField(prefix: string, scope: 'worker' | 'connector'): FieldDef {
  if (scope === 'connector') {
    return refused('bootstrap.servers', 'all Kafka clients of the daemon talk to the worker\'s cluster', `remove ${prefix}bootstrap.servers`);
  }
  return defineField({
    name: 'bootstrap.servers', type: 'list', required: false, group: GROUP, importance: 'low', doc: 'Must equal the top-level bootstrap.servers.',
    check: (_v, all) => all.raw()[`${prefix}bootstrap.servers`] === all.raw()['bootstrap.servers'] ||
      `all Kafka clients of the daemon talk to one cluster: remove ${prefix}bootstrap.servers or make it equal to bootstrap.servers`,
  });
}

function producerFields(prefix: string): FieldDef[] {
  return [
    defineField({
      name: 'compression.type', type: 'string', enum: ['none', 'gzip', 'snappy', 'lz4', 'zstd'], required: false, group: GROUP, importance: 'medium',
      doc: 'Compression of the record batches the connector tasks write. gzip is built in; snappy, lz4 and zstd use pure-JavaScript codecs registered at start.',
    }),
    defineField({
      name: 'max.request.size', type: 'int', required: false, group: GROUP, importance: 'medium',
      doc: 'Largest produce request in bytes (default 1048576). Sends are split to stay below it, and a single record larger than it fails the task with CDC_KAFKA_RECORD_TOO_LARGE before it reaches the broker.',
      check: (v) => v >= 1024 || 'use at least 1024 bytes',
    }),
    defineField({
      name: 'transaction.timeout.ms', type: 'int', required: false, group: GROUP, importance: 'medium',
      doc: 'How long the brokers let one of the tasks\' transactions stay open before aborting it. Wins over the worker\'s transaction.timeout.ms; must not exceed the brokers\' transaction.max.timeout.ms.',
      check: (v) => v >= 1000 || 'use at least 1000 ms',
    }),
    defineField({
      name: 'acks', type: 'string', enum: ['all', '-1', '0', '1'], required: false, group: GROUP, importance: 'low',
      doc: 'Exactly-once delivery needs acks=all (-1), which the daemon always uses; other values are refused.',
      check: (v) => v === 'all' || v === '-1' || `acks=${v} would let a committed transaction lose records when a broker fails, which breaks exactly-once delivery; remove ${prefix}acks (the daemon always uses all)`,
    }),
    defineField({
      name: 'enable.idempotence', type: 'boolean', required: false, group: GROUP, importance: 'low',
      doc: 'Transactions need an idempotent producer, which the daemon always uses; false is refused.',
      check: (v) => v || `transactions need an idempotent producer, so exactly-once delivery cannot run with enable.idempotence=false; remove ${prefix}enable.idempotence`,
    }),
    defineField({
      name: 'max.in.flight.requests.per.connection', type: 'int', required: false, group: GROUP, importance: 'low',
      doc: 'The transactional producer sends one request at a time per broker, which keeps the order of records; values up to 5 (the most an idempotent Java producer allows) are accepted and leave it so.',
      check: (v) => (v >= 1 && v <= 5) || `an idempotent producer allows at most 5 requests in flight (Kafka refuses more too); remove ${prefix}max.in.flight.requests.per.connection`,
    }),
    refused('transactional.id', 'the daemon sets it per task as <group.id>-<connector>-<task>, so that a restarted or moved task fences its predecessor (exactly-once)', `remove ${prefix}transactional.id`),
    noEffect('batch.size', 'int', WHY.batching),
    noEffect('linger.ms', 'long', WHY.batching),
    noEffect('buffer.memory', 'long', WHY.batching),
    noEffect('retries', 'int', WHY.retry),
    noEffect('delivery.timeout.ms', 'int', WHY.retry),
    noEffect('max.block.ms', 'long', WHY.retry),
    ...['compression.gzip.level', 'compression.lz4.level', 'compression.zstd.level'].map((n) => noEffect(n, 'int', WHY.level)),
    noEffect('key.serializer', 'string', WHY.serializer),
    noEffect('value.serializer', 'string', WHY.serializer),
    noEffect('partitioner.adaptive.partitioning.enable', 'boolean', WHY.partitionerKeyless),
    noEffect('partitioner.availability.timeout.ms', 'long', WHY.partitionerKeyless),
    refused('partitioner.ignore.keys', 'records are always placed by key with Kafka\'s default partitioner (murmur2), as Connect does, so consumers see one key\'s changes in order', `remove ${prefix}partitioner.ignore.keys`),
    refused('partitioner.class', JAVA_CLASSES, `remove ${prefix}partitioner.class; records are placed by key with Kafka's default partitioner`),
    ...commonClientFields(WHY.connection),
  ];
}

function consumerFields(prefix: string): FieldDef[] {
  return [
    defineField({
      name: 'isolation.level', type: 'string', enum: ['read_committed', 'read_uncommitted'], required: false, group: GROUP, importance: 'low',
      doc: 'The daemon reads its offsets and internal topics read_committed, as exactly-once needs; read_uncommitted is refused.',
      check: (v) => v === 'read_committed' || `reading uncommitted offsets would resume from positions whose records were aborted; remove ${prefix}isolation.level`,
    }),
    ...['group.id', 'group.instance.id', 'group.protocol', 'group.remote.assignor', 'partition.assignment.strategy', 'auto.offset.reset',
      'client.rack', 'key.deserializer', 'value.deserializer'].map((n) => noEffect(n, n === 'partition.assignment.strategy' ? 'list' : 'string', WHY.consumer)),
    ...['max.poll.records', 'max.poll.interval.ms', 'session.timeout.ms', 'heartbeat.interval.ms', 'auto.commit.interval.ms', 'fetch.min.bytes',
      'fetch.max.bytes', 'fetch.max.wait.ms', 'max.partition.fetch.bytes', 'default.api.timeout.ms'].map((n) => noEffect(n, 'long', WHY.consumer)),
    ...['enable.auto.commit', 'check.crcs', 'exclude.internal.topics', 'allow.auto.create.topics'].map((n) => noEffect(n, 'boolean', WHY.consumer)),
    ...commonClientFields(WHY.consumer),
  ];
}

function adminFields(): FieldDef[] {
  return [
    noEffect('default.api.timeout.ms', 'long', WHY.admin),
    noEffect('retries', 'int', WHY.admin),
    ...commonClientFields(WHY.admin),
  ];
}

function family(prefix: string, scope: 'worker' | 'connector', doc: string, fields: FieldDef[]): PrefixFamily {
  const shared = [bootstrapField(prefix, scope), ...securityFamilyFields(prefix, scope)];
  return {
    prefix, doc, fields: [...fields, ...shared],
    summarised: {
      names: shared.map((f) => f.name),
      doc: scope === 'worker'
        ? `\`${prefix}bootstrap.servers\` and the Kafka security properties (\`${prefix}security.protocol\`, \`${prefix}sasl.*\`, \`${prefix}ssl.*\`, as in "Kafka security" above) are accepted when equal to the top-level value, and refused otherwise: every Kafka client of the daemon shares one connection setup.`
        : `\`${prefix}bootstrap.servers\` and the Kafka security properties (\`${prefix}security.protocol\`, \`${prefix}sasl.*\`, \`${prefix}ssl.*\`) are refused: every Kafka client of the daemon shares the worker's connection settings.`,
    },
  };
}

/** The worker's producer.*, consumer.*, admin.* (Connect's worker-level client settings). */
export function workerClientFamilies(): PrefixFamily[] {
  return [
    family('producer.', 'worker', 'Settings of the transactional producers of connector tasks (Connect\'s worker producer.*); a connector\'s producer.override.* wins.', producerFields('producer.')),
    family('consumer.', 'worker', 'Consumer settings (Connect\'s worker consumer.*), for sink connectors in Connect.', consumerFields('consumer.')),
    family('admin.', 'worker', 'Admin client settings (Connect\'s worker admin.*).', adminFields()),
  ];
}

/** A connector's producer.override.*, consumer.override.*, admin.override.*. */
export function connectorClientFamilies(): PrefixFamily[] {
  return [
    family('producer.override.', 'connector', 'Producer settings for this connector\'s tasks, over the worker\'s producer.* (Connect\'s client overrides).', producerFields('producer.override.')),
    family('consumer.override.', 'connector', 'Consumer settings for this connector (Connect\'s client overrides); sink connectors in Connect.', consumerFields('consumer.override.')),
    family('admin.override.', 'connector', 'Admin client settings for this connector (Connect\'s client overrides).', adminFields()),
  ];
}
