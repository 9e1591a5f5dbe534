/**
 * snapshot.strategy=single_transaction: the initial snapshot read inside the
 * slot's exported snapshot and written as ONE Kafka transaction (units carry
 * holdTransaction), committed with the offset that says "snapshot done at the
 * consistent point". A crash mid-snapshot leaves nothing visible, and the
 * restart takes a fresh slot + snapshot. The producer's transaction timeout
 * bounds how long it may take (docs/postgres.md). It is the path a standby
 * needs (it cannot write the chunked snapshot's watermarks).
 */
import type pg from 'pg';
import type { JsonMap, SourceUnit } from '../../src/events/record.ts';
import type { SourceTaskContext } from '../../src/runtime/source-task.ts';
import type { Clock, Op } from '../../src/events/envelope.ts';
import type { Logger } from '../../src/log/logger.ts';
import { readSnapshot, type SnapshotRead } from './snapshot.ts';
import { changeRecords, type EventOptions } from './change-events.ts';
import { encodePosition, pgPartition, type PgPosition } from './offsets.ts';
import type { Lsn } from './lsn.ts';
import type { TableModel, TextRow } from './table-model.ts';
import type { PgTaskConfig } from './task-config.ts';

export interface ExportedSnapshotDeps {
  readonly cfg: PgTaskConfig;
  readonly ctx: SourceTaskContext;
  readonly log: Logger;
  readonly clock: Clock;
  readonly contextHeaders: Readonly<Record<string, string>> | null;
  /** the session that imported the exported snapshot (its transaction is open) */
  readonly sql: pg.Client;
  readonly snapshotName: string;
  /** source.txId of snapshot records */
  readonly txId: number | null;
  readonly consistentPoint: Lsn;
  readonly models: readonly TableModel[];
}

export class ExportedSnapshot {
  private readonly rows: SnapshotRead;
  private count = 0;
  /** the same for every row: made once, not per row */
  private readonly events: EventOptions;

  constructor(private readonly deps: ExportedSnapshotDeps) {
    const { cfg, ctx, log } = deps;
    this.events = { tombstonesOnDelete: false, skippedOperations: new Set<Op>(), clock: deps.clock, contextHeaders: deps.contextHeaders };
    ctx.metrics.snapshotRunning(true);
    let tablesDone = 0;
    ctx.metrics.snapshotTables(deps.models.length, deps.models.length);
    this.rows = readSnapshot({
      sql: deps.sql, snapshotName: deps.snapshotName, tables: deps.models, fetchSize: cfg.snapshotFetchSize, log,
      selectOverride: (id) => cfg.snapshotSelects.get(id),
      progress: {
        onTableStart: (t, est) => log.info({ table: t.id, estimatedRows: est }, 'snapshotting table'),
        onRows: (t, n, est) => { ctx.metrics.snapshotProgress(t.id, n, est); log.info({ table: t.id, rows: n, estimatedRows: est }, 'snapshot progress'); },
        onTableDone: (t, n, ms) => { ctx.metrics.snapshotProgress(t.id, n, n); ctx.metrics.snapshotTables(deps.models.length - ++tablesDone, deps.models.length); log.info({ table: t.id, rows: n, ms }, 'table snapshot read'); },
      },
    });
  }

  /**
   * Next units of the snapshot; `done` is set on the last call, whose last unit
   * commits the whole snapshot with the position to stream from.
   */
  async poll(): Promise<{ units: SourceUnit[]; done: PgPosition | null }> {
    const { cfg, clock } = this.deps;
    const units: SourceUnit[] = [];
    const partition = pgPartition(cfg.topicPrefix);
    const inProgress: JsonMap = { snapshot: 'INITIAL', lsn: Number(this.deps.consistentPoint), last_snapshot_record: false };
    const change = { kind: 'read' as const, after: null as unknown as TextRow };
    const noTx = () => null;
    while (units.length < cfg.maxBatchSize) {
      const next = await this.rows.next();
      if (next.done) {
        await this.close();
        this.deps.ctx.metrics.snapshotEnded('completed');
        this.deps.log.info({ rows: this.count }, 'initial snapshot read completely; committing it');
        const cp = this.deps.consistentPoint;
        const done: PgPosition = { lsnProc: cp, lsnCommit: null, lsn: cp, eventsProcessed: 0, txId: null, tsUsec: BigInt(Date.now()) * 1000n, snapshotCompleted: true };
        units.push({ records: [], partition, offset: encodePosition(done), commitAfter: true });
        return { units, done };
      }
      const { table, row, marker } = next.value;
      this.count++;
      const source = {
        serverName: cfg.topicPrefix, db: cfg.connection.database, schema: table.schemaName, table: table.tableName,
        // Debezium reads the clock with microsecond precision for each snapshot row.
        tsUs: clock.nowNs() / 1000n, snapshot: marker, txId: this.deps.txId, lsn: this.deps.consistentPoint, lastCommitLsn: null,
      };
      change.after = row.text();
      const records = changeRecords(table, change, source, noTx, this.events);
      units.push({ records, partition, offset: inProgress, holdTransaction: true });
    }
    return { units, done: null };
  }

  async close(): Promise<void> {
    // A table's COPY still running (a stop mid-snapshot) would hold the session: it is cut.
    this.rows.abort();
    await this.deps.sql.query('COMMIT').catch(() => undefined);
    await this.deps.sql.end().catch(() => undefined);
  }
}
