/**
 * mysql2 connection options of the binlog (dump) connection from the connector's settings: the
 * same host, credentials and TLS as every other connection of the connector (database.ssl.*).
 * The reader adds its own value options (dateStrings, timezone 'Z', JSON as text, big numbers as
 * strings); database.initial.statements do not apply to a dump connection.
 */
import type { ConnectionOptions } from 'mysql2';
import type { MysqlConnectionSettings } from './config-task.ts';
import { tlsOptions } from './server-checks-connect.ts';

export function binlogConnection(c: MysqlConnectionSettings, where: string): ConnectionOptions {
  const ssl = tlsOptions(c, where);
  return {
    host: c.host, port: c.port, user: c.user, password: c.password ?? '',
    connectTimeout: c.connectTimeoutMs,
    ...(ssl ? { ssl } : {}),
  };
}
