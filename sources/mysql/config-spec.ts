/**
 * The properties the MySQL and MariaDB connectors implement, declared once with Debezium
 * 3.6's names and defaults (BinlogConnectorConfig, MySqlConnectorConfig,
 * MariaDbConnectorConfig). Everything else Debezium documents for these connectors is
 * declared refused or "accepted, no effect" in config-compat.ts, so a real Debezium
 * config gets an answer for every key.
 *
 * The groups of `M` are the contract with the connector code: config-task.ts reads every
 * field of `M` into one typed MysqlTaskConfig, and the connector consumes that object
 * (never property names). A field added here must be read there and honoured by the
 * connector; a field the connector cannot honour belongs in config-compat.ts instead.
 */
import { ConfigDef, defineField, type FieldDef } from '../../src/config/define.ts';
import { MAX_QUEUE_BYTES_FIELD } from '../../src/config/source-task-fields.ts';
import { tasksMax } from '../../src/config/connect-framework-fields.ts';
import { NAME_ADJUSTMENT_FIELDS } from '../../src/serde/name-adjustment-config.ts';
import { SIGNAL_CONSUMER_FAMILY, SIGNAL_FIELDS } from '../../src/snapshot/signals/signal-config.ts';
import { MYSQL_COMPAT_FAMILIES, withMysqlCompat } from './config-compat.ts';
import { gtidPatternsCheck, keyColumnsCheck, regexList } from './config-checks.ts';
import { SCHEMA_HISTORY_FIELDS } from './schema-history-config.ts';

export const MYSQL_CONNECTOR_CLASS = 'io.debezium.connector.mysql.MySqlConnector';
export const MARIADB_CONNECTOR_CLASS = 'io.debezium.connector.mariadb.MariaDbConnector';
export type MysqlFlavour = 'mysql' | 'mariadb';

const CONN = 'Connection';
const FILTERS = 'Filters';
const SNAPSHOT = 'Snapshot';
const BINLOG = 'Binlog';
const TYPES = 'Types';
const EVENTS = 'Events';
const PERF = 'Performance';
const HEARTBEAT = 'Heartbeat';

