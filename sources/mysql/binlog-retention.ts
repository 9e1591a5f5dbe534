/**
 * How close binlog expiry is to the connector's committed position (issue 10, "binlog
 * retention"): every interval the task lists the server's binlogs and measures, from the
 * position Kafka holds, the bytes expiry may still purge before that position is lost, and how
 * far the stream is behind the end. Gauges with the task's labels, and a status reason while
 * the position sits in the oldest binlog file on the server (the next purge loses it). A
 * position already gone fails the task at its next start (CDC_MYSQL_POSITION_PURGED).
 */
import type { Logger } from '../../src/log/logger.ts';
import type { TaskMetrics } from '../../src/metrics/task-metrics.ts';
import { binlogDistance, listBinaryLogs } from './server-checks-binlog.ts';
import type { SqlConnection } from './server-checks-connect.ts';

export const RETENTION_GAUGES = {
  beforePosition: { name: 'cdc_mysql_binlog_purgeable_bytes', help: 'Bytes of binlog before the committed position that expiry may purge before the position itself is lost (oldest binlog start to the committed position)' },
  behind: { name: 'cdc_mysql_binlog_behind_bytes', help: 'Bytes of binlog from the committed position to the end of the newest binlog' },
  filesBefore: { name: 'cdc_mysql_binlog_files_before_position', help: 'Binlog files on the server up to and including the one the committed position is in' },
} as const;

export class BinlogRetentionWatch {
  private committed: { file: string; pos: number } | null = null;
  private timer: NodeJS.Timeout | null = null;
  private reason: string | null = null;
  private readonly gauges;

  constructor(private readonly sql: SqlConnection, metrics: TaskMetrics, private readonly log: Logger, private readonly where: string, private readonly server: string) {
    this.gauges = {
      before: metrics.sourceGauge(RETENTION_GAUGES.beforePosition),
      behind: metrics.sourceGauge(RETENTION_GAUGES.behind),
      files: metrics.sourceGauge(RETENTION_GAUGES.filesBefore),
    };
  }

  start(intervalMs: number): void {
    this.timer = setInterval(() => void this.check(), intervalMs);
    this.timer.unref();
  }

  /** The position Kafka now holds. */
  setCommitted(file: string, pos: number): void {
    this.committed = { file, pos };
  }

  /** Status text while the position is at risk, else null. */
  get warning(): string | null {
    return this.reason;
  }

  async check(): Promise<void> {
    const at = this.committed;
    if (!at) return;
    let files;
    try {
      files = await listBinaryLogs(this.sql);
    } catch (err) {
      this.log.debug({ err: (err as Error).message }, 'could not list the binary logs');
      return;
    }
    const d = binlogDistance(files, at, this.where, this.server);
    if (d.kind !== 'available') {
      this.reason = `the committed binlog position ${at.file}:${at.pos} is no longer on the server (oldest: ${d.oldest}); the connector fails at its next start unless snapshot.mode=when_needed`;
      this.log.error({ file: at.file, pos: at.pos, oldest: d.oldest }, this.reason);
      return;
    }
    this.gauges.before.set(d.bytesFromOldest);
    this.gauges.behind.set(d.bytesToEnd);
    this.gauges.files.set(d.filesFromOldest);
    const risky = d.filesFromOldest === 1 && d.filesToEnd > 0;
    const next = risky ? `the committed binlog position is in ${d.oldest}, the oldest binlog on the server: when expiry purges it, changes not yet read are lost (raise binlog_expire_logs_seconds; see cdc_mysql_binlog_purgeable_bytes)` : null;
    if (next && !this.reason) this.log.warn({ file: at.file, oldest: d.oldest, behindBytes: d.bytesToEnd }, next);
    this.reason = next;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.gauges.before.remove();
    this.gauges.behind.remove();
    this.gauges.files.remove();
  }
}
