/**
 * Every property of the PostgreSQL connector, declared once (Debezium 3.6's
 * names and defaults). Parsing, config/validate, the generated reference and
 * redaction all read these declarations.
 */
import { ConfigDef, defineField } from '../../src/config/define.ts';
import { POSTGRES_COMPAT_FAMILIES, withPostgresCompat } from './config-compat.ts';
import { tasksMax } from '../../src/config/connect-framework-fields.ts';
import { SSL_MODES } from './tls.ts';
import { keyColumnsSyntax } from './key-columns.ts';
import { OVERRIDE_PREFIX, overridesCheck } from './snapshot-overrides.ts';
import { NAME_ADJUSTMENT_FIELDS } from '../../src/serde/name-adjustment-config.ts';

const IDENT = /^[a-z0-9_]{1,63}$/;
const regexList = (v: readonly string[]): true | string => {
  for (const r of v) {
    try { new RegExp(r); } catch (e) { return `"${r}" is not a valid regular expression (${(e as Error).message}); fix the pattern`; }
  }
  return true;
};

export const F = {
  hostname: defineField({ name: 'database.hostname', type: 'string', group: 'Connection', importance: 'high', doc: 'Host name or address of the PostgreSQL server.' }),
  port: defineField({ name: 'database.port', type: 'int', default: 5432, group: 'Connection', importance: 'high', doc: 'Port of the PostgreSQL server.', check: (v) => (v > 0 && v < 65536) || 'use a TCP port between 1 and 65535' }),
  user: defineField({ name: 'database.user', type: 'string', group: 'Connection', importance: 'high', doc: 'User to connect as; needs REPLICATION (or the role made by "cdc migrate") and SELECT on captured tables.' }),
  password: defineField({ name: 'database.password', type: 'password', required: false, group: 'Connection', importance: 'high', doc: 'Password of database.user. Use ${env:NAME} or ${file:path:key} rather than writing it in the file.' }),
  dbname: defineField({ name: 'database.dbname', type: 'string', group: 'Connection', importance: 'high', doc: 'Database to capture.' }),
  sslmode: defineField({ name: 'database.sslmode', type: 'string', default: 'prefer', enum: SSL_MODES, group: 'Connection', importance: 'medium', doc: 'TLS to the server, with libpq\'s meanings: disable (plain), allow (plain, TLS if the server refuses plain), prefer (TLS, plain if the server has no TLS or refuses TLS), require (TLS; the certificate is checked only when database.sslrootcert is set, then as verify-ca), verify-ca (TLS, chain checked against database.sslrootcert), verify-full (verify-ca and the certificate must name database.hostname). Applies to every connection: queries, snapshot, replication stream, slot monitor, cdc migrate and cdc validate.' }),
  sslrootcert: defineField({ name: 'database.sslrootcert', type: 'string', required: false, group: 'Connection', importance: 'low', doc: 'PEM file of the certificate authorities the server certificate is checked against, or "system" for the public CAs Node.js ships. Unset: ~/.postgresql/root.crt when it exists (as libpq).' }),
  sslcert: defineField({ name: 'database.sslcert', type: 'string', required: false, group: 'Connection', importance: 'low', doc: 'PEM file of the client certificate presented to the server (pg_hba.conf "cert" or clientcert=verify-*). Unset: ~/.postgresql/postgresql.crt when it exists (as libpq).' }),
  sslkey: defineField({ name: 'database.sslkey', type: 'string', required: false, group: 'Connection', importance: 'low', doc: 'PEM file of the private key of database.sslcert. Unset: ~/.postgresql/postgresql.key.' }),
  sslpassword: defineField({ name: 'database.sslpassword', type: 'password', required: false, group: 'Connection', importance: 'low', doc: 'Passphrase of an encrypted database.sslkey.' }),
  initialStatements: defineField({ name: 'database.initial.statements', type: 'string', required: false, group: 'Connection', importance: 'low', doc: 'SQL statements run on every new SQL connection (queries, snapshot, heartbeat, slot monitor, cdc migrate, cdc validate), not on the replication connection; separated by ";", a literal ";" is written ";;".' }),
  connectTimeout: defineField({ name: 'connect.timeout.ms', type: 'int', default: 30000, group: 'Connection', importance: 'low', doc: 'How long to wait for a database connection before giving up and retrying.' }),
  topicPrefix: defineField({ name: 'topic.prefix', type: 'string', group: 'Connector', importance: 'high', doc: 'Logical server name: prefix of every topic this connector writes and source.name of every event.', check: (v) => /^[A-Za-z0-9._-]+$/.test(v) || 'use only letters, digits, ".", "_" and "-" (it becomes part of topic names)' }),
  pluginName: defineField({ name: 'plugin.name', type: 'string', default: 'pgoutput', enum: ['pgoutput'] as const, group: 'Replication', importance: 'medium', doc: 'Logical decoding plugin the slot is created with and must use. Only pgoutput (built into PostgreSQL 10+) is supported; decoderbufs is not.' }),
  slotName: defineField({ name: 'slot.name', type: 'string', default: 'debezium', group: 'Replication', importance: 'high', doc: 'Logical replication slot this connector reads and advances.', check: (v) => IDENT.test(v) || 'use 1-63 lowercase letters, digits or underscores' }),
  slotDropOnStop: defineField({ name: 'slot.drop.on.stop', type: 'boolean', default: false, group: 'Replication', importance: 'low', doc: 'Drop the slot when the connector is deleted (not on pause, stop, restart or a move between workers). Its position is lost with it: use for tests and throwaway connectors.' }),
  slotMaxRetries: defineField({ name: 'slot.max.retries', type: 'int', default: 6, group: 'Replication', importance: 'low', doc: 'Retries to obtain the slot while another connection holds it (at start, before the snapshot or the stream); after the last one the task fails with CDC_PG_SLOT_IN_USE.', check: (v) => v >= 0 || 'use 0 or more' }),
  slotRetryDelay: defineField({ name: 'slot.retry.delay.ms', type: 'long', default: 10000, group: 'Replication', importance: 'low', doc: 'Delay between attempts to obtain a slot held by another connection.', check: (v) => v >= 0 || 'use 0 or more milliseconds' }),
  publicationName: defineField({ name: 'publication.name', type: 'string', default: 'dbz_publication', group: 'Replication', importance: 'high', doc: 'Publication that decides which tables pgoutput sends.', check: (v) => v.length > 0 && v.length <= 63 || 'use 1-63 characters' }),
  publicationAutocreate: defineField({ name: 'publication.autocreate.mode', type: 'string', default: 'all_tables', enum: ['all_tables', 'disabled', 'filtered', 'no_tables'] as const, group: 'Replication', importance: 'medium', doc: 'all_tables: create FOR ALL TABLES if missing (superuser); filtered: create or update FOR TABLE with the captured tables; disabled: the publication must exist; no_tables: create an empty one.' }),
  statusInterval: defineField({ name: 'status.update.interval.ms', type: 'int', default: 10000, group: 'Replication', importance: 'low', doc: 'Interval of standby status updates to the server (keeps wal_sender_timeout from firing).', check: (v) => v >= 100 || 'use at least 100 ms' }),
  schemaInclude: defineField({ name: 'schema.include.list', type: 'list', default: [], group: 'Filters', importance: 'medium', doc: 'Regular expressions of schemas to capture (whole-name match); empty = all but system schemas.', check: regexList }),
  schemaExclude: defineField({ name: 'schema.exclude.list', type: 'list', default: [], group: 'Filters', importance: 'medium', doc: 'Regular expressions of schemas not to capture.', check: regexList }),
  tableInclude: defineField({ name: 'table.include.list', type: 'list', default: [], group: 'Filters', importance: 'high', doc: 'Regular expressions of schema.table names to capture (whole-name match); empty = all.', check: regexList }),
  tableExclude: defineField({ name: 'table.exclude.list', type: 'list', default: [], group: 'Filters', importance: 'medium', doc: 'Regular expressions of schema.table names not to capture.', check: regexList }),
  columnInclude: defineField({ name: 'column.include.list', type: 'list', default: [], group: 'Filters', importance: 'low', doc: 'Regular expressions of schema.table.column names to capture; empty = all. Key columns are always kept.', check: regexList }),
  columnExclude: defineField({ name: 'column.exclude.list', type: 'list', default: [], group: 'Filters', importance: 'medium', doc: 'Regular expressions of schema.table.column names to leave out of events. Key columns are always kept.', check: regexList }),
  messageKeyColumns: defineField({ name: 'message.key.columns', type: 'string', required: false, group: 'Filters', importance: 'low', doc: 'Message key columns per table, instead of the primary key: "schema.table:col1,col2;schema.table2:col" (the table part is a regular expression). Each column must exist and be part of the table\'s replica identity (or the identity must be FULL), so deletes carry it; checked by cdc validate and at start.', check: keyColumnsSyntax }),
  skippedOperations: defineField({ name: 'skipped.operations', type: 'list', default: ['t'], group: 'Events', importance: 'low', doc: 'Operations not to emit: any of c, u, d, t, or none. Truncates are skipped by default, as in Debezium.', check: (v) => v.every((x) => ['c', 'u', 'd', 't', 'none'].includes(x)) || 'use a comma list of c, u, d, t, or none' }),
  tombstones: defineField({ name: 'tombstones.on.delete', type: 'boolean', default: true, group: 'Events', importance: 'medium', doc: 'Follow each delete event with a tombstone (same key, null value) so compaction can drop the key.' }),
  txMetadata: defineField({ name: 'provide.transaction.metadata', type: 'boolean', default: false, group: 'Events', importance: 'medium', doc: 'Write BEGIN/END records to <topic.prefix>.transaction and a transaction block into every event.' }),
  topicTransaction: defineField({ name: 'topic.transaction', type: 'string', default: 'transaction', group: 'Events', importance: 'low', doc: 'Suffix of the transaction metadata topic.' }),
  topicDelimiter: defineField({ name: 'topic.delimiter', type: 'string', default: '.', group: 'Events', importance: 'low', doc: 'Delimiter between topic name parts.' }),
  decimalMode: defineField({ name: 'decimal.handling.mode', type: 'string', default: 'precise', enum: ['precise', 'double', 'string'] as const, group: 'Types', importance: 'medium', doc: 'numeric/decimal/money as Connect Decimal (precise), double, or string.' }),
  timePrecision: defineField({ name: 'time.precision.mode', type: 'string', default: 'adaptive', enum: ['adaptive', 'adaptive_time_microseconds', 'connect', 'isostring', 'microseconds', 'nanoseconds'] as const, group: 'Types', importance: 'medium', doc: 'How date, time and timestamp columns are represented.' }),
  intervalMode: defineField({ name: 'interval.handling.mode', type: 'string', default: 'numeric', enum: ['numeric', 'string'] as const, group: 'Types', importance: 'low', doc: 'interval as microseconds (numeric) or ISO 8601 text (string).' }),
  binaryMode: defineField({ name: 'binary.handling.mode', type: 'string', default: 'bytes', enum: ['bytes', 'base64', 'base64-url-safe', 'hex'] as const, group: 'Types', importance: 'low', doc: 'bytea as bytes or as encoded text.' }),
  hstoreMode: defineField({ name: 'hstore.handling.mode', type: 'string', default: 'json', enum: ['json', 'map'] as const, group: 'Types', importance: 'low', doc: 'hstore as a JSON string or a map.' }),
  moneyDigits: defineField({ name: 'money.fraction.digits', type: 'short', default: 2, group: 'Types', importance: 'low', doc: 'Scale of money values in precise mode.' }),
  placeholder: defineField({ name: 'unavailable.value.placeholder', type: 'string', default: '__debezium_unavailable_value', group: 'Types', importance: 'low', doc: 'Value emitted for unchanged TOASTed columns that PostgreSQL does not send; "hex:" prefix gives raw bytes.' }),
  includeUnknown: defineField({ name: 'include.unknown.datatypes', type: 'boolean', default: false, group: 'Types', importance: 'low', doc: 'Emit columns of unmapped types as their raw text bytes instead of leaving them out.' }),
  snapshotMode: defineField({ name: 'snapshot.mode', type: 'string', default: 'initial', enum: ['initial', 'never', 'initial_only', 'no_data', 'when_needed'] as const, group: 'Snapshot', importance: 'high', doc: 'initial: snapshot when no offset exists, then stream; initial_only: snapshot, then stop; no_data / never: stream only; when_needed: snapshot also when the stored position can no longer be resumed.' }),
  snapshotOverrides: defineField({ name: 'snapshot.select.statement.overrides', type: 'list', default: [], group: 'Snapshot', importance: 'low', doc: 'Tables (schema.table) whose snapshot reads a SELECT of your own instead of the whole table; each needs snapshot.select.statement.overrides.<schema>.<table> holding that SELECT (e.g. with a WHERE clause). Streaming is not affected.', check: overridesCheck }),
  includeSchemaComments: defineField({ name: 'include.schema.comments', type: 'boolean', default: false, group: 'Events', importance: 'low', doc: 'Copy column comments (COMMENT ON COLUMN) into the doc of the field schemas. Off by default, as in Debezium: a comment then changes the registered schema.' }),
  snapshotFetchSize: defineField({ name: 'snapshot.fetch.size', type: 'int', default: 10240, group: 'Snapshot', importance: 'low', doc: 'Rows fetched per round trip while snapshotting (bounds memory).', check: (v) => v > 0 || 'use a positive number' }),
  maxBatchSize: defineField({ name: 'max.batch.size', type: 'int', default: 2048, group: 'Performance', importance: 'low', doc: 'Most events handed to Kafka in one batch; also the most events per Kafka transaction while streaming.', check: (v) => v > 0 || 'use a positive number' }),
  maxQueueSize: defineField({ name: 'max.queue.size', type: 'int', default: 8192, group: 'Performance', importance: 'low', doc: 'Decoded replication messages buffered before the socket is paused.', check: (v, all) => v > (all.value('max.batch.size') as number) || 'make max.queue.size larger than max.batch.size' }),
  pollInterval: defineField({ name: 'poll.interval.ms', type: 'long', default: 500, group: 'Performance', importance: 'low', doc: 'Longest wait for new events before an idle poll returns.' }),
  heartbeatInterval: defineField({ name: 'heartbeat.interval.ms', type: 'int', default: 0, group: 'Heartbeat', importance: 'medium', doc: 'When > 0, write a heartbeat record carrying the current position this often, so the slot advances while captured tables are quiet.' }),
  heartbeatQuery: defineField({ name: 'heartbeat.action.query', type: 'string', required: false, group: 'Heartbeat', importance: 'low', doc: 'SQL run on every heartbeat (e.g. an upsert into a published heartbeat table), so a quiet database produces WAL the slot can confirm.' }),
  heartbeatPrefix: defineField({ name: 'topic.heartbeat.prefix', type: 'string', default: '__debezium-heartbeat', group: 'Heartbeat', importance: 'low', doc: 'Heartbeat topic is <prefix>.<topic.prefix>.' }),
  lsnFlushTimeout: defineField({ name: 'lsn.flush.timeout.ms', type: 'long', default: 30000, group: 'Replication', importance: 'low', doc: 'Debezium: how long committing an offset may wait for the LSN flush to the server.', noEffect: { why: 'the flush position is sent as a standby status update right after each Kafka commit, without waiting for the server, so there is no flush to time out; a slot that stops advancing shows in cdc_postgres_slot_lag_bytes and in the task status' } }),
  lsnFlushTimeoutAction: defineField({ name: 'lsn.flush.timeout.action', type: 'string', default: 'fail', enum: ['fail', 'warn', 'ignore'] as const, group: 'Replication', importance: 'low', doc: 'Debezium: what to do when lsn.flush.timeout.ms passes (fail, warn, ignore).', noEffect: { why: 'no flush waits here (see lsn.flush.timeout.ms), so the timeout never happens' } }),
  tasksMax: defineField({ ...tasksMax, doc: 'Upper bound on the number of tasks this connector may run; the PostgreSQL connector always runs one.', noEffect: { why: 'above 1, because a PostgreSQL connector reads one replication slot and always runs one task, as in Debezium', when: (v: number) => v > 1 } }),
} as const;

// The implemented fields, plus every other Debezium property declared refused or
// "accepted, no effect", Debezium's renames and its Connect layout (config-compat.ts).
export const POSTGRES_CONFIG_DEF = new ConfigDef(withPostgresCompat([...Object.values(F), ...NAME_ADJUSTMENT_FIELDS]), {
  families: POSTGRES_COMPAT_FAMILIES,
  // Passthrough families: SMTs, converters, topic creation groups (client overrides are validated by the framework def).
  allowedPrefixes: ['transforms.', 'predicates.', 'key.converter.', 'value.converter.', 'header.converter.', 'topic.creation.', 'driver.', OVERRIDE_PREFIX],
});
