/**
 * What the server must offer before capture can start, each missing piece
 * reported with the statement that fixes it. Used by task start (first failure
 * stops) and by `cdc validate` (every failure listed).
 */
import type pg from 'pg';
import { SourceError } from '../../src/errors/cdc-error.ts';
import { quoteIdent, where as describeServer } from './connection.ts';
import type { PgTaskConfig } from './task-config.ts';
import { failoverProblems, readServerFacts, versionProblems, type PgServerFacts } from './server-version.ts';

export interface ServerReport {
  readonly facts: PgServerFacts;
  readonly problems: SourceError[];
}

export async function serverProblems(sql: pg.Client, cfg: PgTaskConfig, where: string): Promise<ServerReport> {
  const out: SourceError[] = [];
  const server = describeServer(cfg.connection);
  const facts = await readServerFacts(sql);
  // The version first: on an unsupported server the other findings may not mean much.
  out.push(...versionProblems(facts, server, where));
  if (out.length === 0 && cfg.slotFailover) out.push(...failoverProblems(facts, server, where));
  const r = await sql.query(`SELECT current_setting('wal_level') AS wal_level,
      r.rolreplication::text AS repl, r.rolsuper::text AS super,
      current_setting('max_replication_slots')::int AS max_slots,
      (SELECT count(*) FROM pg_replication_slots)::int AS used_slots
    FROM pg_roles r WHERE r.rolname = current_user`);
  const row = r.rows[0] as { wal_level: string; repl: string; super: string; max_slots: string | number; used_slots: string | number };
  if (row.wal_level !== 'logical') {
    out.push(new SourceError({
      code: 'CDC_PG_WAL_LEVEL',
      what: `${server} has wal_level=${row.wal_level}; logical decoding needs wal_level=logical`,
      where: `${where}, property database.hostname`,
      fix: 'run ALTER SYSTEM SET wal_level = logical, restart PostgreSQL, then restart the connector',
    }));
  }
  if (row.repl !== 'true' && row.super !== 'true') {
    out.push(new SourceError({
      code: 'CDC_PG_NO_REPLICATION_PRIVILEGE',
      what: `user "${cfg.connection.user}" lacks the REPLICATION attribute on ${server}`,
      where: `${where}, property database.user`,
      fix: `ALTER ROLE ${quoteIdent(cfg.connection.user)} WITH REPLICATION; or use the role "cdc migrate" creates`,
    }));
  }
  return { facts, problems: out };
}

/** Throws the first problem; returns what slot creation and the monitor need to know. */
export async function checkServer(sql: pg.Client, cfg: PgTaskConfig, where: string): Promise<PgServerFacts> {
  const { facts, problems } = await serverProblems(sql, cfg, where);
  if (problems.length > 0) throw problems[0];
  return facts;
}
