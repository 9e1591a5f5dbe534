/**
 * The properties Kafka Connect 4.1 itself reads from every source connector config,
 * declared once so that a Debezium/Connect config is accepted unchanged and
 * config/validate lists the same groups as Connect (reference/connect-rest-api.md §9):
 * Common, Transforms, Predicates, Error Handling, Topic Creation, Exactly Once Support,
 * offsets.topic, then the plugin's own. A plugin's def is merged after this one
 * (connectFrameworkConfigDef().merge(pluginDef)); on a name clash the plugin wins.
 * Docs are our own wording of Connect's behaviour.
 */
import { ConfigDef, defineField, type ParsedValues } from './define.ts';
import { connectorClientFamilies } from './kafka-client-fields.ts';
import { checkTopicCreation } from './topic-creation.ts';
import { HEADER_CONVERTER_CHECK } from './header-converter-names.ts';

const COMMON = 'Common';
const ERRORS = 'Error Handling';
const EXACTLY_ONCE = 'Exactly Once Support';

const noControlChars = (v: string): true | string =>
  (v !== '' && !/[\u0000-\u001f\u007f-\u009f]/.test(v)) || 'use a non-empty name without control characters';

/** Connect rejects repeated aliases: the second definition would silently replace the first. */
const uniqueAliases = (v: readonly string[]): true | string => {
  const dup = v.find((a, i) => v.indexOf(a) !== i);
  return dup === undefined || `alias ${dup} is listed twice; list each alias once`;
};

/** transforms/predicates aliases each need a `<prefix><alias>.type` naming the plugin class. */
const aliasesHaveType = (prefix: string) => (v: readonly string[], all: ParsedValues) => {
  const unique = uniqueAliases(v);
  if (unique !== true) return unique;
  const missing = v.filter((alias) => !all.raw()[`${prefix}${alias}.type`]);
  return missing.length === 0 || `add ${missing.map((a) => `${prefix}${a}.type`).join(', ')} naming the class to use`;
};

export const connectorName = defineField({
  name: 'name', type: 'string', group: COMMON, importance: 'high', width: 'medium', displayName: 'Connector name',
  doc: 'Unique name of this connector within the cluster; it keys its offsets, status and REST resources.',
  check: noControlChars,
});

export const connectorClass = defineField({
  name: 'connector.class', type: 'string', group: COMMON, importance: 'high', width: 'long', displayName: 'Connector class',
  doc: 'Connector plugin to run: its full class name (e.g. io.debezium.connector.postgresql.PostgresConnector) or its short alias (PostgresConnector or Postgres).',
});

export const connectorPluginVersion = defineField({
  name: 'connector.plugin.version', type: 'string', required: false, group: COMMON, importance: 'medium', width: 'medium',
  displayName: 'Connector plugin version',
  doc: 'Version of the connector plugin to run; unset means the newest version installed on the worker.',
});

export const tasksMax = defineField({
  name: 'tasks.max', type: 'int', default: 1, group: COMMON, importance: 'high', width: 'short', displayName: 'Tasks max',
  doc: 'Upper bound on the number of tasks this connector may run. Database log readers usually run exactly one.',
  check: (v) => v >= 1 || 'use 1 or more',
});

export const tasksMaxEnforce = defineField({
  name: 'tasks.max.enforce', type: 'boolean', default: true, group: COMMON, importance: 'low', width: 'short',
  displayName: 'Enforce tasks max',
  doc: '(Deprecated) When true, a connector that asks for more tasks than tasks.max fails instead of running them all.',
  noEffect: { why: 'connectors here run one task, so no connector can ask for more than tasks.max' },
});

export const keyConverter = defineField({
  name: 'key.converter', type: 'class', required: false, group: COMMON, importance: 'low', width: 'short',
  displayName: 'Key converter class',
  doc: 'Converter that serialises record keys (e.g. Avro with a Schema Registry, or JSON). Unset means the worker\'s key.converter; settings for it go under key.converter.*.',
});

export const keyConverterPluginVersion = defineField({
  name: 'key.converter.plugin.version', type: 'string', required: false, group: COMMON, importance: 'low', width: 'medium',
  displayName: 'Key converter plugin version',
  doc: 'Version of the key converter plugin; unset means the newest installed.',
  noEffect: { why: 'converters are built into the daemon, one version each, so there is no version to choose' },
});

