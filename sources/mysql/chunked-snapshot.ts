/**
 * The chunked snapshot beside the MySQL/MariaDB stream: glue between the
 * snapshot engine and the stream (sources/mysql/streaming.ts drives it).
 *
 * The stream calls:
 *  - onRowChange(tableId, rows) for every captured row change (an update
 *    passes its before and after rows): the engine drops those keys from open
 *    windows, and the re-read rule learns that a change was emitted;
 *  - onPosition(file, nextPos) after every binlog event or heartbeat it
 *    processed (and once with its start position): windows whose chunk's
 *    binlog position P is reached close (chunk-position.ts);
 *  - onTruncate(tableId);
 *  - decorate(unit | null, betweenTransactions, idleUnit) for each unit it
 *    hands out (null: nothing this poll), and emits what it returns.
 * What decorate returns, as the PostgreSQL companion does:
 *  - each closed window's rows become read records (op "r", source.snapshot
 *    "incremental", the stream's position where the window closed), one chunk
 *    per unit, each unit with commitAfter (one chunk per Kafka transaction),
 *    only between source transactions; the first rides on the stream's unit;
 *  - every unit's offset = the stream's position keys + the engine's fields as
 *    of the last chunk out + snapshot_completed (false until the initial
 *    snapshot's queue is empty).
 * Progress goes to the log every few seconds, the cdc_snapshot_* gauges and
 * the task status.
 */
import type { JsonMap, SourceRecord, SourceUnit } from '../../src/events/record.ts';
import type { Op } from '../../src/events/envelope.ts';
import type { ChunkOutput, KeyValues } from '../../src/snapshot/contracts.ts';
import type { SnapshotEngine } from '../../src/snapshot/snapshot-engine.ts';
import { SnapshotProgressReporter, snapshotStatusText, type SnapshotProgressReporterDeps } from '../../src/snapshot/snapshot-progress-log.ts';
import { chunkRecords, snapshotSummary, withSnapshotOffset } from '../../src/snapshot/companion-support.ts';
import type { Logger } from '../../src/log/logger.ts';
import type { ChangeRecords, MySqlRow, MySqlTableModel } from './event-model.ts';
import type { BinlogPoint, WindowPoints } from './chunk-position.ts';

export interface MySqlChunkedSnapshotDeps {
  readonly engine: SnapshotEngine<MySqlRow>;
  /** the chunk key of a changed row (MySqlChunkSource.changedKey) */
  readonly changedKey: (tableId: string, row: MySqlRow) => KeyValues | null;
  /** the stream's progress and the windows waiting on it, shared with the chunk source */
  readonly points: WindowPoints;
  /** the model a chunk's rows are emitted with */
  readonly model: (tableId: string) => MySqlTableModel | undefined;
  readonly changeRecords: ChangeRecords;
  /** topic.prefix */
  readonly serverName: string;
  /** source.server_id of read records: the id of the server that wrote the binlog the stream reads */
  readonly serverId: () => number;
  readonly contextHeaders: Readonly<Record<string, string>> | null;
  readonly log: Logger;
  readonly metrics: SnapshotProgressReporterDeps['metrics'];
  /** ms clock for source.ts_ms of read records (Debezium stamps snapshot reads at dispatch) */
  readonly now?: () => number;
}

interface Closed {
  readonly outputs: readonly ChunkOutput<MySqlRow>[];
  readonly at: BinlogPoint;
  readonly initialPending: boolean;
}

const NO_SKIPS = new Set<Op>();

export class MySqlChunkedSnapshot {
  /** engine offset fields and initial-snapshot state as of the last unit handed out */
  private fields: JsonMap;
  private initialPending: boolean;
  private readonly closed: Closed[] = [];
  private readonly reporter: SnapshotProgressReporter;
  private readonly now: () => number;

  constructor(private readonly deps: MySqlChunkedSnapshotDeps) {
    this.fields = deps.engine.offsetFields();
    this.initialPending = deps.engine.initialPending;
    this.now = deps.now ?? Date.now;
    this.reporter = new SnapshotProgressReporter({ progress: () => deps.engine.progress(), log: deps.log, metrics: deps.metrics });
  }

  /** True while the initial snapshot has tables left, as the last handed-out unit records it. */
  get initialRunning(): boolean {
    return this.initialPending;
  }

  // --- the stream's side ---

  onRowChange(tableId: string, rows: readonly MySqlRow[]): void {
    this.deps.points.noteChange();
    // Only tables with an open window need their changed keys.
    if (this.deps.engine.keyColumnsFor(tableId) === null) return;
    for (const row of rows) {
      const key = this.deps.changedKey(tableId, row);
      if (key) this.deps.engine.onChange(tableId, key);
    }
  }

