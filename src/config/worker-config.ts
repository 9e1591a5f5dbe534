/**
 * Worker-level settings: the `worker:` section of cdc.yaml, or a Kafka Connect
 * worker .properties file. Names follow Connect's worker properties where Connect
 * has one, so an existing connect-distributed.properties mostly carries over.
 * Kafka client security is declared in kafka-security-fields.ts, the client prefix families
 * (producer.*, consumer.*, admin.*) in kafka-client-fields.ts.
 */
import { ConfigDef, defineField, type ParsedConfig, type ParsedValues } from './define.ts';
import { REST_CONFIG_FIELDS } from './rest-fields.ts';
import { KAFKA_SECURITY_FIELDS } from './kafka-security-fields.ts';
import { workerClientFamilies } from './kafka-client-fields.ts';
import { HEADER_CONVERTER_CHECK } from './header-converter-names.ts';

const KAFKA = 'Kafka';
const TOPICS = 'Internal topics';
const REST = 'REST API';
const CONVERTERS = 'Converters';
const OPERATIONS = 'Operations';

const AVRO = /AvroConverter$/;
const REPLICATION = (v: number): true | string => v >= 1 || v === -1 || 'use -1 (the broker default) or a replication factor of 1 or more';
const PARTITIONS = (v: number): true | string => v >= 1 || v === -1 || 'use -1 (the broker default) or 1 or more partitions';
const PORT = (v: number): true | string => (v >= 1 && v <= 65535) || 'use a TCP port from 1 to 65535';

/** An Avro converter without a Schema Registry fails on the first record; say so at startup instead. */
const needsRegistry = (prefix: string) => (v: string, all: ParsedValues): true | string =>
  !AVRO.test(v) || all.isSet('schema.registry.url') || all.raw()[`${prefix}.schema.registry.url`] !== undefined ||
  `${v} needs a Schema Registry: set schema.registry.url (e.g. http://schema-registry:8081), or set ${prefix} to org.apache.kafka.connect.json.JsonConverter`;

export const bootstrapServers = defineField({
  name: 'bootstrap.servers', type: 'list', group: KAFKA, importance: 'high', width: 'long',
  doc: 'Kafka brokers to connect to first, as host:port pairs separated by commas; the rest of the cluster is discovered from them.',
  check: (v) => {
    const bad = v.filter((s) => !/^[^\s:]+:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/.test(s));
    return (v.length > 0 && bad.length === 0) || `write host:port pairs, e.g. kafka:9092${bad.length ? ` (not: ${bad.join(', ')})` : ''}`;
  },
});

export const groupId = defineField({
  name: 'group.id', type: 'string', default: 'cdc', group: KAFKA, importance: 'high', width: 'medium',
  doc: 'Cluster id. Daemons with the same group.id share connectors and fail over for each other; it is also part of every transactional id, so two clusters on one Kafka must use different ids.',
  check: (v) => /^[A-Za-z0-9._-]{1,200}$/.test(v) || 'use letters, digits, dots, underscores or dashes',
});

export const clientId = defineField({
  name: 'client.id', type: 'string', required: false, group: KAFKA, importance: 'low', width: 'medium',
  doc: 'Client id every Kafka client of the daemon sends to the brokers (seen in broker logs, quotas and metrics); unset means cdc-<group.id>.',
});

export const clientOverridePolicy = defineField({
  name: 'connector.client.config.override.policy', type: 'string', enum: ['All', 'None', 'Principal', 'Allowlist'], default: 'All',
  group: KAFKA, importance: 'low', width: 'medium',
  doc: 'Which Kafka client settings connectors may override with producer.override.*, consumer.override.*, admin.override.* (Connect 4.x default: All).',
  noEffect: { why: 'connectors may always override the client settings this daemon honours (Connect\'s All); the security settings cannot be overridden per connector at all' },
  check: (v) => v === 'All' || `${v} is not enforced by this daemon, so it is refused rather than ignored; remove it (connectors may override what docs/kafka.md lists, never the security settings)`,
});

export const transactionTimeout = defineField({
  name: 'transaction.timeout.ms', type: 'int', default: 900000, group: KAFKA, importance: 'low', width: 'medium',
  doc: 'How long the brokers let a Kafka transaction stay open before aborting it. Must not exceed the brokers\' transaction.max.timeout.ms (900000 by default).',
  check: (v) => v >= 1000 || 'use at least 1000 ms',
});

export const offsetFlushInterval = defineField({
  name: 'offset.flush.interval.ms', type: 'long', default: 60000, group: KAFKA, importance: 'low', width: 'medium',
  doc: 'Commit interval used by connectors with transaction.boundary=interval that do not set transaction.boundary.interval.ms. Other connectors commit per poll batch (transaction.boundary=poll), as Connect does under exactly-once, so it does not affect them.',
  check: (v) => v >= 1 || 'use a positive number of milliseconds',
});

