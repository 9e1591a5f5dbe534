/**
 * The WAL protection policy of one slot, as a pure state machine: samples of the
 * slot (retained WAL, wal_status, safe_wal_size, invalidation) go in, a level
 * comes out, and a transition only when the level changes, so the caller logs
 * one line per step and never one per poll.
 *
 * Why safe_wal_size counts: with max_slot_wal_keep_size set, PostgreSQL
 * invalidates the slot once it would retain more than that, at a checkpoint.
 * retained = current LSN - restart_lsn measures the same thing but ignores the
 * segment rounding and the checkpoint's view; max_slot_wal_keep_size -
 * safe_wal_size is the server's own count. The guard uses the larger of the two,
 * so it reaches its limit no later than the server would invalidate the slot
 * (the limit itself is refused at start unless it is below the server's cap).
 *
 * Hysteresis: a level is left only once the pressure falls below 90 % of its
 * threshold, so a value hovering at a threshold does not flap.
 */

export const WAL_LEVELS = ['ok', 'warn', 'critical', 'limit', 'lost'] as const;
export type WalLevel = typeof WAL_LEVELS[number];

export const WAL_LIMIT_ACTIONS = ['none', 'fail', 'resnapshot'] as const;
export type WalLimitAction = typeof WAL_LIMIT_ACTIONS[number];

/** slot.wal.* of one connector; a threshold of 0 is off. */
export interface WalGuardPolicy {
  readonly warnBytes: number;
  readonly criticalBytes: number;
  readonly limitBytes: number;
  readonly action: WalLimitAction;
}

/** What one look at pg_replication_slots says (slot-lag-monitor.ts). */
export interface WalSample {
  readonly retainedBytes: number;
  readonly walStatus: string | null;
  readonly safeWalSize: number | null;
  /** why PostgreSQL invalidated the slot (17+: invalidation_reason; 16: conflicting; any: wal_status lost), else null */
  readonly invalidation: string | null;
  /** the server's max_slot_wal_keep_size in bytes; null = unlimited (-1) */
  readonly maxKeepBytes: number | null;
}

export interface WalGuardState {
  readonly level: WalLevel;
  /** when this level began (ms since the epoch) */
  readonly since: number;
  /** the WAL counted against the thresholds at the last sample */
  readonly pressureBytes: number;
  /** status text for this level (stable wording: `since` says how long), null when ok */
  readonly reason: string | null;
}

export interface WalTransition {
  readonly from: WalLevel;
  readonly to: WalLevel;
  readonly at: number;
  readonly pressureBytes: number;
  readonly retainedBytes: number;
  readonly reason: string | null;
}

/** Fraction of a threshold the pressure must fall below before its level is left. */
export const WAL_HYSTERESIS = 0.9;

const RANK: Record<WalLevel, number> = { ok: 0, warn: 1, critical: 2, limit: 3, lost: 4 };

export function walLevelRank(level: WalLevel): number {
  return RANK[level];
}

/** The WAL the thresholds are compared with: retained, or the server's own count when it caps the slot. */
export function walPressure(s: WalSample): number {
  if (s.maxKeepBytes === null || s.safeWalSize === null) return s.retainedBytes;
  return Math.max(s.retainedBytes, s.maxKeepBytes - s.safeWalSize);
}

export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n, i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return i === 0 ? `${n} B` : `${v.toFixed(1)} ${units[i]}`;
}

export class WalGuard {
  private cur: WalGuardState;

  constructor(private readonly policy: WalGuardPolicy, private readonly slot: string, now: number) {
    this.cur = { level: 'ok', since: now, pressureBytes: 0, reason: null };
  }

  get state(): WalGuardState {
    return this.cur;
  }

  /** One sample (null: the slot does not exist); returns the transition when the level changed. */
  observe(sample: WalSample | null, now: number): WalTransition | null {
    const pressure = sample ? walPressure(sample) : 0;
    const level = sample ? this.levelOf(sample, pressure) : 'ok';
    const prev = this.cur;
    if (level === prev.level) {
      this.cur = { ...prev, pressureBytes: pressure };
      return null;
    }
    const reason = sample ? this.reasonOf(level, sample) : null;
    this.cur = { level, since: now, pressureBytes: pressure, reason };
    return { from: prev.level, to: level, at: now, pressureBytes: pressure, retainedBytes: sample?.retainedBytes ?? 0, reason };
  }

  private threshold(level: WalLevel): number {
    switch (level) {
      case 'warn': return this.policy.warnBytes;
      case 'critical': return this.policy.criticalBytes;
      case 'limit': return this.policy.limitBytes;
      default: return 0;
    }
  }

  private levelOf(s: WalSample, pressure: number): WalLevel {
    if (s.invalidation !== null || s.walStatus === 'lost') return 'lost';
    const held = RANK[this.cur.level];
    for (const level of ['limit', 'critical', 'warn'] as const) {
      const t = this.threshold(level);
      if (t <= 0) continue;
      // Entering needs the threshold; staying needs 90 % of it (hysteresis).
      if (pressure >= t || (RANK[level] <= held && pressure >= t * WAL_HYSTERESIS)) return level;
    }
    // unreserved: the next checkpoint removes WAL the slot needs, whatever the thresholds say.
    if (s.walStatus === 'unreserved') return 'critical';
    return 'ok';
  }

  private reasonOf(level: WalLevel, s: WalSample): string | null {
    const slot = `slot "${this.slot}"`;
    switch (level) {
      case 'ok': return null;
      case 'lost':
        return `${slot} was invalidated by PostgreSQL (${s.invalidation ?? 'wal_status lost'}): changes after the connector's committed offset are gone; a new snapshot is needed (see CDC_PG_SLOT_LOST)`;
      case 'warn': case 'critical': case 'limit': {
        const t = this.threshold(level);
        if (t <= 0 || walPressure(s) < t * WAL_HYSTERESIS) {
          return `${slot} has wal_status unreserved: the next checkpoint removes WAL it still needs (max_slot_wal_keep_size), and the slot is then lost`;
        }
        const tail = level !== 'limit' ? ''
          : this.policy.action === 'none' ? '; slot.wal.limit.action=none: alerting only'
          : this.policy.action === 'fail' ? '; slot.wal.limit.action=fail: capture stopped'
          : '; slot.wal.limit.action=resnapshot: dropping the slot and taking a new snapshot';
        return `${slot} retains more WAL than slot.wal.${level}.bytes (${formatBytes(t)})${tail}`;
      }
    }
  }
}
