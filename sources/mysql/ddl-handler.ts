/**
 * What the task does with one DDL event of the binlog, in one place: parse it (ddl-parse.ts),
 * decide whether the schema history records it (schema-history-config.ts), read the definitions
 * of the tables it created or altered right away, and build the history record (for
 * SourceUnit.internalRecords, committed with the offset after the DDL) and the schema change
 * records (include.schema.changes). The task then replaces its table models with `tables` and
 * emits truncate events for `truncated` (unless skipped.operations has t), as Debezium does.
 * No Kafka and no binlog here; the SQL reads come in through `readTable`.
 */
import type { InternalRecord, JsonMap, RecordHeader, SourceRecord } from '../../src/events/record.ts';
import type { MysqlFlavour } from './config-spec.ts';
import { parseDdl, type DdlChange, type DdlParse, type TableName } from './ddl-parse.ts';
import type { MySqlSourceFacts } from './event-model.ts';
import { changesByDatabase, schemaChangeRecord, type SourceBlock } from './schema-change-events.ts';
import { historyDecision, type CaptureFilter, type SchemaHistorySettings } from './schema-history-config.ts';
import { encodeHistoryRecord, historyTableChanges, tablesToRead, type TableAfter } from './schema-history.ts';
import type { MySqlTable } from './table-schema.ts';

export interface DdlHandlerDeps {
  readonly server: string;
  readonly flavour: MysqlFlavour;
  readonly history: SchemaHistorySettings;
  readonly includeSchemaChanges: boolean;
  readonly filter: CaptureFilter;
  /** readTableSchema + readTableOptions on an SQL connection; null when the table is gone */
  readTable(t: TableName): Promise<TableAfter | null>;
  /** the tables the task knows in a database (for DROP DATABASE) */
  tablesOfDb(db: string): readonly TableName[];
  readonly sourceBlock: SourceBlock;
  readonly headers?: readonly RecordHeader[];
}

export interface DdlEvent {
  /** the event's default database ('' when none) */
  readonly db: string;
  readonly query: string;
}

export interface DdlOutcome {
  readonly parse: DdlParse;
  /** the history record, or none when the DDL is not recorded */
  readonly internalRecords: readonly InternalRecord[];
  readonly schemaChanges: readonly SourceRecord[];
  /** definitions after the DDL, `db.table` -> table, null for a table now gone (dropped, renamed away) */
  readonly tables: ReadonlyMap<string, MySqlTable | null>;
  /** captured tables emptied by TRUNCATE */
  readonly truncated: readonly TableName[];
  /** why nothing was recorded, for the task's log (null when recorded) */
  readonly notRecorded: string | null;
}

const key = (t: TableName): string => `${t.db}.${t.table}`;

/** source.table of a schema change: the tables it names, comma-separated, as Debezium's source info joins them. */
function sourceTables(changes: readonly DdlChange[]): string | null {
  const names = new Set(changes.flatMap((c) => (c.kind === 'rename' ? [c.to.table] : 'table' in c ? [c.table.table] : [])));
  return names.size > 0 ? [...names].join(',') : null;
}

/**
 * Handles one DDL event. `position` is the offset after it (encodeMySqlPosition(positionAfter(...))),
 * `facts` the source facts of the event, `where` its binlog coordinates for errors. Throws
 * CDC_MYSQL_DDL_UNPARSEABLE as historyDecision does.
 */
export async function handleDdl(ev: DdlEvent, position: JsonMap, facts: MySqlSourceFacts, nowMs: number, deps: DdlHandlerDeps, where: string): Promise<DdlOutcome> {
  const parse = parseDdl(ev.query, ev.db);
  const decision = historyDecision(parse, ev.query, ev.db, deps.history, deps.filter, where);
  const changes = parse.kind === 'changes' ? parse.changes : [];
  const read = new Map<string, TableAfter | null>();
  // Read now, before a later DDL changes it again; tables neither recorded nor captured need no read.
  for (const t of tablesToRead(changes)) if (decision.record || deps.filter.table(t)) read.set(key(t), await deps.readTable(t));
  const tables = new Map<string, MySqlTable | null>();
  for (const c of changes) {
    if (c.kind === 'rename') tables.set(key(c.from), null);
    if (c.kind === 'drop') tables.set(key(c.table), null);
    if (c.kind === 'drop-database') for (const t of deps.tablesOfDb(c.db)) tables.set(key(t), null);
  }
  for (const [k, a] of read) tables.set(k, a?.table ?? null);
  const truncated = changes.flatMap((c) => (c.kind === 'truncate' && deps.filter.table(c.table) ? [c.table] : []));
  if (!decision.record) {
    return { parse, internalRecords: [], schemaChanges: [], tables, truncated, notRecorded: decision.why };
  }
  const after = (t: TableName): TableAfter | null => read.get(key(t)) ?? null;
  const groups = changesByDatabase(parse, ev.db);
  const databaseName = groups.length === 1 ? groups[0]!.databaseName : ev.db;
  const record = encodeHistoryRecord(deps.history.topic, {
    server: deps.server, position, tsMs: nowMs, databaseName, ddl: ev.query,
    tableChanges: historyTableChanges(changes, after, deps.tablesOfDb),
  });
  const schemaChanges = !deps.includeSchemaChanges ? [] : groups
    .filter((g) => !(deps.history.storeOnlyCapturedDatabases && g.databaseName !== '' && !deps.filter.database(g.databaseName)))
    .map((g) => schemaChangeRecord({
      topicPrefix: deps.server, flavour: deps.flavour, facts: { ...facts, db: g.databaseName, table: sourceTables(g.changes) },
      databaseName: g.databaseName, ddl: ev.query, tableChanges: historyTableChanges(g.changes, after, deps.tablesOfDb), nowMs,
      ...(deps.headers ? { headers: deps.headers } : {}),
    }, deps.sourceBlock));
  return { parse, internalRecords: [record], schemaChanges, tables, truncated, notRecorded: null };
}
