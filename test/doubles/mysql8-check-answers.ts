/**
 * Test double of a MySQL 8 server for the server checks' unit tests (no MySQL 8 server runs
 * on this machine): answers the statements sources/mysql/server-checks*.ts sends (VERSION(),
 * SHOW GLOBAL VARIABLES, SHOW REPLICAS, SHOW GRANTS, the information_schema table list) from
 * values the test sets, with the row shapes MySQL 8.0 returns.
 */
import type { SqlConnection } from '../../sources/mysql/server-checks-connect.ts';

export interface Mysql8Answers {
  version: string;
  vars: Record<string, string>;
  grants: string[];
  tables: { db: string; t: string }[];
}

/** A well set up MySQL 8.0.36 (ROW, FULL, FULL, GTIDs on, a least-privilege user on shop.*). */
export function goodMysql8(): Mysql8Answers {
  return {
    version: '8.0.36',
    vars: {
      log_bin: 'ON', server_id: '1', binlog_format: 'ROW', binlog_row_image: 'FULL', binlog_row_metadata: 'FULL',
      binlog_row_value_options: '', binlog_transaction_compression: 'OFF', gtid_mode: 'ON', enforce_gtid_consistency: 'ON',
      binlog_expire_logs_seconds: '2592000', binlog_expire_logs_auto_purge: 'ON', binlog_rows_query_log_events: 'OFF', binlog_checksum: 'CRC32',
    },
    grants: ['GRANT SELECT, RELOAD, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO `cdc`@`%`'],
    tables: [{ db: 'shop', t: 'orders' }],
  };
}

export function mysql8Session(a: Mysql8Answers): SqlConnection {
  const run = async (sql: string, params?: unknown[]): Promise<[unknown, unknown[]]> => {
    if (sql.startsWith('SELECT VERSION()')) return [[{ v: a.version }], []];
    if (sql.startsWith('SHOW GLOBAL VARIABLES')) {
      const wanted = new Set((params ?? []).map(String));
      return [Object.entries(a.vars).filter(([k]) => wanted.has(k)).map(([Variable_name, Value]) => ({ Variable_name, Value })), []];
    }
    if (sql === 'SHOW REPLICAS' || sql === 'SHOW SLAVE HOSTS') return [[], []];
    if (sql === 'SHOW GRANTS') return [a.grants.map((g) => ({ 'Grants for cdc@%': g })), []];
    if (sql.includes('information_schema.TABLES')) return [a.tables, []];
    throw new Error(`the MySQL 8 double has no answer for: ${sql}`);
  };
  return { query: run, execute: run } as unknown as SqlConnection;
}
