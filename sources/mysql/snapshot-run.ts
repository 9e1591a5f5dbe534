/**
 * The chunked snapshot beside the MySQL/MariaDB stream for one task run: the captured tables'
 * models loaded, the shared snapshot engine with the MySQL chunk source (chunked-run.ts), and
 * the companion the stream drives, seen through the stream's interface (streaming.ts).
 */
import type { JsonMap } from '../../src/events/record.ts';
import type { SourceTaskContext } from '../../src/runtime/source-task.ts';
import type { Logger } from '../../src/log/logger.ts';
import type { MysqlTaskConfig } from './config-task.ts';
import type { ChangeRecords, MySqlEventOptions } from './event-model.ts';
import type { MySqlTableRegistry } from './table-registry.ts';
import type { MySqlStreamCompanion } from './streaming.ts';
import { openMySqlChunkedSnapshot, type MySqlChunkedRun } from './chunked-run.ts';
import { splitTableId } from './chunk-source.ts';

export interface MySqlSnapshotRunDeps {
  readonly cfg: MysqlTaskConfig;
  readonly ctx: SourceTaskContext;
  readonly log: Logger;
  readonly registry: MySqlTableRegistry;
  readonly where: string;
  readonly events: MySqlEventOptions;
  readonly changeRecords: ChangeRecords;
  /** captured table ids (db.table) */
  readonly captured: readonly string[];
  readonly serverId: () => number;
  /** the stored offset map to continue from (null: none) */
  readonly stored: JsonMap | null;
  /** start the initial snapshot now (of the captured tables snapshot.include.collection.list selects) */
  readonly initial: boolean;
}

export interface MySqlSnapshotRun {
  readonly companion: MySqlStreamCompanion;
  /** what signals ask of the snapshot */
  readonly engine: MySqlChunkedRun['engine'];
  status(): string | null;
  close(): Promise<void>;
}

export async function openMySqlSnapshot(deps: MySqlSnapshotRunDeps): Promise<MySqlSnapshotRun> {
  const { cfg, registry } = deps;
  // The models read records are built with: the tables as they are when the run starts; a DDL
  // seen by the stream reloads them (table-registry.ts).
  for (const id of deps.captured) {
    const { db, table } = splitTableId(id);
    await registry.load(db, table);
  }
  const include = cfg.snapshot.include.map((p) => new RegExp(`^(?:${p})$`));
  const initial = deps.initial ? deps.captured.filter((id) => include.length === 0 || include.some((r) => r.test(id))) : null;
  const run = await openMySqlChunkedSnapshot({
    cfg, log: deps.log, metrics: deps.ctx.metrics, contextHeaders: deps.events.contextHeaders,
    captured: deps.captured,
    model: (id) => registry.cached(id),
    changeRecords: deps.changeRecords,
    messageKeyColumns: (id) => (cfg.filters.messageKeyColumns ? registry.cached(id)?.keyColumns : undefined),
    serverId: deps.serverId, where: deps.where, stored: deps.stored, initial,
  });
  if (initial) deps.log.info({ tables: initial, strategy: 'chunked', chunkSize: cfg.snapshot.fetchSize }, 'initial snapshot starts beside the stream');
  else deps.log.info({ initialChunkSize: cfg.snapshot.fetchSize, incrementalChunkSize: cfg.snapshot.chunkSize }, 'snapshot continues after the last committed chunk');
  const c = run.companion;
  return {
    companion: {
      onRowChange: (model, rows) => c.onRowChange(model.id, rows),
      onPosition: (file, pos) => c.onPosition(file, pos),
      decorate: (unit, between, here) => c.decorate(unit, between, here),
    },
    engine: run.engine,
    status: () => c.status(),
    close: () => run.close(),
  };
}
