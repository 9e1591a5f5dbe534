/**
 * The stack's MariaDB for integration tests (`bash test/stack/stack.sh up --with mariadb`
 * writes MYSQL_HOST/MYSQL_PORT/MYSQL_USER/MYSQL_PASSWORD into $CDC_STACK_DIR/env).
 * `mariadbSkip` is false when the server is configured, a skip reason when it is not and the
 * run does not require the stack; it throws when the run requires it (stack-env.ts).
 */
import mysql from 'mysql2/promise';
import { requireServices } from './stack-env.ts';

const FIX = 'run `bash test/stack/stack.sh up --with mariadb` and `. $CDC_STACK_DIR/env` (scripts/run-tests.mjs starts it with the rest of the stack)';

export function mariadbSkip(): false | string {
  return requireServices(['MYSQL_HOST', 'MYSQL_PORT'], 'MariaDB of the test stack', FIX) ? false : `MariaDB not configured: ${FIX}`;
}

export function mariadbOptions(database?: string): mysql.ConnectionOptions {
  return {
    host: process.env['MYSQL_HOST'],
    port: Number(process.env['MYSQL_PORT']),
    user: process.env['MYSQL_USER'] ?? 'root',
    password: process.env['MYSQL_PASSWORD'] ?? 'mariadb',
    ...(database ? { database } : {}),
  };
}

/** An admin connection; multipleStatements for fixtures. */
export function mariadbAdmin(): Promise<mysql.Connection> {
  return mysql.createConnection({ ...mariadbOptions(), multipleStatements: true });
}

/** The server's current binlog file and position (where a reader started now begins). */
export async function binlogHead(c: mysql.Connection): Promise<{ file: string; pos: number }> {
  const [rows] = await c.query('SHOW MASTER STATUS');
  const r = (rows as { File: string; Position: number }[])[0];
  if (!r) throw new Error('SHOW MASTER STATUS returned nothing: is log_bin on?');
  return { file: r.File, pos: Number(r.Position) };
}
