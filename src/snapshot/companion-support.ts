/**
 * What every source's chunked-snapshot companion does the same way, whatever
 * the database: merging the engine's offset fields into a stream position,
 * the summary logged when the initial snapshot completes, the initial
 * snapshot's table order (snapshot.tables.order.by.row.count), and a chunk's
 * read records built lazily from its rows.
 */
import type { JsonMap, SourceRecord } from '../events/record.ts';
import type { SnapshotProgress } from './contracts.ts';
import { OWN_KEY } from './offset-codec.ts';

/**
 * A unit's offset: the stream's position keys first (without snapshot fields a stored offset
 * carried), then the engine's fields as of the last chunk out, and snapshot_completed, false
 * while the initial snapshot has tables left.
 */
export function withSnapshotOffset(position: JsonMap, fields: JsonMap, initialPending: boolean): JsonMap {
  // Once per streamed change: plain loops, no entry arrays or spreads (same keys, same order).
  const out: Record<string, unknown> = {};
  for (const k in position) if (k !== OWN_KEY && !k.startsWith('incremental_snapshot_')) out[k] = position[k];
  for (const k in fields) out[k] = fields[k];
  out['snapshot_completed'] = !initialPending;
  return out as JsonMap;
}

/**
 * A chunk's read records (SourceUnit.lazyRecords), built as the runner pulls them: only the rows
 * wait in memory, not ten thousand records of them (which would outlive V8's young generation).
 * `build` gives the records of one row of one table.
 */
export function* chunkRecords<Table, Row>(reads: readonly (readonly [Table, readonly Row[]])[], build: (table: Table, row: Row) => Iterable<SourceRecord>): Generator<SourceRecord> {
  for (const [table, rows] of reads) {
    for (const row of rows) yield* build(table, row);
  }
}

/** Log fields summing up the snapshot (tables, rows, chunks, the running table, ETA). */
export function snapshotSummary(p: SnapshotProgress): Record<string, unknown> {
  const current = p.tables.find((t) => t.state === 'running');
  return {
    kind: p.kind, tablesDone: p.tables.filter((t) => t.state === 'done' || t.state === 'skipped').length, tables: p.tables.length,
    rowsDone: p.tables.reduce((a, t) => a + t.rowsDone, 0), rowsEstimated: p.tables.reduce((a, t) => a + t.rowsEstimated, 0),
    chunks: p.tables.reduce((a, t) => a + t.chunks, 0),
    ...(current ? { table: current.id, tableRows: current.rowsDone, tableRowsEstimated: current.rowsEstimated } : {}),
    etaSeconds: p.etaSeconds,
  };
}

/** snapshot.tables.order.by.row.count: the tables sorted by the source's estimate (ties keep their order). */
export async function byRowCount(ids: readonly string[], source: { estimateRows(id: string): Promise<number> }, order: 'ascending' | 'descending'): Promise<string[]> {
  const est = new Map<string, number>();
  for (const id of ids) est.set(id, await source.estimateRows(id));
  const sign = order === 'ascending' ? 1 : -1;
  return [...ids].sort((a, b) => sign * (est.get(a)! - est.get(b)!));
}
