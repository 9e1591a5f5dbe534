/**
 * The chunked snapshot beside the stream: glue between the snapshot engine and
 * the PostgreSQL stream (COMMON8 §2). It feeds the engine what the decoder sees
 * (begun xids for the visibility check, changed keys, watermarks) and shapes
 * what the engine hands back into units:
 *  - a closed window's rows become read records (op "r", source.snapshot
 *    "incremental", the stream's position at the watermark), added to the unit
 *    that ends the watermark's transaction, with the offset that records the
 *    chunk as done, and the Kafka transaction commits after it (commitAfter);
 *  - every other unit's offset carries the engine's fields as of the last chunk
 *    emitted (never a chunk whose rows are not yet out) and snapshot_completed,
 *    false until the initial snapshot's queue is empty.
 * No unit holds the Kafka transaction open, so the runtime's bound applies.
 * Progress goes to the log every few seconds, the cdc_snapshot_* gauges and the
 * task status.
 */
import type { JsonMap, SourceRecord, SourceUnit } from '../../src/events/record.ts';
import type { ChunkOutput, SnapshotProgress } from '../../src/snapshot/contracts.ts';
import type { SnapshotEnginePort } from '../../src/snapshot/interim-engine.ts';
import type { TaskMetrics } from '../../src/metrics/task-metrics.ts';
import type { Logger } from '../../src/log/logger.ts';
import type { Clock, Op } from '../../src/events/envelope.ts';
import type { ChangeDecoder, SnapshotHooks } from './change-decoder.ts';
import type { PgChunkSource, ChunkRow } from './chunk-source.ts';
import { changeRecords } from './change-events.ts';
import type { TableModel } from './table-model.ts';
import type { RecentXids } from './watermark.ts';
import type { Lsn } from './lsn.ts';
import type { StreamCompanion } from './streaming.ts';

export interface ChunkedSnapshotDeps {
  readonly engine: SnapshotEnginePort<ChunkRow>;
  readonly source: PgChunkSource;
  readonly recent: RecentXids;
  /** the model a chunk's rows are emitted with */
  readonly model: (tableId: string) => TableModel | undefined;
  readonly serverName: string;
  readonly db: string;
  readonly clock: Clock;
  readonly contextHeaders: Readonly<Record<string, string>> | null;
  readonly log: Logger;
  readonly metrics: TaskMetrics;
  /** how often progress is logged (ms) */
  readonly logEveryMs?: number;
}

interface Closed {
  readonly outputs: readonly ChunkOutput<ChunkRow>[];
  readonly at: { readonly lsn: Lsn; readonly xid: number | null; readonly lastCommitLsn: Lsn | null };
  readonly initialPending: boolean;
}

const NO_SKIPS = new Set<Op>();

export class ChunkedSnapshot implements StreamCompanion {
  /** engine offset fields and initial-snapshot state as of the last unit handed out */
  private fields: JsonMap;
  private initialPending: boolean;
  private readonly closed: Closed[] = [];
  private lastLog = 0;
  private wasRunning = false;

  constructor(private readonly deps: ChunkedSnapshotDeps) {
    this.fields = deps.engine.offsetFields();
    this.initialPending = deps.engine.initialPending;
  }

  /** True while the initial snapshot has tables left, as the last handed-out unit records it. */
  get initialRunning(): boolean {
    return this.initialPending;
  }

  readonly hooks: SnapshotHooks = {
    onBegin: (xid) => this.deps.recent.add(xid),
    onRowChange: (model, rows) => {
      if (!this.deps.source.knows(model.id)) return;
      for (const row of rows) {
        const key = this.deps.source.changedKey(model.id, row);
        if (key) this.deps.engine.onChange(model.id, key);
      }
    },
    onWatermark: (windowId, at) => {
      const outputs = this.deps.engine.onWatermark(windowId);
      if (outputs.length > 0) this.closed.push({ outputs, at, initialPending: this.deps.engine.initialPending });
    },
  };

  decorate(unit: SourceUnit | null, decoder: ChangeDecoder): SourceUnit | null {
    const { engine } = this.deps;
    if (engine.failure) throw engine.failure;
    let u = unit;
    if (!decoder.inTransaction && this.closed.length > 0) {
      // Between source transactions: the closed windows' rows go out now, with their offset.
      u ??= decoder.heartbeatUnit([]);
      if (u) return this.withChunks(u);
    }
    if (this.closed.length === 0) {
      // No rows waiting: the engine's state is what is out (e.g. an empty table finished).
      this.fields = engine.offsetFields();
      const finished = this.initialPending && !engine.initialPending;
      this.initialPending = engine.initialPending;
      if (finished && !u && !decoder.inTransaction) u = decoder.heartbeatUnit([]);
      if (finished) this.deps.log.info(this.summary(engine.progress()), 'initial snapshot complete');
    }
    if (unit === null) this.tick();
    if (!u) return null;
    return { ...u, offset: this.offset(u.offset), ...(u === unit ? {} : { commitAfter: true }) };
  }

