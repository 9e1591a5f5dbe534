/**
 * Tells people how far the snapshot is: every few seconds one log line per
 * running table (rows read, estimated rows, chunks, ETA), the snapshot gauges,
 * and a one-line text for the task's status while it is RUNNING.
 * Reads SnapshotProgress only, so it works for any source.
 */
import type { Logger } from '../log/logger.ts';
import type { TaskMetrics } from '../metrics/task-metrics.ts';
import type { SnapshotProgress } from './contracts.ts';

export const PROGRESS_LOG_INTERVAL_MS = 5000;

export interface SnapshotProgressReporterDeps {
  readonly progress: () => SnapshotProgress;
  readonly log: Logger;
  readonly metrics: Pick<TaskMetrics, 'snapshotProgress' | 'snapshotRunning' | 'snapshotChunks' | 'snapshotEta' | 'snapshotTables' | 'snapshotEnded'>;
  readonly now?: () => number;
  readonly intervalMs?: number;
}

export class SnapshotProgressReporter {
  private lastAt: number | null = null;
  private wasRunning = false;
  private readonly reported = new Set<string>();
  private readonly now: () => number;

  constructor(private readonly deps: SnapshotProgressReporterDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** Call from the poll loop; does something at most once per interval (and when the snapshot ends). */
  tick(): void {
    const now = this.now();
    const p = this.deps.progress();
    if (!p.running && !this.wasRunning) return;
    // A start or an end is reported at once (SnapshotRunning/Completed must not wait for the next interval).
    const edge = this.wasRunning !== p.running;
    if (!edge && this.lastAt !== null && now - this.lastAt < (this.deps.intervalMs ?? PROGRESS_LOG_INTERVAL_MS)) return;
    this.lastAt = now;
    const { metrics, log } = this.deps;
    for (const t of p.tables) {
      // every table once it has started, and once more when it is done, so the gauges end at their final values
      if (t.state === 'queued' || (t.state !== 'running' && this.reported.has(`${t.id}:end`))) continue;
      metrics.snapshotProgress(t.id, t.rowsDone, t.rowsEstimated);
      metrics.snapshotChunks(t.id, t.chunks);
      if (t.state !== 'running') this.reported.add(`${t.id}:end`);
      else if (!p.paused) log.info({ table: t.id, kind: p.kind, rows: t.rowsDone, estimatedRows: t.rowsEstimated, chunks: t.chunks, etaSeconds: p.etaSeconds }, 'snapshot progress');
    }
    metrics.snapshotEta(p.running ? p.etaSeconds : null);
    metrics.snapshotRunning(p.running);
    metrics.snapshotTables(p.tables.filter((t) => t.state === 'queued' || t.state === 'running').length, p.tables.length);
    // Ended: completed when every table was read (or skipped), aborted when some were left (stop-snapshot).
    if (!p.running) metrics.snapshotEnded(p.tables.every((t) => t.state === 'done' || t.state === 'skipped') ? 'completed' : 'aborted');
    if (p.running && p.paused) log.info({ tables: p.tables.filter((t) => t.state === 'running').map((t) => t.id) }, 'snapshot paused');
    this.wasRunning = p.running;
  }
}

/** One line for the task status, e.g. "snapshot (initial): public.orders 12345 of ~100000 rows, 13 chunks; 2 tables queued; about 2 min left". */
export function snapshotStatusText(p: SnapshotProgress): string | null {
  if (!p.running) return null;
  const running = p.tables.filter((t) => t.state === 'running');
  const queued = p.tables.filter((t) => t.state === 'queued').length;
  const parts = running.map((t) => `${t.id} ${t.rowsDone} of ~${t.rowsEstimated} rows, ${t.chunks} chunk${t.chunks === 1 ? '' : 's'}`);
  let s = `snapshot${p.kind ? ` (${p.kind})` : ''}${p.paused ? ' paused' : ''}: ${parts.join('; ') || 'starting'}`;
  if (queued > 0) s += `; ${queued} table${queued === 1 ? '' : 's'} queued`;
  if (p.etaSeconds !== null && !p.paused) s += `; about ${formatDuration(p.etaSeconds)} left`;
  return s;
}

function formatDuration(seconds: number): string {
  if (seconds < 90) return `${Math.max(1, Math.round(seconds))} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}
