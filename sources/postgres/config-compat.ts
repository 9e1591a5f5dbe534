/**
 * The rest of Debezium 3.6's PostgreSQL connector properties: those this daemon does
 * not implement, each refused with its reason, accepted when its value is what the
 * daemon does anyway, or accepted with "no effect" and a warning; Debezium's renamed
 * names and values; and Debezium's Connect metadata (group, order, width, importance,
 * display name) applied to every declaration. config-spec.ts declares what is
 * implemented and builds POSTGRES_CONFIG_DEF through withPostgresCompat(), so a name
 * neither Debezium nor Connect knows is the only one refused as unknown.
 */
import { defineField, type FieldDef, type PropertyFamily } from '../../src/config/define.ts';
import {
  DEBEZIUM_COMMON_FAMILIES, DEBEZIUM_COMMON_FIELDS, DEBEZIUM_REMOVED_FIELDS, withDebeziumRenames,
} from '../../src/config/debezium-common-fields.ts';
import { DEBEZIUM_PG_DEPENDENTS, DEBEZIUM_PG_KEY_INFO } from './debezium-key-info.ts';

const PG = 'Postgres';
const CONNECTOR = 'Connector';

function onlyValue(allowed: string | number | boolean, why: string, fix: string) {
  const same = (v: unknown): boolean => String(v).toLowerCase() === String(allowed).toLowerCase();
  return { why, fix, when: (v: unknown) => !same(v) };
}

