/**
 * Watches the replication slot from the database's side: how much WAL it pins
 * (restart_lsn) and how much it has not confirmed (confirmed_flush_lsn), its
 * wal_status and safe_wal_size (on a standby, against the replayed position). Runs on its own connection and timer, so lag is
 * reported even while the connector is paused, failed or stuck (invariant 5).
 * It also feeds the WAL protection policy (wal-guard.ts): the level is a gauge,
 * each change of level is one log line, and the running task reads the level
 * from here for its status and its slot.wal.limit.action (task.ts).
 */
import type pg from 'pg';
import { Gauge, type Registry } from 'prom-client';
import type { Logger } from '../../src/log/logger.ts';
import { openSql, type PgConnectionSettings } from './connection.ts';
import { slotLagQuery } from './server-version.ts';
import { formatBytes, WalGuard, walLevelRank, type WalGuardPolicy, type WalGuardState, type WalTransition } from './wal-guard.ts';

export interface SlotLag {
  readonly slot: string;
  readonly active: boolean;
  readonly walStatus: string | null;
  readonly retainedBytes: number;
  readonly unconfirmedBytes: number;
  readonly safeWalSize: number | null;
  /** why PostgreSQL invalidated the slot (wal_removed, rows_removed, ...), null while it is usable */
  readonly invalidation: string | null;
  /** max_slot_wal_keep_size in bytes, null = unlimited */
  readonly maxKeepBytes: number | null;
}

export async function readSlotLag(sql: pg.Client, slot: string): Promise<SlotLag | null> {
  const r = await sql.query(slotLagQuery(), [slot]);
  const row = r.rows[0] as { active: string; wal_status: string | null; safe: string | null; retained: string | null; unconfirmed: string | null; invalidation: string | null; max_keep_mb: string | null } | undefined;
  if (!row) return null;
  const keepMb = Number(row.max_keep_mb ?? -1);
  return {
    slot, active: row.active === 'true', walStatus: row.wal_status,
    retainedBytes: Number(row.retained ?? 0), unconfirmedBytes: Number(row.unconfirmed ?? 0),
    safeWalSize: row.safe === null ? null : Number(row.safe),
    invalidation: row.invalidation ?? (row.wal_status === 'lost' ? 'wal_removed' : null),
    maxKeepBytes: keepMb < 0 ? null : keepMb * 1024 * 1024,
  };
}

const WAL_STATUSES = ['reserved', 'extended', 'unreserved', 'lost'] as const;

export class SlotLagMonitor {
  private timer: NodeJS.Timeout | null = null;
  private client: pg.Client | null = null;
  private last: SlotLag | null = null;
  /** when the slot query began failing (null while it works): logged once per change, not per tick */
  private failingSince: number | null = null;
  private readonly retained: Gauge<string>;
  private readonly unconfirmed: Gauge<string>;
  private readonly safe: Gauge<string>;
  private readonly active: Gauge<string>;
  private readonly status: Gauge<string>;
  private readonly up: Gauge<string>;
  private readonly guardLevel: Gauge<string>;
  private readonly thresholds: Gauge<string>;
  private readonly guard: WalGuard;
  /** when the last sample was taken (ms), so an action acts only on a sample newer than its slot */
  private sampledAt = 0;

  constructor(private readonly deps: { settings: PgConnectionSettings; slot: string; connector: string; intervalMs: number; registry: Registry; log: Logger; policy: WalGuardPolicy }) {
    const registers = [deps.registry];
    const labelNames = ['connector', 'slot'];
    const get = <T>(name: string, make: () => T): T => (deps.registry.getSingleMetric(name) as T | undefined) ?? make();
    this.retained = get('cdc_postgres_slot_retained_wal_bytes', () => new Gauge({ name: 'cdc_postgres_slot_retained_wal_bytes', help: 'WAL the slot keeps on the server (current LSN - restart_lsn)', labelNames, registers }));
    this.unconfirmed = get('cdc_postgres_slot_lag_bytes', () => new Gauge({ name: 'cdc_postgres_slot_lag_bytes', help: 'WAL not yet confirmed by the connector (current LSN - confirmed_flush_lsn)', labelNames, registers }));
    this.safe = get('cdc_postgres_slot_safe_wal_size_bytes', () => new Gauge({ name: 'cdc_postgres_slot_safe_wal_size_bytes', help: 'Bytes of WAL that can still be written before the slot is lost (-1 = unlimited)', labelNames, registers }));
    this.active = get('cdc_postgres_slot_active', () => new Gauge({ name: 'cdc_postgres_slot_active', help: '1 when a walsender uses the slot', labelNames, registers }));
    this.status = get('cdc_postgres_slot_wal_status', () => new Gauge({ name: 'cdc_postgres_slot_wal_status', help: '1 for the slot\'s current wal_status', labelNames: [...labelNames, 'status'], registers }));
    this.guardLevel = get('cdc_postgres_slot_wal_guard_state', () => new Gauge({ name: 'cdc_postgres_slot_wal_guard_state', help: 'WAL protection level of the slot: 0 ok, 1 warn, 2 critical, 3 limit (slot.wal.limit.action runs), 4 lost (invalidated)', labelNames, registers }));
    this.thresholds = get('cdc_postgres_slot_wal_threshold_bytes', () => new Gauge({ name: 'cdc_postgres_slot_wal_threshold_bytes', help: 'The slot.wal.<level>.bytes thresholds of the connector (0 = off), label level: warn, critical, limit', labelNames: [...labelNames, 'level'], registers }));
    this.guard = new WalGuard(deps.policy, deps.slot, Date.now());
    this.up = get('cdc_postgres_slot_monitor_up', () => new Gauge({ name: 'cdc_postgres_slot_monitor_up', help: '1 when the last slot query succeeded and the slot exists', labelNames, registers }));
  }