/** Connection to the server: SQL connections and the binlog dump connection. */
const connection = {
  hostname: defineField({ name: 'database.hostname', type: 'string', group: CONN, importance: 'high', doc: 'Host name or address of the MySQL or MariaDB server.' }),
  port: defineField({ name: 'database.port', type: 'int', default: 3306, group: CONN, importance: 'high', doc: 'Port of the server.', check: (v) => (v > 0 && v < 65536) || 'use a TCP port between 1 and 65535' }),
  user: defineField({ name: 'database.user', type: 'string', group: CONN, importance: 'high', doc: 'User to connect as; needs REPLICATION SLAVE, REPLICATION CLIENT (BINLOG MONITOR on MariaDB 10.5+) and SELECT on the captured tables, plus RELOAD or LOCK TABLES when snapshot.locking.mode needs a lock (docs/mysql.md; "cdc migrate" creates such a user).' }),
  password: defineField({ name: 'database.password', type: 'password', required: false, group: CONN, importance: 'high', doc: 'Password of database.user. Use ${env:NAME} or ${file:path:key} rather than writing it in the file.' }),
  serverId: defineField({ name: 'database.server.id', type: 'long', required: false, group: CONN, importance: 'high',
    doc: 'Server id the binlog reader announces to the server; it must differ from every server and every other binlog reader of the topology, because the server drops an older dump connection when a new one announces the same id. Unset: derived from the connector name and topic.prefix (a number from 1048576 to 4294967295), so two connectors never share one by accident; "cdc validate" and task start refuse an id another reader already uses.',
    check: (v) => (Number.isInteger(v) && v >= 1 && v <= 4294967295) || 'use a whole number from 1 to 4294967295, different from every server_id in the topology' }),
  initialStatements: defineField({ name: 'database.initial.statements', type: 'string', required: false, group: CONN, importance: 'low', doc: 'SQL statements run on every new SQL connection (snapshot, schema reads, heartbeat, cdc validate, cdc migrate), not on the binlog connection; separated by ";", a literal ";" is written ";;".' }),
  connectTimeout: defineField({ name: 'connect.timeout.ms', type: 'int', default: 30000, group: CONN, importance: 'medium', doc: 'How long to wait for a connection to the server before giving up (and retrying, for the task).', check: (v) => v > 0 || 'use a positive number of milliseconds' }),
  keepAlive: defineField({ name: 'connect.keep.alive', type: 'boolean', default: true, group: CONN, importance: 'low', doc: 'Watch the binlog connection and reconnect (with backoff, from the last committed position) when it drops or goes silent for longer than connect.keep.alive.interval.ms; false fails the task on the first drop.' }),
  keepAliveInterval: defineField({ name: 'connect.keep.alive.interval.ms', type: 'long', default: 60000, group: CONN, importance: 'low', doc: 'How often the binlog connection is checked; it is also the heartbeat period asked of the server for the dump (so a quiet server still sends an event this often).', check: (v) => v > 0 || 'use a positive number of milliseconds' }),
  keepAliveAttempts: defineField({ name: 'connect.keep.alive.max.reconnect.attempts', type: 'int', default: 0, group: CONN, importance: 'low', doc: 'Consecutive reconnect attempts of the binlog connection before the task fails; 0 = retry forever (the task status says STALLED with the reason meanwhile).', check: (v) => v >= 0 || 'use 0 or more' }),
  netWriteTimeout: defineField({ name: 'binlog.net.write.timeout', type: 'long', default: 0, group: CONN, importance: 'low', doc: 'net_write_timeout (seconds) set on the binlog connection\'s session before the dump starts; 0 keeps the server\'s value. Raise it when a slow Kafka makes the reader pause the dump for long.', check: (v) => v >= 0 || 'use 0 or more seconds' }),
  netReadTimeout: defineField({ name: 'binlog.net.read.timeout', type: 'long', default: 0, group: CONN, importance: 'low', doc: 'net_read_timeout (seconds) set on the binlog connection\'s session; 0 keeps the server\'s value.', check: (v) => v >= 0 || 'use 0 or more seconds' }),
} as const;

/** TLS. database.ssl.mode differs per flavour (see sslModeField); the PEM files are this daemon's own. */
const tls = {
  sslCa: defineField({ name: 'database.ssl.ca', type: 'string', required: false, group: CONN, importance: 'low', doc: 'This daemon\'s own property (Debezium uses Java trust stores): PEM file of the certificate authorities the server certificate is checked against with database.ssl.mode verify_ca / verify_identity (MariaDB: verify-ca / verify-full). Unset: the public CAs Node.js ships.' }),
  sslCert: defineField({ name: 'database.ssl.cert', type: 'string', required: false, group: CONN, importance: 'low', doc: 'This daemon\'s own property (Debezium uses Java key stores): PEM file of the client certificate presented to the server (a user created REQUIRE X509).' }),
  sslKey: defineField({ name: 'database.ssl.key', type: 'string', required: false, group: CONN, importance: 'low', doc: 'This daemon\'s own property: PEM file of the private key of database.ssl.cert.',
    check: (_v, all) => all.value('database.ssl.cert') !== undefined || 'database.ssl.key is set without database.ssl.cert; set both or neither' }),
  sslKeyPassword: defineField({ name: 'database.ssl.key.password', type: 'password', required: false, group: CONN, importance: 'low', doc: 'This daemon\'s own property: passphrase of an encrypted database.ssl.key.' }),
} as const;

export const MYSQL_SSL_MODES = ['disabled', 'preferred', 'required', 'verify_ca', 'verify_identity'] as const;
export const MARIADB_SSL_MODES = ['disable', 'trust', 'verify-ca', 'verify-full'] as const;