export const offsetStorageTopic = defineField({ name: 'offset.storage.topic', type: 'string', default: 'connect-offsets', group: TOPICS, importance: 'high', width: 'long', doc: 'Compacted topic holding source positions (offsets), in Kafka Connect\'s format so existing tools can read and reset them.' });
export const offsetStoragePartitions = defineField({ name: 'offset.storage.partitions', type: 'int', default: 25, group: TOPICS, importance: 'low', width: 'short', doc: 'Partitions of the offsets topic when the daemon creates it; -1 means the broker default.', check: PARTITIONS });
export const offsetStorageReplication = defineField({ name: 'offset.storage.replication.factor', type: 'short', default: -1, group: TOPICS, importance: 'low', width: 'short', doc: 'Replication factor of the offsets topic when the daemon creates it; -1 means the broker default.', check: REPLICATION });
export const configStorageTopic = defineField({ name: 'config.storage.topic', type: 'string', default: 'connect-configs', group: TOPICS, importance: 'high', width: 'long', doc: 'Compacted single-partition topic holding connector configurations, shared by the daemons of a cluster.' });
export const configStorageReplication = defineField({ name: 'config.storage.replication.factor', type: 'short', default: -1, group: TOPICS, importance: 'low', width: 'short', doc: 'Replication factor of the config topic when the daemon creates it; -1 means the broker default.', check: REPLICATION });
export const statusStorageTopic = defineField({ name: 'status.storage.topic', type: 'string', default: 'connect-status', group: TOPICS, importance: 'high', width: 'long', doc: 'Compacted topic holding connector and task states.' });
export const statusStoragePartitions = defineField({ name: 'status.storage.partitions', type: 'int', default: 5, group: TOPICS, importance: 'low', width: 'short', doc: 'Partitions of the status topic when the daemon creates it; -1 means the broker default.', check: PARTITIONS });
export const statusStorageReplication = defineField({ name: 'status.storage.replication.factor', type: 'short', default: -1, group: TOPICS, importance: 'low', width: 'short', doc: 'Replication factor of the status topic when the daemon creates it; -1 means the broker default.', check: REPLICATION });

export const topicCreationEnable = defineField({
  name: 'topic.creation.enable', type: 'boolean', default: true, group: TOPICS, importance: 'low', width: 'short',
  doc: 'Whether connectors may create their topics with their topic.creation.* properties. false: no connector creates a data topic (their topic.creation.* properties have no effect and a warning says so at start); topics must exist or be created by the broker (auto.create.topics.enable). Internal topics are created either way.',
});

export const restHostName = defineField({ name: 'rest.host.name', type: 'string', default: '0.0.0.0', group: REST, importance: 'medium', width: 'medium', doc: 'Address the Kafka Connect-compatible REST API listens on.' });
export const restPort = defineField({ name: 'rest.port', type: 'int', default: 8083, group: REST, importance: 'medium', width: 'short', doc: 'Port of the REST API; 0 picks a free port (logged at startup).', check: (v) => v === 0 || PORT(v) });
export const restAdvertisedHostName = defineField({ name: 'rest.advertised.host.name', type: 'string', required: false, group: REST, importance: 'low', width: 'medium', doc: 'Host name other daemons use to forward requests to this one; unset means this machine\'s host name.' });
export const restAdvertisedPort = defineField({ name: 'rest.advertised.port', type: 'int', required: false, group: REST, importance: 'low', width: 'short', doc: 'Port other daemons use to reach this one; unset means rest.port.', check: PORT });

export const keyConverter = defineField({ name: 'key.converter', type: 'class', default: 'io.confluent.connect.avro.AvroConverter', group: CONVERTERS, importance: 'high', width: 'long', doc: 'Default converter for record keys of connectors that do not set their own; its settings go under key.converter.*.', check: needsRegistry('key.converter') });
export const valueConverter = defineField({ name: 'value.converter', type: 'class', default: 'io.confluent.connect.avro.AvroConverter', group: CONVERTERS, importance: 'high', width: 'long', doc: 'Default converter for record values of connectors that do not set their own; its settings go under value.converter.*.', check: needsRegistry('value.converter') });
export const headerConverter = defineField({ name: 'header.converter', type: 'class', default: 'org.apache.kafka.connect.storage.SimpleHeaderConverter', group: CONVERTERS, importance: 'low', width: 'long', doc: 'Default converter for record header values of connectors that do not set their own: org.apache.kafka.connect.storage.SimpleHeaderConverter or org.apache.kafka.connect.storage.StringConverter.', check: HEADER_CONVERTER_CHECK });
export const schemaRegistryUrl = defineField({ name: 'schema.registry.url', type: 'list', required: false, group: CONVERTERS, importance: 'high', width: 'long', doc: 'Schema Registry URL(s) given to the key and value converters of every connector that does not set <key|value>.converter.schema.registry.url itself. Registry credentials go under schema.registry.* or the converter prefixes.' });