export const valueConverter = defineField({
  name: 'value.converter', type: 'class', required: false, group: COMMON, importance: 'low', width: 'short',
  displayName: 'Value converter class',
  doc: 'Converter that serialises record values. Unset means the worker\'s value.converter; settings for it go under value.converter.*.',
});

export const valueConverterPluginVersion = defineField({
  name: 'value.converter.plugin.version', type: 'string', required: false, group: COMMON, importance: 'low', width: 'medium',
  displayName: 'Value converter plugin version',
  doc: 'Version of the value converter plugin; unset means the newest installed.',
  noEffect: { why: 'converters are built into the daemon, one version each, so there is no version to choose' },
});

export const headerConverter = defineField({
  name: 'header.converter', type: 'class', required: false, group: COMMON, importance: 'low', width: 'short',
  displayName: 'Header converter class',
  doc: 'Converter that serialises record header values (e.g. the __debezium.oldkey/newkey headers of a primary key change): org.apache.kafka.connect.storage.SimpleHeaderConverter or org.apache.kafka.connect.storage.StringConverter. Unset means the worker\'s header.converter.',
  check: HEADER_CONVERTER_CHECK,
});

export const headerConverterPluginVersion = defineField({
  name: 'header.converter.plugin.version', type: 'string', required: false, group: COMMON, importance: 'low', width: 'medium',
  displayName: 'Header converter plugin version',
  doc: 'Version of the header converter plugin; unset means the newest installed.',
  noEffect: { why: 'converters are built into the daemon, one version each, so there is no version to choose' },
});

export const transforms = defineField({
  name: 'transforms', type: 'list', default: [], group: 'Transforms', importance: 'low', width: 'long', displayName: 'Transforms',
  doc: 'Aliases of the single message transforms applied to every record, in order, before the converters. Each alias is configured under transforms.<alias>.*: type (the class), predicate and negate, and the class\'s own properties (docs/transforms.md).',
  check: aliasesHaveType('transforms.'),
});

export const predicates = defineField({
  name: 'predicates', type: 'list', default: [], group: 'Predicates', importance: 'low', width: 'long', displayName: 'Predicates',
  doc: 'Aliases of the predicates that transforms may reference (transforms.<alias>.predicate) to apply only to some records. Each alias is configured under predicates.<alias>.*: type (the class) and the class\'s own properties (docs/transforms.md).',
  check: aliasesHaveType('predicates.'),
});

export const configActionReload = defineField({
  name: 'config.action.reload', type: 'string', enum: ['none', 'restart'], default: 'restart', group: COMMON, importance: 'low',
  width: 'medium', displayName: 'Reload action',
  doc: 'What to do when a value obtained from a config provider changes: restart the connector with the new value, or do nothing.',
  noEffect: {
    why: 'the built-in ${env:} and ${file:} providers, like Connect\'s EnvVarConfigProvider and FileConfigProvider, give their values no time to live, so no reload is ever scheduled; a changed secret is read when the connector restarts',
  },
});

export const errorsRetryTimeout = defineField({
  name: 'errors.retry.timeout', type: 'long', default: 0, group: ERRORS, importance: 'medium', width: 'medium',
  displayName: 'Retry timeout for errors',
  doc: 'How long, in milliseconds, a conversion that failed for a reason worth retrying (Schema Registry unreachable or answering 5xx) is retried before it counts as an error. 0 disables retries; -1 retries forever. A refusal (e.g. an incompatible schema) is never retried.',
  check: (v) => v >= -1 || 'use -1 (forever), 0 (no retries) or a positive number of milliseconds',
});

export const errorsRetryDelayMax = defineField({
  name: 'errors.retry.delay.max.ms', type: 'long', default: 60000, group: ERRORS, importance: 'medium', width: 'medium',
  displayName: 'Maximum delay between retries for errors',
  doc: 'Longest wait, in milliseconds, between two retries of a failed conversion (the delay doubles from 300 ms up to this); also caps the backoff between restarts of a failing task.',
  check: (v) => v >= 1 || 'use a positive number of milliseconds',
});

