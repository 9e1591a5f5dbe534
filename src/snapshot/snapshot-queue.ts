/**
 * The queue of tables to snapshot, in order, with each table's scan position.
 * One queue holds every kind (initial, incremental, blocking), as Debezium's
 * incremental snapshot context holds one list: a signal appends, stop removes,
 * a table leaves the queue when its last chunk is emitted. The first
 * snapshot.max.threads tables are the running ones.
 *
 * Two positions per table: `selectedAfter` (where the next select starts;
 * ahead while windows are open) and `committedAfter` (the last key of the last
 * emitted chunk; this is what the offset records, so a restart reads on
 * strictly after the last chunk that can have been committed).
 */
import type { KeyValues, SnapshotCollection, SnapshotKind } from './contracts.ts';
import type { SnapshotOffsetState } from './offset-codec.ts';

export interface QueueEntry {
  readonly collection: SnapshotCollection;
  readonly kind: SnapshotKind;
  /** chunk key columns once resolved */
  columns: readonly string[] | null;
  /** the key columns a restored position is in (null: unknown) */
  storedColumns: readonly string[] | null;
  /** largest key at the scan's start; undefined = not read yet, null = the table is empty */
  maxKey: KeyValues | null | undefined;
  committedAfter: KeyValues | null;
  selectedAfter: KeyValues | null;
  /** the last chunk has been selected */
  scanComplete: boolean;
  /** a select (or key/max lookup) is in flight */
  reading: boolean;
  rowsDone: number;
  chunks: number;
  estimate: number | null;
}

/** A table that left the queue in this run, for progress. */
export interface FinishedTable {
  readonly id: string;
  readonly kind: SnapshotKind;
  readonly rowsDone: number;
  readonly rowsEstimated: number;
  readonly chunks: number;
  readonly state: 'done' | 'skipped';
}

function entry(collection: SnapshotCollection, kind: SnapshotKind): QueueEntry {
  return { collection, kind, columns: null, storedColumns: null, maxKey: undefined, committedAfter: null, selectedAfter: null, scanComplete: false, reading: false, rowsDone: 0, chunks: 0, estimate: null };
}

export class SnapshotQueue {
  private entries: QueueEntry[] = [];
  private readonly finishedTables: FinishedTable[] = [];
  correlationId: string | null = null;

  get size(): number { return this.entries.length; }
  all(): readonly QueueEntry[] { return this.entries; }
  finished(): readonly FinishedTable[] { return this.finishedTables; }
  has(e: QueueEntry): boolean { return this.entries.includes(e); }

  /**
   * The initial snapshot runs before anything else queued. It replaces an
   * initial snapshot recorded before (snapshot.mode=always starts over); the
   * replaced entries are returned so their windows can be dropped.
   */
  replaceInitial(collections: readonly SnapshotCollection[]): { added: QueueEntry[]; replaced: QueueEntry[] } {
    const replaced = this.drop((e) => e.kind === 'initial');
    const added = collections.map((c) => entry(c, 'initial'));
    this.entries.unshift(...added);
    return { added, replaced };
  }

  /** A signal's tables go to the end of the queue (Debezium appends; the running scan carries on). */
  append(kind: SnapshotKind, collections: readonly SnapshotCollection[]): QueueEntry[] {
    const added = collections.map((c) => entry(c, kind));
    this.entries.push(...added);
    return added;
  }

  /** Takes entries out; `state` says why, for progress. */
  remove(which: (e: QueueEntry) => boolean, state: 'done' | 'skipped'): QueueEntry[] {
    const gone = this.entries.filter(which);
    if (gone.length === 0) return gone;
    this.entries = this.entries.filter((e) => !gone.includes(e));
    for (const e of gone) {
      this.finishedTables.push({ id: e.collection.id, kind: e.kind, rowsDone: e.rowsDone, rowsEstimated: e.estimate ?? e.rowsDone, chunks: e.chunks, state });
    }
    return gone;
  }

  /** Stopped entries leave no trace in progress: the user asked them away. */
  drop(which: (e: QueueEntry) => boolean): QueueEntry[] {
    const gone = this.entries.filter(which);
    this.entries = this.entries.filter((e) => !gone.includes(e));
    return gone;
  }

  /** The first `n` entries, one per table (a table queued twice waits for its first scan to end). */
  running(n: number): QueueEntry[] {
    const out: QueueEntry[] = [];
    const ids = new Set<string>();
    for (const e of this.entries) {
      if (out.length >= n) break;
      if (ids.has(e.collection.id)) continue;
      ids.add(e.collection.id);
      out.push(e);
    }
    return out;
  }

  /**
   * Sets the key columns a table is read by. A restored position written in
   * other columns (message.key.columns or the key changed since) cannot be
   * continued: the table's scan starts over. Returns true when it did.
   */
  setColumns(e: QueueEntry, columns: readonly string[]): boolean {
    e.columns = columns;
    const stale = (e.storedColumns !== null && e.storedColumns.join('\u0000') !== columns.join('\u0000'))
      || (e.committedAfter !== null && e.committedAfter.length !== columns.length)
      || (e.maxKey != null && e.maxKey.length !== columns.length);
    e.storedColumns = null;
    if (!stale) return false;
    e.committedAfter = null; e.selectedAfter = null; e.maxKey = undefined; e.rowsDone = 0; e.chunks = 0;
    return true;
  }

  toOffsetState(): SnapshotOffsetState {
    return {
      correlationId: this.correlationId,
      collections: this.entries.map((e) => ({
        collection: e.collection, kind: e.kind, lastKey: e.committedAfter, maxKey: e.maxKey ?? null, rowsDone: e.rowsDone, chunks: e.chunks,
        keyColumns: e.columns ?? e.storedColumns,
      })),
    };
  }

  /** Replaces the queue with the one an offset recorded; every scan resumes after its committed key. */
  restore(state: SnapshotOffsetState | null): void {
    this.entries = (state?.collections ?? []).map((c) => ({
      ...entry(c.collection, c.kind),
      // null in the offset means "not read yet" (Debezium writes null before the first chunk)
      maxKey: c.maxKey ?? undefined,
      committedAfter: c.lastKey,
      selectedAfter: c.lastKey,
      rowsDone: c.rowsDone,
      chunks: c.chunks,
      storedColumns: c.keyColumns,
    }));
    this.correlationId = state?.correlationId ?? null;
  }
}

/** ids as given, or as regular expressions matching whole table ids (null or empty = every table). */
export function idMatcher(ids: readonly string[] | null): (id: string) => boolean {
  if (ids === null || ids.length === 0) return () => true;
  const patterns = ids.map((s) => {
    try { return new RegExp(`^(?:${s})$`); } catch { return null; }
  });
  return (id) => ids.includes(id) || patterns.some((p) => p?.test(id) === true);
}
