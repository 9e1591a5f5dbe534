/**
 * Debezium's schema.history.internal.* properties for the MySQL/MariaDB connector, and what
 * they decide: which topic holds the history (schema-history.ts) and which DDL statements are
 * recorded there.
 * The task reads them through readSchemaHistorySettings (schema-tracking.ts).
 */
import { defineField, type FieldDef, type ParsedConfig, type PropertyFamily } from '../../src/config/define.ts';
import { SourceError } from '../../src/errors/cdc-error.ts';
import type { DdlParse, TableName } from './ddl-parse.ts';
import { tablesOf } from './ddl-parse.ts';

const HISTORY = 'Schema history';
const KAFKA_HISTORY_CLASS = 'io.debezium.storage.kafka.history.KafkaSchemaHistory';
const SAME_TRANSACTION = 'the history is written by the worker\'s own transactional producer, in the same Kafka transaction as the events and offsets it belongs to, and read back read_committed when the task starts';

export const SCHEMA_HISTORY_FIELDS: readonly FieldDef[] = [
  defineField({ name: 'schema.history.internal', aliases: ['database.history'], valueAliases: { 'io.debezium.relational.history.KafkaDatabaseHistory': KAFKA_HISTORY_CLASS }, type: 'class', default: KAFKA_HISTORY_CLASS, group: HISTORY, importance: 'low', doc: 'Where the schema history is kept.',
    unsupported: { why: `only ${KAFKA_HISTORY_CLASS} is accepted: ${SAME_TRANSACTION}, which a file, database or object store cannot join`, fix: 'remove schema.history.internal and set schema.history.internal.kafka.topic', when: (v: unknown) => String(v) !== KAFKA_HISTORY_CLASS } }),
  defineField({ name: 'schema.history.internal.kafka.topic', aliases: ['database.history.kafka.topic'], type: 'string', required: false, group: HISTORY, importance: 'high',
    doc: 'Topic that keeps every DDL statement with the table definitions after it, read back at start so events are decoded with the definitions of their time. Only this connector may write it; it is created with one partition, cleanup.policy=delete and unlimited retention. Unset: schema-history.<topic.prefix> (Debezium requires it).',
    check: (v) => /^[A-Za-z0-9._-]{1,249}$/.test(v) || 'use a Kafka topic name: 1 to 249 letters, digits, ".", "_" or "-"' }),
  defineField({ name: 'schema.history.internal.kafka.bootstrap.servers', aliases: ['database.history.kafka.bootstrap.servers'], type: 'list', required: false, group: HISTORY, importance: 'low', doc: 'Kafka brokers of the history topic.',
    noEffect: { why: `${SAME_TRANSACTION}, so it lives in the worker's cluster (bootstrap.servers of the worker)` } }),
  defineField({ name: 'schema.history.internal.kafka.recovery.poll.interval.ms', aliases: ['database.history.kafka.recovery.poll.interval.ms'], type: 'int', default: 100, group: HISTORY, importance: 'low', doc: 'Poll interval while reading the history back.',
    noEffect: { why: 'the history is read to the end offset it had when the read began, with the worker\'s consumer settings' } }),
  defineField({ name: 'schema.history.internal.kafka.recovery.attempts', aliases: ['database.history.kafka.recovery.attempts'], type: 'int', default: 100, group: HISTORY, importance: 'low', doc: 'Empty polls before the history read gives up.',
    noEffect: { why: 'the history is read to the end offset it had when the read began; a read that does not finish in time fails the start with the topic named' } }),
  defineField({ name: 'schema.history.internal.kafka.query.timeout.ms', aliases: ['database.history.kafka.query.timeout.ms'], type: 'long', default: 3000, group: HISTORY, importance: 'low', doc: 'Time limit of Kafka admin queries about the history topic.',
    noEffect: { why: 'the topic is created and checked by the worker with its own admin client and timeouts' } }),
  defineField({ name: 'schema.history.internal.kafka.create.timeout.ms', aliases: ['database.history.kafka.create.timeout.ms'], type: 'long', default: 30000, group: HISTORY, importance: 'low', doc: 'Time limit of creating the history topic.',
    noEffect: { why: 'the topic is created and checked by the worker with its own admin client and timeouts' } }),
  defineField({ name: 'schema.history.internal.skip.unparseable.ddl', aliases: ['database.history.skip.unparseable.ddl'], type: 'boolean', default: false, group: HISTORY, importance: 'low',
    doc: 'A DDL statement whose tables cannot be read: false stops the task with the statement named; true logs it and goes on (a table change it made is then missing from the history, and events after it may be decoded with an older definition until the table map check notices).' }),
  defineField({ name: 'schema.history.internal.store.only.captured.tables.ddl', aliases: ['database.history.store.only.captured.tables.ddl', 'database.history.store.only.monitored.tables.ddl'], type: 'boolean', default: false, group: HISTORY, importance: 'low',
    doc: 'true: record only DDL that changes a captured table (table.include.list / table.exclude.list); false: every DDL of the captured databases (or of all, see store.only.captured.databases.ddl). A table added to the capture later then has no history before that point.' }),
  defineField({ name: 'schema.history.internal.store.only.captured.databases.ddl', aliases: ['database.history.store.only.captured.databases.ddl'], type: 'boolean', default: false, group: HISTORY, importance: 'low',
    doc: 'true: record only DDL of captured databases (database.include.list / database.exclude.list); false: DDL of every database.' }),
  defineField({ name: 'schema.history.internal.prefer.ddl', aliases: ['database.history.prefer.ddl'], type: 'boolean', default: false, group: HISTORY, importance: 'low', doc: 'Debezium: rebuild definitions from the DDL text instead of the stored table changes.',
    noEffect: { why: 'definitions are always rebuilt from the stored table changes; the DDL text is kept for people and consumers' } }),
  defineField({ name: 'schema.history.internal.name', aliases: ['database.history.name'], type: 'string', required: false, group: HISTORY, importance: 'low', doc: 'Debezium: name of the history client (client.id / group.id).',
    noEffect: { why: 'the history is read by the worker\'s own consumer, which joins no group' } }),
];

