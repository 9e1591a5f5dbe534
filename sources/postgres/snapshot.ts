/**
 * Reads the captured tables inside the snapshot the slot exported, so the
 * snapshot and the stream meet exactly at the slot's consistent point: every
 * transaction committed before it is in the rows read here, every later one
 * arrives through the slot. Each table is read with one `COPY (SELECT ...) TO STDOUT`
 * (copy-stream.ts) taken in chunks of snapshot.fetch.size rows, the connection paused while a
 * chunk waits, so memory stays bounded whatever the table size.
 */
import type pg from 'pg';
import type { Logger } from '../../src/log/logger.ts';
import { SourceError } from '../../src/errors/cdc-error.ts';
import { quoteIdent, quoteLiteral } from './connection.ts';
import type { TableModel } from './table-model.ts';
import type { SnapshotMarker } from './source-info.ts';
import { CopyColumns, type CopyRow } from './copy-chunk.ts';
import { copyStream, type CopyStreamQuery } from './copy-stream.ts';

export interface SnapshotRow {
  readonly table: TableModel;
  /** the row as COPY sent it; its text() is the table's text row */
  readonly row: CopyRow;
  readonly marker: SnapshotMarker;
}

export interface SnapshotProgress {
  onTableStart(table: TableModel, estimatedRows: number): void;
  onRows(table: TableModel, rowsSoFar: number, estimatedRows: number): void;
  onTableDone(table: TableModel, rows: number, ms: number): void;
}

/**
 * Debezium's marker rule (setSnapshotMarker): first/last of the whole snapshot win over
 * per-table markers, and "last" wins over "first", so a one-row snapshot still ends with `last`.
 */
export function snapshotMarker(firstTable: boolean, lastTable: boolean, firstRow: boolean, lastRow: boolean): SnapshotMarker {
  if (lastTable && lastRow) return 'last';
  if (firstTable && firstRow) return 'first';
  if (lastRow) return 'last_in_data_collection';
  if (firstRow) return 'first_in_data_collection';
  return 'true';
}

export interface SnapshotReaderDeps {
  readonly sql: pg.Client;
  /** null = read the current state (no exported snapshot: no_data / never modes do not read rows) */
  readonly snapshotName: string | null;
  readonly tables: readonly TableModel[];
  readonly fetchSize: number;
  readonly log: Logger;
  readonly progress?: SnapshotProgress;
  /** SELECT override per table id (snapshot.select.statement.overrides) */
  readonly selectOverride?: (tableId: string) => string | undefined;
}

/**
 * Opens the snapshot transaction and returns its transaction id, which snapshot records
 * carry in source.txId as Debezium's do (it asks the snapshot transaction the same way;
 * a standby assigns none, so null there). Must run before the slot creator's session
 * does anything else.
 */
export async function beginSnapshot(sql: pg.Client, snapshotName: string | null): Promise<number | null> {
  await sql.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  if (snapshotName) await sql.query(`SET TRANSACTION SNAPSHOT ${quoteLiteral(snapshotName)}`);
  const r = await sql.query(`SELECT CASE WHEN pg_is_in_recovery() THEN NULL ELSE pg_current_xact_id()::text END AS txid`);
  const txid = (r.rows[0] as { txid: string | null } | undefined)?.txid ?? null;
  return txid === null ? null : Number(txid);
}

/** An override that PostgreSQL rejects: named with its property, so the user knows which SELECT to fix. */
export function overrideError(tableId: string, err: unknown): SourceError {
  return new SourceError({
    code: 'CDC_PG_SNAPSHOT_OVERRIDE',
    what: `the snapshot SELECT for ${tableId} failed: ${(err as Error).message}`,
    where: `property snapshot.select.statement.overrides.${tableId}`,
    fix: `correct that SELECT (it runs as written, inside the snapshot transaction), or remove ${tableId} from snapshot.select.statement.overrides`,
    cause: err,
  });
}

/** A running snapshot read: its rows, and abort() for a reader that stops before the end. */
export interface SnapshotRead extends AsyncIterable<SnapshotRow> {
  next(): Promise<IteratorResult<SnapshotRow>>;
  /** Stops the table's COPY if one runs (closing the session's connection; see copy-stream.ts). */
  abort(): void;
}

/** Every row of every table, with its snapshot marker, about two chunks in memory at a time. */
export function readSnapshot(deps: SnapshotReaderDeps): SnapshotRead {
  let active: CopyStreamQuery | null = null;
  const rows = readTables(deps, (q) => { active = q; });
  return {
    next: () => rows.next(),
    [Symbol.asyncIterator]() { return this; },
    abort: () => active?.abort(),
  };
}

