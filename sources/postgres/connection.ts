/**
 * Connections to the source database: a plain SQL session (catalog, snapshot,
 * checks) and the replication-protocol session that creates the slot with an
 * exported snapshot. pg-logical-replication does neither, so we issue the
 * walsender commands ourselves (shared/reference/postgres-replication.md §1).
 * Every session uses the same output settings, so a value's text form is the
 * same whether it comes from a snapshot SELECT or from pgoutput.
 */
import pg from 'pg';
import { SourceError } from '../../src/errors/cdc-error.ts';
import type { Lsn } from './lsn.ts';
import { parseLsn } from './lsn.ts';
import { alterSlotFailoverCommand, createSlotCommand, type SlotCreateOptions } from './server-version.ts';
import { isTlsFailure, shouldTryNext, sslAttempts, tlsError, type PgTlsSettings, type SslAttempt } from './tls.ts';

export interface PgConnectionSettings {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password?: string;
  readonly database: string;
  readonly tls: PgTlsSettings;
  readonly connectTimeoutMs: number;
  readonly applicationName: string;
  /** database.tcpKeepAlive; Debezium's default is on, so a vanished peer is noticed. */
  readonly tcpKeepAlive?: boolean;
  /** database.initial.statements, already split: run on every SQL session, never on replication ones */
  readonly initialStatements: readonly string[];
}

/** Session settings that fix the text form of values (UTC, ISO dates, hex bytea, round-trip floats). */
export const SESSION_OPTIONS = '-c TimeZone=UTC -c DateStyle=ISO,YMD -c IntervalStyle=postgres -c extra_float_digits=3 -c bytea_output=hex';

const rawText = {
  // Every value stays in PostgreSQL's text form; sources/postgres/types.ts converts it.
  getTypeParser: (_oid: number, format?: string) => (format === 'binary' ? (v: Buffer) => v : (v: string) => v),
};

export function clientConfig(s: PgConnectionSettings, ssl: SslAttempt, extra: Partial<pg.ClientConfig> = {}): pg.ClientConfig {
  return {
    host: s.host,
    port: s.port,
    user: s.user,
    ...(s.password !== undefined ? { password: s.password } : {}),
    database: s.database,
    connectionTimeoutMillis: s.connectTimeoutMs,
    application_name: s.applicationName,
    keepAlive: s.tcpKeepAlive ?? true,
    options: SESSION_OPTIONS,
    ssl,
    types: rawText as never,
    ...extra,
  };
}

export function where(s: PgConnectionSettings): string {
  return `PostgreSQL at ${s.host}:${s.port}, database ${s.database}`;
}

/**
 * Connects a client, trying database.sslmode's attempts in libpq's order (tls.ts); returns
 * the connected client and the attempt that worked. Errors become one actionable error.
 */
async function connectClient(s: PgConnectionSettings, extra: Partial<pg.ClientConfig>): Promise<{ client: pg.Client; ssl: SslAttempt }> {
  const attempts = sslAttempts(s.tls, s.host);
  for (let i = 0; ; i++) {
    const ssl = attempts[i]!;
    const client = new pg.Client(clientConfig(s, ssl, extra));
    client.on('error', () => undefined); // surfaced through the next query instead
    try {
      await client.connect();
      return { client, ssl };
    } catch (err) {
      await client.end().catch(() => undefined);
      if (i + 1 < attempts.length && shouldTryNext(err)) continue;
      throw connectionError(s, err);
    }
  }
}

/**
 * The TLS choice for a connection we cannot retry ourselves (the replication stream, opened
 * inside pg-logical-replication): with one possible attempt it is that one; for allow and
 * prefer a short probe connection finds which one the server takes.
 */
export async function negotiatedSsl(s: PgConnectionSettings): Promise<SslAttempt> {
  const attempts = sslAttempts(s.tls, s.host);
  if (attempts.length === 1) return attempts[0]!;
  const { client, ssl } = await connectClient(s, { replication: 'database' } as Partial<pg.ClientConfig>);
  await client.end().catch(() => undefined);
  return ssl;
}

