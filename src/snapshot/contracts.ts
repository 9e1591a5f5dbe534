/**
 * Contracts of the snapshot machinery (issue 8), shared by every source.
 *
 * One engine (src/snapshot/) runs every snapshot that is not the optional
 * single-transaction path: the initial snapshot, incremental snapshots started
 * by signals, and blocking ones. It reads tables in chunks of key ranges while
 * the source keeps streaming, and removes from a chunk every row that the
 * stream changed inside the chunk's window (the watermark method of DBLog and
 * Debezium's incremental snapshot). A source plugin gives it a ChunkSource (how
 * to read a chunk and write a watermark in that database) and feeds it what the
 * stream shows (changed keys, watermarks); the engine hands back the chunk rows
 * to emit and the offset fields that make the snapshot's progress durable with
 * them. Nothing here knows a database.
 */
import type { JsonMap } from '../events/record.ts';

/**
 * One key value as the engine keeps it. In offsets it is written the way
 * Debezium writes incremental_snapshot_primary_key (a Java-serialised Object[]):
 * number = java.lang.Integer, bigint = java.lang.Long, string = java.lang.String.
 */
export type KeyValue = string | number | bigint | null;
export type KeyValues = readonly KeyValue[];

/** A table to snapshot, as a signal or the initial snapshot names it. */
export interface SnapshotCollection {
  /** the table's id as table.include.list matches it (schema.table on PostgreSQL, db.table on MySQL) */
  readonly id: string;
  /** additional-conditions filter (a WHERE fragment), or null */
  readonly filter: string | null;
  /** surrogate-key column from the signal, or null */
  readonly surrogateKey: string | null;
}

export type SnapshotKind = 'initial' | 'incremental' | 'blocking';

/** What signals (and the initial snapshot) ask of the engine. Effects are durable with the next offset. */
export interface SnapshotCommands {
  /** Queues tables (ids already expanded from the signal's regular expressions and within the capture filter). */
  execute(kind: Exclude<SnapshotKind, 'initial'>, collections: readonly SnapshotCollection[], correlationId: string | null): void;
  /** Removes tables from the queue (null = all of them); the current table's scan is abandoned. */
  stop(kind: Exclude<SnapshotKind, 'initial'>, ids: readonly string[] | null): void;
  pause(): void;
  resume(): void;
}

/** A table's chunking key as the source resolved it, or why it has none. */
export type ChunkKey =
  | { readonly ok: true; readonly columns: readonly string[] }
  | { readonly ok: false; readonly what: string; readonly fix: string };

/** The source-specific part: a handful of queries. Row is the source's row type. */
export interface ChunkSource<Row> {
  /** Surrogate key > message.key.columns > primary key; none = refused with the fix. */
  chunkKey(tableId: string, surrogateKey: string | null): Promise<ChunkKey>;
  /** The table's largest key (with the filter), null when it has no row. Read once per table, at its start. */
  maxKey(tableId: string, key: readonly string[], filter: string | null): Promise<KeyValues | null>;
  /** Rows with key > after (null = from the first) and key <= max, in key order, at most limit. */
  readChunk(tableId: string, key: readonly string[], after: KeyValues | null, max: KeyValues, limit: number, filter: string | null): Promise<readonly Row[]>;
  /** The key of a row read by readChunk, in the same form the stream reports changed keys. */
  keyOf(tableId: string, row: Row): KeyValues;
  /** Rows the table holds, estimated cheaply (progress and ETA). */
  estimateRows(tableId: string): Promise<number>;
  /**
   * Writes the watermark that closes window `windowId` into the source's log,
   * after the chunk was read. The stream later reports it through
   * SnapshotEngine.onWatermark(windowId) at the log position where it was written.
   * `tableId` is the table whose chunk was just read (a source whose watermark is the
   * chunk's own log position, MySQL's, ties the window to that read); a table never has
   * two chunk reads in flight, and each read is followed by this call before the table's
   * next read starts. That next read may run while the returned promise is pending: the
   * source must write watermarks in the order of these calls.
   */
  writeWatermark(windowId: string, tableId: string): Promise<void>;
}

/** Rows of one closed window, to be emitted now (op "r") with `offset` fields merged into the unit's offset. */
export interface ChunkOutput<Row> {
  readonly tableId: string;
  readonly rows: readonly Row[];
  readonly kind: SnapshotKind;
  /** offset fields recording this chunk as done; merge into the stream position of this point */
  readonly offset: JsonMap;
}

/** Progress of the snapshot, for logs, metrics and status. */
export interface SnapshotProgress {
  readonly running: boolean;
  readonly paused: boolean;
  readonly kind: SnapshotKind | null;
  readonly tables: readonly { readonly id: string; readonly rowsDone: number; readonly rowsEstimated: number; readonly chunks: number; readonly state: 'queued' | 'running' | 'done' | 'skipped' }[];
  /** seconds left at the current rate, null when unknown */
  readonly etaSeconds: number | null;
}
