/**
 * Progress of the snapshot as SnapshotProgress (contracts.ts): per table rows
 * read, estimated rows and chunks, and an ETA from the rate of this run.
 * Rows count what the chunks read, including rows the stream then replaced by
 * a change: that is how much of the table has been covered.
 */
import type { SnapshotProgress } from './contracts.ts';
import type { QueueEntry, SnapshotQueue } from './snapshot-queue.ts';

/** Rows per second since the first chunk of this run started. */
export class RateMeter {
  private since: number | null = null;
  private rows = 0;
  constructor(private readonly now: () => number) {}

  /** A chunk starts: the clock runs from the first one. */
  mark(): void { this.since ??= this.now(); }
  add(rows: number): void { this.rows += rows; }

  perSecond(): number | null {
    if (this.since === null || this.rows === 0) return null;
    const seconds = (this.now() - this.since) / 1000;
    return seconds > 0 ? this.rows / seconds : null;
  }
}

export function progressOf(queue: SnapshotQueue, running: ReadonlySet<QueueEntry>, paused: boolean, rate: RateMeter): SnapshotProgress {
  const queued = queue.all();
  const tables = [
    ...queue.finished().map((t) => ({ id: t.id, rowsDone: t.rowsDone, rowsEstimated: t.rowsEstimated, chunks: t.chunks, state: t.state })),
    ...queued.map((e) => ({
      id: e.collection.id,
      rowsDone: e.rowsDone,
      // an estimate below what was read already is stale statistics: never report more than 100 %
      rowsEstimated: Math.max(e.estimate ?? 0, e.rowsDone),
      chunks: e.chunks,
      state: running.has(e) ? 'running' as const : 'queued' as const,
    })),
  ];
  const first = queued.find((e) => running.has(e));
  const remaining = queued.reduce((n, e) => n + Math.max((e.estimate ?? 0) - e.rowsDone, 0), 0);
  const perSecond = rate.perSecond();
  return {
    running: queued.length > 0,
    paused,
    kind: first?.kind ?? null,
    tables,
    etaSeconds: queued.length === 0 ? null : perSecond === null ? null : Math.round(remaining / perSecond),
  };
}