  latest(): SlotLag | null {
    return this.last;
  }

  /** The WAL protection level and when the sample behind it was taken. */
  walGuard(): { readonly state: WalGuardState; readonly sampledAt: number } {
    return { state: this.guard.state, sampledAt: this.sampledAt };
  }

  start(): void {
    if (this.timer) return;
    const tick = () => void this.sample().then(() => {
      if (this.failingSince === null) return;
      this.deps.log.info({ slot: this.deps.slot, failedForMs: Date.now() - this.failingSince }, 'slot lag query works again');
      this.failingSince = null;
    }, (err: unknown) => {
      this.up.set(this.labels(), 0);
      if (this.failingSince === null) {
        this.failingSince = Date.now();
        this.deps.log.warn({ err: (err as Error).message, slot: this.deps.slot }, 'slot lag query failed; cdc_postgres_slot_monitor_up is 0 until it works again (retried every interval, logged again when it does)');
      } else {
        this.deps.log.debug({ err: (err as Error).message, slot: this.deps.slot }, 'slot lag query failed again');
      }
      const c = this.client; this.client = null; void c?.end().catch(() => undefined);
    });
    tick();
    this.timer = setInterval(tick, this.deps.intervalMs);
    this.timer.unref();
  }

  private labels() {
    return { connector: this.deps.connector, slot: this.deps.slot };
  }

  async sample(): Promise<SlotLag | null> {
    if (!this.client) {
      // A SQL session like any other: same TLS attempts and database.initial.statements.
      this.client = await openSql(this.deps.settings);
    }
    const lag = await readSlotLag(this.client, this.deps.slot);
    this.last = lag;
    const now = Date.now();
    this.sampledAt = now;
    const step = this.guard.observe(lag, now);
    if (step) this.logStep(step);
    const l = this.labels();
    this.guardLevel.set(l, walLevelRank(this.guard.state.level));
    const p = this.deps.policy;
    for (const [level, v] of [['warn', p.warnBytes], ['critical', p.criticalBytes], ['limit', p.limitBytes]] as const) this.thresholds.set({ ...l, level }, v);
    this.up.set(l, lag ? 1 : 0);
    if (lag) {
      this.retained.set(l, lag.retainedBytes);
      this.unconfirmed.set(l, lag.unconfirmedBytes);
      this.safe.set(l, lag.safeWalSize ?? -1);
      this.active.set(l, lag.active ? 1 : 0);
      for (const s of WAL_STATUSES) this.status.set({ ...l, status: s }, lag.walStatus === s ? 1 : 0);
    }
    return lag;
  }

  /** One line per change of level (never per sample): warnings up to warn, errors above, info on the way down. */
  private logStep(t: WalTransition): void {
    const fields = {
      slot: this.deps.slot, walLevel: t.to, from: t.from, retainedBytes: t.retainedBytes, pressureBytes: t.pressureBytes,
      retained: formatBytes(t.retainedBytes), action: this.deps.policy.action,
    };
    if (walLevelRank(t.to) < walLevelRank(t.from)) {
      this.deps.log.info(fields, t.to === 'ok' ? 'retained WAL is back below the slot.wal thresholds' : `retained WAL fell to level ${t.to}: ${t.reason}`);
    } else if (t.to === 'warn') this.deps.log.warn(fields, `WAL protection: ${t.reason}`);
    else this.deps.log.error(fields, `WAL protection: ${t.reason}`);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    // No frozen values: once nobody here watches the slot, its series disappear.
    const l = this.labels();
    for (const g of [this.retained, this.unconfirmed, this.safe, this.active, this.up, this.guardLevel]) g.remove(l);
    for (const level of ['warn', 'critical', 'limit']) this.thresholds.remove({ ...l, level });
    for (const s of WAL_STATUSES) this.status.remove({ ...l, status: s });
    const c = this.client; this.client = null;
    await c?.end().catch(() => undefined);
  }
}
