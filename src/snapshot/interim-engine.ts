/**
 * INTERIM snapshot engine, written on branch snap-pg only so the PostgreSQL side
 * (sources/postgres/chunked-snapshot.ts) can run against real services before
 * the engine of branch snap-engine exists. It implements the port below with
 * the smallest correct subset of COMMON8 §2/§4: one table at a time, one window
 * at a time, the initial kind only, offsets under Debezium's key names but with
 * the keys as JSON text (not yet the Java serialisation). Replace it with
 * snap-engine's engine; the port is what the PostgreSQL task needs of it.
 */
import { randomUUID } from 'node:crypto';
import type { JsonMap } from '../events/record.ts';
import type { ChunkOutput, ChunkSource, KeyValue, KeyValues, SnapshotCollection, SnapshotCommands, SnapshotKind, SnapshotProgress } from './contracts.ts';

/** What a source task needs of the snapshot engine. */
export interface SnapshotEnginePort<Row> {
  /** Rebuilds the queue from a stored offset map (null: none); returns whether a snapshot was in progress. */
  restore(stored: JsonMap | null): boolean;
  /** Queues the initial snapshot of these tables (drops any stored progress of an initial one). */
  startInitial(collections: readonly SnapshotCollection[]): void;
  /** True while the initial snapshot's tables are not all done. */
  readonly initialPending: boolean;
  onChange(tableId: string, key: KeyValues): void;
  onWatermark(windowId: string): readonly ChunkOutput<Row>[];
  /** Fields to merge into every unit's offset (empty when no snapshot is queued). */
  offsetFields(): JsonMap;
  progress(): SnapshotProgress;
  /** Starts the next chunk when none is in flight; failures show in `failure`. */
  pump(): void;
  readonly failure: Error | null;
  readonly commands: SnapshotCommands;
}

export interface EngineOptions<Row> {
  readonly source: ChunkSource<Row>;
  readonly chunkSize: number;
  /** A table without a usable key: the initial snapshot fails with this error. */
  readonly noKey: (tableId: string, what: string, fix: string) => Error;
}

interface TableState {
  readonly coll: SnapshotCollection;
  key: readonly string[] | null;
  max: KeyValues | null;
  /** key of the last row emitted (committed with the next offset) */
  last: KeyValues | null;
  rows: number; estimated: number; chunks: number;
}

interface Window<Row> {
  readonly id: string;
  readonly table: TableState;
  /** keys changed since the window opened (before the rows arrived) */
  readonly changed: Set<string>;
  buffer: Map<string, Row> | null;
  lastKey: KeyValues | null;
  tableDone: boolean;
}

const KIND = 'cdc_snapshot_kind';

function keyString(k: KeyValues): string {
  return JSON.stringify(k.map((v) => (typeof v === 'bigint' ? `${v}n` : v)));
}

function keyJson(k: KeyValues | null): string | null {
  return k === null ? null : keyString(k);
}

function parseKey(s: unknown): KeyValues | null {
  if (typeof s !== 'string') return null;
  return (JSON.parse(s) as KeyValue[]).map((v) => (typeof v === 'string' && /^-?\d+n$/.test(v) ? BigInt(v.slice(0, -1)) : v));
}

export class InterimSnapshotEngine<Row> implements SnapshotEnginePort<Row> {
  private queue: TableState[] = [];
  private done: { id: string; rows: number; chunks: number; state: 'done' | 'skipped' }[] = [];
  private window: Window<Row> | null = null;
  private busy = false;
  private paused = false;
  private kind: SnapshotKind | null = null;
  private started = Date.now();
  private rowsAtStart = 0;
  failure: Error | null = null;

  constructor(private readonly opts: EngineOptions<Row>) {}

  get initialPending(): boolean {
    return this.kind === 'initial' && this.queue.length > 0;
  }

  restore(stored: JsonMap | null): boolean {
    const raw = stored?.incremental_snapshot_collections;
    if (typeof raw !== 'string') return false;
    const list = JSON.parse(raw) as { incremental_snapshot_collections_id: string; incremental_snapshot_collections_additional_condition: string | null; incremental_snapshot_collections_surrogate_key: string | null }[];
    this.kind = stored?.[KIND] === 'initial' ? 'initial' : 'incremental';
    this.queue = list.map((c, i) => ({
      coll: { id: c.incremental_snapshot_collections_id, filter: c.incremental_snapshot_collections_additional_condition, surrogateKey: c.incremental_snapshot_collections_surrogate_key },
      key: null, max: i === 0 ? parseKey(stored?.incremental_snapshot_maximum_key) : null, last: i === 0 ? parseKey(stored?.incremental_snapshot_primary_key) : null,
      rows: 0, estimated: 0, chunks: 0,
    }));
    return this.queue.length > 0;
  }

  startInitial(collections: readonly SnapshotCollection[]): void {
    this.kind = 'initial';
    this.queue = collections.map((coll) => ({ coll, key: null, max: null, last: null, rows: 0, estimated: 0, chunks: 0 }));
    this.done = [];
    this.started = Date.now();
  }

