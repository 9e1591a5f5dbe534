/**
 * The SQL connection `cdc validate`, the server checks and `cdc migrate` use: mysql2 with
 * the connector's TLS settings, and connection failures turned into one clear error each
 * (unreachable, refused credentials, TLS). The binlog reader opens its own connections.
 */
import { readFileSync } from 'node:fs';
import mysql from 'mysql2/promise';
import { SourceError } from '../../src/errors/cdc-error.ts';
import type { MysqlConnectionSettings } from './config-task.ts';

export type SqlConnection = mysql.Connection;

export function describeServer(c: Pick<MysqlConnectionSettings, 'host' | 'port'>): string {
  return `server ${c.host}:${c.port}`;
}

export function tlsOptions(c: MysqlConnectionSettings, where: string): mysql.SslOptions | undefined {
  const t = c.tls;
  if (t.mode === 'disabled') return undefined;
  const read = (file: string | undefined, property: string): string | undefined => {
    if (file === undefined) return undefined;
    try {
      return readFileSync(file, 'utf8');
    } catch (err) {
      throw new SourceError({ code: 'CDC_MYSQL_TLS_FILE', what: `cannot read ${file}: ${(err as Error).message}`, where: `${where}, property ${property}`, fix: `point ${property} at a readable PEM file` });
    }
  };
  const verify = t.mode === 'verify_ca' || t.mode === 'verify_identity';
  return {
    ...(t.ca !== undefined ? { ca: read(t.ca, 'database.ssl.ca') } : {}),
    ...(t.cert !== undefined ? { cert: read(t.cert, 'database.ssl.cert') } : {}),
    ...(t.key !== undefined ? { key: read(t.key, 'database.ssl.key') } : {}),
    ...(t.keyPassword !== undefined ? { passphrase: t.keyPassword } : {}),
    rejectUnauthorized: verify,
    // mysql2 checks the host name only when asked (verifyIdentity); verify_ca checks the chain only.
    verifyIdentity: t.mode === 'verify_identity',
  } as mysql.SslOptions;
}

/**
 * Opens one SQL connection and runs database.initial.statements on it. multipleStatements
 * only for the migration files, which are whole scripts written by this project; rowValues
 * for connections that read table rows (the same value options as the binlog reader).
 */
export async function openSql(c: MysqlConnectionSettings, where: string, opts: { multipleStatements?: boolean; rowValues?: boolean } = {}): Promise<SqlConnection> {
  const server = describeServer(c);
  let conn: SqlConnection;
  const ssl = tlsOptions(c, where);
  try {
    conn = await mysql.createConnection({
      host: c.host, port: c.port, user: c.user, password: c.password ?? '',
      connectTimeout: c.connectTimeoutMs, multipleStatements: opts.multipleStatements ?? false, dateStrings: true, supportBigNumbers: true, bigNumberStrings: true,
      ...(ssl ? { ssl } : {}),
      // rowValues: table rows in the binlog reader's value forms (the chunked snapshot's reads)
      ...(opts.rowValues ? { timezone: 'Z', jsonStrings: true } : {}),
    } as mysql.ConnectionOptions);
  } catch (err) {
    // 'preferred' falls back to plain when the server has no TLS, as the MySQL clients do.
    if (c.tls.mode === 'preferred' && noTlsOnServer(err)) {
      return openSql({ ...c, tls: { ...c.tls, mode: 'disabled' } }, where, opts);
    }
    throw connectError(err, c, server, where);
  }
  for (const statement of c.initialStatements) {
    try {
      await conn.query(statement);
    } catch (err) {
      await conn.end().catch(() => undefined);
      throw new SourceError({ code: 'CDC_MYSQL_INITIAL_STATEMENT', what: `a statement of database.initial.statements failed on ${server}: ${(err as Error).message}`, where: `${where}, property database.initial.statements`, fix: 'correct or remove the statement (separate statements with ";", write a literal ";" as ";;")' });
    }
  }
  return conn;
}

/** mysql2's answer when TLS was asked of a server that offers none. */
function noTlsOnServer(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e.code === 'HANDSHAKE_NO_SSL_SUPPORT' || /does not support secure connection/i.test(e.message ?? '');
}

function connectError(err: unknown, c: MysqlConnectionSettings, server: string, where: string): SourceError {
  const e = err as { code?: string; errno?: number; message?: string };
  if (e.errno === 1045 || e.code === 'ER_ACCESS_DENIED_ERROR') {
    return new SourceError({ code: 'CDC_MYSQL_AUTH', what: `${server} refused user "${c.user}" (wrong password, or no account for this client host)`, where: `${where}, properties database.user / database.password`, fix: `correct database.user / database.password, or create the account for this host (migrations/mysql/001_cdc_user.sql, "cdc migrate")`, cause: err });
  }
  if (noTlsOnServer(err)) {
    return new SourceError({ code: 'CDC_MYSQL_TLS', what: `${server} offers no TLS, and database.ssl.mode=${c.tls.mode} requires it`, where: `${where}, property database.ssl.mode`, fix: 'enable TLS on the server (ssl_cert and ssl_key in my.cnf, then restart), or set database.ssl.mode to preferred (MySQL connector) or disable (MariaDB connector) to connect without it', cause: err });
  }
  if (/ssl|tls|certificate|self.signed|altname/i.test(e.message ?? '')) {
    return new SourceError({ code: 'CDC_MYSQL_TLS', what: `the TLS connection to ${server} failed: ${e.message}`, where: `${where}, property database.ssl.mode`, fix: 'point database.ssl.ca at the CA that signed the server certificate, use a host name the certificate names, or choose a database.ssl.mode that matches the server (docs/mysql.md)', cause: err });
  }
  return new SourceError({ code: 'CDC_MYSQL_UNREACHABLE', what: `no connection to ${server}: ${e.message ?? String(err)}`, where: `${where}, properties database.hostname / database.port`, fix: 'check that the server runs and is reachable from this host (bind-address, firewall), and connect.timeout.ms', retriable: true, cause: err });
}
