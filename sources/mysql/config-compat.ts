/**
 * The rest of Debezium 3.6's MySQL and MariaDB connector properties: those this daemon
 * does not implement, each refused with its reason, accepted when its value is what the
 * daemon does anyway, or accepted with "no effect" and a warning; Debezium's 1.x names
 * (database.server.name, *.whitelist, database.history.*, ...) and renamed values
 * (snapshot.mode schema_only, never, schema_only_recovery). config-spec.ts declares what
 * is implemented and builds each connector's definition through withMysqlCompat().
 */
import { SCHEMA_HISTORY_FAMILIES } from './schema-history-config.ts';
import { defineField, type FieldDef, type PropertyFamily } from '../../src/config/define.ts';
import {
  DEBEZIUM_COMMON_FAMILIES, DEBEZIUM_COMMON_FIELDS, DEBEZIUM_REMOVED_FIELDS, withDebeziumRenames,
} from '../../src/config/debezium-common-fields.ts';
import type { MysqlFlavour } from './config-spec.ts';

const BINLOG = 'Binlog';
const CONNECTOR = 'Connector';
const EVENTS = 'Events';

function onlyValue(allowed: string | number | boolean, why: string, fix: string) {
  const same = (v: unknown): boolean => String(v).toLowerCase() === String(allowed).toLowerCase();
  return { why, fix, when: (v: unknown) => !same(v) };
}

/** How table definitions are known here: the reason several Debezium schema options have no effect. */
export const SCHEMA_SOURCE_WHY = 'table definitions come from information_schema at the connector\'s start, and at each DDL from the statement\'s column edits applied to the definition before it (information_schema where a statement cannot be interpreted), are kept in the schema history topic (schema.history.internal.kafka.topic) with the offset they belong to, and are checked against every TABLE_MAP event (binlog_row_metadata=FULL names each column and its type), so a definition that does not describe a row stops the task instead of decoding it wrongly';

const JAVA_STORE_FIX = 'remove it and give PEM files instead: database.ssl.ca (trusted CAs), database.ssl.cert and database.ssl.key (client certificate), database.ssl.key.password';

