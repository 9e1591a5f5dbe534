/**
 * slot.wal.*: this daemon's own properties (Debezium has none) for the WAL
 * protection policy of wal-guard.ts, and the start check against the server's
 * max_slot_wal_keep_size: a hard limit the server would pass first (and
 * invalidate the slot) could never act, so it is refused.
 */
import { defineField, type ParsedConfig } from '../../src/config/define.ts';
import { SourceError } from '../../src/errors/cdc-error.ts';
import { formatBytes, WAL_LIMIT_ACTIONS, type WalGuardPolicy } from './wal-guard.ts';

const bytes = (v: number): true | string => v >= 0 || 'use 0 (off) or a number of bytes';
const num = (all: { value(name: string): unknown }, name: string): number => Number(all.value(name) ?? 0);
/** Modes that never take a new snapshot, so a dropped slot could not be replaced. */
const NO_SNAPSHOT_MODES = ['never', 'no_data', 'schema_only', 'initial_only'];

export const WAL_GUARD_FIELDS = {
  warn: defineField({ name: 'slot.wal.warn.bytes', type: 'long', default: 0, group: 'Replication', importance: 'medium',
    doc: 'This daemon\'s own property. Retained WAL (bytes the slot keeps on the server; with max_slot_wal_keep_size set, the server\'s count from safe_wal_size when larger) at which the connector warns: one log line, the task status reason and cdc_postgres_slot_wal_guard_state=1. 0 = off. A level is left below 90 % of its threshold.',
    check: bytes }),
  critical: defineField({ name: 'slot.wal.critical.bytes', type: 'long', default: 0, group: 'Replication', importance: 'medium',
    doc: 'This daemon\'s own property. Retained WAL at which the connector reports critical (error log line, status reason, cdc_postgres_slot_wal_guard_state=2). 0 = off. A slot whose wal_status is unreserved is critical whatever this says.',
    check: (v, all) => bytes(v) !== true ? bytes(v)
      : v > 0 && num(all, 'slot.wal.warn.bytes') > v ? `slot.wal.warn.bytes (${num(all, 'slot.wal.warn.bytes')}) is above it; use a value at or above slot.wal.warn.bytes` : true }),
  limit: defineField({ name: 'slot.wal.limit.bytes', type: 'long', default: 0, group: 'Replication', importance: 'medium',
    doc: 'This daemon\'s own property. The hard limit: retained WAL at which slot.wal.limit.action runs (state 3). 0 = off. Must be below the server\'s max_slot_wal_keep_size when that is set (checked at start and by cdc validate), so the connector acts before PostgreSQL invalidates the slot.',
    check: (v, all) => {
      if (bytes(v) !== true) return bytes(v);
      for (const lower of ['slot.wal.critical.bytes', 'slot.wal.warn.bytes']) {
        if (v > 0 && num(all, lower) > v) return `${lower} (${num(all, lower)}) is above it; use a value at or above ${lower}`;
      }
      return true;
    } }),
  action: defineField({ name: 'slot.wal.limit.action', type: 'string', default: 'none', enum: WAL_LIMIT_ACTIONS, group: 'Replication', importance: 'medium',
    doc: 'This daemon\'s own property. What happens at slot.wal.limit.bytes while the task runs. none: report only (log, status, metrics; the alerts fire). fail: stop capturing and fail the task with CDC_PG_WAL_LIMIT, keeping the slot (nothing is lost, but WAL keeps growing until a person acts: the point is a loud, unmissable state). resnapshot: drop the slot, which frees its WAL at once, and restart the task with a new snapshot (the changes between the committed offset and the drop are replaced by the snapshot\'s reads); needs a snapshot.mode that takes snapshots (initial, when_needed, always). There is no "pause": a paused reader frees no WAL.',
    check: (v, all) => {
      if (v === 'none') return true;
      if (num(all, 'slot.wal.limit.bytes') <= 0) return `slot.wal.limit.action=${v} needs slot.wal.limit.bytes; set it (below max_slot_wal_keep_size), or set slot.wal.limit.action=none`;
      const mode = String(all.value('snapshot.mode') ?? 'initial');
      if (v === 'resnapshot' && NO_SNAPSHOT_MODES.includes(mode)) return `snapshot.mode=${mode} never takes a new snapshot, so the dropped slot's changes could not be replaced; set snapshot.mode=initial or when_needed, or slot.wal.limit.action=fail`;
      return true;
    } }),
} as const;

export function readWalGuardPolicy(c: ParsedConfig): WalGuardPolicy {
  return {
    warnBytes: c.get(WAL_GUARD_FIELDS.warn), criticalBytes: c.get(WAL_GUARD_FIELDS.critical),
    limitBytes: c.get(WAL_GUARD_FIELDS.limit), action: c.get(WAL_GUARD_FIELDS.action),
  };
}

/** max_slot_wal_keep_size in bytes, or null when unlimited (-1). */
export async function maxSlotWalKeepBytes(sql: { query(q: string): Promise<{ rows: unknown[] }> }): Promise<number | null> {
  const r = await sql.query(`SELECT setting::bigint::text AS mb FROM pg_settings WHERE name = 'max_slot_wal_keep_size'`);
  const mb = Number((r.rows[0] as { mb?: string } | undefined)?.mb ?? -1);
  return mb < 0 ? null : mb * 1024 * 1024;
}

/** A hard limit the server reaches first can never act: refused at start and by cdc validate. */
export function walLimitProblem(policy: WalGuardPolicy, maxKeepBytes: number | null, where: string): SourceError | null {
  if (policy.limitBytes <= 0 || maxKeepBytes === null || policy.limitBytes < maxKeepBytes) return null;
  return new SourceError({
    code: 'CDC_PG_WAL_LIMIT_ABOVE_SERVER',
    what: `slot.wal.limit.bytes (${formatBytes(policy.limitBytes)}) is not below the server's max_slot_wal_keep_size (${formatBytes(maxKeepBytes)}): PostgreSQL would invalidate the slot before the limit could act`,
    where: `${where}, property slot.wal.limit.bytes`,
    fix: `set slot.wal.limit.bytes below ${maxKeepBytes} (e.g. ${Math.floor(maxKeepBytes * 0.8)}, 80 % of it), or raise max_slot_wal_keep_size on the server (ALTER SYSTEM SET max_slot_wal_keep_size = ...; SELECT pg_reload_conf())`,
  });
}