  onChange(tableId: string, key: KeyValues): void {
    const w = this.window;
    if (!w || w.table.coll.id !== tableId) return;
    const k = keyString(key);
    w.changed.add(k);
    w.buffer?.delete(k);
  }

  onWatermark(windowId: string): readonly ChunkOutput<Row>[] {
    const w = this.window;
    if (!w || w.id !== windowId || !w.buffer) return [];
    this.window = null;
    const t = w.table;
    const rows = [...w.buffer.values()];
    t.last = w.lastKey;
    t.rows += rows.length;
    t.chunks++;
    if (w.tableDone) this.finishTable('done');
    this.busy = false;
    return [{ tableId: t.coll.id, rows, kind: this.kind ?? 'initial', offset: this.offsetFields() }];
  }

  offsetFields(): JsonMap {
    const head = this.queue[0];
    if (!head) return {};
    return {
      incremental_snapshot_collections: JSON.stringify(this.queue.map((t) => ({
        incremental_snapshot_collections_id: t.coll.id,
        incremental_snapshot_collections_additional_condition: t.coll.filter === null ? null : `(${t.coll.filter})`,
        incremental_snapshot_collections_surrogate_key: t.coll.surrogateKey,
      }))),
      incremental_snapshot_primary_key: keyJson(head.last),
      incremental_snapshot_maximum_key: keyJson(head.max),
      incremental_snapshot_correlation_id: null,
      [KIND]: this.kind ?? 'initial',
    };
  }

  progress(): SnapshotProgress {
    const tables = [
      ...this.done.map((d) => ({ id: d.id, rowsDone: d.rows, rowsEstimated: d.rows, chunks: d.chunks, state: d.state })),
      ...this.queue.map((t, i) => ({ id: t.coll.id, rowsDone: t.rows, rowsEstimated: Math.max(t.estimated, t.rows), chunks: t.chunks, state: (i === 0 && t.key ? 'running' : 'queued') as 'running' | 'queued' })),
    ];
    const doneRows = tables.reduce((a, t) => a + t.rowsDone, 0) - this.rowsAtStart;
    const left = tables.reduce((a, t) => a + Math.max(0, t.rowsEstimated - t.rowsDone), 0);
    const secs = (Date.now() - this.started) / 1000;
    const rate = secs > 0 ? doneRows / secs : 0;
    return { running: this.queue.length > 0, paused: this.paused, kind: this.queue.length > 0 ? this.kind : null, tables, etaSeconds: rate > 0 ? Math.round(left / rate) : null };
  }

  pump(): void {
    if (this.busy || this.paused || this.failure || this.queue.length === 0) return;
    this.busy = true;
    this.step().catch((err: unknown) => { this.failure = err as Error; });
  }

  private finishTable(state: 'done' | 'skipped'): void {
    const t = this.queue.shift()!;
    this.done.push({ id: t.coll.id, rows: t.rows, chunks: t.chunks, state });
  }

  private async step(): Promise<void> {
    const { source } = this.opts;
    for (;;) {
      const t = this.queue[0];
      if (!t) { this.busy = false; return; }
      if (!t.key) {
        const k = await source.chunkKey(t.coll.id, t.coll.surrogateKey);
        if (!k.ok) {
          if (this.kind === 'initial') throw this.opts.noKey(t.coll.id, k.what, k.fix);
          this.finishTable('skipped');
          continue;
        }
        t.key = k.columns;
        t.estimated = await source.estimateRows(t.coll.id);
        if (t.max === null) t.max = await source.maxKey(t.coll.id, t.key, t.coll.filter);
        if (t.max === null) { this.finishTable('done'); continue; }
      }
      // The window (and its record of changed keys) exists before the select starts.
      const w: Window<Row> = { id: randomUUID(), table: t, changed: new Set(), buffer: null, lastKey: null, tableDone: false };
      this.window = w;
      const rows = await source.readChunk(t.coll.id, t.key, t.last, t.max!, this.opts.chunkSize, t.coll.filter);
      if (rows.length === 0) { this.window = null; this.finishTable('done'); continue; }
      const buffer = new Map<string, Row>();
      for (const row of rows) {
        const k = keyString(source.keyOf(t.coll.id, row));
        if (!w.changed.has(k)) buffer.set(k, row);
      }
      w.buffer = buffer;
      w.lastKey = source.keyOf(t.coll.id, rows[rows.length - 1]!);
      w.tableDone = rows.length < this.opts.chunkSize || keyString(w.lastKey) === keyString(t.max!);
      await source.writeWatermark(w.id);
      return; // busy until the stream reaches the watermark
    }
  }

  readonly commands: SnapshotCommands = {
    execute: () => { throw new Error('the interim engine runs the initial snapshot only'); },
    stop: () => { throw new Error('the interim engine runs the initial snapshot only'); },
    pause: () => { this.paused = true; },
    resume: () => { this.paused = false; this.pump(); },
  };
}