/** database.ssl.mode with each connector's own values and default, as Debezium declares them. */
function sslModeField(flavour: MysqlFlavour): FieldDef {
  return flavour === 'mysql'
    ? defineField({ name: 'database.ssl.mode', type: 'string', default: 'preferred', enum: MYSQL_SSL_MODES, group: CONN, importance: 'medium', doc: 'TLS to the server: disabled (plain); preferred (TLS when the server offers it, else plain; the certificate is not checked); required (TLS, certificate not checked); verify_ca (TLS, chain checked against database.ssl.ca); verify_identity (verify_ca and the certificate must name database.hostname). Applies to every connection, the binlog one included.' })
    : defineField({ name: 'database.ssl.mode', type: 'string', default: 'disable', enum: MARIADB_SSL_MODES, group: CONN, importance: 'medium', doc: 'TLS to the server (MariaDB Connector/J\'s names, as Debezium\'s MariaDB connector): disable (plain); trust (TLS, certificate not checked); verify-ca (TLS, chain checked against database.ssl.ca); verify-full (verify-ca and the certificate must name database.hostname). Applies to every connection, the binlog one included.' });
}

/** What is captured: databases, tables, columns, keys. Names are database.table (no schema level). */
const filters = {
  databaseInclude: defineField({ name: 'database.include.list', type: 'list', default: [], group: FILTERS, importance: 'high', doc: 'Regular expressions (whole name) of databases to capture; empty = every database but mysql, sys, information_schema and performance_schema. Not together with database.exclude.list.', check: regexList }),
  databaseExclude: defineField({ name: 'database.exclude.list', type: 'list', default: [], group: FILTERS, importance: 'medium', doc: 'Regular expressions (whole name) of databases not to capture.',
    check: (v, all) => (v.length > 0 && ((all.value('database.include.list') as readonly string[] | undefined) ?? []).length > 0 ? 'database.include.list is set too; keep only one of the two lists' : regexList(v)) }),
  tableInclude: defineField({ name: 'table.include.list', type: 'list', default: [], group: FILTERS, importance: 'high', doc: 'Regular expressions (whole name) of database.table names to capture; empty = every table of the captured databases. Not together with table.exclude.list.', check: regexList }),
  tableExclude: defineField({ name: 'table.exclude.list', type: 'list', default: [], group: FILTERS, importance: 'medium', doc: 'Regular expressions (whole name) of database.table names not to capture.',
    check: (v, all) => (v.length > 0 && ((all.value('table.include.list') as readonly string[] | undefined) ?? []).length > 0 ? 'table.include.list is set too; keep only one of the two lists' : regexList(v)) }),
  columnInclude: defineField({ name: 'column.include.list', type: 'list', default: [], group: FILTERS, importance: 'low', doc: 'Regular expressions of database.table.column names to put in events; empty = all. Key columns are always kept. Not together with column.exclude.list.', check: regexList }),
  columnExclude: defineField({ name: 'column.exclude.list', type: 'list', default: [], group: FILTERS, importance: 'medium', doc: 'Regular expressions of database.table.column names to leave out of events. Key columns are always kept.',
    check: (v, all) => (v.length > 0 && ((all.value('column.include.list') as readonly string[] | undefined) ?? []).length > 0 ? 'column.include.list is set too; keep only one of the two lists' : regexList(v)) }),
  messageKeyColumns: defineField({ name: 'message.key.columns', type: 'string', required: false, group: FILTERS, importance: 'low', doc: 'Message key columns per table instead of the primary key: "database.table:col1,col2;database.table2:col" (the table part is a regular expression). The binlog row image is FULL, so deletes carry every column.', check: keyColumnsCheck }),
  gtidIncludes: defineField({ name: 'gtid.source.includes', type: 'list', default: [], group: BINLOG, importance: 'medium', doc: 'Regular expressions of GTID sources to keep: MySQL server UUIDs, MariaDB "domain-server" pairs. Only their ranges are kept in the stored GTID position, and (with gtid.source.filter.dml.events) only their transactions are emitted. Not together with gtid.source.excludes.', check: regexList }),
  gtidExcludes: defineField({ name: 'gtid.source.excludes', type: 'list', default: [], group: BINLOG, importance: 'medium', doc: 'Regular expressions of GTID sources to leave out of the stored GTID position (and, with gtid.source.filter.dml.events, whose transactions are not emitted).', check: gtidPatternsCheck('gtid.source.includes') }),
  gtidFilterDml: defineField({ name: 'gtid.source.filter.dml.events', type: 'boolean', default: true, group: BINLOG, importance: 'low', doc: 'With gtid.source.includes or gtid.source.excludes: emit only the row changes of transactions whose GTID source passes the filter.' }),
  gtidIgnoreOnRecovery: defineField({ name: 'gtid.ignore.on.recovery', type: 'boolean', default: false, group: BINLOG, importance: 'low', doc: 'Resume from the stored binlog file and position instead of the stored GTID position (e.g. after restoring a server whose GTID history differs); GTIDs are still tracked and stored.', noEffect: { why: 'the connector always resumes from the stored binlog file and position (GTIDs are tracked and stored, but resuming by GTID after a failover is not implemented)' } }),
} as const;

