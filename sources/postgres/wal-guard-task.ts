/**
 * What the running task does with the WAL protection level the slot monitor
 * computes (wal-guard.ts, slot-lag-monitor.ts): the status reason while a
 * threshold is passed, and at the hard limit slot.wal.limit.action, plus the
 * lost-slot check while streaming. Levels sampled before this task had its slot
 * are ignored, so a level measured on a slot that was just dropped and replaced
 * never acts on the new one.
 */
import { SourceError } from '../../src/errors/cdc-error.ts';
import type { SlotLagMonitor } from './slot-lag-monitor.ts';
import { formatBytes, type WalGuardPolicy, type WalGuardState } from './wal-guard.ts';
import { slotLostError } from './snapshot-plan.ts';
import type { PgPosition } from './offsets.ts';

export interface TaskWalGuardDeps {
  /** the monitor of this connector, when this worker runs one */
  readonly watch: () => SlotLagMonitor | undefined;
  readonly policy: WalGuardPolicy;
  readonly slot: string;
  readonly where: string;
  /** snapshot.mode=when_needed: a lost slot is retried, and the restart snapshots */
  readonly whenNeeded: boolean;
}

export class TaskWalGuard {
  private readyAt = Number.POSITIVE_INFINITY;

  constructor(private readonly d: TaskWalGuardDeps) {}

  /** The task streams from its slot from now on: only samples taken after this count. */
  arm(): void {
    this.readyAt = Date.now();
  }

  private current(): WalGuardState | null {
    const w = this.d.watch()?.walGuard();
    if (!w || w.sampledAt <= this.readyAt) return null;
    return w.state;
  }

  /** Status text while a level above ok holds, null otherwise. */
  statusReason(): string | null {
    const s = this.current();
    return s && s.level !== 'ok' ? `WAL protection: ${s.reason}` : null;
  }

  /**
   * Called before each poll. Throws for an invalidated slot and for
   * slot.wal.limit.action=fail at the limit; true when the resnapshot action must run.
   */
  check(stored: () => PgPosition | null): boolean {
    const s = this.current();
    if (!s) return false;
    if (s.level === 'lost') throw slotLostError(this.d.slot, this.d.where, { committed: stored(), invalidation: s.reason, retriable: this.d.whenNeeded });
    if (s.level !== 'limit') return false;
    if (this.d.policy.action === 'fail') {
      throw new SourceError({
        code: 'CDC_PG_WAL_LIMIT',
        what: `replication slot "${this.d.slot}" retains more WAL than slot.wal.limit.bytes (${formatBytes(this.d.policy.limitBytes)}); slot.wal.limit.action=fail stopped capture. The slot is kept: nothing is lost, but the server keeps its WAL until the connector reads again`,
        where: `${this.d.where}, property slot.wal.limit.bytes`,
        fix: 'find why the connector fell behind (cdc_postgres_slot_lag_bytes, the task\'s earlier errors), then restart the task (POST /connectors/<name>/restart?includeTasks=true); raise slot.wal.limit.bytes to let it catch up, or set slot.wal.limit.action=resnapshot to drop the slot and take a new snapshot instead',
      });
    }
    return this.d.policy.action === 'resnapshot';
  }
}
