/**
 * What the server is and how it is set up, read once: flavour (MySQL or MariaDB) and
 * version from VERSION(), and the global variables the checks need. Variables a release
 * does not have are simply absent (SHOW GLOBAL VARIABLES never fails on them), which is
 * how "MySQL before 8.0.20 has no binlog_transaction_compression" is told apart from OFF.
 */
import type { SqlConnection } from './server-checks-connect.ts';
import type { MysqlFlavour } from './config-spec.ts';

export interface ServerVersion {
  readonly flavour: MysqlFlavour;
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  /** VERSION() as the server reports it */
  readonly text: string;
}

export interface ServerFacts {
  readonly version: ServerVersion;
  /** lower-cased variable name -> value, as SHOW GLOBAL VARIABLES gives it */
  readonly vars: ReadonlyMap<string, string>;
}

const VARIABLES = [
  'log_bin', 'server_id', 'binlog_format', 'binlog_row_image', 'binlog_row_metadata', 'binlog_row_value_options',
  'binlog_transaction_compression', 'gtid_mode', 'enforce_gtid_consistency', 'gtid_strict_mode', 'gtid_binlog_pos',
  'expire_logs_days', 'binlog_expire_logs_seconds', 'binlog_expire_logs_auto_purge',
  'binlog_rows_query_log_events', 'binlog_annotate_row_events', 'binlog_checksum', 'log_bin_compress',
];

/** Parses VERSION(): "10.11.19-MariaDB-0+deb12u1-log", "8.0.36", "5.5.5-10.6.12-MariaDB" (old MariaDB prefix). */
export function parseVersion(text: string): ServerVersion {
  const mariadb = /mariadb/i.test(text);
  // MariaDB before 11 could report "5.5.5-" ahead of its real version to old clients.
  const body = mariadb ? text.replace(/^5\.5\.5-/, '') : text;
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(body) ?? /^(\d+)\.(\d+)/.exec(body);
  return {
    flavour: mariadb ? 'mariadb' : 'mysql',
    major: Number(m?.[1] ?? 0), minor: Number(m?.[2] ?? 0), patch: Number(m?.[3] ?? 0),
    text,
  };
}

/** a >= b for [major, minor, patch]. */
export function atLeast(v: ServerVersion, major: number, minor = 0, patch = 0): boolean {
  if (v.major !== major) return v.major > major;
  if (v.minor !== minor) return v.minor > minor;
  return v.patch >= patch;
}

export async function readServerFacts(sql: SqlConnection): Promise<ServerFacts> {
  const [[row]] = await sql.query('SELECT VERSION() AS v') as unknown as [[{ v: string }]];
  const [rows] = await sql.query(`SHOW GLOBAL VARIABLES WHERE Variable_name IN (${VARIABLES.map(() => '?').join(', ')})`, VARIABLES) as unknown as [Array<{ Variable_name: string; Value: string }>];
  return {
    version: parseVersion(row.v),
    vars: new Map(rows.map((r) => [r.Variable_name.toLowerCase(), String(r.Value ?? '')])),
  };
}

/** ON/1/TRUE as true (log_bin reads ON, binlog_annotate_row_events ON, gtid_strict_mode 1 on some paths). */
export function isOn(value: string | undefined): boolean {
  return value !== undefined && /^(on|1|true|yes)$/i.test(value.trim());
}
