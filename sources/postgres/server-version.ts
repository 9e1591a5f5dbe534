/**
 * Every piece of SQL whose form depends on the PostgreSQL major version or on
 * the server's role (primary or standby) lives here, next to the facts that
 * decide it, so supporting one more major is one edit in one file.
 *
 * Why 14 is the minimum: the slot monitor and the lost-slot check read
 * pg_replication_slots.wal_status / safe_wal_size (13+), and the stream asks
 * pgoutput for logical decoding messages (`messages`, 14+). 13 is also past
 * its end of life. Every supported major runs in the test matrix
 * (test/stack/extra-postgres.sh, `npm run test:matrix`).
 */
import { SourceError } from '../../src/errors/cdc-error.ts';

/** server_version_num of the oldest supported release (14.0). */
export const MIN_SERVER_VERSION_NUM = 140000;

/** What the connector needs to know about the server to speak its dialect. */
export interface PgServerFacts {
  /** server_version_num, e.g. 170002 */
  readonly versionNum: number;
  /** pg_is_in_recovery(): a hot standby (logical decoding there needs 16+) */
  readonly inRecovery: boolean;
}

export function majorOf(versionNum: number): number {
  return Math.floor(versionNum / 10000);
}

/** "17.2" from 170002 (majors 10+ use two parts). */
export function versionLabel(versionNum: number): string {
  return `${majorOf(versionNum)}.${versionNum % 10000}`;
}

/**
 * The problems that make this server unusable, as errors naming the server;
 * empty when it is supported. `server` describes it (host:port/db), `where`
 * the connector.
 */
export function versionProblems(facts: PgServerFacts, server: string, where: string): SourceError[] {
  const out: SourceError[] = [];
  if (facts.versionNum < MIN_SERVER_VERSION_NUM) {
    out.push(new SourceError({
      code: 'CDC_PG_VERSION',
      what: `${server} runs PostgreSQL ${versionLabel(facts.versionNum)}; this connector needs PostgreSQL 14 or newer (slot wal_status and pgoutput's messages option)`,
      where: `${where}, property database.hostname`,
      fix: 'upgrade PostgreSQL to 14 or newer (14 to 18 are tested), or point database.hostname at a server that runs it',
    }));
  } else if (facts.inRecovery && majorOf(facts.versionNum) < 16) {
    out.push(new SourceError({
      code: 'CDC_PG_STANDBY',
      what: `${server} is a standby running PostgreSQL ${versionLabel(facts.versionNum)}; logical decoding on a standby needs PostgreSQL 16 or newer`,
      where: `${where}, property database.hostname`,
      fix: 'point database.hostname at the primary, or upgrade the standby (and its primary) to PostgreSQL 16 or newer',
    }));
  }
  return out;
}

export async function readServerFacts(sql: { query(q: string): Promise<{ rows: unknown[] }> }): Promise<PgServerFacts> {
  const r = await sql.query(`SELECT current_setting('server_version_num')::int AS v, pg_is_in_recovery() AS rec`);
  const row = r.rows[0] as { v: number | string; rec: boolean | string };
  return { versionNum: Number(row.v), inRecovery: row.rec === true || row.rec === 't' || row.rec === 'true' };
}

export interface SlotCreateOptions {
  readonly exportSnapshot: boolean;
  /** slot.failover: synchronised to standbys (PostgreSQL 17+, primary only) */
  readonly failover: boolean;
}

/**
 * CREATE_REPLICATION_SLOT for this server. PostgreSQL 15 introduced the
 * parenthesised option list (and 17 its FAILOVER option); 14 only knows the
 * bare keywords, which 15+ still accept, so 14 gets those.
 */
export function createSlotCommand(versionNum: number, quotedSlot: string, quotedPlugin: string, opts: SlotCreateOptions): string {
  const head = `CREATE_REPLICATION_SLOT ${quotedSlot} LOGICAL ${quotedPlugin}`;
  if (majorOf(versionNum) < 15) {
    if (opts.failover) throw new Error('failover slots need PostgreSQL 17 (checked before slot creation)');
    return `${head} ${opts.exportSnapshot ? 'EXPORT_SNAPSHOT' : 'NOEXPORT_SNAPSHOT'}`;
  }
  const options = [opts.exportSnapshot ? "SNAPSHOT 'export'" : "SNAPSHOT 'nothing'"];
  if (opts.failover) options.push('FAILOVER');
  return `${head} (${options.join(', ')})`;
}

/** ALTER_REPLICATION_SLOT (replication command, PostgreSQL 17+). */
export function alterSlotFailoverCommand(quotedSlot: string): string {
  return `ALTER_REPLICATION_SLOT ${quotedSlot} (FAILOVER true)`;
}

/** Whether an existing slot is a failover slot; only asked on 17+, where the column exists. */
export function slotFailoverQuery(): string {
  return 'SELECT failover::text AS failover, synced::text AS synced FROM pg_replication_slots WHERE slot_name = $1';
}

/**
 * The WAL position slot lag is measured against. A standby has no current
 * insert position (pg_current_wal_lsn() raises "recovery is in progress"), so
 * it measures against what it has replayed. CASE evaluates only the branch it
 * takes, and the check runs per query, so a promotion is followed at once.
 */
export const CURRENT_WAL_LSN_SQL = 'CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END';

/**
 * pg_replication_slots as the slot monitor reads it (14+: wal_status and safe_wal_size exist).
 * Invalidation is read through to_jsonb so one statement serves every major: 17+ has
 * invalidation_reason, 16 only conflicting (a standby's slot whose rows were removed),
 * older ones neither (wal_status lost covers them); a missing key reads as NULL.
 */
export function slotLagQuery(): string {
  return `SELECT s.active::text AS active, s.wal_status, s.safe_wal_size::text AS safe,
      pg_wal_lsn_diff(${CURRENT_WAL_LSN_SQL}, s.restart_lsn)::text AS retained,
      pg_wal_lsn_diff(${CURRENT_WAL_LSN_SQL}, s.confirmed_flush_lsn)::text AS unconfirmed,
      COALESCE(to_jsonb(s) ->> 'invalidation_reason', CASE WHEN to_jsonb(s) ->> 'conflicting' = 'true' THEN 'rows_removed' END) AS invalidation,
      (SELECT setting FROM pg_settings WHERE name = 'max_slot_wal_keep_size') AS max_keep_mb
    FROM pg_replication_slots s WHERE s.slot_name = $1`;
}

/** Problems with slot.failover=true on this server, empty when it can be honoured. */
export function failoverProblems(facts: PgServerFacts, server: string, where: string): SourceError[] {
  if (majorOf(facts.versionNum) < 17) {
    return [new SourceError({
      code: 'CDC_PG_FAILOVER_SLOT',
      what: `slot.failover=true, but ${server} runs PostgreSQL ${versionLabel(facts.versionNum)}; failover slots need PostgreSQL 17 or newer`,
      where: `${where}, property slot.failover`,
      fix: 'set slot.failover=false, or upgrade to PostgreSQL 17 or newer',
    })];
  }
  if (facts.inRecovery) {
    return [new SourceError({
      code: 'CDC_PG_FAILOVER_SLOT',
      what: `slot.failover=true, but ${server} is a standby: PostgreSQL creates failover slots only on the primary and synchronises them to standbys`,
      where: `${where}, property database.hostname`,
      fix: 'point database.hostname at the primary, or set slot.failover=false to decode from this standby with a slot of its own',
    })];
  }
  return [];
}