/** Initial and incremental snapshots (chunked, beside the stream, like the PostgreSQL connector). */
const snapshot = {
  mode: defineField({ name: 'snapshot.mode', type: 'string', default: 'initial', enum: ['initial', 'initial_only', 'when_needed', 'no_data', 'always', 'recovery', 'configuration_based', 'custom'] as const, group: SNAPSHOT, importance: 'high',
    doc: 'initial: snapshot when no offset is stored (or the stored one says the snapshot did not finish), then stream; initial_only: snapshot, then stop; when_needed: as initial, and snapshot again when the stored position is no longer on the server (binlog purged), instead of failing; no_data: stream only, from the current end of the binlog (schema_only and never are its old names); always: snapshot at every start, then stream. recovery, configuration_based and custom are refused.',
    unsupported: {
      why: 'recovery (rebuilding a lost schema history from the current table definitions) is not implemented; configuration_based and custom choose snapshot steps by Java plug-ins or flags this daemon does not offer',
      fix: 'remove snapshot.mode or set it to initial, initial_only, when_needed, no_data or always',
      when: (v) => v === 'recovery' || v === 'configuration_based' || v === 'custom',
    } }),
  lockTimeout: defineField({ name: 'snapshot.lock.timeout.ms', type: 'long', default: 10000, group: SNAPSHOT, importance: 'low', doc: 'Longest wait for the lock snapshot.locking.mode takes (lock_wait_timeout of the locking session); the snapshot fails with the lock holder named when it passes.', check: (v) => v > 0 || 'use a positive number of milliseconds', noEffect: { why: 'the chunked snapshot takes no lock (snapshot.locking.mode), so there is no lock wait to bound' } }),
  include: defineField({ name: 'snapshot.include.collection.list', type: 'list', default: [], group: SNAPSHOT, importance: 'medium', doc: 'Regular expressions (whole database.table name) of the captured tables the initial snapshot reads; empty = all captured tables. Tables left out are streamed only.', check: regexList }),
  fetchSize: defineField({ name: 'snapshot.fetch.size', type: 'int', default: 10240, group: SNAPSHOT, importance: 'low', doc: 'Rows per chunk of the initial snapshot and of blocking snapshots; a chunk is held in memory and written in one Kafka transaction. Bounds the memory a snapshot holds.', check: (v) => v > 0 || 'use a positive number' }),
  chunkSize: defineField({ name: 'incremental.snapshot.chunk.size', type: 'int', default: 1024, group: SNAPSHOT, importance: 'medium', doc: 'Rows per chunk of incremental snapshots (execute-snapshot signals of type incremental); a chunk is held in memory and written in one Kafka transaction.', check: (v) => v > 0 || 'use a positive number' }),
  maxThreads: defineField({ name: 'snapshot.max.threads', type: 'int', default: 1, group: SNAPSHOT, importance: 'low', doc: 'Tables the snapshot reads at once, each over an SQL session of its own.', check: (v) => (v > 0 && v <= 16) || 'use 1 to 16' }),
  tablesOrder: defineField({ name: 'snapshot.tables.order.by.row.count', type: 'string', default: 'disabled', enum: ['disabled', 'ascending', 'descending'] as const, group: SNAPSHOT, importance: 'low', doc: 'Order of the snapshot\'s tables: disabled = capture order; ascending / descending = by information_schema.TABLES.TABLE_ROWS (an estimate).' }),
  watermarking: defineField({ name: 'incremental.snapshot.watermarking.strategy', type: 'string', default: 'insert_insert', enum: ['insert_insert', 'insert_delete'] as const, group: SNAPSHOT, importance: 'low', doc: 'Debezium: how snapshot windows are marked in the signal table (signal.data.collection).',
    noEffect: { why: 'snapshot windows are marked without writes: each chunk is read in a consistent snapshot whose binlog position closes its window when the stream reaches it, so there are no signal-table rows to insert or delete' } }),
} as const;

