/**
 * slot.failover=true (PostgreSQL 17+ failover slots): the slot must carry the
 * failover flag so standbys running sync_replication_slots=on keep a copy that
 * a promoted standby can serve. The server-side checks (17+, primary) ran in
 * server-checks.ts; this makes an existing slot a failover slot and warns when
 * nothing holds the connector back behind the standbys.
 */
import type pg from 'pg';
import type { Logger } from '../../src/log/logger.ts';
import { enableSlotFailover } from './connection.ts';
import { slotFailoverQuery } from './server-version.ts';
import type { PgTaskConfig } from './task-config.ts';

export async function ensureFailoverSlot(sql: pg.Client, cfg: PgTaskConfig, log: Logger): Promise<void> {
  const r = await sql.query(slotFailoverQuery(), [cfg.slotName]);
  const row = r.rows[0] as { failover: string } | undefined;
  if (row && row.failover !== 'true') {
    // ALTER_REPLICATION_SLOT acquires the slot, so it runs before the stream does.
    await enableSlotFailover(cfg.connection, cfg.slotName);
    log.info({ slot: cfg.slotName }, 'slot.failover=true: the existing slot is now a failover slot');
  }
  // Without synchronized_standby_slots the walsender may hand us changes no standby has yet;
  // after a promotion those would be in Kafka but not in the new primary. Debezium does not
  // check this either; a warning is the honest answer (the setting is the DBA's).
  const s = await sql.query(`SELECT current_setting('synchronized_standby_slots', true) AS v`);
  const listed = String((s.rows[0] as { v: string | null }).v ?? '').trim();
  if (listed === '') {
    log.warn({ slot: cfg.slotName },
      'slot.failover=true but synchronized_standby_slots is empty on the primary: changes can reach Kafka before a standby has them; list the standbys\' physical slots there (ALTER SYSTEM SET synchronized_standby_slots = \'<slot>\'; SELECT pg_reload_conf())');
  }
}
