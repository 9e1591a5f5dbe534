/**
 * Whether one running task counts as ready for GET /health/ready: RUNNING, and either
 * committing (a Kafka commit within the bound) or idle as its source confirms (the last
 * poll handed out nothing and nothing read is left uncommitted). A task that merely
 * says RUNNING while nothing flows is not ready: that is the dashboard that stays green
 * while nothing moves, which readiness exists to catch.
 */
import type { TaskStatus } from './connector-supervisor.ts';

/**
 * How long a busy task may go without a commit and still count as committing: the worker's
 * offset.flush.interval.ms (Connect's bound between two offset commits) or the connector's
 * transaction bound when that is longer, plus one poll.interval.ms for the poll in flight.
 */
export function readyCommitBoundMs(limits: { offsetFlushIntervalMs: number; txnMaxMs: number; pollMs: number }): number {
  return Math.max(limits.offsetFlushIntervalMs, limits.txnMaxMs) + limits.pollMs;
}

/** null = ready; otherwise why not, in one sentence a person reads in the probe's body. */
export function taskNotReadyReason(s: Pick<TaskStatus, 'state' | 'reason' | 'lastCommitAt' | 'idleSince' | 'since'>, now: number, boundMs: number): string | null {
  // FINISHED (snapshot.mode=initial_only done) did all it was asked to do.
  if (s.state === 'FINISHED') return null;
  if (s.state !== 'RUNNING') return `task is ${s.state}${s.reason ? `: ${firstLine(s.reason)}` : ''}`;
  if (s.idleSince !== null) return null;
  if (s.lastCommitAt !== null && now - s.lastCommitAt <= boundMs) return null;
  const bound = `${Math.round(boundMs / 1000)} s`;
  if (s.lastCommitAt === null) {
    return `task is RUNNING but has committed nothing to Kafka yet and its source has not reported idle (running for ${Math.round((now - s.since) / 1000)} s; bound ${bound})`;
  }
  return `task is RUNNING but its last Kafka commit was ${Math.round((now - s.lastCommitAt) / 1000)} s ago (bound ${bound}) and its source is not idle`;
}

function firstLine(text: string): string {
  const line = text.split('\n', 1)[0]!;
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}