/**
 * Opens a SQL session (Debezium's "JDBC connection"): catalog, snapshot, checks, heartbeat,
 * slot monitor, migrate. database.initial.statements run on it before anything else.
 */
export async function openSql(s: PgConnectionSettings, extra: Partial<pg.ClientConfig> = {}): Promise<pg.Client> {
  const { client } = await connectClient(s, extra);
  for (const statement of s.initialStatements) {
    try {
      await client.query(statement);
    } catch (err) {
      await client.end().catch(() => undefined);
      throw new SourceError({
        code: 'CDC_PG_INITIAL_STATEMENT',
        what: `database.initial.statements: "${statement}" failed on ${where(s)}: ${(err as Error).message}`,
        where: 'property database.initial.statements',
        fix: 'correct or remove that statement (statements are separated by ";", a literal ";" is written ";;")',
        cause: err,
      });
    }
  }
  return client;
}

export function connectionError(s: PgConnectionSettings, err: unknown): SourceError {
  if (err instanceof SourceError) return err;
  const e = err as { code?: string; message?: string };
  const msg = e?.message ?? String(err);
  if (e?.code === '28P01' || e?.code === '28000') {
    return new SourceError({
      code: 'CDC_PG_AUTH', what: `${where(s)} refused user "${s.user}" (database.sslmode=${s.tls.mode}): ${msg}`,
      where: 'properties database.user / database.password / database.sslmode',
      fix: 'check the user and password, the client certificate (database.sslcert / database.sslkey) if pg_hba.conf asks for one, and whether pg_hba.conf wants TLS (hostssl) or plain (hostnossl) for this user (logical replication connections match by database name, not the "replication" keyword)',
    });
  }
  if (s.tls.mode !== 'disable' && isTlsFailure(err)) return tlsError(s.tls, `PostgreSQL at ${s.host}:${s.port}`, err);
  if (e?.code === '3D000') {
    return new SourceError({ code: 'CDC_PG_NO_DATABASE', what: `${where(s)}: ${msg}`, where: 'property database.dbname', fix: 'name an existing database' });
  }
  return new SourceError({
    code: 'CDC_PG_UNREACHABLE',
    what: `cannot connect to ${where(s)}: ${msg}`,
    where: 'properties database.hostname / database.port',
    fix: 'check that PostgreSQL is running and reachable from this host (firewall, listen_addresses, port)',
    retriable: true,
    cause: err,
  });
}

export interface CreatedSlot {
  readonly slotName: string;
  readonly consistentPoint: Lsn;
  readonly snapshotName: string | null;
}

/**
 * A replication session that created a slot and exported its snapshot. It must
 * stay open and idle until every snapshot reader ran SET TRANSACTION SNAPSHOT:
 * its next command, or closing it, ends the exported snapshot.
 */
export class SlotCreator {
  private constructor(private readonly client: pg.Client, readonly slot: CreatedSlot) {}

  /** `versionNum` (server_version_num) picks the command's dialect: server-version.ts. */
  static async create(s: PgConnectionSettings, slotName: string, plugin: string, versionNum: number, opts: SlotCreateOptions): Promise<SlotCreator> {
    // A replication session: database.initial.statements do not run here (as in Debezium).
    const { client } = await connectClient(s, { replication: 'database' } as Partial<pg.ClientConfig>);
    try {
      const res = await client.query(createSlotCommand(versionNum, quoteIdent(slotName), quoteIdent(plugin), opts));
      const row = res.rows[0] as { slot_name: string; consistent_point: string; snapshot_name: string | null };
      return new SlotCreator(client, { slotName: row.slot_name, consistentPoint: parseLsn(row.consistent_point), snapshotName: row.snapshot_name });
    } catch (err) {
      await client.end().catch(() => undefined);
      throw slotError(s, slotName, err);
    }
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => undefined);
  }
}