  onPosition(file: string, nextPos: number): void {
    this.deps.points.advance({ file, pos: nextPos });
    this.closeDue();
  }

  onTruncate(tableId: string): void {
    this.deps.engine.onTruncate(tableId);
  }

  /** Closes every window whose binlog position the stream has processed; keeps their rows for decorate. */
  private closeDue(): void {
    const at = this.deps.points.processed;
    if (at === null) return;
    for (const windowId of this.deps.points.due()) {
      const outputs = this.deps.engine.onWatermark(windowId);
      if (outputs.length > 0) this.closed.push({ outputs, at, initialPending: this.deps.engine.initialPending });
    }
  }

  /**
   * Shapes the stream's unit (null: none this poll). `betweenTransactions`: no source transaction
   * is open, so closed chunks may go out; `idleUnit` makes an empty unit at the stream's position.
   */
  decorate(unit: SourceUnit | null, betweenTransactions: boolean, idleUnit: () => SourceUnit): SourceUnit[] {
    const { engine } = this.deps;
    if (engine.failure) throw engine.failure;
    // An idle stream: a window whose P the stream already passed closes now.
    this.closeDue();
    let u = unit;
    if (betweenTransactions && this.closed.length > 0) return this.withChunks(u ?? idleUnit());
    if (this.closed.length === 0) {
      // No rows waiting: the engine's state is what is out (e.g. an empty table finished).
      this.fields = engine.offsetFields();
      const finished = this.initialPending && !engine.initialPending;
      this.initialPending = engine.initialPending;
      if (finished && !u && betweenTransactions) u = idleUnit();
      if (finished) this.deps.log.info(snapshotSummary(engine.progress()), 'initial snapshot complete');
    }
    if (unit === null) this.tick();
    if (!u) return [];
    return [{ ...u, offset: withSnapshotOffset(u.offset, this.fields, this.initialPending), ...(u === unit ? {} : { commitAfter: true }) }];
  }

  /**
   * One unit per closed window (one chunk), each closing its Kafka transaction; the first also
   * carries the stream unit it rides on (the records of the source transaction that just ended).
   */
  private withChunks(u: SourceUnit): SourceUnit[] {
    const units: SourceUnit[] = [];
    for (const c of this.closed.splice(0)) {
      const reads: [MySqlTableModel, readonly MySqlRow[]][] = [];
      for (const out of c.outputs) {
        if (out.rows.length > 0) {
          const model = this.deps.model(out.tableId);
          if (!model) throw new Error(`no table model for ${out.tableId}`);
          reads.push([model, out.rows]);
        }
        this.fields = out.offset;
      }
      const finished = this.initialPending && !c.initialPending;
      this.initialPending = c.initialPending;
      if (finished) this.deps.log.info(snapshotSummary(this.deps.engine.progress()), 'initial snapshot complete');
      const base: SourceUnit = units.length === 0 ? u : { records: [], partition: u.partition, offset: u.offset };
      // Committed in the background while the next chunk is polled and encoded, except the one that
      // completes the initial snapshot (initial_only stops once it hears that commit).
      units.push({
        ...base, lazyRecords: this.readRecords(reads, c.at), offset: withSnapshotOffset(u.offset, this.fields, this.initialPending),
        commitAfter: true, ...(finished ? {} : { commitInBackground: true }),
      });
    }
    this.deps.engine.pump();
    return units;
  }

  /** A chunk's read records, built as the runner pulls them (chunkRecords). */
  private readRecords(reads: readonly [MySqlTableModel, readonly MySqlRow[]][], at: BinlogPoint): Generator<SourceRecord> {
    const events = { tombstonesOnDelete: false, skippedOperations: NO_SKIPS, contextHeaders: this.deps.contextHeaders };
    return chunkRecords(reads, (model, row) => this.deps.changeRecords(model, { kind: 'read', after: row }, {
      serverName: this.deps.serverName, db: model.db, table: model.table, tsMs: this.now(), snapshot: 'incremental',
      serverId: this.deps.serverId(), gtid: null, file: at.file, pos: at.pos, row: 0, thread: null, query: null,
    }, null, events));
  }

  /** End of a poll: keep the engine reading, report progress. */
  private tick(): void {
    this.deps.engine.pump();
    this.reporter.tick();
  }

  /** Trace-free status text while RUNNING (task health), or null when no snapshot runs. */
  status(): string | null {
    return snapshotStatusText(this.deps.engine.progress());
  }
}
