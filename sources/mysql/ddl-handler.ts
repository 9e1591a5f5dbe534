/**
 * What the task does with one DDL event of the binlog, in one place: parse it (ddl-parse.ts),
 * decide whether the schema history records it (schema-history-config.ts), work out the
 * definitions of the tables it created or altered (the statement's column edits applied to the
 * definition before it, ddl-apply.ts, so a connector that reads the DDL after later ALTERs still
 * records this statement's result; information_schema, read right away, where the statement
 * cannot be interpreted), and build the history record (for
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
import { definitionPlans, type DefinitionPlan } from './ddl-definitions.ts';
import { applyPlan } from './ddl-apply.ts';

export interface DdlHandlerDeps {
  readonly server: string;
  readonly flavour: MysqlFlavour;
  readonly history: SchemaHistorySettings;
  readonly includeSchemaChanges: boolean;
  readonly filter: CaptureFilter;
  /** readTableSchema + readTableOptions on an SQL connection; null when the table is gone */
  readTable(t: TableName): Promise<TableAfter | null>;
  /** the definition a table had before this DDL: null when it did not exist, undefined when not known */
  before(t: TableName): MySqlTable | null | undefined;
  /** the database's default charset now (for text columns of a table that is gone by now) */
  databaseCharset(db: string): Promise<string | null>;
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
  /** tables whose definition came from information_schema because the statement could not be interpreted, and why */
  readonly readFromServer: readonly { readonly table: string; readonly why: string }[];
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
  const readFromServer = await interpret(ev, read, deps);
  const tables = new Map<string, MySqlTable | null>();
  for (const c of changes) {
    if (c.kind === 'rename') tables.set(key(c.from), null);
    if (c.kind === 'drop') tables.set(key(c.table), null);
    if (c.kind === 'drop-database') for (const t of deps.tablesOfDb(c.db)) tables.set(key(t), null);
  }
  for (const [k, a] of read) tables.set(k, a?.table ?? null);
  const truncated = changes.flatMap((c) => (c.kind === 'truncate' && deps.filter.table(c.table) ? [c.table] : []));
  if (!decision.record) {
    return { parse, internalRecords: [], schemaChanges: [], tables, truncated, notRecorded: decision.why, readFromServer };
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
  return { parse, internalRecords: [record], schemaChanges, tables, truncated, notRecorded: null, readFromServer };
}

/**
 * Replaces, in `read`, each definition information_schema gave with the one the statement itself
 * leads to (its edits applied to the definition before it), statement by statement; returns the
 * tables left with information_schema's definition and why.
 */
async function interpret(ev: DdlEvent, read: Map<string, TableAfter | null>, deps: DdlHandlerDeps): Promise<{ table: string; why: string }[]> {
  const working = new Map<string, MySqlTable | null>();
  const result = new Map<string, MySqlTable | null>();
  const why = new Map<string, string>();
  const before = (t: TableName) => (working.has(key(t)) ? working.get(key(t)) : deps.before(t));
  let plans: DefinitionPlan[];
  try {
    plans = definitionPlans(ev.query, ev.db);
  } catch (err) {
    // A defect of the interpreter must not stop the stream: information_schema's definitions stand, as before it existed.
    return [...read.keys()].map((table) => ({ table, why: `the DDL interpreter failed: ${err instanceof Error ? err.message : String(err)}` }));
  }
  for (const plan of plans) {
    const id = key(plan.table);
    if (!read.has(id)) continue;
    const now = read.get(id) ?? null;
    const charset = now?.options?.defaultCharsetName ?? await deps.databaseCharset(plan.table.db);
    let out: ReturnType<typeof applyPlan>;
    try {
      out = applyPlan(plan, { before, now: now?.table ?? null, flavor: deps.flavour, charset });
    } catch (err) {
      out = { why: `the DDL interpreter failed: ${err instanceof Error ? err.message : String(err)}` };
    }
    if ('table' in out) {
      working.set(id, out.table);
      result.set(id, out.table);
      why.delete(id);
    } else {
      working.set(id, now?.table ?? null);
      result.delete(id);
      why.set(id, out.why);
    }
    if (plan.kind === 'alter' && key(plan.from) !== id) working.set(key(plan.from), null);
  }
  for (const [id, table] of result) {
    if (table) read.set(id, { table, options: read.get(id)?.options ?? null });
  }
  return [...why].map(([table, w]) => ({ table, why: w }));
}