export const POSTGRES_COMPAT_FIELDS: readonly FieldDef[] = [
  defineField({ name: 'database.query.timeout.ms', type: 'int', default: 600000, group: PG, doc: 'Time limit of a database query.',
    noEffect: { why: 'queries run without a client-side time limit (the statement_timeout of database.user applies, except to the COPY of a table by snapshot.strategy=single_transaction, which sets none for its transaction)' } }),
  defineField({ name: 'database.tcpKeepAlive', type: 'boolean', default: true, group: PG, doc: 'Send TCP keep-alive probes on every database connection, so a connection whose peer vanished (a failover, a dropped NAT entry) is noticed and reopened instead of hanging.' }),
  defineField({ name: 'database.sslfactory', type: 'string', required: false, group: PG, doc: 'Java SSL socket factory class of the JDBC driver.',
    unsupported: { why: 'it names a Java class of the JDBC driver; TLS here is configured by properties', fix: 'remove database.sslfactory and configure TLS with database.sslmode and the certificate properties in docs/config-reference.md' } }),
  defineField({ name: 'replica.identity.autoset.values', type: 'string', required: false, group: PG, doc: 'REPLICA IDENTITY the connector sets on tables at start.',
    unsupported: { why: 'the daemon never alters tables; replica identity decides what before images and delete keys contain', fix: 'remove replica.identity.autoset.values and run ALTER TABLE <table> REPLICA IDENTITY FULL (or USING INDEX <index>) yourself' } }),
  defineField({ name: 'slot.failover', type: 'boolean', default: false, group: PG, doc: 'Create the slot as a failover slot (PostgreSQL 17+, connected to the primary): PostgreSQL synchronises it to standbys running with sync_replication_slots=on, so after a promotion the connector resumes on the new primary. An existing slot without failover is altered at start. Refused on PostgreSQL 16 or older and on a standby.' }),
  defineField({ name: 'slot.stream.params', type: 'string', required: false, group: PG, doc: 'Extra options for the logical decoding plugin.',
    unsupported: { why: 'pgoutput is started with its own options (proto_version, publication_names) and takes no others here', fix: 'remove slot.stream.params; choose tables with publication.name and table.include.list' } }),
  defineField({ name: 'xmin.fetch.interval.ms', type: 'long', default: 0, group: PG, doc: 'How often the slot\'s xmin is read into the source block.',
    unsupported: onlyValue(0, 'only 0 is accepted: source.xmin stays null, as with Debezium\'s default', 'remove xmin.fetch.interval.ms') }),
  defineField({ name: 'lsn.flush.mode', type: 'string', required: false, enum: ['connector', 'connector_and_driver', 'manual'], group: PG, doc: 'Who confirms positions to the slot.',
    unsupported: onlyValue('connector', 'only connector is accepted: the daemon confirms a position to the slot only after the Kafka transaction holding it committed; manual would let WAL pile up, connector_and_driver could confirm positions not yet in Kafka', 'remove lsn.flush.mode or set it to connector') }),
  defineField({ name: 'flush.lsn.source', type: 'boolean', default: true, group: PG, doc: '(Deprecated in Debezium, replaced by lsn.flush.mode) Confirm positions to the slot.',
    unsupported: onlyValue(true, 'only true is accepted: positions are confirmed after each Kafka commit; false (manual confirmation) is not offered', 'remove flush.lsn.source') }),
  defineField({ name: 'snapshot.isolation.mode', type: 'string', default: 'serializable', enum: ['serializable', 'repeatable_read', 'read_committed', 'read_uncommitted'], group: CONNECTOR, doc: 'Isolation level of the snapshot transaction.',
    unsupported: { why: 'a snapshot that is not one consistent view could miss or repeat rows around the slot\'s start position', fix: 'remove snapshot.isolation.mode or set it to serializable or repeatable_read', when: (v: unknown) => v === 'read_committed' || v === 'read_uncommitted' },
    noEffect: { why: 'the snapshot always reads in one REPEATABLE READ transaction on the slot\'s exported snapshot, which gives the consistent view both serializable and repeatable_read ask for' } }),
  defineField({ name: 'snapshot.locking.mode', type: 'string', default: 'none', enum: ['none', 'shared', 'custom'], group: CONNECTOR, doc: 'Table locks taken while the snapshot reads table structures.',
    unsupported: onlyValue('none', 'only none is accepted: the snapshot takes no table locks (its view comes from the slot\'s exported snapshot), so DDL during a snapshot is not blocked', 'remove snapshot.locking.mode, and avoid DDL on captured tables while a snapshot runs') }),
  defineField({ name: 'schema.refresh.mode', type: 'string', default: 'columns_diff', enum: ['columns_diff', 'columns_diff_exclude_unchanged_toast'], group: CONNECTOR, doc: 'When the in-memory table schema is refreshed.',
    unsupported: onlyValue('columns_diff', 'only columns_diff is accepted: a table\'s schema is refreshed whenever pgoutput sends its relation message with different columns', 'remove schema.refresh.mode') }),
  defineField({ name: 'read.only', type: 'boolean', default: false, group: PG, doc: 'Run incremental snapshots without writing to the database.',
    unsupported: onlyValue(false, 'only false is accepted: the chunked and incremental snapshots write a logical decoding message (pg_logical_emit_message) as their watermark; the read-only watermark method is not implemented', 'remove read.only; on a standby, or to write nothing, set snapshot.strategy=single_transaction') }),
  defineField({ name: 'offset.mismatch.strategy', type: 'string', default: 'no_validation', enum: ['no_validation', 'trust_greater_lsn', 'trust_offset', 'trust_slot'], group: PG, doc: 'What to do when the stored offset and the slot disagree.',
    unsupported: { why: 'streaming starts at the later of the stored offset and the slot\'s confirmed position; trusting only one of them could re-send or skip changes', fix: 'remove offset.mismatch.strategy or set it to trust_greater_lsn', when: (v: unknown) => v === 'trust_offset' || v === 'trust_slot' },
    noEffect: { why: 'streaming always starts at the later of the stored offset and the slot\'s confirmed position (trust_greater_lsn); no_validation differs only in not checking' } }),
  defineField({ name: 'internal.slot.seek.to.known.offset.on.start', type: 'boolean', default: false, group: PG, doc: 'Debezium-internal: advance the slot to the stored offset at start.',
    unsupported: onlyValue(false, 'only false is accepted: the slot is never advanced before the data it covers is in Kafka', 'remove internal.slot.seek.to.known.offset.on.start') }),
  defineField({ name: 'internal.create.slot.command.timeout', type: 'long', default: 90, group: PG, doc: 'Debezium-internal: seconds allowed for CREATE_REPLICATION_SLOT.',
    noEffect: { why: 'slot creation waits as long as PostgreSQL needs (it waits for running transactions to end)' } }),
  defineField({ name: 'database.connection.timeout.ms', type: 'int', default: 600000, group: PG, doc: 'Debezium\'s JDBC connection timeout.',
    noEffect: { why: 'the time allowed to connect to the database is connect.timeout.ms' } }),
  defineField({ name: 'database.connection.factory.class', type: 'class', required: false, group: PG, doc: 'Java class that opens JDBC connections (e.g. for AWS IAM authentication).',
    unsupported: { why: 'it names a Java class; connections here are opened with database.user and database.password', fix: 'remove database.connection.factory.class and give the password (or a token) in database.password, for example through ${env:NAME}' } }),
  // Debezium's relational properties that its PostgreSQL connector leaves out of its definition.
  defineField({ name: 'include.schema.changes', type: 'boolean', default: true, group: 'Events', doc: 'Write schema change events (a MySQL and SQL Server feature).',
    noEffect: { why: 'a PostgreSQL connector writes no schema change events: pgoutput carries no DDL, and table changes show in the next event\'s schema, as in Debezium' } }),
  defineField({ name: 'database.include.list', type: 'list', required: false, group: 'Events', doc: 'Databases to capture (MySQL).',
    unsupported: { why: 'a PostgreSQL connector captures the one database named by database.dbname', fix: 'remove database.include.list and set database.dbname; run one connector per database' } }),
  defineField({ name: 'database.exclude.list', type: 'list', required: false, group: 'Events', doc: 'Databases not to capture (MySQL).',
    unsupported: { why: 'a PostgreSQL connector captures the one database named by database.dbname', fix: 'remove database.exclude.list' } }),
  defineField({ name: 'sourceinfo.struct.maker', type: 'class', default: 'io.debezium.connector.postgresql.PostgresSourceInfoStructMaker', group: 'Events', doc: 'Class that shapes the source block of events.',
    unsupported: onlyValue('io.debezium.connector.postgresql.PostgresSourceInfoStructMaker', 'only Debezium\'s default is accepted: the source block here has its shape', 'remove sourceinfo.struct.maker') }),
];

