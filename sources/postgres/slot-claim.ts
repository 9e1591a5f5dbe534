/**
 * slot.max.retries / slot.retry.delay.ms (Debezium's meaning): a slot held by another
 * connection is asked for again after a delay, up to the given number of retries, before
 * the task gives up. Our own fenced predecessor is ended first (task.ts, takeOverSlot), so
 * what waits here is a foreign consumer or a walsender PostgreSQL has not noticed is gone.
 * Giving up is final (not retriable): the task would otherwise retry without bound and the
 * limit the user set would mean nothing.
 */
import type pg from 'pg';
import { SourceError } from '../../src/errors/cdc-error.ts';
import type { Logger } from '../../src/log/logger.ts';
import { slotState } from './connection.ts';

export interface SlotRetries { readonly max: number; readonly delayMs: number }

/** Resolves once `slotName` is free (or absent); throws CDC_PG_SLOT_IN_USE after the last retry. */
export async function waitForFreeSlot(sql: pg.Client, slotName: string, retries: SlotRetries, log: Logger, where: string,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms))): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const pid = await activePid(sql, slotName);
    if (pid === null) return;
    if (attempt >= retries.max) {
      throw new SourceError({
        code: 'CDC_PG_SLOT_IN_USE',
        what: `replication slot "${slotName}" is still held by another connection (backend pid ${pid}) after ${retries.max} retries ${retries.delayMs} ms apart`,
        where: `${where}, property slot.name`,
        fix: `stop the other consumer of the slot (SELECT pg_terminate_backend(${pid}) ends it), or give this connector its own slot.name; raise slot.max.retries / slot.retry.delay.ms to wait longer; then restart the connector (POST /connectors/<name>/restart)`,
      });
    }
    log.warn({ slot: slotName, pid, attempt: attempt + 1, of: retries.max, delayMs: retries.delayMs }, 'replication slot held by another connection; retrying');
    await sleep(retries.delayMs);
  }
}

async function activePid(sql: pg.Client, slotName: string): Promise<number | null> {
  const s = await slotState(sql, slotName);
  if (!s.exists || !s.active) return null;
  const r = await sql.query('SELECT active_pid::text AS pid FROM pg_replication_slots WHERE slot_name = $1', [slotName]);
  const pid = (r.rows[0] as { pid: string | null } | undefined)?.pid;
  return pid ? Number(pid) : null;
}