export const MYSQL_COMPAT_FIELDS: readonly FieldDef[] = [
  // --- connection ---
  defineField({ name: 'database.server.id.offset', type: 'long', default: 10000, group: BINLOG, doc: 'Debezium: added to database.server.id for the extra binlog clients of its parallel snapshot.',
    noEffect: { why: 'the snapshot reads tables over SQL connections, which announce no server id; only the one binlog reader uses database.server.id' } }),
  defineField({ name: 'use.nongraceful.disconnect', type: 'boolean', default: false, group: BINLOG, doc: 'Debezium: close a stale binlog socket with SO_LINGER 0.',
    noEffect: { why: 'a stale binlog connection is destroyed and its dump thread killed before the reconnect; there is no Java socket option to choose' } }),
  defineField({ name: 'database.query.timeout.ms', type: 'int', default: 600000, group: CONNECTOR, doc: 'Time limit of a database query.',
    noEffect: { why: 'queries run without a client-side time limit (the server\'s max_statement_time / max_execution_time for database.user applies)' } }),
  defineField({ name: 'database.ssl.keystore', type: 'string', required: false, group: CONNECTOR, doc: 'Java key store with the client certificate.',
    unsupported: { why: 'Java key stores (JKS, PKCS#12) are not read here', fix: JAVA_STORE_FIX } }),
  defineField({ name: 'database.ssl.keystore.password', type: 'password', required: false, group: CONNECTOR, doc: 'Password of database.ssl.keystore.',
    unsupported: { why: 'Java key stores are not read here', fix: JAVA_STORE_FIX } }),
  defineField({ name: 'database.ssl.truststore', type: 'string', required: false, group: CONNECTOR, doc: 'Java trust store with the CAs the server certificate is checked against.',
    unsupported: { why: 'Java trust stores are not read here', fix: JAVA_STORE_FIX } }),
  defineField({ name: 'database.ssl.truststore.password', type: 'password', required: false, group: CONNECTOR, doc: 'Password of database.ssl.truststore.',
    unsupported: { why: 'Java trust stores are not read here', fix: JAVA_STORE_FIX } }),
  defineField({ name: 'database.jdbc.driver', type: 'class', required: false, group: CONNECTOR, doc: 'Java JDBC driver class.',
    noEffect: { why: 'connections are opened by the mysql2 client of Node.js, which speaks to MySQL and MariaDB alike; there is no JDBC driver' } }),
  defineField({ name: 'database.protocol', type: 'string', required: false, group: CONNECTOR, doc: 'JDBC URL protocol (jdbc:mysql, jdbc:mariadb).',
    noEffect: { why: 'connections are opened by the mysql2 client, with no JDBC URL' } }),
  defineField({ name: 'database.dbname', type: 'string', required: false, group: CONNECTOR, doc: 'Database name (PostgreSQL and others).',
    unsupported: { why: 'a binlog connector reads the whole server\'s binlog and captures databases chosen by filters', fix: 'remove database.dbname and set database.include.list' } }),
  defineField({ name: 'schema.include.list', type: 'list', required: false, group: CONNECTOR, doc: 'Schemas to capture (PostgreSQL and others).',
    unsupported: { why: 'MySQL and MariaDB have databases where other servers have schemas; Debezium\'s binlog connectors take database.include.list', fix: 'rename schema.include.list to database.include.list' } }),
  defineField({ name: 'schema.exclude.list', type: 'list', required: false, group: CONNECTOR, doc: 'Schemas not to capture (PostgreSQL and others).',
    unsupported: { why: 'MySQL and MariaDB have databases where other servers have schemas', fix: 'rename schema.exclude.list to database.exclude.list' } }),
  // --- binlog reading ---
  defineField({ name: 'binlog.buffer.size', type: 'int', default: 0, group: BINLOG, doc: 'Debezium: look-ahead buffer deciding whether the transaction in progress commits.',
    noEffect: { why: 'the binlog holds only committed transactions of transactional engines; a large transaction is emitted in bounded batches (max.batch.size, max.queue.size) with its progress in the offset, so no look-ahead is needed' } }),
  defineField({ name: 'binlog.metadata.based.schema', type: 'boolean', default: false, group: BINLOG, doc: 'Debezium: rebuild table schemas from TABLE_MAP metadata instead of the schema history.',
    noEffect: { why: SCHEMA_SOURCE_WHY } }),
  defineField({ name: 'unavailable.value.placeholder', type: 'string', default: '__debezium_unavailable_value', group: CONNECTOR, doc: 'Value emitted for a column whose value the source did not send.',
    noEffect: { why: 'binlog_row_image=FULL is required (checked by cdc validate and at start), so every row event carries every column' } }),
  defineField({ name: 'min.row.count.to.stream.results', type: 'int', default: 1000, group: CONNECTOR, doc: 'Row count above which a snapshot query streams its result.',
    noEffect: { why: 'snapshot reads are always chunked or streamed (snapshot.fetch.size, incremental.snapshot.chunk.size), never loaded whole' } }),
  defineField({ name: 'enable.time.adjuster', type: 'boolean', default: true, group: CONNECTOR, doc: 'Debezium: turn two-digit YEAR values into four-digit years.',
    noEffect: { why: 'the binlog and snapshot queries carry the stored four-digit YEAR; the server already converted any two-digit input when the row was written' } }),
  defineField({ name: 'event.deserialization.failure.handling.mode', type: 'string', default: 'fail', enum: ['fail', 'warn', 'skip', 'ignore'], group: CONNECTOR, doc: '(Deprecated by Debezium, replaced by event.processing.failure.handling.mode) What to do with a binlog event that cannot be decoded.',
    unsupported: onlyValue('fail', 'only fail is accepted, which is what this daemon does: an undecodable binlog event fails the task with its file and position, so no change is skipped silently', 'remove event.deserialization.failure.handling.mode or set it to fail') }),
  defineField({ name: 'inconsistent.schema.handling.mode', type: 'string', default: 'fail', enum: ['fail', 'warn', 'skip', 'ignore'], group: CONNECTOR, doc: 'What to do with rows of a table whose schema is unknown.',
    unsupported: onlyValue('fail', 'only fail is accepted: with binlog_row_metadata=FULL every row event comes with its table\'s full map, so an unknown table is a defect that fails the task rather than a reason to skip rows', 'remove inconsistent.schema.handling.mode or set it to fail') }),
  defineField({ name: 'resolve.create.table.like.schema', type: 'boolean', default: false, group: CONNECTOR, doc: 'Debezium: look up the source table of CREATE TABLE ... LIKE for its DDL parser.',
    noEffect: { why: 'the definition of a table made by CREATE TABLE ... LIKE is its source table\'s definition at that point of the binlog, as the connector keeps it (information_schema right after the DDL when the source table is not known), so no lookup needs switching on' } }),
  defineField({ name: 'read.only', type: 'boolean', default: false, group: CONNECTOR, doc: 'Run incremental snapshots without writing to the database (GTID watermarks).',
    noEffect: { why: 'snapshots never write to the database here, whatever read.only says: each chunk is read in a consistent snapshot whose binlog position is its watermark (docs/mysql.md, chunked snapshot)' } }),
  defineField({ name: 'snapshot.select.statement.overrides', type: 'list', required: false, group: CONNECTOR, doc: 'Tables whose snapshot reads a SELECT of your own.',
    unsupported: { why: 'the snapshot reads each table in key-ordered chunks; a SELECT of your own cannot be chunked', fix: 'remove snapshot.select.statement.overrides; leave tables out of the snapshot with snapshot.include.collection.list, or filter rows downstream' } }),
  defineField({ name: 'snapshot.isolation.mode', type: 'string', required: false, group: CONNECTOR, doc: '(SQL Server, PostgreSQL) isolation of the snapshot transaction.',
    unsupported: { why: 'a binlog connector always reads its snapshot in REPEATABLE READ consistent-snapshot transactions', fix: 'remove snapshot.isolation.mode' } }),
  defineField({ name: 'incremental.snapshot.allow.schema.changes', type: 'boolean', default: false, group: CONNECTOR, doc: 'Debezium: re-read a chunk when the table changed structure during it.',
    noEffect: { why: 'each chunk is read with the table structure current at the time, and the rows streamed during it carry the structure of their own binlog event, so there is nothing to re-read' } }),
  defineField({ name: 'internal.log.position.check.enable', type: 'boolean', default: true, group: CONNECTOR, doc: 'Debezium-internal: check the stored position at start.',
    noEffect: { why: 'the stored binlog position is always checked against SHOW BINARY LOGS at start' } }),
  defineField({ name: 'snapshot.new.tables', type: 'string', required: false, group: CONNECTOR, doc: '(Removed in Debezium 2.0) Snapshot tables added to the filters while streaming.',
    unsupported: { why: 'removed in Debezium 2.0; tables added to the filters later are snapshotted with an execute-snapshot signal', fix: 'remove snapshot.new.tables and send an execute-snapshot signal for the new tables' } }),
  defineField({ name: 'snapshot.locking.minimal', type: 'boolean', required: false, group: CONNECTOR, doc: '(Removed in Debezium 1.x) Minimal snapshot locks.',
    unsupported: { why: 'replaced by snapshot.locking.mode in Debezium 0.7', fix: 'remove snapshot.locking.minimal and set snapshot.locking.mode to minimal (was true) or extended (was false)' } }),
  defineField({ name: 'gtid.new.channel.position', type: 'string', required: false, group: CONNECTOR, doc: '(Removed in Debezium 2.0) Where to start reading a new GTID channel.',
    unsupported: { why: 'removed in Debezium 2.0, which always starts a new channel at its earliest position', fix: 'remove gtid.new.channel.position' } }),
  // --- Debezium's common properties whose text or default differs for a binlog connector ---
  defineField({ name: 'topic.naming.strategy', type: 'class', default: 'io.debezium.schema.DefaultTopicNamingStrategy', group: EVENTS, doc: 'Class that names the topics of change, transaction, heartbeat and schema change events.',
    unsupported: onlyValue('io.debezium.schema.DefaultTopicNamingStrategy', 'only io.debezium.schema.DefaultTopicNamingStrategy is accepted: topics are named <topic.prefix>.<database>.<table> as it does', 'remove topic.naming.strategy, or route records to other topics with a transform') }),
  defineField({ name: 'table.ignore.builtin', type: 'boolean', default: true, group: EVENTS, doc: 'Leave system tables out of capture.',
    unsupported: onlyValue(true, 'only true is accepted: the system databases mysql, sys, information_schema and performance_schema are never captured', 'remove table.ignore.builtin') }),
  defineField({ name: 'event.converting.failure.handling.mode', type: 'string', default: 'fail', enum: ['warn', 'fail', 'skip'], group: CONNECTOR, doc: 'What to do with a column value that cannot be converted to its schema type.',
    unsupported: onlyValue('fail', 'only fail is accepted, which is what this daemon does: a value that cannot be converted fails the task with its table, column and binlog position instead of being written as null', 'remove event.converting.failure.handling.mode or set it to fail') }),
];

