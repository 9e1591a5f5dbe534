/**
 * The chunked snapshot beside the MySQL/MariaDB stream for one task run: wiring of the shared
 * snapshot engine (src/snapshot) with the MySQL chunk source and the stream companion.
 */
import type { JsonMap } from '../../src/events/record.ts';
import type { SourceTaskContext } from '../../src/runtime/source-task.ts';
import type { Logger } from '../../src/log/logger.ts';
import type { MysqlTaskConfig } from './config-task.ts';
import type { ChangeRecords, MySqlEventOptions } from './event-model.ts';
import type { MySqlTableRegistry } from './table-registry.ts';
import type { ServerFlavor } from './column-info.ts';
import type { MySqlStreamCompanion } from './streaming.ts';

export interface MySqlSnapshotRunDeps {
  readonly cfg: MysqlTaskConfig;
  readonly ctx: SourceTaskContext;
  readonly log: Logger;
  readonly registry: MySqlTableRegistry;
  readonly flavor: ServerFlavor;
  readonly where: string;
  readonly events: MySqlEventOptions;
  readonly changeRecords: ChangeRecords;
  /** the stored offset map to continue from (null: none) */
  readonly stored: JsonMap | null;
  /** start the initial snapshot of every captured table now */
  readonly initial: boolean;
}

export interface MySqlSnapshotRun {
  readonly companion: MySqlStreamCompanion;
  status(): string | null;
  close(): Promise<void>;
}

export async function openMySqlSnapshot(_deps: MySqlSnapshotRunDeps): Promise<MySqlSnapshotRun> {
  throw new Error('the chunked snapshot of the MySQL connector is being wired');
}