/** Binlog reading and what events carry from it. */
const binlog = {
  includeQuery: defineField({ name: 'include.query', type: 'boolean', default: false, group: BINLOG, importance: 'medium', doc: 'Put the SQL statement that made a change into source.query of its events. Needs binlog_rows_query_log_events=ON (MySQL) or binlog_annotate_row_events=ON (MariaDB); snapshot events never carry one. The statement may show values of excluded columns.' }),
  includeSchemaChanges: defineField({ name: 'include.schema.changes', type: 'boolean', default: true, group: EVENTS, importance: 'medium', doc: 'Write each DDL statement of a captured database to the schema change topic <topic.prefix>, keyed by database name, as Debezium does.' }),
  includeSchemaComments: defineField({ name: 'include.schema.comments', type: 'boolean', default: false, group: EVENTS, importance: 'low', doc: 'Copy column comments into the doc of the field schemas (off by default: a comment then changes the registered schema).' }),
} as const;

/** Value representation (Debezium's MySQL type mapping options). */
const types = {
  decimalMode: defineField({ name: 'decimal.handling.mode', type: 'string', default: 'precise', enum: ['precise', 'double', 'string'] as const, group: TYPES, importance: 'medium', doc: 'DECIMAL/NUMERIC as Connect Decimal (precise), double, or string.' }),
  bigintUnsignedMode: defineField({ name: 'bigint.unsigned.handling.mode', type: 'string', default: 'long', enum: ['long', 'precise'] as const, group: TYPES, importance: 'medium', doc: 'BIGINT UNSIGNED as int64 (long; values above 2^63-1 wrap, as in Debezium) or as Connect Decimal with scale 0 (precise).' }),
  timePrecision: defineField({ name: 'time.precision.mode', type: 'string', default: 'adaptive_time_microseconds', enum: ['adaptive_time_microseconds', 'connect', 'isostring', 'microseconds', 'nanoseconds', 'adaptive', 'structured'] as const, group: TYPES, importance: 'medium',
    doc: 'adaptive_time_microseconds: DATE as days, DATETIME as milli- or microseconds by the column\'s precision, TIME as microseconds; connect: Kafka Connect\'s Date, Time, Timestamp (milliseconds); microseconds: DATETIME always as MicroTimestamp; nanoseconds: TIME as NanoTime and DATETIME as NanoTimestamp. TIMESTAMP is ZonedTimestamp in every mode. adaptive (refused by Debezium\'s binlog connectors too), isostring and structured are refused.',
    unsupported: {
      why: 'adaptive is no longer supported by Debezium\'s MySQL and MariaDB connectors (TIME values beyond 24 hours need microseconds); isostring and structured are not implemented by this connector\'s type mapping (their text forms of negative TIME values and TIME beyond 24 hours are not settled)',
      fix: 'remove time.precision.mode or set it to adaptive_time_microseconds, connect, microseconds or nanoseconds',
      when: (v) => !['adaptive_time_microseconds', 'connect', 'microseconds', 'nanoseconds'].includes(String(v)),
    } }),
  binaryMode: defineField({ name: 'binary.handling.mode', type: 'string', default: 'bytes', enum: ['bytes', 'base64', 'base64-url-safe', 'hex'] as const, group: TYPES, importance: 'low', doc: 'BINARY, VARBINARY and BLOB columns as bytes or as encoded text.' }),
} as const;

