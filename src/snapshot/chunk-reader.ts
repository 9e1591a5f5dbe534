/**
 * Reading one table's next chunk for the snapshot engine: resolving its key
 * (with the no-key rule of key-rule.ts), its largest key, registering the
 * window BEFORE the select, selecting, and writing the high watermark after it.
 * The engine decides when and for which tables this runs; state lives in the
 * queue and the windows it shares with the engine.
 *
 * The watermark is asked for as soon as the rows are in, and the next chunk of
 * the table may be selected while it is being written (`selected` tells the
 * engine): the write (a commit that flushes WAL on PostgreSQL) then costs no
 * time between two selects. Watermarks are asked for in window order, and the
 * source writes them in that order (contracts.ts).
 */
import type { Logger } from '../log/logger.ts';
import type { ChunkSource, KeyValues, SnapshotKind } from './contracts.ts';
import { keyText, type ChunkWindows } from './chunk-windows.ts';
import { keylessInitialError, nullKeyProblem, skipsKeylessTables, type KeylessTable } from './key-rule.ts';
import type { RateMeter } from './snapshot-progress.ts';
import type { QueueEntry, SnapshotQueue } from './snapshot-queue.ts';

export interface ChunkReaderDeps<Row> {
  readonly source: ChunkSource<Row>;
  readonly log: Logger;
  readonly where: string;
  /** rows per chunk of a snapshot of this kind */
  readonly chunkSize: (kind: SnapshotKind) => number;
  readonly queue: SnapshotQueue;
  readonly windows: ChunkWindows<Row, QueueEntry>;
  readonly rate: RateMeter;
  readonly newWindowId: () => string;
  /** the queue's recorded state changed (the engine re-encodes its offset fields) */
  readonly changed: () => void;
}

export class ChunkReader<Row> {
  /** one key check of the initial snapshot's tables at a time, shared by overlapping steps */
  private keyCheck: Promise<void> | null = null;

  constructor(private readonly deps: ChunkReaderDeps<Row>) {}

  /** Before the first chunk: every table of the initial snapshot must have a key, or nothing starts. */
  checkInitialKeys(): Promise<void> {
    if (!this.deps.queue.all().some((e) => e.kind === 'initial' && e.columns === null)) return Promise.resolve();
    this.keyCheck ??= this.resolveInitialKeys().finally(() => { this.keyCheck = null; });
    return this.keyCheck;
  }

  private async resolveInitialKeys(): Promise<void> {
    const missing: KeylessTable[] = [];
    for (const e of this.deps.queue.all()) {
      if (e.kind !== 'initial' || e.columns !== null) continue;
      const key = await this.deps.source.chunkKey(e.collection.id, e.collection.surrogateKey);
      if (key.ok) this.useColumns(e, key.columns);
      else missing.push({ id: e.collection.id, what: key.what, fix: key.fix });
      // estimated up front, so the ETA of the initial snapshot covers every table from the start
      if (key.ok && e.estimate === null) e.estimate = await this.deps.source.estimateRows(e.collection.id);
    }
    if (missing.length > 0) throw keylessInitialError(missing, this.deps.where);
  }

  /**
   * Reads the next chunk of `e`: key and max key first if needed, window, select, watermark.
   * `selected` is called once the rows are in and the watermark is asked for: this table may
   * read its next chunk from then on. The promise settles when the watermark is written.
   */
  async advance(e: QueueEntry, selected: () => void = () => undefined): Promise<void> {
    const { source } = this.deps;
    const id = e.collection.id;
    if (e.columns === null) {
      const key = await source.chunkKey(id, e.collection.surrogateKey);
      if (!this.deps.queue.has(e)) return;
      if (!key.ok) return this.keyless(e, { id, what: key.what, fix: key.fix });
      this.useColumns(e, key.columns);
    }
    const columns = e.columns!;
    if (e.estimate === null) e.estimate = await source.estimateRows(id);
    if (e.maxKey === undefined) {
      e.maxKey = await source.maxKey(id, columns, e.collection.filter);
      this.deps.changed();
      if (!this.deps.queue.has(e)) return;
      // NULLs sort last (PostgreSQL's default), so a NULL key usually shows here, before any chunk is read
      if (e.maxKey?.some((v) => v === null)) return this.keyless(e, nullKeyProblem(id, columns));
      if (e.chunks === 0 && this.deps.windows.countOf(e) === 0) {
        this.deps.log.info({ table: id, kind: e.kind, key: columns, estimatedRows: e.estimate }, 'table snapshot started');
      }
    }
    this.deps.rate.mark();
    // Registered BEFORE the select: every change the stream processes from now on is seen by this window.
    const w = this.deps.windows.open(this.deps.newWindowId(), id, e, e.selectedAfter);
    const limit = this.deps.chunkSize(e.kind);
    let rows: readonly Row[] = [];
    try {
      // An empty table still gets a (row-less) window, so its leaving the queue is committed like any chunk.
      if (e.maxKey !== null) rows = await source.readChunk(id, columns, e.selectedAfter, e.maxKey, limit, e.collection.filter);
    } catch (err) {
      this.deps.windows.drop(w);
      throw err;
    }
    if (!this.deps.windows.isOpen(w)) return; // stopped while reading
    // Every key is checked here but not kept: the window makes them again only if the stream
    // changes a key of this table while it is open (most windows never need them).
    const keyOf = (r: Row): KeyValues => source.keyOf(id, r);
    let lastKey = e.selectedAfter;
    for (const r of rows) {
      const k = keyOf(r);
      if (k.some((v) => v === null)) {
        this.deps.windows.drop(w);
        return this.keyless(e, nullKeyProblem(id, columns));
      }
      lastKey = k;
    }
    const last = e.maxKey === null || rows.length < limit || (lastKey !== null && keyText(lastKey) === keyText(e.maxKey));
    this.deps.windows.fill(w, rows, keyOf, lastKey, last);
    e.selectedAfter = lastKey;
    e.scanComplete = last;
    // Asked for now, before the next chunk of this table can be read (the order the source keeps).
    const written = source.writeWatermark(w.id, id);
    selected();
    try {
      await written;
    } catch (err) {
      // Without its watermark the window would never close: forget it, and the windows read after
      // it (their rows follow its rows), and read from its start again later.
      if (this.deps.windows.isOpen(w)) {
        this.deps.windows.dropFrom(w);
        e.selectedAfter = w.after;
        e.scanComplete = false;
      }
      throw err;
    }
  }

  private useColumns(e: QueueEntry, columns: readonly string[]): void {
    if (this.deps.queue.setColumns(e, columns)) {
      this.deps.changed();
      this.deps.log.warn({ table: e.collection.id, key: columns }, 'the stored snapshot position of this table is in other key columns (the key changed since); its scan starts over');
    }
  }

  private keyless(e: QueueEntry, problem: KeylessTable): void {
    if (!skipsKeylessTables(e.kind)) throw keylessInitialError([problem], this.deps.where);
    this.deps.windows.dropOwner(e);
    this.deps.queue.remove((x) => x === e, 'skipped');
    this.deps.changed();
    this.deps.log.warn({ table: problem.id, kind: e.kind, reason: problem.what, fix: problem.fix }, 'table skipped by the snapshot: no usable key (Debezium: NO_PRIMARY_KEY)');
  }
}
