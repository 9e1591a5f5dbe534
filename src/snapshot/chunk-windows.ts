/**
 * The open windows of the snapshot: one per chunk read and not yet emitted.
 *
 * The window rule (DBLog; Debezium's incremental snapshot; Sequin): a window is
 * registered BEFORE its chunk is selected; from then on every key the stream
 * changes in that table is remembered, and once the rows are known every such
 * key is removed from them. When the stream reaches the window's high
 * watermark the rows left are emitted: a change always beats a read, and
 * removing a row is always safe because the change that removed it is
 * emitted by the stream with a state at least as new.
 *
 * Why keys are remembered before the rows are known: a change the stream
 * processes after registration may have committed after the select's
 * snapshot was taken, so the selected copy could be older than the change.
 * Until the select returns, the engine cannot tell which keys the chunk holds
 * (nor compare keys: text keys sort by the database's collation), so it keeps
 * every changed key of the table; once the rows are in, the set is dropped.
 *
 * Windows of one table close in the order they were opened (their watermarks
 * are written one after the other). A watermark that arrives while an earlier
 * window of the same table is still open closes that one too: closing a window
 * late only removes more rows whose changes the stream emitted, never adds one.
 */
import type { KeyValues } from './contracts.ts';

export interface ChunkWindow<Row, Owner> {
  readonly id: string;
  readonly tableId: string;
  /** the queue entry this chunk belongs to */
  readonly owner: Owner;
  /** position the chunk was read after (restored if the window is dropped) */
  readonly after: KeyValues | null;
  /** keys changed while the select ran; null once the rows are known */
  changed: Set<string> | null;
  /** the table was truncated while the select ran: no row it returns may be emitted */
  truncated: boolean;
  /** the rows the select returned, in key order; null while the select runs */
  rows: readonly Row[] | null;
  /** the key of one of them (the source's keyOf) */
  keyOf: ((row: Row) => KeyValues) | null;
  /** row positions by key text: built the first time the stream changes a key of the table */
  index: Map<string, number> | null;
  /** positions of rows the stream changed since: not emitted */
  removed: Set<number> | null;
  /** rows the select returned (progress counts reads, not survivors) */
  selected: number;
  /** key of the chunk's last row: where the next chunk starts */
  lastKey: KeyValues | null;
  /** the table's scan ends with this chunk */
  last: boolean;
}

/**
 * The text form of a key, equal for equal keys whatever the number type the
 * source used for an integer column (1 and 1n are the same key).
 */
export function keyText(key: KeyValues): string {
  return JSON.stringify(key.map((v) => (v === null ? null : typeof v === 'string' ? `s${v}` : `n${String(v)}`)));
}

export class ChunkWindows<Row, Owner> {
  private readonly byTable = new Map<string, ChunkWindow<Row, Owner>[]>();
  private readonly byId = new Map<string, ChunkWindow<Row, Owner>>();

  /** Registers a window before its select starts. */
  open(id: string, tableId: string, owner: Owner, after: KeyValues | null): ChunkWindow<Row, Owner> {
    const w: ChunkWindow<Row, Owner> = {
      id, tableId, owner, after, changed: new Set(), truncated: false, rows: null, keyOf: null, index: null, removed: null, selected: 0, lastKey: after, last: false,
    };
    this.byId.set(id, w);
    const list = this.byTable.get(tableId);
    if (list) list.push(w); else this.byTable.set(tableId, [w]);
    return w;
  }

  /** The select returned: the rows whose key the stream has not changed meanwhile are kept. */
  fill(w: ChunkWindow<Row, Owner>, rows: readonly Row[], keyOf: (row: Row) => KeyValues, lastKey: KeyValues | null, last: boolean): void {
    const changed = w.changed;
    w.changed = null;
    w.selected = rows.length;
    w.lastKey = lastKey;
    w.last = last;
    w.rows = w.truncated ? [] : rows;
    w.keyOf = keyOf;
    if (changed) for (const key of changed) this.remove(w, key);
  }

