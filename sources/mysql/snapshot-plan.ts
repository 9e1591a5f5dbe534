/**
 * What a task start does about the initial snapshot: snapshot.mode's meanings (Debezium's)
 * against the stored offset, and where the binlog ends now (the start of a stream that has no
 * stored position).
 */
import type { JsonMap } from '../../src/events/record.ts';
import type { SnapshotMode } from './config-task.ts';
import type { MySqlPosition } from './offsets.ts';
import type { SqlConnection } from './server-checks-connect.ts';

export interface SnapshotPlan {
  /** take an initial snapshot from the beginning */
  readonly fresh: boolean;
  /** continue the chunked snapshot the stored offset records as under way */
  readonly resume: boolean;
}

/**
 * `stored` is null when there is no usable offset (none, or its binlog was purged under
 * when_needed). A stored offset whose snapshot did not finish continues after its last
 * committed chunk when it records the chunked snapshot's progress, else starts it again.
 */
export function decideMysqlSnapshot(mode: SnapshotMode, stored: MySqlPosition | null, storedMap: JsonMap | null): SnapshotPlan {
  if (mode === 'no_data') return { fresh: false, resume: false };
  if (mode === 'always') return { fresh: true, resume: false };
  if (!stored) return { fresh: true, resume: false };
  if (stored.snapshotCompleted) return { fresh: false, resume: false };
  const recorded = typeof storedMap?.incremental_snapshot_collections === 'string';
  return recorded ? { fresh: false, resume: true } : { fresh: true, resume: false };
}

/** The current end of the binlog, and the GTID position / executed set there. */
export async function binlogHead(sql: SqlConnection): Promise<{ file: string; pos: number; gtids: string | null }> {
  let rows: Record<string, unknown>[];
  try {
    [rows] = await sql.query('SHOW MASTER STATUS') as unknown as [Record<string, unknown>[]];
  } catch {
    // MySQL 8.4 renamed it.
    [rows] = await sql.query('SHOW BINARY LOG STATUS') as unknown as [Record<string, unknown>[]];
  }
  const r = rows[0];
  if (!r) throw new Error('SHOW MASTER STATUS returned nothing although log_bin is on');
  const file = String(r.File);
  const pos = Number(r.Position);
  const executed = typeof r.Executed_Gtid_Set === 'string' ? r.Executed_Gtid_Set.replace(/\s+/g, '') : null;
  if (executed !== null) return { file, pos, gtids: executed === '' ? null : executed };
  const [g] = await sql.query('SELECT BINLOG_GTID_POS(?, ?) AS p', [file, pos]) as unknown as [Array<{ p: string | null }>];
  const p = g[0]?.p ?? null;
  return { file, pos, gtids: p === '' ? null : p };
}
