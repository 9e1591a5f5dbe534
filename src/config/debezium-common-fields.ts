/**
 * Properties every Debezium 3.6 connector accepts (CommonConnectorConfig and
 * RelationalDatabaseConnectorConfig) that this daemon does not implement. Each is
 * declared so that a real Debezium config gets an answer specific to it instead of
 * "unknown property": refused with the reason and a fix when it would change events,
 * their delivery or data safety, or "accepted, no effect" with a warning when it only
 * tunes machinery this daemon does not have. Values that describe what the daemon does
 * anyway (snapshot.query.mode select_all, ...) are accepted silently. A plugin merges
 * these into its own definition (sources/postgres/config-compat.ts); the properties it
 * implements itself are declared by the plugin, never here.
 */
import { defineField, type FieldDef, type PropertyFamily } from './define.ts';

const CONNECTOR = 'Connector';
const EVENTS = 'Events';
const NO_INCREMENTAL = 'this connector does not offer incremental snapshots (it has no chunk reader for the snapshot engine)';

/** Refuses every value but `allowed` (compared case-insensitively). */
function onlyValue(allowed: string | number | boolean, why: string, fix: string) {
  const same = (v: unknown): boolean => String(v).toLowerCase() === String(allowed).toLowerCase();
  return { why, fix, when: (v: unknown) => !same(v) };
}