  /** The stream changed `key` of `tableId`: no open window of that table may emit it. */
  changed(tableId: string, key: string): void {
    const list = this.byTable.get(tableId);
    if (!list) return;
    for (const w of list) {
      if (w.rows) this.remove(w, key);
      else w.changed!.add(key);
    }
  }

  /** The rows of a closed (or filled) window still to be emitted, in key order. */
  survivors(w: ChunkWindow<Row, Owner>): readonly Row[] {
    const removed = w.removed;
    if (!w.rows || !removed || removed.size === 0) return w.rows ?? [];
    return w.rows.filter((_, i) => !removed.has(i));
  }

  private remove(w: ChunkWindow<Row, Owner>, key: string): void {
    if (w.rows!.length === 0) return;
    if (!w.index) {
      // Most chunks are never touched by the stream: their keys are indexed only when one is.
      const index = new Map<string, number>();
      w.rows!.forEach((r, i) => index.set(keyText(w.keyOf!(r)), i));
      w.index = index;
    }
    const at = w.index.get(key);
    if (at !== undefined) (w.removed ??= new Set()).add(at);
  }

  /**
   * The stream truncated `tableId`: no open window of that table may emit any row. Every row a
   * window holds either existed before the truncate (gone now) or was written after the window
   * opened (the stream emits it), so dropping them all loses nothing.
   */
  truncated(tableId: string): void {
    for (const w of this.byTable.get(tableId) ?? []) {
      if (w.rows) { w.rows = []; w.index = null; w.removed = null; }
      else w.truncated = true;
    }
  }

  /** The queue entry whose windows are open on this table, if any. */
  ownerOn(tableId: string): Owner | undefined {
    return this.byTable.get(tableId)?.[0]?.owner;
  }

  isOpen(w: ChunkWindow<Row, Owner>): boolean {
    return this.byId.get(w.id) === w;
  }

  /**
   * Closes window `id` and any earlier window of its table, in order.
   * null: not an open window (a watermark replayed after a restart, or of a scan that was stopped).
   */
  closeThrough(id: string): ChunkWindow<Row, Owner>[] | null {
    const w = this.byId.get(id);
    if (!w) return null;
    const list = this.byTable.get(w.tableId)!;
    const upTo = list.indexOf(w);
    const closed = list.splice(0, upTo + 1);
    if (list.length === 0) this.byTable.delete(w.tableId);
    for (const c of closed) {
      this.byId.delete(c.id);
      // Its watermark is written only after the select returned, so a window reaching here has its rows.
      if (c.rows === null) throw new Error(`snapshot window ${c.id} of ${c.tableId} closed before its chunk was read`);
    }
    return closed;
  }

  /** Forgets a window; its watermark, if it arrives, is ignored. */
  drop(w: ChunkWindow<Row, Owner>): void {
    if (!this.isOpen(w)) return;
    this.byId.delete(w.id);
    const list = this.byTable.get(w.tableId)!;
    list.splice(list.indexOf(w), 1);
    if (list.length === 0) this.byTable.delete(w.tableId);
  }

  /** Forgets `w` and every window of its owner opened after it. */
  dropFrom(w: ChunkWindow<Row, Owner>): void {
    const list = this.byTable.get(w.tableId);
    const at = list?.indexOf(w) ?? -1;
    if (!list || at < 0) return;
    for (const later of list.slice(at)) if (later.owner === w.owner) this.drop(later);
  }

  /** Forgets every window of one queue entry (its scan was stopped or skipped). */
  dropOwner(owner: Owner): void {
    for (const w of [...this.byId.values()]) if (w.owner === owner) this.drop(w);
  }

  dropAll(): void {
    this.byId.clear();
    this.byTable.clear();
  }

  countOf(owner: Owner): number {
    let n = 0;
    for (const w of this.byId.values()) if (w.owner === owner) n++;
    return n;
  }

  get size(): number {
    return this.byId.size;
  }

  /** Rows held in memory now (the bound: tables x depth x chunk size). */
  bufferedRows(): number {
    let n = 0;
    for (const w of this.byId.values()) n += (w.rows?.length ?? 0) - (w.removed?.size ?? 0);
    return n;
  }
}
