/**
 * Debezium's schema history (schema.history.internal.kafka.topic) for the MySQL/MariaDB
 * connector: every DDL that touches what is captured, with the table definitions just after it,
 * so a restart from a position before an ALTER decodes each event with the definition of its own
 * time. information_schema cannot say that: it shows the table as it is now, and the binlog's
 * table map (binlog_row_metadata=FULL) lacks defaults, the MariaDB JSON marker, declared types.
 *
 * The records are Debezium's (HistoryRecord): key null, value a JSON text
 *   {source: {server}, position: <offset map after the DDL>, ts_ms, databaseName, ddl, tableChanges}
 * written by the runtime in the same Kafka transaction as the offset after the DDL
 * (SourceUnit.internalRecords), so one is visible if and only if the other is. Read back with
 * InternalTopics before streaming; records after the resumed offset are ignored (their DDL has
 * not happened yet at that point; history-position.ts says how positions are ordered).
 *
 * Limit: the definition "after the DDL" is read from information_schema when the DDL event is
 * processed. If the connector lags and a later DDL changed the table again before that read, the
 * record holds the later definition. The table map check (checkAgainstTableMap) still catches
 * any column-level difference on the next row event; defaults or comments changed by the later
 * DDL are not caught. Debezium avoids this by interpreting the DDL text itself.
 */
import type { InternalTopicSpec } from '../../src/runtime/internal-topics.ts';
import type { InternalRecord, JsonMap } from '../../src/events/record.ts';
import { SourceError } from '../../src/errors/cdc-error.ts';
import type { DdlChange, TableName } from './ddl-parse.ts';
import { isAtOrBefore } from './history-position.ts';
import type { MySqlTable } from './table-schema.ts';
import { parseTableId, tableChange, tableFromChange, type DebeziumTableChange, type TableOptions } from './table-changes.ts';

/** Java's Long.MAX_VALUE: the retention.ms Debezium's KafkaSchemaHistory creates the topic with. */
export const HISTORY_RETENTION_MS = '9223372036854775807';

/**
 * The history topic as Debezium creates it: one partition (a history is read back in order),
 * never deleted by time or size, never compacted (records have no key). retention.ms is
 * Debezium's own value rather than -1 (both mean "forever" to the broker) because the runtime
 * checks an existing topic's configs by exact value, and a history topic Debezium created must
 * be taken over as it is.
 */
export function historyTopicSpec(topic: string): InternalTopicSpec {
  return { name: topic, cleanupPolicy: 'delete', partitions: 1, configs: { 'retention.ms': HISTORY_RETENTION_MS, 'retention.bytes': '-1' } };
}

export interface HistoryRecord {
  readonly source: { readonly server: string } & JsonMap;
  readonly position: JsonMap;
  readonly tsMs: number;
  readonly databaseName: string | null;
  readonly schemaName: string | null;
  readonly ddl: string | null;
  readonly tableChanges: readonly DebeziumTableChange[];
}

/** A table as read right after the DDL (null: it no longer exists, e.g. dropped again since). */
export interface TableAfter {
  readonly table: MySqlTable;
  readonly options: TableOptions | null;
}

const key = (t: TableName): string => `${t.db}.${t.table}`;

/**
 * The tables whose definitions must be read after a DDL for its history record: created,
 * altered and renamed-to tables, each once, in statement order.
 */
export function tablesToRead(changes: readonly DdlChange[]): TableName[] {
  const seen = new Map<string, TableName>();
  for (const c of changes) {
    const t = c.kind === 'create' || c.kind === 'alter' ? c.table : c.kind === 'rename' ? c.to : null;
    if (t) seen.set(key(t), t);
  }
  return [...seen.values()];
}

/**
 * Debezium's tableChanges for parsed DDL changes: CREATE and ALTER with the definition read
 * after the DDL, a rename as ALTER of the new id with previousId, DROP with the id only, and
 * DROP DATABASE as a DROP of each table `tablesOfDb` knows there. TRUNCATE and database
 * creation change no table definition (no entry, as in Debezium).
 */
export function historyTableChanges(
  changes: readonly DdlChange[],
  after: (t: TableName) => TableAfter | null,
  tablesOfDb: (db: string) => readonly TableName[],
): DebeziumTableChange[] {
  const out: DebeziumTableChange[] = [];
  for (const c of changes) {
    switch (c.kind) {
      case 'create':
      case 'alter': {
        const a = after(c.table);
        out.push(tableChange(c.kind === 'create' ? 'CREATE' : 'ALTER', c.table, a?.table ?? null, a?.options ?? null));
        break;
      }
      case 'rename': {
        const a = after(c.to);
        out.push(tableChange('ALTER', c.to, a?.table ?? null, a?.options ?? null, c.from));
        break;
      }
      case 'drop':
        out.push(tableChange('DROP', c.table, null, null));
        break;
      case 'drop-database':
        for (const t of tablesOfDb(c.db)) out.push(tableChange('DROP', t, null, null));
        break;
      default:
        break;
    }
  }
  return out;
}

export interface HistoryEntry {
  /** topic.prefix (Debezium's source partition {server}) */
  readonly server: string;
  /** the offset map after the DDL (offsets.ts encodeMySqlPosition of positionAfter) */
  readonly position: JsonMap;
  /** when the connector processed the DDL (Debezium's ts_ms here is its clock, not the binlog's) */
  readonly tsMs: number;
  /** the database the DDL applies to (changesByDatabase in schema-change-events.ts), or '' */
  readonly databaseName: string;
  readonly ddl: string;
  readonly tableChanges: readonly DebeziumTableChange[];
}

