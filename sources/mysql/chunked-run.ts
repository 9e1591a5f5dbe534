/**
 * Wiring of the MySQL/MariaDB chunked snapshot for one task run: its SQL
 * connections (snapshot.max.threads of them), the ChunkSource, the engine
 * (restored from the stored offset, tables no longer captured forgotten, the
 * initial snapshot started in snapshot.tables.order.by.row.count order) and the
 * companion the stream drives.
 */
import type { JsonMap } from '../../src/events/record.ts';
import type { Logger } from '../../src/log/logger.ts';
import { SnapshotEngine } from '../../src/snapshot/snapshot-engine.ts';
import { byRowCount } from '../../src/snapshot/companion-support.ts';
import type { SnapshotProgressReporterDeps } from '../../src/snapshot/snapshot-progress-log.ts';
import type { MysqlTaskConfig } from './config-task.ts';
import type { ChangeRecords, MySqlRow, MySqlTableModel } from './event-model.ts';
import { openSql } from './server-checks-connect.ts';
import { WindowPoints } from './chunk-position.ts';
import { MySqlChunkSource } from './chunk-source.ts';
import { SessionPool, SNAPSHOT_SESSION_STATEMENTS, type SqlSession } from './chunk-sessions.ts';
import { MySqlChunkedSnapshot } from './chunked-snapshot.ts';

/** A connection the run may close. */
export type ClosableSession = SqlSession & { end(): Promise<void> };

export interface MySqlChunkedRun {
  /** what the stream drives (onRowChange, onPosition, onTruncate, decorate) */
  readonly companion: MySqlChunkedSnapshot;
  /** what signals ask of the snapshot (execute, stop, pause, resume) */
  readonly engine: SnapshotEngine<MySqlRow>;
  readonly source: MySqlChunkSource;
  close(): Promise<void>;
}

export interface MySqlChunkedRunDeps {
  readonly cfg: Pick<MysqlTaskConfig, 'connection' | 'snapshot' | 'events'>;
  readonly log: Logger;
  readonly metrics: SnapshotProgressReporterDeps['metrics'];
  readonly contextHeaders: Readonly<Record<string, string>> | null;
  /** captured table ids ("db.table") */
  readonly captured: readonly string[];
  /** the current model of a captured table (table-model.ts) */
  readonly model: (tableId: string) => MySqlTableModel | undefined;
  readonly changeRecords: ChangeRecords;
  /** message.key.columns for a table, or undefined */
  readonly messageKeyColumns: (tableId: string) => readonly string[] | undefined;
  /** source.server_id of read records (the server whose binlog the stream reads) */
  readonly serverId: () => number;
  /** e.g. 'connector "shop"' */
  readonly where: string;
  /** the stored offset map to continue from (null: none) */
  readonly stored: JsonMap | null;
  /** table ids of an initial snapshot to start now (null: none) */
  readonly initial: readonly string[] | null;
  /** opens one connection (tests); default: openSql with the connector's settings and row value options */
  readonly open?: () => Promise<ClosableSession>;
  /** the stream's progress and the waiting windows (tests pass one to watch the chunks' positions) */
  readonly points?: WindowPoints;
}

export async function openMySqlChunkedSnapshot(deps: MySqlChunkedRunDeps): Promise<MySqlChunkedRun> {
  const { cfg, log } = deps;
  const open = deps.open ?? (() => openSql(cfg.connection, `${deps.where}, snapshot connection`, { rowValues: true }));
  const sessions: ClosableSession[] = [];
  const close = async (): Promise<void> => { await Promise.all(sessions.map((s) => s.end().catch(() => undefined))); };
  try {
    for (let i = 0; i < Math.max(1, cfg.snapshot.maxThreads); i++) {
      const s = await open();
      sessions.push(s);
      for (const statement of SNAPSHOT_SESSION_STATEMENTS) await s.query(statement);
    }
  } catch (err) {
    await close();
    throw err;
  }
  const captured = new Set(deps.captured);
  const points = deps.points ?? new WindowPoints();
  const source = new MySqlChunkSource({ sessions: new SessionPool(sessions), captured: (id) => captured.has(id), messageKeyColumns: deps.messageKeyColumns, points, log });
  const engine = new SnapshotEngine<MySqlRow>({ source, log, chunkSize: cfg.snapshot.chunkSize, initialChunkSize: cfg.snapshot.fetchSize, maxThreads: cfg.snapshot.maxThreads, where: deps.where });
  engine.restore(deps.stored, `${deps.where}, stored offset`);
  engine.forgetUncaptured((id) => captured.has(id));
  if (deps.initial) {
    const order = cfg.snapshot.tablesOrder;
    const ordered = order === 'disabled' ? [...deps.initial] : await byRowCount(deps.initial, source, order).catch(async (err: unknown) => { await close(); throw err; });
    if (order !== 'disabled') log.info({ tables: ordered, order }, 'initial snapshot tables ordered by estimated row count');
    engine.startInitial(ordered.map((id) => ({ id, filter: null, surrogateKey: null })));
  }
  const companion = new MySqlChunkedSnapshot({
    engine, changedKey: (id, row) => source.changedKey(id, row), points, model: deps.model, changeRecords: deps.changeRecords,
    serverName: cfg.events.topicPrefix, serverId: deps.serverId, contextHeaders: deps.contextHeaders, log, metrics: deps.metrics,
  });
  return { companion, engine, source, close };
}
