/**
 * Wiring of the chunked snapshot for one task run: its SQL connections, the
 * PostgreSQL ChunkSource, the engine (restored from the stored offset or given
 * the initial snapshot's tables) and the companion the stream carries.
 */
import type { JsonMap } from '../../src/events/record.ts';
import type { TaskMetrics } from '../../src/metrics/task-metrics.ts';
import type { Logger } from '../../src/log/logger.ts';
import type { Clock } from '../../src/events/envelope.ts';
import { SnapshotEngine } from '../../src/snapshot/snapshot-engine.ts';
import { byRowCount } from '../../src/snapshot/companion-support.ts';
import { openSql } from './connection.ts';
import { PgChunkSource, type ChunkRow } from './chunk-source.ts';
import { ChunkSessions } from './chunk-sessions.ts';
import { ChunkedSnapshot } from './chunked-snapshot.ts';
import { RecentXids } from './watermark.ts';
import { relId, type PgRelation } from './partitions.ts';
import type { TableModel } from './table-model.ts';
import type { TableRegistry } from './table-registry.ts';
import type { PgTaskConfig } from './task-config.ts';

export interface ChunkedRun {
  readonly companion: ChunkedSnapshot;
  /** what signals ask of the snapshot (signal-hub.ts) */
  readonly engine: SnapshotEngine<ChunkRow>;
  close(): Promise<void>;
}

export interface ChunkedRunDeps {
  readonly cfg: PgTaskConfig;
  readonly log: Logger;
  readonly metrics: TaskMetrics;
  readonly clock: Clock;
  readonly contextHeaders: Readonly<Record<string, string>> | null;
  readonly tables: TableRegistry;
  readonly captured: readonly PgRelation[];
  readonly where: string;
  /** the stored offset map to continue from (null: none to continue) */
  readonly stored: JsonMap | null;
  /** tables of an initial snapshot to start now (null: none) */
  readonly initial: readonly PgRelation[] | null;
}

export async function openChunkedSnapshot(deps: ChunkedRunDeps): Promise<ChunkedRun> {
  const { cfg, log } = deps;
  // snapshot.max.threads sessions read chunks; one more writes the watermarks (chunk-source.ts).
  // They open when a snapshot first needs them and close once none has run for a while.
  const sessions = new ChunkSessions({
    readers: cfg.snapshotThreads, log,
    open: async () => {
      const s = await openSql(cfg.connection);
      try {
        // The watermark's commit must flush WAL at once: with synchronous_commit=off (server or role
        // default) it would wait for the WAL writer (wal_writer_delay, 200 ms), and every chunk with it.
        // local: flushed here, without waiting for a synchronous standby.
        await s.query('SET synchronous_commit = local');
      } catch (err) {
        await s.end().catch(() => undefined);
        throw err;
      }
      return s;
    },
  });
  const byId = new Map(deps.captured.map((r) => [relId(r), r]));
  const models = new Map<string, TableModel>();
  const recent = new RecentXids();
  const source = new PgChunkSource({
    sessions,
    table: async (id) => {
      const rel = byId.get(id);
      if (!rel) return null;
      // The table's columns as they are when its snapshot starts (see incremental.snapshot.allow.schema.changes).
      const [model] = await sessions.withReader((c) => deps.tables.loadModels(c, [rel]));
      if (!model) return null;
      models.set(id, model);
      return { model, partitioned: rel.kind === 'p' };
    },
    override: (id) => cfg.snapshotSelects.get(id),
    processedXids: () => recent.list(),
    log,
  });
  const engine = new SnapshotEngine<ChunkRow>({ source, log, chunkSize: cfg.chunkSize, initialChunkSize: cfg.snapshotFetchSize, maxThreads: cfg.snapshotThreads, where: deps.where });
  engine.restore(deps.stored, `${deps.where}, stored offset`);
  const gone = engine.forgetUncaptured((id) => byId.has(id));
  if (gone.length > 0) log.warn({ tables: gone }, 'tables no longer captured were taken out of the snapshot queue');
  if (deps.initial) {
    const ids = deps.initial.map(relId);
    const ordered = cfg.tablesOrder === 'disabled' ? ids : await byRowCount(ids, source, cfg.tablesOrder);
    if (cfg.tablesOrder !== 'disabled') log.info({ tables: ordered, order: cfg.tablesOrder }, 'initial snapshot tables ordered by estimated row count');
    engine.startInitial(ordered.map((id) => ({ id, filter: null, surrogateKey: null })));
  }
  const companion = new ChunkedSnapshot({
    engine, source, recent, model: (id) => models.get(id),
    serverName: cfg.topicPrefix, db: cfg.connection.database, clock: deps.clock, contextHeaders: deps.contextHeaders,
    log, metrics: deps.metrics,
  });
  return {
    companion,
    engine,
    close: () => sessions.close(),
  };
}