export const errorsTolerance = defineField({
  name: 'errors.tolerance', type: 'string', enum: ['none', 'all'], default: 'none', group: ERRORS, importance: 'medium',
  width: 'short', displayName: 'Error tolerance',
  doc: 'none: a record a transform fails on, or whose key, value or headers cannot be converted, ends the task (a retriable conversion failure restarts it; a transform failure or a refusal such as an incompatible schema leaves it FAILED, naming the record\'s topic and key). all: such a record is skipped, its offset still committed with the records around it, counted in cdc_task_records_skipped_total, logged if errors.log.enable is true, and a failing transform is named in the task\'s status while records keep being skipped.',
});

export const errorsLogEnable = defineField({
  name: 'errors.log.enable', type: 'boolean', default: false, group: ERRORS, importance: 'medium', width: 'short',
  displayName: 'Log errors',
  doc: 'Log every tolerated error with the operation that failed. Off by default, so only errors that fail the task are reported.',
});

export const errorsLogIncludeMessages = defineField({
  name: 'errors.log.include.messages', type: 'boolean', default: false, group: ERRORS, importance: 'medium', width: 'short',
  displayName: 'Log error details',
  doc: 'Include the skipped record\'s key and value in those log lines. Off by default because records may hold personal data; the topic, the failing stage and the error are logged either way.',
});

export const topicCreationGroups = defineField({
  name: 'topic.creation.groups', type: 'list', default: [], group: 'Topic Creation', importance: 'low', width: 'long',
  displayName: 'Topic creation groups',
  doc: 'Names of extra topic creation groups, each configured under topic.creation.<group>.*: include and exclude (comma-separated regexes matched against the whole topic name), partitions and replication.factor (the default group\'s when unset), and any topic-level setting (cleanup.policy, compression.type, retention.ms, min.insync.replicas, ...) passed to topic creation as written. A topic belongs to the first listed group whose include matches it and whose exclude does not, otherwise to the default group (topic.creation.default.*). Topic creation is on only when the worker\'s topic.creation.enable is true and the connector sets topic.creation.default.partitions and topic.creation.default.replication.factor; otherwise the daemon creates no data topic and leaves it to the broker (auto.create.topics.enable).',
  check: checkTopicCreation,
});

export const topicCreationDefaultReplication = defineField({
  name: 'topic.creation.default.replication.factor', type: 'short', required: false, group: 'Topic Creation', importance: 'low', width: 'short',
  displayName: 'Default replication factor for new topics',
  doc: 'Replication factor of the topics the daemon creates for this connector (-1 = the broker default). Required as soon as any topic.creation.* property is set; when unset (with every other topic.creation.* property), the daemon creates no data topic. Other topic-level settings of the default group go under topic.creation.default.* (e.g. topic.creation.default.cleanup.policy).',
  check: (v) => v === -1 || v >= 1 || 'use -1 (the broker default) or a replication factor of 1 or more',
});

export const topicCreationDefaultPartitions = defineField({
  name: 'topic.creation.default.partitions', type: 'int', required: false, group: 'Topic Creation', importance: 'low', width: 'short',
  displayName: 'Default number of partitions for new topics',
  doc: 'Partitions of the topics the daemon creates for this connector (-1 = the broker default). Required as soon as any topic.creation.* property is set.',
  check: (v) => v === -1 || v >= 1 || 'use -1 (the broker default) or 1 or more partitions',
});

export const exactlyOnceSupport = defineField({
  name: 'exactly.once.support', type: 'string', enum: ['requested', 'required'], default: 'requested', group: EXACTLY_ONCE,
  importance: 'medium', width: 'short', displayName: 'Exactly once support',
  doc: 'required: refuse to create the connector unless it can deliver exactly once with this config. requested: do not check. Here required is always satisfied: every connector writes its records and offsets in one Kafka transaction, and the worker runs nothing else.',
});