/** sourceinfo.struct.maker of each connector class: only Debezium's default shape. */
function sourceInfoField(flavour: MysqlFlavour): FieldDef {
  const cls = flavour === 'mysql' ? 'io.debezium.connector.mysql.MySqlSourceInfoStructMaker' : 'io.debezium.connector.mariadb.MariaDbSourceInfoStructMaker';
  return defineField({ name: 'sourceinfo.struct.maker', type: 'class', default: cls, group: EVENTS, doc: 'Class that shapes the source block of events.',
    unsupported: onlyValue(cls, 'only Debezium\'s default is accepted: the source block here has its shape', 'remove sourceinfo.struct.maker') });
}

/** Debezium's renamed snapshot.mode values (schema_only and schema_only_recovery until 3.0; never until 2.x). */
const SNAPSHOT_MODE_RENAMES: Readonly<Record<string, string>> = { schema_only: 'no_data', never: 'no_data', schema_only_recovery: 'recovery' };

/** Fields of config-spec.ts plus the declarations above and Debezium's common ones, with the old names and values. */
export function withMysqlCompat(implemented: readonly FieldDef[], flavour: MysqlFlavour): FieldDef[] {
  const names = new Set(implemented.map((f) => f.name));
  const compat = [...MYSQL_COMPAT_FIELDS, sourceInfoField(flavour)];
  const compatNames = new Set(compat.map((f) => f.name));
  const extra = [
    ...compat.filter((f) => !names.has(f.name)),
    ...[...DEBEZIUM_COMMON_FIELDS, ...DEBEZIUM_REMOVED_FIELDS].filter((f) => !names.has(f.name) && !compatNames.has(f.name)),
  ];
  return withDebeziumRenames([...implemented, ...extra]).map(withSnapshotModeRenames);
}

function withSnapshotModeRenames(f: FieldDef): FieldDef {
  if (f.name !== 'snapshot.mode') return f;
  return Object.freeze({ ...f, valueAliases: { ...SNAPSHOT_MODE_RENAMES, ...f.valueAliases } });
}


/** Debezium hands driver.* to the JDBC driver (MySQL Connector/J, MariaDB Connector/J). */
const DRIVER_FAMILY: PropertyFamily = { pattern: /^driver\./, label: 'driver.*',
  noEffect: 'settings of Debezium\'s JDBC driver; connections here are opened by the mysql2 client of Node.js, which takes none of them' };

export const MYSQL_COMPAT_FAMILIES: readonly PropertyFamily[] = [
  DRIVER_FAMILY,
  ...DEBEZIUM_COMMON_FAMILIES.filter((f) => !f.pattern.test('schema.history.internal.x') && !f.pattern.test('database.history.x')),
  ...SCHEMA_HISTORY_FAMILIES,
];
