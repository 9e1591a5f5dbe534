/**
 * The chunked snapshot beside the stream: glue between the snapshot engine and
 * the PostgreSQL stream (COMMON8 §2). It feeds the engine what the decoder sees
 * (begun xids for the visibility check, changed keys, watermarks) and shapes
 * what the engine hands back into units:
 *  - a closed window's rows become read records (op "r", source.snapshot
 *    "incremental", the stream's position at the watermark), added to the unit
 *    that ends the watermark's transaction, with the offset that records the
 *    chunk as done, and the Kafka transaction commits after it (commitAfter):
 *    one chunk per Kafka transaction;
 *  - every other unit's offset carries the engine's fields as of the last chunk
 *    emitted (never a chunk whose rows are not yet out) and snapshot_completed,
 *    false until the initial snapshot's queue is empty.
 * No unit holds the Kafka transaction open, so the runtime's bound applies to stream records.
 * Progress goes to the log every few seconds, the cdc_snapshot_* gauges and the
 * task status.
 */
import type { JsonMap, SourceRecord, SourceUnit } from '../../src/events/record.ts';
import { PgChangeUnit } from './change-unit.ts';
import type { ChunkOutput, SnapshotProgress } from '../../src/snapshot/contracts.ts';
import type { SnapshotEngine } from '../../src/snapshot/snapshot-engine.ts';
import { SnapshotProgressReporter, snapshotStatusText } from '../../src/snapshot/snapshot-progress-log.ts';
import { chunkRecords, snapshotSummary, withSnapshotOffset } from '../../src/snapshot/companion-support.ts';
import type { TaskMetrics } from '../../src/metrics/task-metrics.ts';
import type { Logger } from '../../src/log/logger.ts';
import type { Clock, Op } from '../../src/events/envelope.ts';
import { changedRows, type ChangeDecoder, type SnapshotHooks } from './change-decoder.ts';
import type { PgChunkSource, ChunkRow } from './chunk-source.ts';
import { changeRecords } from './change-events.ts';
import type { TableModel } from './table-model.ts';
import type { RecentXids } from './watermark.ts';
import type { Lsn } from './lsn.ts';
import type { StreamCompanion } from './streaming.ts';

export interface ChunkedSnapshotDeps {
  readonly engine: SnapshotEngine<ChunkRow>;
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
  private readonly reporter: SnapshotProgressReporter;

  constructor(private readonly deps: ChunkedSnapshotDeps) {
    this.fields = deps.engine.offsetFields();
    this.initialPending = deps.engine.initialPending;
    this.reporter = new SnapshotProgressReporter({ progress: () => deps.engine.progress(), log: deps.log, metrics: deps.metrics });
  }

  /** True while the initial snapshot has tables left, as the last handed-out unit records it. */
  get initialRunning(): boolean {
    return this.initialPending;
  }

  readonly hooks: SnapshotHooks = {
    onBegin: (xid) => this.deps.recent.add(xid),
    onRowChange: (model, change) => {
      // Only tables with an open window need their changed keys.
      if (this.deps.engine.keyColumnsFor(model.id) === null) return;
      for (const row of changedRows(change)) {
        const key = this.deps.source.changedKey(model.id, row);
        if (key) this.deps.engine.onChange(model.id, key);
      }
    },
    onTruncate: (model) => this.deps.engine.onTruncate(model.id),
    onWatermark: (windowId, at) => {
      const outputs = this.deps.engine.onWatermark(windowId);
      if (outputs.length > 0) this.closed.push({ outputs, at, initialPending: this.deps.engine.initialPending });
    },
  };

  decorate(unit: SourceUnit | null, decoder: ChangeDecoder): SourceUnit[] {
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
    if (!u) return [];
    if (u !== unit) return [{ ...u, offset: this.offset(u.offset), commitAfter: true }];
    // Once per change event: the fields as they are now, merged only if the offset is read.
    if (u instanceof PgChangeUnit) return [u.withSnapshot(this.fields, this.initialPending)];
    return [{ ...u, offset: this.offset(u.offset) }];
  }

  /**
   * One unit per closed window (one chunk), each closing its Kafka transaction: a chunk is never
   * split across transactions nor shares one with another chunk, so a transaction lasts one
   * chunk's send and a crash loses at most the chunk in flight. The first unit also carries the
   * stream unit it rides on (the records of the source transaction that just ended).
   */
  private withChunks(u: SourceUnit): SourceUnit[] {
    const units: SourceUnit[] = [];
    for (const c of this.closed.splice(0)) {
      const reads: [TableModel, readonly ChunkRow[]][] = [];
      for (const out of c.outputs) {
        const model = this.deps.model(out.tableId);
        if (!model) throw new Error(`no table model for ${out.tableId}`);
        reads.push([model, out.rows]);
        this.fields = out.offset;
      }
      const finished = this.initialPending && !c.initialPending;
      this.initialPending = c.initialPending;
      if (finished) this.deps.log.info(this.summary(this.deps.engine.progress()), 'initial snapshot complete');
      const base: SourceUnit = units.length === 0 ? u : { records: [], partition: u.partition, offset: u.offset };
      // Committed in the background while the next chunk is polled and encoded, except the one that
      // completes the initial snapshot (initial_only stops once it hears that commit).
      units.push({
        ...base, lazyRecords: this.readRecords(reads, c), offset: this.offset(u.offset),
        commitAfter: true, ...(finished ? {} : { commitInBackground: true }),
      });
    }
    this.deps.engine.pump();
    return units;
  }

  /** A chunk's read records, built as the runner pulls them (chunkRecords). */
  private readRecords(reads: readonly [TableModel, readonly ChunkRow[]][], c: Closed): Generator<SourceRecord> {
    const events = { tombstonesOnDelete: false, skippedOperations: NO_SKIPS, clock: this.deps.clock, contextHeaders: this.deps.contextHeaders };
    return chunkRecords(reads, (model, row) => changeRecords(model, { kind: 'read', after: row.text() }, {
      serverName: this.deps.serverName, db: this.deps.db, schema: model.schemaName, table: model.tableName,
      // Debezium stamps snapshot reads with the clock at dispatch.
      tsUs: this.deps.clock.nowNs() / 1000n, snapshot: 'incremental', txId: c.at.xid, lsn: c.at.lsn, lastCommitLsn: c.at.lastCommitLsn,
    }, () => null, events));
  }

  private offset(position: JsonMap): JsonMap {
    return withSnapshotOffset(position, this.fields, this.initialPending);
  }

  /** End of a poll: keep the engine reading, report progress. */
  private tick(): void {
    this.deps.engine.pump();
    this.reporter.tick();
    this.deps.source.idle(this.deps.engine.finished);
  }

  private summary(p: SnapshotProgress): Record<string, unknown> {
    return snapshotSummary(p);
  }

  /** Trace-free status text while RUNNING (task health), or null when no snapshot runs. */
  status(): string | null {
    return snapshotStatusText(this.deps.engine.progress());
  }
}
