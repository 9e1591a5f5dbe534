/**
 * The snapshot engine: reads queued tables in chunks of key ranges while the
 * source keeps streaming, and hands back each chunk's rows (minus every row
 * the stream changed inside the chunk's window) with the offset fields that
 * record the chunk as done. Database-agnostic: the source supplies a
 * ChunkSource (contracts.ts). The initial snapshot, incremental snapshots and
 * blocking snapshots all run here; only the ChunkOutput's `kind` differs.
 *
 * How a source task uses the engine:
 *   1. Build it once per task run: new SnapshotEngine({ source, log, chunkSize, initialChunkSize, maxThreads, where }).
 *   2. engine.restore(storedOffset, where) with the committed offset map (null when none;
 *      true = a snapshot was in progress), then engine.forgetUncaptured(isCaptured)
 *      for tables a config change took out. When snapshot.mode asks for a new
 *      initial snapshot, call engine.startInitial(tables) (it replaces a recorded
 *      one; an unfinished one is continued by restore alone: engine.initialPending).
 *   3. Stream from the start. For every change of a table whose
 *      engine.keyColumnsFor(tableId) is not null, call engine.onChange(tableId,
 *      key) with the key in those columns (for an update that changes the key,
 *      both the old and the new key; a delete must carry them, so a chunk key
 *      outside the replica identity cannot be used). For every watermark message of the reserved prefix,
 *      call engine.onWatermark(windowId): each ChunkOutput (possibly with zero
 *      rows) is emitted as op "r" records at that stream position, in one unit
 *      with offset = {...streamPosition, ...output.offset} and commitAfter; an
 *      empty result (an old window's watermark replayed after a restart) is ignored.
 *   4. Merge engine.offsetFields() into the offset of every other unit.
 *   5. From the poll loop call engine.pump() (starts chunks without waiting, so
 *      the stream flows meanwhile; throw engine.failure when it is set), or await
 *      engine.step() (streaming pauses for one select, Debezium's way). A
 *      SnapshotKeyError (CDC_SNAPSHOT_NO_KEY) means a table of the initial
 *      snapshot has no usable key: fail the task with it.
 *   6. When engine.initialPending turns false, the initial snapshot is complete:
 *      mark it in the position (and stop, for snapshot.mode=initial_only).
 *   7. Signals call execute/stop/pause/resume (SnapshotCommands); progress()
 *      feeds status, and SnapshotProgressReporter feeds logs and metrics.
 *
 * Memory bound: at most maxThreads x pipelineDepth windows are open, each
 * holding at most one chunk (the larger of the two chunk sizes), so at most
 * maxThreads x pipelineDepth chunks of rows are buffered, plus, per window
 * whose select is running, the keys the stream changed in that table meanwhile.
 * Closed windows leave the engine as units; the runner holds at most the ones of one
 * poll (one being committed while the next is encoded), so the daemon holds at most
 * 2 x maxThreads x pipelineDepth chunks in all (docs/snapshots.md, "Concurrency and memory").
 *
 * Pipeline depth (default 2): with depth 1 a table reads nothing while its
 * watermark travels through the log to the stream (commit, decoding, delivery:
 * milliseconds when idle, seconds under load); depth 2 selects the next chunk
 * during that trip, which hides it whenever a select takes at least as long.
 * Under pump() a table's next select starts as soon as the previous one's rows
 * are in, while that chunk's watermark is still being written (chunk-reader.ts).
 * Deeper pipelines buy little (one table's selects run one after the other
 * anyway, each needing the previous chunk's last key) and cost memory.
 */
import { randomUUID } from 'node:crypto';
import type { JsonMap } from '../events/record.ts';
import type { Logger } from '../log/logger.ts';
import type { ChunkOutput, ChunkSource, KeyValues, SnapshotCollection, SnapshotCommands, SnapshotKind, SnapshotProgress } from './contracts.ts';
import { ChunkReader } from './chunk-reader.ts';
import { ChunkWindows, keyText } from './chunk-windows.ts';
import { decodeSnapshotOffset, encodeSnapshotOffset } from './offset-codec.ts';
import { idMatcher, SnapshotQueue, type QueueEntry } from './snapshot-queue.ts';
import { progressOf, RateMeter } from './snapshot-progress.ts';

export const DEFAULT_PIPELINE_DEPTH = 2;

export interface SnapshotEngineDeps<Row> {
  readonly source: ChunkSource<Row>;
  readonly log: Logger;
  /** rows per chunk of incremental snapshots (incremental.snapshot.chunk.size) */
  readonly chunkSize: number;
  /** rows per chunk of the initial and of blocking snapshots (snapshot.fetch.size); default chunkSize */
  readonly initialChunkSize?: number;
  /** tables read at once (snapshot.max.threads), default 1 */
  readonly maxThreads?: number;
  /** windows open at once per table, default 2 */
  readonly pipelineDepth?: number;
  /** where errors happened, e.g. 'connector "inventory"' */
  readonly where: string;
  readonly now?: () => number;
  readonly newWindowId?: () => string;
}