export const DEBEZIUM_COMMON_FIELDS: readonly FieldDef[] = [
  // --- event processing and delivery ---
  defineField({ name: 'event.processing.failure.handling.mode', type: 'string', default: 'fail', enum: ['fail', 'warn', 'skip', 'ignore'], group: CONNECTOR, doc: 'What to do with a change that cannot be processed.',
    unsupported: onlyValue('fail', 'only fail is accepted, which is what this daemon does: a change it cannot process fails the task, so no row is skipped silently', 'remove event.processing.failure.handling.mode or set it to fail') }),
  // Default fail, not Debezium's warn: it says what the daemon does when the property is left out.
  defineField({ name: 'event.converting.failure.handling.mode', type: 'string', default: 'fail', enum: ['warn', 'fail', 'skip'], group: CONNECTOR, doc: 'What to do with a column value that cannot be converted to its schema type.',
    unsupported: onlyValue('fail', 'only fail is accepted, which is what this daemon does: a value that cannot be converted fails the task (CDC_PG_VALUE_PARSE) instead of being written as null, as Debezium\'s default warn does', 'remove event.converting.failure.handling.mode or set it to fail') }),
  defineField({ name: 'queue.provider.type', type: 'string', default: 'memory', group: CONNECTOR, doc: 'Where change events wait between the reader and Kafka.',
    unsupported: onlyValue('memory', 'only memory is accepted, which is what this daemon uses', 'remove queue.provider.type') }),
  defineField({ name: 'snapshot.delay.ms', type: 'long', default: 0, group: CONNECTOR, doc: 'Delay before a snapshot starts.',
    unsupported: onlyValue(0, 'only 0 is accepted: the snapshot starts as soon as the task starts', 'remove snapshot.delay.ms') }),
  defineField({ name: 'streaming.delay.ms', type: 'long', default: 0, group: CONNECTOR, doc: 'Delay before streaming starts after a snapshot.',
    unsupported: onlyValue(0, 'only 0 is accepted: streaming starts as soon as the snapshot is done', 'remove streaming.delay.ms') }),
  defineField({ name: 'skip.messages.without.change', type: 'boolean', default: false, group: CONNECTOR, doc: 'Drop update events whose captured columns did not change.',
    unsupported: onlyValue(false, 'only false is accepted: every update is emitted, changed columns or not', 'remove skip.messages.without.change') }),
  defineField({ name: 'converters', type: 'string', required: false, group: EVENTS, doc: 'Custom column value converters (Java classes).',
    unsupported: { why: 'custom value converters are Java plugins and change event values; this daemon has no plugin interface for them', fix: 'remove converters and its <name>.* settings; transform values downstream instead' } }),
  defineField({ name: 'post.processors', type: 'string', required: false, group: EVENTS, doc: 'Post processors applied to change events (Java classes, e.g. column reselection).',
    unsupported: { why: 'post processors are Java plugins that change events; none is available here', fix: 'remove post.processors and its <name>.* settings' } }),
  defineField({ name: 'transaction.metadata.factory', type: 'class', default: 'io.debezium.pipeline.txmetadata.DefaultTransactionMetadataFactory', group: EVENTS, doc: 'Class that shapes transaction metadata.',
    unsupported: onlyValue('io.debezium.pipeline.txmetadata.DefaultTransactionMetadataFactory', 'only Debezium\'s default factory is accepted: transaction metadata here has its shape', 'remove transaction.metadata.factory') }),
  defineField({ name: 'topic.naming.strategy', type: 'class', default: 'io.debezium.schema.SchemaTopicNamingStrategy', group: EVENTS, doc: 'Class that names the topics of change, transaction and heartbeat events.',
    unsupported: onlyValue('io.debezium.schema.SchemaTopicNamingStrategy', 'only io.debezium.schema.SchemaTopicNamingStrategy is accepted: topics are named <topic.prefix>.<schema>.<table> as it does', 'remove topic.naming.strategy, or route records to other topics downstream') }),
  defineField({ name: 'topic.cache.size', type: 'int', default: 10000, group: EVENTS, doc: 'Size of the topic name cache.',
    noEffect: { why: 'topic names are computed once per table and kept for as long as the table is captured, with no cache to size' } }),
  defineField({ name: 'topic.heartbeat.name', type: 'string', required: false, group: EVENTS, doc: 'Full heartbeat topic name, shared by several connectors.',
    unsupported: { why: 'the heartbeat topic is always <topic.heartbeat.prefix>.<topic.prefix>', fix: 'remove topic.heartbeat.name; choose the prefix with topic.heartbeat.prefix' } }),
  defineField({ name: 'custom.metric.tags', type: 'list', required: false, group: EVENTS, doc: 'Extra tags of the connector\'s JMX metrics.',
    unsupported: { why: 'metrics here are Prometheus series labelled by connector and task; extra tags are not added, so dashboards relying on them would find nothing', fix: 'remove custom.metric.tags and select series by their connector label' } }),
  // --- restarts ---
  defineField({ name: 'errors.max.retries', type: 'int', default: -1, group: CONNECTOR, doc: 'How often a retriable error is retried before the connector fails (-1 = forever).',
    unsupported: onlyValue(-1, 'restarts after retriable errors are bounded by restart.max.attempts here', 'remove errors.max.retries and set restart.max.attempts to the same number'),
    noEffect: { why: 'restarts after retriable errors are bounded by restart.max.attempts (unbounded by default, as -1 asks)' } }),
  defineField({ name: 'retriable.restart.connector.wait.ms', type: 'long', default: 10000, group: CONNECTOR, doc: 'Wait before restarting after a retriable error.',
    noEffect: { why: 'a task that fails with a retriable error is restarted with exponential backoff from 1 s up to errors.retry.delay.max.ms' } }),
  defineField({ name: 'internal.custom.retriable.exception', type: 'string', default: 'false', group: CONNECTOR, doc: 'Debezium-internal: a pattern of Java exception messages to treat as retriable.',
    noEffect: { why: 'it matches Java exceptions; here retriable errors are the documented CDC_* codes' } }),
  // --- snapshots ---
  defineField({ name: 'snapshot.include.collection.list', type: 'list', required: false, group: CONNECTOR, doc: 'Tables to snapshot, a subset of the captured ones.',
    unsupported: { why: 'every captured table is snapshotted; a subset would leave the others without their existing rows', fix: 'remove snapshot.include.collection.list; narrow table.include.list instead' } }),
  defineField({ name: 'snapshot.max.threads', type: 'int', default: 1, group: CONNECTOR, doc: 'Tables snapshotted in parallel.',
    noEffect: { why: 'the snapshot reads one table at a time, in one transaction' } }),
  defineField({ name: 'snapshot.max.threads.multiplier', type: 'int', default: 1, group: CONNECTOR, doc: 'Parallel readers per snapshotted table.',
    noEffect: { why: 'the snapshot reads each table with one reader' } }),
  defineField({ name: 'legacy.snapshot.max.threads', type: 'boolean', default: false, group: CONNECTOR, aliases: ['internal.legacy.snapshot.max.threads'], doc: 'Use one thread per table regardless of size.',
    noEffect: { why: 'the snapshot reads one table at a time with one reader' } }),
  defineField({ name: 'snapshot.mode.custom.name', type: 'string', required: false, group: CONNECTOR, doc: 'Name of a custom snapshotter (with snapshot.mode=custom).',
    noEffect: { why: 'it is read only with snapshot.mode=custom, which this daemon does not offer' } }),
  ...['snapshot.data', 'snapshot.schema', 'start.stream', 'snapshot.on.schema.error', 'snapshot.on.data.error'].map((suffix) =>
    defineField({ name: `snapshot.mode.configuration.based.${suffix}`, type: 'boolean', default: false, group: CONNECTOR, doc: 'Part of snapshot.mode=configuration_based.',
      noEffect: { why: 'it is read only with snapshot.mode=configuration_based, which this daemon does not offer' } })),
  defineField({ name: 'snapshot.query.mode', type: 'string', default: 'select_all', enum: ['select_all', 'custom'], group: CONNECTOR, doc: 'How snapshot queries are built.',
    unsupported: onlyValue('select_all', 'only select_all is accepted, which is what the snapshot does (one SELECT of the captured columns per table)', 'remove snapshot.query.mode') }),
  defineField({ name: 'snapshot.query.mode.custom.name', type: 'string', required: false, group: CONNECTOR, doc: 'Name of a custom snapshot query builder.',
    noEffect: { why: 'it is read only with snapshot.query.mode=custom, which is refused' } }),
  defineField({ name: 'snapshot.locking.mode.custom.name', type: 'string', required: false, group: CONNECTOR, doc: 'Name of a custom snapshot lock implementation.',
    noEffect: { why: 'it is read only with snapshot.locking.mode=custom, which is refused' } }),
  defineField({ name: 'snapshot.lock.timeout.ms', type: 'long', default: 10000, group: CONNECTOR, doc: 'How long the snapshot waits for table locks.',
    noEffect: { why: 'the snapshot takes no table locks (snapshot.locking.mode none)' } }),
  defineField({ name: 'snapshot.tables.order.by.row.count', type: 'string', default: 'disabled', enum: ['disabled', 'ascending', 'descending'], group: EVENTS, doc: 'Snapshot tables ordered by their row count.',
    noEffect: { why: 'the whole snapshot is committed in one Kafka transaction, so the order of its tables is not visible to consumers' } }),
  defineField({ name: 'internal.snapshot.scan.all.columns.force', type: 'boolean', default: false, group: EVENTS, doc: 'Debezium-internal: read every column in snapshot queries.',
    noEffect: { why: 'it is a Debezium-internal switch for its own snapshot queries' } }),
  defineField({ name: 'query.fetch.size', type: 'int', default: 0, group: CONNECTOR, doc: 'JDBC fetch size of queries other than snapshot reads.',
    noEffect: { why: 'queries other than snapshot reads return few rows here; snapshot reads are sized by snapshot.fetch.size' } }),
  // --- incremental snapshots and signals ---
  defineField({ name: 'incremental.snapshot.chunk.size', type: 'int', default: 1024, group: CONNECTOR, doc: 'Rows per chunk of an incremental snapshot.',
    unsupported: onlyValue(1024, NO_INCREMENTAL, 'remove incremental.snapshot.chunk.size'), noEffect: { why: NO_INCREMENTAL } }),
  defineField({ name: 'incremental.snapshot.allow.schema.changes', type: 'boolean', default: false, group: CONNECTOR, doc: 'Allow schema changes during an incremental snapshot.',
    unsupported: onlyValue(false, NO_INCREMENTAL, 'remove incremental.snapshot.allow.schema.changes'), noEffect: { why: NO_INCREMENTAL } }),
  defineField({ name: 'incremental.snapshot.watermarking.strategy', type: 'string', default: 'insert_insert', enum: ['insert_insert', 'insert_delete'], group: CONNECTOR, doc: 'How incremental snapshot windows are marked in the signal table.',
    unsupported: onlyValue('insert_insert', NO_INCREMENTAL, 'remove incremental.snapshot.watermarking.strategy'), noEffect: { why: NO_INCREMENTAL } }),
  defineField({ name: 'notification.enabled.channels', type: 'list', required: false, group: EVENTS, doc: 'Channels that receive notifications (snapshot progress and the like).',
    unsupported: { why: 'notifications are not sent; snapshot progress is in GET /connectors/{name}/status and the metrics', fix: 'remove notification.enabled.channels' } }),
  defineField({ name: 'notification.sink.topic.name', type: 'string', required: false, group: EVENTS, doc: 'Topic of the sink notification channel.',
    unsupported: { why: 'notifications are not sent', fix: 'remove notification.sink.topic.name' } }),
  // --- filters and column handling ---
  defineField({ name: 'table.ignore.builtin', type: 'boolean', default: true, group: EVENTS, doc: 'Leave system tables out of capture.',
    unsupported: onlyValue(true, 'only true is accepted: system schemas (pg_catalog, information_schema) are never captured', 'remove table.ignore.builtin') }),
  defineField({ name: 'column.propagate.source.type', type: 'list', required: false, group: EVENTS, doc: 'Columns whose schema carries the original type name, length and scale.',
    unsupported: { why: 'schemas here carry no __debezium.source.column.* parameters, so consumers relying on them would not find them', fix: 'remove column.propagate.source.type' } }),
  defineField({ name: 'datatype.propagate.source.type', type: 'list', required: false, group: EVENTS, doc: 'Data types whose columns carry the original type name, length and scale.',
    unsupported: { why: 'schemas here carry no __debezium.source.column.* parameters, so consumers relying on them would not find them', fix: 'remove datatype.propagate.source.type' } }),
  // --- operations ---
  defineField({ name: 'guardrail.collections.max', type: 'int', default: 0, group: CONNECTOR, doc: 'Most tables the connector may capture (0 = no limit).',
    unsupported: onlyValue(0, 'only 0 (no limit) is accepted: the number of captured tables is not checked', 'remove guardrail.collections.max; narrow table.include.list to bound the captured tables') }),
  defineField({ name: 'guardrail.collections.limit.action', type: 'string', default: 'warn', enum: ['warn', 'fail'], group: CONNECTOR, doc: 'What happens when guardrail.collections.max is exceeded.',
    noEffect: { why: 'it is read only with guardrail.collections.max above 0, which is refused' } }),
  defineField({ name: 'custom.sanitize.pattern', type: 'string', default: '.*secret$|.*password$|.*sasl\\.jaas\\.config$|.*basic\\.auth\\.user\\.info|.*registry\\.auth\\.client-secret|.*credentials\\.json$|.*connectionstring$|.*connection\\.string$', group: CONNECTOR, doc: 'Names of properties whose values are masked in logs.',
    unsupported: onlyValue('.*secret$|.*password$|.*sasl\\.jaas\\.config$|.*basic\\.auth\\.user\\.info|.*registry\\.auth\\.client-secret|.*credentials\\.json$|.*connectionstring$|.*connection\\.string$',
      'values are hidden by this daemon\'s own rules (password-typed properties, values from ${env:} and ${file:}, and names mentioning a password, secret, token, credential, user info, API key, private key, connection string or JAAS config); a pattern of your own would not hide more', 'remove custom.sanitize.pattern and give secret values through ${env:NAME} or ${file:path}'),
    noEffect: { why: 'values are hidden by this daemon\'s own rules, which hide every name Debezium\'s default pattern matches' } }),
  defineField({ name: 'statistics.metrics.enabled', type: 'boolean', default: true, group: CONNECTOR, doc: 'Collect latency statistics for the metrics.',
    noEffect: { why: 'the Prometheus metrics are always collected' } }),
  defineField({ name: 'internal.advanced.metrics.enable', type: 'boolean', default: false, group: CONNECTOR, doc: 'Debezium-internal: extra JMX metrics.',
    noEffect: { why: 'it switches Debezium\'s JMX metrics; the Prometheus metrics here are always on' } }),
  defineField({ name: 'internal.log.position.check.enable', type: 'boolean', default: true, group: CONNECTOR, doc: 'Debezium-internal: check the stored position at start.',
    noEffect: { why: 'the stored position is always checked against the slot at start' } }),
  defineField({ name: 'executor.shutdown.timeout.ms', type: 'long', default: 4000, group: CONNECTOR, doc: 'How long Debezium waits for its worker threads to stop.',
    noEffect: { why: 'a stopping task here ends its reads and its open Kafka transaction itself; there is no thread pool to wait for' } }),
  defineField({ name: 'connection.validation.timeout.ms', type: 'long', default: 60000, group: CONNECTOR, doc: 'Time allowed to check the database connection while validating a config.',
    noEffect: { why: 'the checks of cdc validate and POST /connectors use connect.timeout.ms' } }),
  defineField({ name: 'memory.management.schemas.class', type: 'class', default: 'io.debezium.relational.ConcurrentMapTableMappingStorage', group: CONNECTOR, doc: 'Where Debezium keeps table schemas.',
    noEffect: { why: 'table schemas are kept in memory; there is no storage class to choose' } }),
  defineField({ name: 'memory.management.tables.class', type: 'class', default: 'io.debezium.relational.ConcurrentMapTableMappingStorage', group: CONNECTOR, doc: 'Where Debezium keeps table metadata.',
    noEffect: { why: 'table metadata is kept in memory; there is no storage class to choose' } }),
  defineField({ name: 'openlineage.integration.enabled', type: 'boolean', default: false, group: CONNECTOR, doc: 'Emit OpenLineage events.',
    unsupported: onlyValue(false, 'only false is accepted: no OpenLineage events are emitted', 'remove openlineage.integration.enabled') }),
  ...['config.file.path', 'job.namespace', 'job.description', 'job.tags', 'job.owners', 'dataset.kafka.bootstrap.servers'].map((suffix) =>
    defineField({ name: `openlineage.integration.${suffix}`, type: 'string', required: false, group: CONNECTOR, doc: 'Setting of the OpenLineage integration.',
      noEffect: { why: 'it is read only with openlineage.integration.enabled=true, which is refused' } })),
];

