/**
 * The ceiling the daemon is compared with: how fast PostgreSQL's own client,
 * pg_recvlogical, receives the same WAL range through pgoutput (same plugin,
 * same publication, proto_version 1 as the daemon uses) and throws it away.
 * That is the cost of the walsender's decoding plus the socket, with no
 * conversion, serialisation or Kafka at all.
 *
 * A second slot is created before the load, so it holds the loaded WAL. The
 * run stops at --endpos; pg_recvlogical only exits once it receives a record at
 * or past that LSN, so a non-transactional logical message is written right
 * after endpos (sent because of messages=true) instead of waiting for the
 * walsender's next keepalive, which would add up to seconds of idle time.
 * The fixed cost of a run (process start, connection, START_REPLICATION, the
 * marker) is measured on a fresh slot with an empty range, so that small runs
 * can report the decode time net of it.
 */
import { spawn } from 'node:child_process';
import type pg from 'pg';

export interface CeilingTarget {
  readonly pg: { host: string; port: number; user: string; password: string };
  readonly database: string;
  readonly slot: string;
  readonly publication: string;
}

export interface CeilingResult {
  readonly seconds: number;
  readonly endLsn: string;
}

/** Seconds pg_recvlogical takes for an empty range: a fresh slot, one marker message. */
export async function measureFixedCost(sql: pg.Client, t: CeilingTarget, timeoutMs: number): Promise<number> {
  await createCeilingSlot(sql, t.slot);
  try {
    return (await measureCeiling(sql, t, timeoutMs)).seconds;
  } finally {
    await sql.query('SELECT pg_drop_replication_slot($1)', [t.slot]).catch(() => undefined);
  }
}

export async function createCeilingSlot(sql: pg.Client, slot: string): Promise<string> {
  const r = await sql.query<{ lsn: string }>(`SELECT lsn::text AS lsn FROM pg_create_logical_replication_slot($1, 'pgoutput')`, [slot]);
  return r.rows[0]!.lsn;
}

/** Decodes from the slot's position to the current end of WAL; returns how long pg_recvlogical took. */
/** `upTo`: the end of the measured range (default: the WAL's end now). */
export async function measureCeiling(sql: pg.Client, t: CeilingTarget, timeoutMs: number, upTo?: string): Promise<CeilingResult> {
  const endLsn = upTo ?? (await sql.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn')).rows[0]!.lsn;
  await sql.query(`SELECT pg_logical_emit_message(false, 'cdc-bench', 'end of measured range')`);
  const args = [
    '--start', '--no-loop', '-h', t.pg.host, '-p', String(t.pg.port), '-U', t.pg.user, '-d', t.database, '-S', t.slot,
    '--endpos', endLsn, '-o', 'proto_version=1', '-o', `publication_names=${t.publication}`, '-o', 'messages=true',
    '-f', '/dev/null',
  ];
  const t0 = process.hrtime.bigint();
  const child = spawn('pg_recvlogical', args, { env: { ...process.env, PGPASSWORD: t.pg.password }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => { stderr += b.toString(); });
  const code = await new Promise<number | null>((resolve, reject) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`pg_recvlogical did not reach ${endLsn} within ${timeoutMs} ms; stderr: ${stderr.slice(-2000)}`)); }, timeoutMs);
    child.on('error', (err) => { clearTimeout(timer); reject(new Error(`could not run pg_recvlogical (PostgreSQL client binaries on PATH?): ${err.message}`)); });
    child.on('exit', (c) => { clearTimeout(timer); resolve(c); });
  });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (code !== 0) throw new Error(`pg_recvlogical exited with ${code}: ${stderr.slice(-2000)}`);
  return { seconds, endLsn };
}