export class SnapshotEngine<Row> implements SnapshotCommands {
  private readonly queue = new SnapshotQueue();
  private readonly windows = new ChunkWindows<Row, QueueEntry>();
  private readonly maxThreads: number;
  private readonly depth: number;
  private readonly now: () => number;
  private readonly newWindowId: () => string;
  private readonly rate: RateMeter;
  private readonly reader: ChunkReader<Row>;
  private paused = false;
  private failed: Error | null = null;
  /** offsetFields() is merged into every unit: encode only after the queue changed */
  private offsetCache: JsonMap | null = null;

  constructor(private readonly deps: SnapshotEngineDeps<Row>) {
    const initialChunk = deps.initialChunkSize ?? deps.chunkSize;
    if (!(deps.chunkSize >= 1) || !(initialChunk >= 1)) throw new RangeError(`chunk size must be at least 1, got ${deps.chunkSize} and ${initialChunk}`);
    this.maxThreads = Math.max(1, deps.maxThreads ?? 1);
    this.depth = Math.max(1, deps.pipelineDepth ?? DEFAULT_PIPELINE_DEPTH);
    this.now = deps.now ?? Date.now;
    this.newWindowId = deps.newWindowId ?? randomUUID;
    this.rate = new RateMeter(this.now);
    this.reader = new ChunkReader<Row>({
      source: deps.source, log: deps.log, where: deps.where,
      chunkSize: (kind) => (kind === 'incremental' ? deps.chunkSize : initialChunk),
      queue: this.queue, windows: this.windows, rate: this.rate, newWindowId: this.newWindowId,
      changed: () => { this.offsetCache = null; },
    });
  }

  // --- state after a restart, and the initial snapshot ---

  /**
   * Rebuilds the queue and positions from a committed offset map (null: none);
   * open windows of this run are forgotten. Returns whether a snapshot was in progress.
   */
  restore(stored: JsonMap | null, where = 'the stored offset'): boolean {
    this.windows.dropAll();
    this.queue.restore(stored === null ? null : decodeSnapshotOffset(stored, where));
    this.offsetCache = null;
    if (this.queue.size > 0) {
      this.deps.log.info({ tables: this.queue.all().map((e) => `${e.collection.id} (${e.kind})`) }, 'snapshot resumes after its last committed chunk');
    }
    return this.queue.size > 0;
  }

  /**
   * Queues the initial snapshot of these tables ahead of anything a signal
   * queued, replacing an initial snapshot the offset recorded (to continue
   * that one, only restore).
   */
  startInitial(collections: readonly SnapshotCollection[]): void {
    const { added, replaced } = this.queue.replaceInitial(collections);
    for (const e of replaced) this.windows.dropOwner(e);
    this.offsetCache = null;
    this.deps.log.info({ tables: added.map((e) => e.collection.id), replacedRecorded: replaced.length > 0 }, 'initial snapshot queued');
  }

  // --- SnapshotCommands (signals) ---

  get commands(): SnapshotCommands { return this; }

  execute(kind: Exclude<SnapshotKind, 'initial'>, collections: readonly SnapshotCollection[], correlationId: string | null): void {
    this.queue.append(kind, collections);
    this.queue.correlationId = correlationId;
    this.offsetCache = null;
    this.deps.log.info({ kind, tables: collections.map((c) => c.id), correlationId }, 'snapshot requested by a signal: tables queued');
  }

  stop(kind: Exclude<SnapshotKind, 'initial'>, ids: readonly string[] | null): void {
    if (kind === 'blocking') {
      this.deps.log.info({ ids }, 'stop-snapshot of type blocking ignored: a blocking snapshot cannot be stopped (as in Debezium)');
      return;
    }
    const matches = idMatcher(ids);
    // The initial snapshot is not an incremental one: stopping it would leave rows out unnoticed.
    const gone = this.queue.drop((e) => e.kind === 'incremental' && matches(e.collection.id));
    this.offsetCache = null;
    for (const e of gone) this.windows.dropOwner(e);
    this.deps.log.info({ requested: ids ?? 'all', removed: gone.map((e) => e.collection.id) }, 'incremental snapshot stopped for tables');
  }

  /**
   * Forgets queued tables the connector no longer captures (after a config
   * change, a restored queue may name them); returns their ids. For the
   * initial snapshot too: a table left out of the capture has nothing to snapshot.
   */
  forgetUncaptured(isCaptured: (tableId: string) => boolean): string[] {
    const gone = this.queue.drop((e) => !isCaptured(e.collection.id));
    for (const e of gone) this.windows.dropOwner(e);
    if (gone.length > 0) {
      this.offsetCache = null;
      this.deps.log.warn({ tables: gone.map((e) => e.collection.id) }, 'queued snapshot tables are no longer captured; their snapshot is dropped');
    }
    return gone.map((e) => e.collection.id);
  }