export const metricsPort = defineField({ name: 'metrics.port', type: 'int', default: 9404, group: OPERATIONS, importance: 'medium', width: 'short', doc: 'Port of the Prometheus /metrics endpoint; 0 turns it off.', check: (v) => (v >= 0 && v <= 65535) || 'use 0 (off) or a TCP port up to 65535' });
export const logLevel = defineField({ name: 'log.level', type: 'string', enum: ['trace', 'debug', 'info', 'warn', 'error'], default: 'info', group: OPERATIONS, importance: 'medium', width: 'short', doc: 'Lowest level written to the log; change it at run time through PUT /admin/loggers.' });
export const pluginPath = defineField({ name: 'plugin.path', type: 'list', required: false, group: OPERATIONS, importance: 'low', width: 'long', doc: 'Directories with extra connector plugins: each plugin directory holds a cdc-plugin.json naming a module that exports createPlugin(). Several versions of one connector can be installed side by side; a connector picks one with connector.plugin.version (default: the newest).' });
const CLUSTER = 'Cluster';
export const clusterMode = defineField({ name: 'cluster.mode', type: 'string', enum: ['standalone', 'distributed'], default: 'standalone', group: CLUSTER, importance: 'high', width: 'short', doc: 'standalone: this daemon runs every connector of its group alone. distributed: daemons with the same group.id share the connectors through Kafka\'s group coordinator and take over from a worker that dies or hangs.' });
export const sessionTimeout = defineField({ name: 'session.timeout.ms', type: 'int', default: 10000, group: CLUSTER, importance: 'medium', width: 'short', doc: 'Distributed mode: a worker that sends no heartbeat for this long is removed from the group and its connectors move to the others.', check: (v) => v >= 1000 || 'use at least 1000 ms' });
export const heartbeatInterval = defineField({ name: 'heartbeat.interval.ms', type: 'int', default: 3000, group: CLUSTER, importance: 'low', width: 'short', doc: 'Distributed mode: how often a worker tells the group coordinator it is alive (well below session.timeout.ms).', check: (v, all) => v < (all.value('session.timeout.ms') as number) || 'make heartbeat.interval.ms smaller than session.timeout.ms' });
export const rebalanceTimeout = defineField({ name: 'rebalance.timeout.ms', type: 'int', default: 60000, group: CLUSTER, importance: 'low', width: 'short', doc: 'Distributed mode: how long the coordinator waits for every worker to rejoin during a rebalance.' });

export const exactlyOnceSourceSupport = defineField({
  name: 'exactly.once.source.support', type: 'string', enum: ['enabled', 'preparing', 'disabled'], default: 'enabled', group: OPERATIONS,
  importance: 'low', width: 'short',
  doc: 'Accepted for Kafka Connect compatibility; only enabled is supported, because this daemon always commits records and offsets in one transaction.',
  check: (v) => v === 'enabled' || 'remove the property: the daemon always runs source connectors exactly once',
  noEffect: { why: 'exactly once is the only mode of this daemon: every source task writes its records and offsets in one Kafka transaction whatever this says' },
});

/**
 * Converter settings, registry credentials, and Connect's config.providers* (providers are
 * built in here). Kafka client keys (producer.*, consumer.*, admin.*) are validated families.
 */
export const WORKER_PASSTHROUGH_PREFIXES = [
  'key.converter.', 'value.converter.', 'header.converter.', 'schema.registry.', 'config.providers',
] as const;

export function workerConfigDef(): ConfigDef {
  return new ConfigDef(
    [
      bootstrapServers, groupId, clientId, clientOverridePolicy, transactionTimeout, offsetFlushInterval,
      offsetStorageTopic, offsetStoragePartitions, offsetStorageReplication, configStorageTopic, configStorageReplication,
      statusStorageTopic, statusStoragePartitions, statusStorageReplication, topicCreationEnable,
      restHostName, restPort, restAdvertisedHostName, restAdvertisedPort,
      keyConverter, valueConverter, headerConverter, schemaRegistryUrl,
      metricsPort, logLevel, pluginPath, exactlyOnceSourceSupport,
      clusterMode, sessionTimeout, heartbeatInterval, rebalanceTimeout, ...REST_CONFIG_FIELDS, ...KAFKA_SECURITY_FIELDS,
    ],
    { allowedPrefixes: WORKER_PASSTHROUGH_PREFIXES, prefixFamilies: workerClientFamilies() },
  );
}

const CONVERTER_PREFIXES = ['key.converter', 'value.converter', 'header.converter'] as const;

/**
 * The connector config a task runs with: converters the connector does not choose
 * come from the worker, with the worker's settings for them; a converter the
 * connector chooses gets only the connector's settings (Kafka Connect's rule).
 * schema.registry.url fills <key|value>.converter.schema.registry.url where unset.
 * Stored configs stay as written; apply this when starting a connector.
 */
export function applyWorkerDefaults(worker: ParsedConfig, connector: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...connector };
  const isSet = (key: string): boolean => out[key] !== undefined && out[key] !== null;
  for (const prefix of CONVERTER_PREFIXES) {
    if (!isSet(prefix)) {
      out[prefix] = worker.getString(prefix);
      for (const [key, value] of Object.entries(worker.originalsWithPrefix(`${prefix}.`, false))) {
        if (!isSet(key)) out[key] = value;
      }
    }
    const registry = worker.getList('schema.registry.url');
    if (prefix !== 'header.converter' && registry && !isSet(`${prefix}.schema.registry.url`)) {
      out[`${prefix}.schema.registry.url`] = registry.join(',');
    }
  }
  return out;
}