async function* readTables(deps: SnapshotReaderDeps, onCopy: (q: CopyStreamQuery | null) => void): AsyncGenerator<SnapshotRow> {
  const { sql, tables, fetchSize } = deps;
  const nonEmpty: TableModel[] = [];
  const estimates = new Map<string, number>();
  const from = new Map<string, string>();
  for (const t of tables) {
    // With an override, "empty" means the override returns nothing (markers follow the rows emitted).
    // Estimate and emptiness in one round trip: with thousands of tables the round trips dominate.
    const override = deps.selectOverride?.(t.id);
    // Each row once: a partitioned root is read whole (its partitions are not captured tables,
    // partitions.ts); an ordinary table ONLY, without rows of tables that INHERIT from it.
    // A partitioned table has no rows of its own: its estimate is its leaves' sum.
    const plain = `${quoteIdent(t.schemaName)}.${quoteIdent(t.tableName)}`;
    const any = override === undefined
      ? `CASE WHEN c.relkind = 'p' THEN EXISTS (SELECT 1 FROM ${plain}) ELSE EXISTS (SELECT 1 FROM ONLY ${plain}) END`
      : `EXISTS (SELECT 1 FROM (${override}) AS cdc_override)`;
    const probe = await sql.query(`SELECT c.relkind::text AS kind, (CASE WHEN c.relkind = 'p' THEN
        (SELECT sum(GREATEST(l.reltuples, 0)) FROM pg_partition_tree(c.oid) pt JOIN pg_class l ON l.oid = pt.relid WHERE pt.isleaf)
        ELSE GREATEST(c.reltuples, 0) END)::bigint::text AS n, (${any})::text AS any FROM pg_class c WHERE c.oid = $1`, [t.oid])
      .catch((err: unknown) => { throw override === undefined ? err : overrideError(t.id, err); });
    const row = probe.rows[0] as { kind: string; n: string | null; any: string } | undefined;
    estimates.set(t.id, Number(row?.n ?? 0));
    from.set(t.id, `${row?.kind === 'p' ? '' : 'ONLY '}${plain}`);
    if (row?.any === 'true') nonEmpty.push(t);
  }
  // A table is one COPY statement however long it takes to read, where a cursor's FETCHes were
  // one short statement each: a statement_timeout of the user or database must not cut it. The
  // transaction holds its snapshot for the whole read either way; LOCAL ends with it.
  if (nonEmpty.length > 0) await sql.query('SET LOCAL statement_timeout = 0');
  for (let ti = 0; ti < nonEmpty.length; ti++) {
    const t = nonEmpty[ti]!;
    const estimated = estimates.get(t.id) ?? 0;
    const started = Date.now();
    deps.progress?.onTableStart(t, estimated);
    const override = deps.selectOverride?.(t.id);
    // COPY sends no column names: an override's come from planning it (LIMIT 0 reads no row).
    const names = override === undefined
      ? t.columns.map((c) => c.name)
      : (await sql.query(`SELECT * FROM (${override}) AS cdc_override LIMIT 0`).catch((err: unknown) => { throw overrideError(t.id, err); })).fields.map((f) => f.name);
    const select = override ?? `SELECT ${t.columns.map((c) => quoteIdent(c.name)).join(', ')} FROM ${from.get(t.id)!}`;
    const copy = copyStream(sql, `COPY (${select}) TO STDOUT`, new CopyColumns(names), fetchSize);
    onCopy(copy);
    let pending: CopyRow | null = null;
    let count = 0;
    let first = true;
    let lastLog = Date.now();
    try {
      for (;;) {
        const chunk = await copy.next().catch((err: unknown) => { throw override === undefined ? err : overrideError(t.id, err); });
        if (chunk === null) break;
        // A handle per row as it is handed out, not an array of them for the whole piece (which
        // would live, and be promoted, for as long as the piece is being taken).
        for (let i = 0; i < chunk.length; i++) {
          const row = chunk.row(i);
          // One row of look-ahead: a row's marker depends on whether another follows.
          if (pending) {
            yield { table: t, row: pending, marker: snapshotMarker(ti === 0, ti === nonEmpty.length - 1, first, false) };
            first = false;
            count++;
          }
          pending = row;
        }
        if (Date.now() - lastLog >= 5000) {
          deps.progress?.onRows(t, count, estimated);
          lastLog = Date.now();
        }
      }
    } finally {
      // A reader that stopped early (return() on this generator) leaves no COPY running.
      copy.abort();
      onCopy(null);
    }
    if (pending) {
      yield { table: t, row: pending, marker: snapshotMarker(ti === 0, ti === nonEmpty.length - 1, first, true) };
      count++;
    }
    deps.progress?.onTableDone(t, count, Date.now() - started);
  }
}