/**
 * Debezium 1.x names removed in 2.0 whose meaning changed, so they cannot simply be
 * renamed: each is refused (or accepted, when its value is what happens anyway) with
 * the property that replaced it.
 */
export const DEBEZIUM_REMOVED_FIELDS: readonly FieldDef[] = [
  defineField({ name: 'sanitize.field.names', type: 'boolean', default: false, group: EVENTS, doc: '(Removed in Debezium 2.0) Make schema and field names valid Avro names.',
    unsupported: onlyValue(false, 'Debezium 2.0 replaced it with schema.name.adjustment.mode and field.name.adjustment.mode', 'remove sanitize.field.names and set schema.name.adjustment.mode: avro and field.name.adjustment.mode: avro'),
    noEffect: { why: 'removed in Debezium 2.0; names are left as they are unless schema.name.adjustment.mode says otherwise' } }),
  defineField({ name: 'source.struct.version', type: 'string', default: 'v2', enum: ['v1', 'v2'], group: EVENTS, doc: '(Removed in Debezium 2.0) Shape of the source block.',
    unsupported: onlyValue('v2', 'only v2 is accepted: events carry the source block of Debezium 2.0 and later', 'remove source.struct.version'),
    noEffect: { why: 'removed in Debezium 2.0; events always carry the v2 source block' } }),
  defineField({ name: 'truncate.handling.mode', type: 'string', default: 'skip', enum: ['skip', 'include'], group: EVENTS, doc: '(Removed in Debezium 2.0) Whether truncates are emitted.',
    unsupported: onlyValue('skip', 'Debezium 2.0 replaced it with skipped.operations', 'remove truncate.handling.mode and leave t out of skipped.operations (for example skipped.operations: none)'),
    noEffect: { why: 'removed in Debezium 2.0; truncates are skipped while skipped.operations contains t, its default' } }),
  defineField({ name: 'transaction.topic', type: 'string', required: false, group: EVENTS, doc: '(Removed in Debezium 2.0) Full name of the transaction metadata topic.',
    unsupported: { why: 'Debezium 2.0 replaced it with topic.transaction, the name part after topic.prefix', fix: 'remove transaction.topic and set topic.transaction to the part of the name after <topic.prefix>.' } }),
  defineField({ name: 'snapshot.custom.class', type: 'string', required: false, group: CONNECTOR, doc: '(Removed in Debezium 2.0) A custom snapshotter class.',
    unsupported: { why: 'custom snapshotters are Java plugins, not available here', fix: 'remove snapshot.custom.class and choose a snapshot.mode' } }),
];