/** Debezium's renamed snapshot.mode values: never (until 3.0) and exported (1.x). */
const SNAPSHOT_MODE_RENAMES: Readonly<Record<string, string>> = { never: 'no_data', exported: 'initial' };

/**
 * Fields of config-spec.ts plus the compatibility declarations above and Debezium's
 * common ones, with Debezium's old names and values, laid out as Debezium's
 * ConfigDef does (its three groups and its order; anything Debezium does not list
 * keeps its own group, after them).
 */
export function withPostgresCompat(implemented: readonly FieldDef[]): FieldDef[] {
  const names = new Set(implemented.map((f) => f.name));
  const extra = [...POSTGRES_COMPAT_FIELDS, ...DEBEZIUM_COMMON_FIELDS, ...DEBEZIUM_REMOVED_FIELDS].filter((f) => !names.has(f.name));
  const all = withDebeziumRenames([...implemented, ...extra]).map(withSnapshotModeRenames).map(withKeyInfo);
  const groupRank = (f: FieldDef): number => ['Postgres', 'Connector', 'Events'].indexOf(f.group);
  const position = new Map(all.map((f, i) => [f.name, i]));
  const rank = (f: FieldDef): [number, number] => {
    const info = DEBEZIUM_PG_KEY_INFO[f.name];
    if (info) return [groupRank(f), info[1]];
    // Not listed by Debezium: after Debezium's own in the same group, or in a group of its own.
    const g = groupRank(f);
    return [g === -1 ? 3 : g, 1000 + position.get(f.name)!];
  };
  return [...all].sort((a, b) => {
    const [ga, oa] = rank(a);
    const [gb, ob] = rank(b);
    return ga - gb || oa - ob;
  });
}

function withSnapshotModeRenames(f: FieldDef): FieldDef {
  if (f.name !== 'snapshot.mode') return f;
  const renamed = Object.keys(SNAPSHOT_MODE_RENAMES);
  return Object.freeze({
    ...f,
    valueAliases: { ...SNAPSHOT_MODE_RENAMES, ...f.valueAliases },
    ...(f.enum ? { enum: f.enum.filter((v) => !renamed.includes(v)) } : {}),
  });
}

function withKeyInfo(f: FieldDef): FieldDef {
  const info = DEBEZIUM_PG_KEY_INFO[f.name];
  if (!info) return f;
  const [group, , width, importance, displayName] = info;
  const dependents = DEBEZIUM_PG_DEPENDENTS[f.name];
  // Connect lists Debezium's properties as not required: Debezium gives each a null default.
  return Object.freeze({ ...f, group, width, importance, displayName, connectRequired: false, ...(dependents ? { dependents } : {}) });
}

export const POSTGRES_COMPAT_FAMILIES: readonly PropertyFamily[] = [
  ...DEBEZIUM_COMMON_FAMILIES,
  // Debezium's schema history: the MySQL connector's; PostgreSQL needs none.
  { pattern: /^database\.history\./, label: 'database.history.*',
    noEffect: 'Debezium\'s MySQL schema history (renamed schema.history.internal.* in Debezium 2.0); a PostgreSQL connector keeps no schema history, because pgoutput describes every table before its changes' },
  { pattern: /^schema\.history\.internal\./, label: 'schema.history.internal.*',
    noEffect: 'Debezium\'s schema history of MySQL and others; a PostgreSQL connector keeps no schema history, because pgoutput describes every table before its changes' },
];