/** Topics and event shape. */
const events = {
  topicPrefix: defineField({ name: 'topic.prefix', type: 'string', group: EVENTS, importance: 'high', doc: 'Logical server name: prefix of every topic this connector writes (<topic.prefix>.<database>.<table>), name of the schema change topic and source.name of every event.', check: (v) => /^[A-Za-z0-9._-]+$/.test(v) || 'use only letters, digits, ".", "_" and "-" (it becomes part of topic names)' }),
  topicDelimiter: defineField({ name: 'topic.delimiter', type: 'string', default: '.', group: EVENTS, importance: 'low', doc: 'Delimiter between topic name parts.' }),
  topicTransaction: defineField({ name: 'topic.transaction', type: 'string', default: 'transaction', group: EVENTS, importance: 'low', doc: 'Suffix of the transaction metadata topic.' }),
  txMetadata: defineField({ name: 'provide.transaction.metadata', type: 'boolean', default: false, group: EVENTS, importance: 'medium', doc: 'Write BEGIN/END records to <topic.prefix>.transaction and a transaction block (id = the GTID, or file:position without GTIDs) into every event.' }),
  skippedOperations: defineField({ name: 'skipped.operations', type: 'list', default: ['t'], group: EVENTS, importance: 'low', doc: 'Operations not to emit: any of c, u, d, t, or none. Truncates are skipped by default, as in Debezium.', check: (v) => v.every((x) => ['c', 'u', 'd', 't', 'none'].includes(x)) || 'use a comma list of c, u, d, t, or none' }),
  tombstones: defineField({ name: 'tombstones.on.delete', type: 'boolean', default: true, group: EVENTS, importance: 'medium', doc: 'Follow each delete event with a tombstone (same key, null value) so compaction can drop the key.' }),
  extendedHeaders: defineField({ name: 'extended.headers.enabled', type: 'boolean', default: true, group: EVENTS, importance: 'low', doc: 'Put the __debezium.context.* headers (connectorLogicalName, taskId, connectorName = mysql or mariadb, runId) on every change record and tombstone.' }),
} as const;

