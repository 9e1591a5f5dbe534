/**
 * The seams between the parts of the MySQL/MariaDB connector (types only): the table model that
 * turns rows into Debezium records (table-model.ts, change-events.ts), the facts of the source
 * block (source-info.ts), and what the stream and the chunked snapshot exchange. Rows are what
 * the binlog reader and a snapshot query both hand out: column name -> value, read with the
 * same mysql2 options (dateStrings, timezone 'Z', JSON as text, big numbers as strings), so one
 * converter per column (types.ts) serves both.
 */
import type { ConnectSchema } from '../../src/events/schema.ts';
import type { Clock, Op, TransactionBlock } from '../../src/events/envelope.ts';
import type { SourceRecord } from '../../src/events/record.ts';
import type { KeyValues } from '../../src/snapshot/contracts.ts';
import type { MySqlTable } from './table-schema.ts';
import type { ServerFlavor } from './column-info.ts';

export type MySqlRow = Readonly<Record<string, unknown>>;

export type MySqlRowChange =
  | { readonly kind: 'read'; readonly after: MySqlRow }
  | { readonly kind: 'insert'; readonly after: MySqlRow }
  | { readonly kind: 'update'; readonly before: MySqlRow; readonly after: MySqlRow }
  | { readonly kind: 'delete'; readonly before: MySqlRow };

/** Debezium's `source.snapshot` values. */
export type SnapshotMarker = 'true' | 'first' | 'first_in_data_collection' | 'last_in_data_collection' | 'last' | 'false' | 'incremental';

/** What the source block of one event says (Debezium's io.debezium.connector.{mysql,mariadb}.Source). */
export interface MySqlSourceFacts {
  /** topic.prefix */
  readonly serverName: string;
  readonly db: string;
  readonly table: string | null;
  /** binlog event timestamp, ms (snapshot reads: the clock at dispatch) */
  readonly tsMs: number;
  /** the same instant in µs when known more finely (MySQL 8's original commit timestamp); else ts_us = tsMs * 1000 */
  readonly tsUs?: bigint;
  readonly snapshot: SnapshotMarker;
  readonly serverId: number;
  readonly gtid: string | null;
  readonly file: string;
  readonly pos: number;
  readonly row: number;
  readonly thread: number | null;
  /** the statement (include.query with binlog_rows_query_log_events / binlog_annotate_row_events) */
  readonly query: string | null;
}

/** One captured table as events are built for it, at one version of its schema. */
export interface MySqlTableModel {
  /** `db.table`, as table.include.list matches it */
  readonly id: string;
  readonly db: string;
  readonly table: string;
  /** <topic.prefix>.<db>.<table> */
  readonly topic: string;
  /** the source table this model was built from (columns in binlog order) */
  readonly source: MySqlTable;
  /** key columns (message.key.columns for this table, else the primary key); empty = no key */
  readonly keyColumns: readonly string[];
  readonly keySchema: ConnectSchema | null;
  readonly envelopeSchema: ConnectSchema;
  /** the chunk key of a row, in the form the snapshot engine keeps (src/snapshot/contracts.ts) */
  keyValues(row: MySqlRow): KeyValues;
  /** 'mysql' (MySqlConnector) or 'mariadb' (MariaDbConnector): the source block's name and connector */
  readonly flavour: ServerFlavor;
  /** <topic>.Value (optional struct): the captured columns after column.include/exclude.list */
  readonly rowSchema: ConnectSchema;
  /** columns left out because their type has no mapping (geometry), with the reason; the caller logs them once */
  readonly skippedColumns: readonly { readonly column: string; readonly reason: string }[];
  /** a row (reader or snapshot form) -> the <topic>.Value struct */
  rowValue(row: MySqlRow): Record<string, unknown>;
  /** a row -> the <topic>.Key struct, or null when the table has no key */
  keyStruct(row: MySqlRow): Record<string, unknown> | null;
}

export interface MySqlEventOptions {
  readonly tombstonesOnDelete: boolean;
  readonly skippedOperations: ReadonlySet<Op>;
  /** __debezium.context.* headers, or null when extended.headers.enabled=false */
  readonly contextHeaders: Readonly<Record<string, string>> | null;
  /** the envelope's ts_ms/ts_us/ts_ns (processing time); absent = the system clock */
  readonly clock?: Clock;
}

/**
 * The transaction block of each record a change produces: a fixed block, or a function called
 * once per data event emitted (a key change emits two: delete and create, each counted, as
 * Debezium's transaction monitor counts them).
 */
export type TransactionBlockSource = TransactionBlock | null | (() => TransactionBlock | null);

/** Records of one row change (envelope, tombstone, key change as delete + tombstone + create). */
export type ChangeRecords = (model: MySqlTableModel, change: MySqlRowChange, source: MySqlSourceFacts, tx: TransactionBlockSource, opts: MySqlEventOptions) => SourceRecord[];