/** The rest of the family, Debezium 2.x names and their 1.x database.history.* forms (the fields above take both). */
export const SCHEMA_HISTORY_FAMILIES: readonly PropertyFamily[] = [
  { pattern: /^(schema\.history\.internal|database\.history)\.(producer|consumer)\./, label: 'schema.history.internal.producer.*, schema.history.internal.consumer.* (1.x: database.history.producer.*, database.history.consumer.*)', noEffect: SAME_TRANSACTION },
  { pattern: /^(schema\.history\.internal|database\.history)\./, label: 'schema.history.internal.* (1.x: database.history.*) of other history stores: file, JDBC, S3, ...', noEffect: `settings of history stores other than Kafka; ${SAME_TRANSACTION}` },
];

export interface SchemaHistorySettings {
  readonly topic: string;
  readonly skipUnparseableDdl: boolean;
  readonly storeOnlyCapturedTables: boolean;
  readonly storeOnlyCapturedDatabases: boolean;
}

export function readSchemaHistorySettings(cfg: ParsedConfig, topicPrefix: string): SchemaHistorySettings {
  return {
    topic: cfg.getString('schema.history.internal.kafka.topic') ?? `schema-history.${topicPrefix}`,
    skipUnparseableDdl: cfg.getBoolean('schema.history.internal.skip.unparseable.ddl') ?? false,
    storeOnlyCapturedTables: cfg.getBoolean('schema.history.internal.store.only.captured.tables.ddl') ?? false,
    storeOnlyCapturedDatabases: cfg.getBoolean('schema.history.internal.store.only.captured.databases.ddl') ?? false,
  };
}

/** The connector's capture filters, as the decision needs them. */
export interface CaptureFilter {
  database(db: string): boolean;
  table(t: TableName): boolean;
}

/** Statements that change no table and that Debezium's default ddl.filter keeps out of the history. */
const NOT_RECORDED = /^(GRANT|REVOKE|ANALYZE|OPTIMIZE|REPAIR|SAVEPOINT|FLUSH|CREATE TEMPORARY TABLE|DROP TEMPORARY TABLE)$/;

export type HistoryDecision =
  | { readonly record: true }
  | { readonly record: false; readonly why: string };

/**
 * Whether the DDL of a QUERY event goes to the history. Throws CDC_MYSQL_DDL_UNPARSEABLE for a
 * statement ddl-parse.ts cannot read, unless skip.unparseable.ddl (then: not recorded, and the
 * caller logs `why`). DML text (STATEMENT-format binlog) is never recorded.
 */
export function historyDecision(parse: DdlParse, sql: string, db: string, s: SchemaHistorySettings, filter: CaptureFilter, where: string): HistoryDecision {
  switch (parse.kind) {
    case 'unknown':
      if (s.skipUnparseableDdl) return { record: false, why: `unparseable DDL skipped (schema.history.internal.skip.unparseable.ddl=true): ${parse.reason}` };
      throw new SourceError({
        code: 'CDC_MYSQL_DDL_UNPARSEABLE',
        what: `the tables changed by a DDL statement cannot be read (${parse.reason}): ${sql.length > 300 ? `${sql.slice(0, 300)}...` : sql}`,
        where,
        fix: 'if the statement changes no captured table, set schema.history.internal.skip.unparseable.ddl=true and restart; otherwise report the statement, since skipping it leaves that change out of the schema history',
      });
    case 'dml':
      return { record: false, why: `${parse.statement} written as SQL text: the server logged it in STATEMENT format, whose rows a binlog connector cannot see` };
    case 'none':
      if (NOT_RECORDED.test(parse.statement) || parse.statement === '') return { record: false, why: `${parse.statement || 'an empty statement'} changes no table` };
      if (s.storeOnlyCapturedTables) return { record: false, why: 'it changes no captured table (store.only.captured.tables.ddl=true)' };
      if (s.storeOnlyCapturedDatabases && db !== '' && !filter.database(db)) return { record: false, why: `database ${db} is not captured (store.only.captured.databases.ddl=true)` };
      return { record: true };
    case 'changes': {
      const tables = tablesOf(parse);
      const dbs = [...new Set([...tables.map((t) => t.db), ...parse.changes.flatMap((c) => ('db' in c ? [c.db] : []))])];
      if (parse.changes.every((c) => c.kind === 'truncate')) {
        return { record: false, why: 'TRUNCATE changes no table definition (it is a truncate event instead)' };
      }
      if (s.storeOnlyCapturedTables && !tables.some((t) => filter.table(t))) return { record: false, why: 'it changes no captured table (store.only.captured.tables.ddl=true)' };
      if (s.storeOnlyCapturedDatabases && !dbs.some((d) => filter.database(d))) return { record: false, why: 'it changes no captured database (store.only.captured.databases.ddl=true)' };
      return { record: true };
    }
  }
}