/** Turns failover on for an existing, inactive slot (slot.failover=true, PostgreSQL 17+). */
export async function enableSlotFailover(s: PgConnectionSettings, slotName: string): Promise<void> {
  const { client } = await connectClient(s, { replication: 'database' } as Partial<pg.ClientConfig>);
  try {
    await client.query(alterSlotFailoverCommand(quoteIdent(slotName)));
  } catch (err) {
    throw slotError(s, slotName, err);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export function slotError(s: PgConnectionSettings, slotName: string, err: unknown): SourceError {
  const e = err as { code?: string; message?: string };
  const msg = e?.message ?? String(err);
  if (e?.code === '42501') {
    return new SourceError({
      code: 'CDC_PG_NO_REPLICATION_PRIVILEGE',
      what: `user "${s.user}" may not use replication slots on ${where(s)}: ${msg}`,
      where: 'property database.user',
      fix: `ALTER ROLE ${quoteIdent(s.user)} WITH REPLICATION; (or run "cdc migrate", which creates a least-privilege replication role)`,
    });
  }
  if (e?.code === '55000' && /wal_level/.test(msg)) {
    return new SourceError({
      code: 'CDC_PG_WAL_LEVEL', what: `${where(s)}: ${msg}`, where: 'property database.hostname',
      fix: 'run ALTER SYSTEM SET wal_level = logical, restart PostgreSQL, then restart the connector',
    });
  }
  if (e?.code === '55006') {
    return new SourceError({
      code: 'CDC_PG_SLOT_IN_USE', what: `replication slot "${slotName}" is in use by another connection: ${msg}`,
      where: 'property slot.name', fix: 'stop the other consumer of this slot, or give this connector its own slot.name',
      retriable: true,
    });
  }
  if (e?.code === '53400') {
    return new SourceError({
      code: 'CDC_PG_SLOTS_EXHAUSTED', what: `${where(s)} has no free replication slot: ${msg}`,
      where: 'property slot.name', fix: 'drop unused slots (SELECT pg_drop_replication_slot(name)) or raise max_replication_slots and restart PostgreSQL',
    });
  }
  return new SourceError({ code: 'CDC_PG_SLOT', what: `replication slot "${slotName}" on ${where(s)}: ${msg}`, where: 'property slot.name', retriable: true, cause: err });
}

export interface SlotState {
  readonly exists: boolean;
  readonly active: boolean;
  readonly plugin: string | null;
  readonly database: string | null;
  readonly confirmedFlush: Lsn;
  readonly restartLsn: Lsn;
  readonly walStatus: string | null;
  /** why PostgreSQL invalidated the slot (17+ invalidation_reason, 16 conflicting, wal_status lost), null while usable */
  readonly invalidation: string | null;
}

export async function slotState(sql: pg.Client, slotName: string): Promise<SlotState> {
  const r = await sql.query(
    // to_jsonb: invalidation_reason (17+) and conflicting (16) without a query per major.
    `SELECT s.active, s.plugin, s.database, s.confirmed_flush_lsn::text AS cf, s.restart_lsn::text AS rl, s.wal_status,
            COALESCE(to_jsonb(s) ->> 'invalidation_reason', CASE WHEN to_jsonb(s) ->> 'conflicting' = 'true' THEN 'rows_removed' END) AS invalidation
       FROM pg_replication_slots s WHERE s.slot_name = $1`, [slotName]);
  const row = r.rows[0] as { active: string; plugin: string; database: string; cf: string | null; rl: string | null; wal_status: string | null; invalidation: string | null } | undefined;
  if (!row) return { exists: false, active: false, plugin: null, database: null, confirmedFlush: 0n, restartLsn: 0n, walStatus: null, invalidation: null };
  return {
    exists: true, active: row.active === 't' || (row.active as unknown) === true, plugin: row.plugin, database: row.database,
    confirmedFlush: parseLsn(row.cf), restartLsn: parseLsn(row.rl), walStatus: row.wal_status,
    invalidation: row.invalidation ?? (row.wal_status === 'lost' ? 'wal_removed' : null),
  };
}

export async function dropSlot(sql: pg.Client, slotName: string): Promise<void> {
  await sql.query('SELECT pg_drop_replication_slot($1)', [slotName]);
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function quoteLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