/**
 * Pattern-named families (column masks and truncation). The schema history families
 * (schema.history.internal.*, database.history.*) are each plugin's own: a source that
 * keeps a history implements them, one that needs none declares why (sources/postgres/config-compat.ts).
 */
export const DEBEZIUM_COMMON_FAMILIES: readonly PropertyFamily[] = [
  { pattern: /^column\.mask\.with\.\d+\.chars$/, label: 'column.mask.with.<n>.chars',
    unsupported: { why: 'column values are never masked here, so the columns would reach Kafka in clear', fix: 'remove it and leave such columns out with column.exclude.list, or mask them before they are written' } },
  { pattern: /^column\.mask\.hash\.[^.]+\.with\.salt\..+$/, label: 'column.mask.hash.<algorithm>.with.salt.<salt>',
    unsupported: { why: 'column values are never hashed here, so the columns would reach Kafka in clear', fix: 'remove it and leave such columns out with column.exclude.list' } },
  { pattern: /^column\.truncate\.to\.\d+\.chars$/, label: 'column.truncate.to.<n>.chars',
    unsupported: { why: 'column values are never truncated here', fix: 'remove it; values are written whole' } },
];

/**
 * Debezium 1.x names still found in configs, renamed in 2.0 with the same meaning:
 * canonical name -> old names. Each old name is accepted as a deprecated alias (one
 * warning naming the new property); both with different values is an error.
 */
export const DEBEZIUM_RENAMED: Readonly<Record<string, readonly string[]>> = {
  'topic.prefix': ['database.server.name'],
  'topic.heartbeat.prefix': ['heartbeat.topics.prefix'],
  'table.include.list': ['table.whitelist'],
  'table.exclude.list': ['table.blacklist'],
  'schema.include.list': ['schema.whitelist'],
  'schema.exclude.list': ['schema.blacklist'],
  'column.include.list': ['column.whitelist'],
  'column.exclude.list': ['column.blacklist'],
  'database.include.list': ['database.whitelist'],
  'database.exclude.list': ['database.blacklist'],
  'unavailable.value.placeholder': ['toasted.value.placeholder'],
};

/** Adds Debezium's old names to the fields that have one (a field keeps any aliases it declares). */
export function withDebeziumRenames(fields: readonly FieldDef[]): FieldDef[] {
  return fields.map((f) => {
    const old = DEBEZIUM_RENAMED[f.name];
    if (!old) return f;
    const aliases = [...(f.aliases ?? []), ...old.filter((a) => !f.aliases?.includes(a))];
    return Object.freeze({ ...f, aliases });
  });
}