export const transactionBoundary = defineField({
  name: 'transaction.boundary', type: 'string', enum: ['poll', 'interval', 'connector'], default: 'poll', group: EXACTLY_ONCE,
  importance: 'medium', width: 'short', displayName: 'Transaction boundary',
  doc: 'When a Kafka transaction is committed: poll after every batch a task returns, interval after transaction.boundary.interval.ms, connector where the connector says (e.g. at source transaction ends).',
  // Connect refuses connector for a connector that cannot define boundaries, which Debezium's cannot.
  unsupported: {
    why: 'no connector here defines its own transaction boundaries (nor does Debezium\'s), so Kafka Connect refuses transaction.boundary=connector too',
    fix: 'use transaction.boundary=poll (the default) or interval with transaction.boundary.interval.ms',
    when: (v) => v === 'connector',
  },
});

export const transactionBoundaryInterval = defineField({
  name: 'transaction.boundary.interval.ms', type: 'long', required: false, group: EXACTLY_ONCE, importance: 'low', width: 'short',
  displayName: 'Transaction boundary interval',
  doc: 'With transaction.boundary=interval, milliseconds between commits; unset means the worker\'s offset.flush.interval.ms. Ignored otherwise.',
  check: (v) => v >= 0 || 'use 0 or a positive number of milliseconds',
});

export const offsetsStorageTopic = defineField({
  name: 'offsets.storage.topic', type: 'string', required: false, group: 'offsets.topic', importance: 'low', width: 'long',
  displayName: 'Offsets topic',
  doc: 'A connector-specific offsets topic (KIP-618), created compacted if missing with the worker\'s offset.storage.partitions and offset.storage.replication.factor. The connector\'s offsets are written there in the same transaction as its records and mirrored to the worker\'s offset.storage.topic, as Connect does; reads prefer this topic and fall back to the worker\'s for a partition it has no offset for. Unset means the worker\'s offset.storage.topic.',
  check: (v) => v !== '' || 'remove the property to use the worker\'s offsets topic, or name a topic',
});

/** cdcd's own: how hard a failing task is retried, and when a quiet one counts as stalled. */
export const restartMaxAttempts = defineField({
  name: 'restart.max.attempts', type: 'int', default: -1, group: ERRORS, importance: 'medium', width: 'short',
  displayName: 'Restart attempts before FAILED',
  doc: 'A task that fails with a retriable error (database or Kafka unreachable) is restarted with exponential backoff up to errors.retry.delay.max.ms; after this many consecutive restarts without a commit in between it stays FAILED with the last error as its trace (2 gives up at the third failure). -1 retries forever.',
  check: (v) => v >= -1 || 'use -1 (forever) or a number of attempts',
});

export const stallTimeout = defineField({
  name: 'stall.timeout.ms', type: 'long', default: 60000, group: ERRORS, importance: 'low', width: 'short',
  displayName: 'Stall timeout',
  doc: 'A running task whose source has changes waiting but which has committed nothing to Kafka for this long is reported as STALLED (with the reason) instead of RUNNING.',
  check: (v) => v >= 1000 || 'use at least 1000 ms',
});

/**
 * Key prefixes Connect hands on to converters, transforms, predicates and topic creation.
 * Client overrides (producer.override.*, ...) are validated families (kafka-client-fields.ts).
 */
export const CONNECT_PASSTHROUGH_PREFIXES = [
  'key.converter.', 'value.converter.', 'header.converter.', 'transforms.', 'predicates.', 'topic.creation.',
] as const;

export function connectFrameworkConfigDef(): ConfigDef {
  return new ConfigDef(
    [
      connectorName, connectorClass, connectorPluginVersion, tasksMax, tasksMaxEnforce,
      keyConverter, keyConverterPluginVersion, valueConverter, valueConverterPluginVersion,
      headerConverter, headerConverterPluginVersion, transforms, predicates, configActionReload,
      errorsRetryTimeout, errorsRetryDelayMax, errorsTolerance, errorsLogEnable, errorsLogIncludeMessages,
      topicCreationGroups, topicCreationDefaultReplication, topicCreationDefaultPartitions, exactlyOnceSupport, transactionBoundary, transactionBoundaryInterval, offsetsStorageTopic,
      restartMaxAttempts, stallTimeout,
    ],
    { allowedPrefixes: CONNECT_PASSTHROUGH_PREFIXES, prefixFamilies: connectorClientFamilies() },
  );
}