  pause(): void {
    if (!this.paused) this.deps.log.info({}, 'snapshot paused (open chunks still complete; resume-snapshot continues it)');
    this.paused = true;
  }

  resume(): void {
    if (this.paused) this.deps.log.info({}, 'snapshot resumed');
    this.paused = false;
  }

  // --- what the task asks ---

  get isPaused(): boolean { return this.paused; }
  /** Some table is queued (running, waiting or paused). */
  get busy(): boolean { return this.queue.size > 0; }
  /** Nothing queued and no window open. */
  get finished(): boolean { return this.queue.size === 0 && this.windows.size === 0; }
  /** A table of the initial snapshot is still queued: the initial snapshot is not complete. */
  get initialPending(): boolean { return this.queue.all().some((e) => e.kind === 'initial'); }
  /** step() has something to start now. */
  get wantsStep(): boolean { return !this.paused && this.startable().length > 0; }
  /** Rows buffered in open windows now. */
  bufferedRows(): number { return this.windows.bufferedRows(); }

  /** Fields to merge into every unit's offset ({} when nothing is queued). */
  offsetFields(): JsonMap {
    this.offsetCache ??= encodeSnapshotOffset(this.queue.toOffsetState());
    return this.offsetCache;
  }

  progress(): SnapshotProgress {
    return progressOf(this.queue, new Set(this.queue.running(this.maxThreads)), this.paused, this.rate);
  }

  // --- the stream's side ---

  /**
   * The columns the stream must report a change of `tableId` in (the chunk
   * key), or null when no window is open on it and onChange can be skipped.
   */
  keyColumnsFor(tableId: string): readonly string[] | null {
    return this.windows.ownerOn(tableId)?.columns ?? null;
  }

  onChange(tableId: string, key: KeyValues): void {
    this.windows.changed(tableId, keyText(key));
  }

  /** The stream truncated `tableId`: the open windows on it emit nothing (the truncate beats every read). */
  onTruncate(tableId: string): void {
    this.windows.truncated(tableId);
  }

  /** The rows to emit at this watermark: [] when it closes no open window of this run, else one output. */
  onWatermark(windowId: string): readonly ChunkOutput<Row>[] {
    const closed = this.windows.closeThrough(windowId);
    if (!closed) {
      this.deps.log.debug({ windowId }, 'watermark of no open window ignored (written before a restart, or its scan was stopped)');
      return [];
    }
    if (closed.length > 1) this.deps.log.warn({ windowId, closedEarlier: closed.length - 1 }, 'snapshot watermarks arrived out of order; earlier windows closed with this one');
    const e = closed[0]!.owner;
    const end = closed[closed.length - 1]!;
    const rows = closed.length === 1 ? this.windows.survivors(end) : closed.flatMap((w) => this.windows.survivors(w));
    e.committedAfter = end.lastKey;
    e.rowsDone += closed.reduce((n, w) => n + w.selected, 0);
    e.chunks += closed.length;
    this.offsetCache = null;
    this.rate.add(closed.reduce((n, w) => n + w.selected, 0));
    if (end.last) {
      this.queue.remove((x) => x === e, 'done');
      this.deps.log.info({ table: e.collection.id, kind: e.kind, rows: e.rowsDone, chunks: e.chunks }, 'table snapshot done');
    }
    return [{ tableId: e.collection.id, rows, kind: e.kind, offset: this.offsetFields() }];
  }

  // --- reading ---

  /**
   * Starts one chunk for every running table that has room in its pipeline,
   * concurrently, and resolves when each has written its watermark. Calls may
   * overlap: a table never has two selects in flight.
   */
  async step(): Promise<void> {
    return this.stepping(false);
  }

  /** chain: a table whose rows are in starts its next chunk at once (pump), while its watermark is written. */
  private async stepping(chain: boolean): Promise<void> {
    if (this.paused) return;
    await this.reader.checkInitialKeys();
    const work = this.startable().map((e) => {
      e.reading = true;
      // This read holds the table until its rows are in; once released, the flag belongs to the
      // table's next read (which may start before this one's watermark is written).
      let holds = true;
      const release = (): boolean => {
        if (!holds) return false;
        holds = false;
        e.reading = false;
        return true;
      };
      return this.reader.advance(e, () => { if (release() && chain) this.pump(); }).finally(release);
    });
    await Promise.all(work);
  }

  /**
   * step() without waiting, for a poll loop that must not block: a failure is
   * kept in `failure` (the task throws it on its next poll), and no further
   * step starts after one.
   */
  pump(): void {
    if (this.failed !== null || !this.wantsStep) return;
    this.stepping(true).catch((err: unknown) => { this.failed ??= err instanceof Error ? err : new Error(String(err)); });
  }

  /** The first error of a step started by pump(); the task throws it. */
  get failure(): Error | null { return this.failed; }

  private startable(): QueueEntry[] {
    return this.queue.running(this.maxThreads).filter((e) => !e.reading && !e.scanComplete && this.windows.countOf(e) < this.depth);
  }
}