  private withChunks(u: SourceUnit): SourceUnit {
    const records: SourceRecord[] = [...u.records];
    let last: Closed | null = null;
    for (const c of this.closed.splice(0)) {
      for (const out of c.outputs) {
        const model = this.deps.model(out.tableId);
        if (!model) throw new Error(`no table model for ${out.tableId}`);
        for (const row of out.rows) records.push(...this.readRecords(model, row, c));
        this.fields = out.offset;
      }
      last = c;
    }
    if (last) {
      const finished = this.initialPending && !last.initialPending;
      this.initialPending = last.initialPending;
      if (finished) this.deps.log.info(this.summary(this.deps.engine.progress()), 'initial snapshot complete');
    }
    this.deps.engine.pump();
    return { ...u, records, offset: this.offset(u.offset), commitAfter: true };
  }

  private readRecords(model: TableModel, row: ChunkRow, c: Closed): SourceRecord[] {
    const source = {
      serverName: this.deps.serverName, db: this.deps.db, schema: model.schemaName, table: model.tableName,
      // Debezium stamps snapshot reads with the clock at dispatch.
      tsUs: this.deps.clock.nowNs() / 1000n, snapshot: 'incremental' as const, txId: c.at.xid, lsn: c.at.lsn, lastCommitLsn: c.at.lastCommitLsn,
    };
    return changeRecords(model, { kind: 'read', after: row }, source, () => null, {
      tombstonesOnDelete: false, skippedOperations: NO_SKIPS, clock: this.deps.clock, contextHeaders: this.deps.contextHeaders,
    });
  }

  private offset(position: JsonMap): JsonMap {
    // The stream's position keys first, then the snapshot's (replacing any stored ones).
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(position)) if (!k.startsWith('incremental_snapshot_') && k !== 'cdc_snapshot_kind') out[k] = v;
    return { ...out, ...this.fields, snapshot_completed: !this.initialPending } as JsonMap;
  }

  /** End of a poll: keep the engine reading, report progress. */
  private tick(): void {
    const { engine, metrics } = this.deps;
    engine.pump();
    const p = engine.progress();
    if (p.running !== this.wasRunning) { metrics.snapshotRunning(p.running); this.wasRunning = p.running; }
    if (!p.running) return;
    const now = Date.now();
    if (now - this.lastLog < (this.deps.logEveryMs ?? 5000)) return;
    this.lastLog = now;
    for (const t of p.tables) if (t.state === 'running' || t.state === 'done') metrics.snapshotProgress(t.id, t.rowsDone, t.rowsEstimated);
    this.deps.log.info(this.summary(p), 'snapshot progress');
  }

  private summary(p: SnapshotProgress): Record<string, unknown> {
    const current = p.tables.find((t) => t.state === 'running');
    return {
      kind: p.kind, tablesDone: p.tables.filter((t) => t.state === 'done' || t.state === 'skipped').length, tables: p.tables.length,
      rowsDone: p.tables.reduce((a, t) => a + t.rowsDone, 0), rowsEstimated: p.tables.reduce((a, t) => a + t.rowsEstimated, 0),
      chunks: p.tables.reduce((a, t) => a + t.chunks, 0),
      ...(current ? { table: current.id, tableRows: current.rowsDone, tableRowsEstimated: current.rowsEstimated } : {}),
      etaSeconds: p.etaSeconds,
    };
  }

  /** Trace-free status text while RUNNING (task health), or null when no snapshot runs. */
  status(): string | null {
    const p = this.deps.engine.progress();
    if (!p.running) return null;
    const s = this.summary(p);
    const eta = p.etaSeconds === null ? '' : `, about ${p.etaSeconds < 120 ? `${p.etaSeconds} s` : `${Math.round(p.etaSeconds / 60)} min`} left`;
    return `${p.paused ? 'snapshot paused' : `${p.kind ?? 'initial'} snapshot running while streaming`}: ${String(s.tablesDone)} of ${String(s.tables)} tables done, ${String(s.rowsDone)} of about ${String(s.rowsEstimated)} rows${s.table ? ` (reading ${String(s.table)})` : ''}${eta}`;
  }
}