/** Batching and heartbeats. */
const flow = {
  maxBatchSize: defineField({ name: 'max.batch.size', type: 'int', default: 2048, group: PERF, importance: 'low', doc: 'Most events handed to Kafka in one batch; also the most events per Kafka transaction while streaming.', check: (v) => v > 0 || 'use a positive number' }),
  maxQueueSize: defineField({ name: 'max.queue.size', type: 'int', default: 8192, group: PERF, importance: 'low', doc: 'Decoded binlog rows buffered before the binlog connection is paused.', check: (v, all) => v > (all.value('max.batch.size') as number) || 'make max.queue.size larger than max.batch.size' }),
  maxQueueBytes: MAX_QUEUE_BYTES_FIELD,
  pollInterval: defineField({ name: 'poll.interval.ms', type: 'long', default: 500, group: PERF, importance: 'low', doc: 'Longest wait for new events before an idle poll returns.' }),
  heartbeatInterval: defineField({ name: 'heartbeat.interval.ms', type: 'int', default: 0, group: HEARTBEAT, importance: 'medium', doc: 'When > 0, write a heartbeat record carrying the current binlog position this often, so the stored offset advances while captured tables are quiet (and stays ahead of binlog expiry).', check: (v) => v >= 0 || 'use 0 or more' }),
  heartbeatQuery: defineField({ name: 'heartbeat.action.query', type: 'string', required: false, group: HEARTBEAT, importance: 'low', doc: 'SQL run on every heartbeat (e.g. an upsert into a heartbeat table), so a quiet server writes binlog events.' }),
  heartbeatPrefix: defineField({ name: 'topic.heartbeat.prefix', type: 'string', default: '__debezium-heartbeat', group: HEARTBEAT, importance: 'low', doc: 'Heartbeat topic is <prefix>.<topic.prefix>.' }),
  tasksMax: defineField({ ...tasksMax, doc: 'Upper bound on the number of tasks; a MySQL or MariaDB connector reads one binlog and always runs one task.', noEffect: { why: 'above 1, because a binlog connector reads one binlog stream and always runs one task, as in Debezium', when: (v: number) => v > 1 } }),
} as const;

/** Every implemented field, by concern; config-task.ts reads each of them. */
export const M = { ...connection, ...tls, ...filters, ...snapshot, ...binlog, ...types, ...events, ...flow } as const;

/** snapshot.locking.mode with each connector's values (Debezium 3.6), default minimal. */
function lockingModeField(flavour: MysqlFlavour): FieldDef {
  const values = flavour === 'mysql'
    ? ['minimal', 'extended', 'none', 'minimal_percona', 'minimal_percona_no_table_locks', 'minimal_at_least_once', 'custom']
    : ['minimal', 'extended', 'none', 'minimal_at_least_once', 'custom'];
  return defineField({ name: 'snapshot.locking.mode', type: 'string', default: 'minimal', enum: values, group: SNAPSHOT, importance: 'low',
    doc: 'Lock the initial snapshot takes. The snapshot here is chunked and reads each chunk in a consistent snapshot (START TRANSACTION WITH CONSISTENT SNAPSHOT) whose binlog position is its watermark, so it needs no lock: minimal and none both take none and never block writes. extended (a global read lock for the whole snapshot), Percona\'s backup locks, minimal_at_least_once and custom are refused.',
    unsupported: {
      why: 'the chunked snapshot takes no lock: extended\'s global read lock for the whole snapshot would block writers for nothing, the Percona backup-lock modes need Percona Server, minimal_at_least_once gives up the consistent view (duplicates), custom loads a Java class',
      fix: 'remove snapshot.locking.mode or set it to minimal or none',
      when: (v) => !['minimal', 'none'].includes(String(v)),
    } });
}

const ALLOWED_PREFIXES = ['transforms.', 'predicates.', 'key.converter.', 'value.converter.', 'header.converter.', 'topic.creation.'];

/** The whole definition of one connector class: implemented fields plus compatibility declarations. */
export function mysqlConfigDef(flavour: MysqlFlavour): ConfigDef {
  const implemented = [...Object.values(M), sslModeField(flavour), lockingModeField(flavour), ...NAME_ADJUSTMENT_FIELDS, ...SIGNAL_FIELDS, ...SCHEMA_HISTORY_FIELDS];
  return new ConfigDef(withMysqlCompat(implemented, flavour), {
    families: MYSQL_COMPAT_FAMILIES,
    prefixFamilies: [SIGNAL_CONSUMER_FAMILY],
    allowedPrefixes: ALLOWED_PREFIXES,
  });
}

export const MYSQL_CONFIG_DEF = mysqlConfigDef('mysql');
export const MARIADB_CONFIG_DEF = mysqlConfigDef('mariadb');