/**
 * The entry that seeds one captured table at the initial snapshot: a CREATE with the definition
 * the snapshot read, at the binlog position the snapshot is consistent with (Debezium records
 * the snapshot's SHOW CREATE TABLE statements the same way). `ddl` is that statement's text.
 */
export function snapshotHistoryEntry(server: string, position: JsonMap, tsMs: number, table: MySqlTable, options: TableOptions | null, ddl: string): HistoryEntry {
  return {
    server, position, tsMs, databaseName: table.db, ddl,
    tableChanges: [tableChange('CREATE', { db: table.db, table: table.name }, table, options)],
  };
}

/** The record for the history topic, to hand out in SourceUnit.internalRecords. */
export function encodeHistoryRecord(topic: string, e: HistoryEntry): InternalRecord {
  // Field order as Debezium's HistoryRecord writes it; absent database/schema names are left out.
  const value = {
    source: { server: e.server },
    position: e.position,
    ts_ms: e.tsMs,
    ...(e.databaseName !== '' ? { databaseName: e.databaseName } : {}),
    ddl: e.ddl,
    tableChanges: e.tableChanges,
  };
  return { topic, partition: 0, key: null, value: JSON.stringify(value) };
}

function invalid(what: string, where: string): SourceError {
  return new SourceError({
    code: 'CDC_MYSQL_HISTORY_RECORD_INVALID',
    what: `a schema history record cannot be read: ${what}`,
    where,
    fix: 'schema.history.internal.kafka.topic must name a topic that only this connector writes; if it was written by something else or damaged, give a new topic name, reset the offset (DELETE /connectors/<name>/offsets) and snapshot again',
  });
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses one history record value (JSON text); throws CDC_MYSQL_HISTORY_RECORD_INVALID. */
export function decodeHistoryRecord(value: string | Buffer | null, where: string): HistoryRecord {
  if (value === null) throw invalid('the record has no value', where);
  let doc: unknown;
  try {
    doc = JSON.parse(typeof value === 'string' ? value : value.toString('utf8'));
  } catch (e) {
    throw invalid(`the value is not JSON (${(e as Error).message})`, where);
  }
  if (!isMap(doc)) throw invalid('the value is not a JSON object', where);
  const source = doc.source;
  const position = doc.position;
  if (!isMap(source) || typeof source.server !== 'string') throw invalid('source.server is missing', where);
  if (!isMap(position)) throw invalid('position is missing', where);
  const changes: unknown = doc.tableChanges ?? [];
  if (!Array.isArray(changes)) throw invalid('tableChanges is not an array', where);
  for (const c of changes as unknown[]) {
    if (!isMap(c) || typeof c.id !== 'string' || !['CREATE', 'ALTER', 'DROP'].includes(String(c.type))) {
      throw invalid(`a table change is not {type: CREATE|ALTER|DROP, id}: ${JSON.stringify(c)}`, where);
    }
    if (parseTableId(c.id) === null) throw invalid(`table id ${JSON.stringify(c.id)} is not "database"."table"`, where);
  }
  const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);
  return {
    source: source as unknown as HistoryRecord['source'],
    position: position as JsonMap,
    tsMs: typeof doc.ts_ms === 'number' ? doc.ts_ms : 0,
    databaseName: text(doc.databaseName),
    schemaName: text(doc.schemaName),
    ddl: text(doc.ddl),
    tableChanges: changes as unknown as DebeziumTableChange[],
  };
}

/**
 * Rebuilds the table definitions as of one offset from the history, record by record in topic
 * order (feed it from InternalTopic.readAll). Records of another server (topic.prefix) or
 * positioned after the offset are skipped. With no offset (a first start) every record applies.
 */
export class HistoryReplay {
  private readonly defs = new Map<string, MySqlTable>();
  private appliedCount = 0;
  private skippedCount = 0;
  private foreignCount = 0;

  constructor(private readonly server: string, private readonly desired: JsonMap | null) {}

  /** Applies one record value; `where` names the topic and offset for errors. */
  apply(value: string | Buffer | null, where: string): void {
    const r = decodeHistoryRecord(value, where);
    if (r.source.server !== this.server) { this.foreignCount++; return; }
    if (this.desired !== null && !isAtOrBefore(r.position, this.desired)) { this.skippedCount++; return; }
    for (const c of r.tableChanges) {
      const id = parseTableId(c.id)!;
      if (c.previousId !== undefined) {
        const prev = parseTableId(c.previousId);
        if (prev) this.defs.delete(key(prev));
      }
      let table: MySqlTable | null;
      try {
        table = tableFromChange(c);
      } catch (e) {
        throw invalid((e as Error).message, where);
      }
      // A DROP, or a CREATE/ALTER whose definition could not be read (gone again): unknown here.
      if (table === null) this.defs.delete(key(id));
      else this.defs.set(key(id), table);
    }
    this.appliedCount++;
  }

  /** The definition of `db.table` at the offset, or undefined when the history has none. */
  table(db: string, table: string): MySqlTable | undefined {
    return this.defs.get(`${db}.${table}`);
  }

  get tables(): ReadonlyMap<string, MySqlTable> {
    return this.defs;
  }

  /** Records applied, skipped as later than the offset, and skipped as another server's. */
  get counts(): { applied: number; later: number; otherServer: number } {
    return { applied: this.appliedCount, later: this.skippedCount, otherServer: this.foreignCount };
  }
}
