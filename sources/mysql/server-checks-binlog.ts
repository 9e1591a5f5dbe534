/**
 * The binlog files still on the server, measured against a stored position: how far the
 * position is from the oldest file (the margin before expiry purges what the connector
 * still needs) and from the end (how far behind it reads), or, once its file is gone,
 * what was lost and how to recover. Also the retention the server is set to.
 *
 * Binlog file names end in a zero-padded sequence number (binlog.000042); the numbers,
 * not the names, are compared, so a rename of the base name (log_bin_basename) between
 * the stored position and today shows as "not on the server" rather than a wrong order.
 */
import { SourceError } from '../../src/errors/cdc-error.ts';
import type { SqlConnection } from './server-checks-connect.ts';
import { isOn, type ServerFacts } from './server-checks-facts.ts';

export interface BinlogFile {
  readonly name: string;
  readonly size: number;
}

export interface StoredPosition {
  readonly file: string;
  readonly pos: number;
}

export type BinlogDistance =
  | {
    readonly kind: 'available';
    /** files from the oldest on the server up to and including the stored one */
    readonly filesFromOldest: number;
    /** bytes from the start of the oldest file to the stored position: what expiry may purge before the position is at risk */
    readonly bytesFromOldest: number;
    /** files after the stored one */
    readonly filesToEnd: number;
    /** bytes from the stored position to the end of the newest file: how far behind the connector reads */
    readonly bytesToEnd: number;
    readonly oldest: string;
    readonly newest: string;
  }
  | { readonly kind: 'purged'; readonly oldest: string; readonly newest: string; readonly error: SourceError }
  | { readonly kind: 'ahead'; readonly oldest: string; readonly newest: string; readonly error: SourceError };

export async function listBinaryLogs(sql: SqlConnection): Promise<BinlogFile[]> {
  const [rows] = await sql.query('SHOW BINARY LOGS') as unknown as [Array<{ Log_name: string; File_size: number | string }>];
  return rows.map((r) => ({ name: r.Log_name, size: Number(r.File_size) }));
}

function sequence(name: string): number | undefined {
  const m = /\.(\d+)$/.exec(name);
  return m ? Number(m[1]) : undefined;
}

function base(name: string): string {
  return name.replace(/\.\d+$/, '');
}

/**
 * Pure: where `stored` stands among `files` (SHOW BINARY LOGS, oldest first).
 * `where` names the connector for the error of a purged or unknown position.
 */
export function binlogDistance(files: readonly BinlogFile[], stored: StoredPosition, where: string, server: string): BinlogDistance {
  if (files.length === 0) {
    const error = new SourceError({ code: 'CDC_MYSQL_BINLOG_OFF', what: `${server} lists no binary log (log_bin is off or every file was purged)`, where, fix: 'enable binary logging (log_bin in my.cnf, then restart the server) and set snapshot.mode=when_needed so the connector takes a new snapshot' });
    return { kind: 'purged', oldest: '', newest: '', error };
  }
  const oldest = files[0]!.name;
  const newest = files[files.length - 1]!.name;
  const at = files.findIndex((f) => f.name === stored.file);
  if (at >= 0) {
    const before = files.slice(0, at).reduce((s, f) => s + f.size, 0);
    const after = files.slice(at + 1).reduce((s, f) => s + f.size, 0);
    return {
      kind: 'available', oldest, newest,
      filesFromOldest: at + 1,
      bytesFromOldest: before + stored.pos,
      filesToEnd: files.length - 1 - at,
      bytesToEnd: Math.max(0, files[at]!.size - stored.pos) + after,
    };
  }
  const seq = sequence(stored.file);
  const newestSeq = sequence(newest);
  const sameBase = base(stored.file) === base(oldest);
  const recover = 'set snapshot.mode=when_needed and restart the connector (it takes a new snapshot of every captured table, then streams from the current position), or reset the offset with DELETE /connectors/<name>/offsets and restart';
  if (sameBase && seq !== undefined && newestSeq !== undefined && seq > newestSeq) {
    return {
      kind: 'ahead', oldest, newest,
      error: new SourceError({
        code: 'CDC_MYSQL_POSITION_UNKNOWN',
        what: `the stored binlog position ${stored.file}:${stored.pos} is beyond the newest binlog ${newest} on ${server}: the binlog was reset (RESET MASTER) or this is another server; changes made since cannot be matched to the stored position`,
        where, fix: recover,
      }),
    };
  }
  const lostFiles = sameBase && seq !== undefined ? Math.max(0, (sequence(oldest) ?? seq) - seq) : undefined;
  return {
    kind: 'purged', oldest, newest,
    error: new SourceError({
      code: 'CDC_MYSQL_POSITION_PURGED',
      what: `the stored binlog position ${stored.file}:${stored.pos} is no longer on ${server} (oldest binlog: ${oldest}): the changes from there up to the start of ${oldest}${lostFiles !== undefined ? ` (${lostFiles} file${lostFiles === 1 ? '' : 's'})` : ''} were purged before the connector read them, so they are lost to it`,
      where,
      fix: `${recover}; to keep it from happening again, raise binlog_expire_logs_seconds and keep the connector running (heartbeat.interval.ms keeps a quiet connector's position moving)`,
    }),
  };
}

export interface Retention {
  /** seconds a binlog file is kept after its last write; undefined = never purged automatically */
  readonly seconds: number | undefined;
  /** the variable that decides it, for messages */
  readonly source: string;
}

/** binlog_expire_logs_seconds wins when non-zero; expire_logs_days is the older setting (MariaDB, MySQL before 8.4). */
export function retention(facts: ServerFacts): Retention {
  const v = facts.vars;
  if (v.has('binlog_expire_logs_auto_purge') && !isOn(v.get('binlog_expire_logs_auto_purge'))) {
    return { seconds: undefined, source: 'binlog_expire_logs_auto_purge=OFF' };
  }
  const secs = Number(v.get('binlog_expire_logs_seconds') ?? 0);
  if (secs > 0) return { seconds: secs, source: `binlog_expire_logs_seconds=${secs}` };
  const days = Number(v.get('expire_logs_days') ?? 0);
  if (days > 0) return { seconds: Math.round(days * 86400), source: `expire_logs_days=${v.get('expire_logs_days')}` };
  return { seconds: undefined, source: 'binlog_expire_logs_seconds=0 and expire_logs_days=0' };
}

/** Below this, an outage over a long weekend loses the position: warn. */
export const SAFE_RETENTION_SECONDS = 4 * 86400;

export function retentionWarning(r: Retention, server: string): string | undefined {
  if (r.seconds === undefined || r.seconds >= SAFE_RETENTION_SECONDS) return undefined;
  const hours = Math.round(r.seconds / 360) / 10;
  return `${server} keeps binlogs ${hours} h (${r.source}): a connector stopped longer than that loses its position and needs a new snapshot; `
    + `raise it, e.g. SET GLOBAL binlog_expire_logs_seconds = ${SAFE_RETENTION_SECONDS} (and the same in my.cnf), or watch the connector's distance to the oldest binlog`;
}
