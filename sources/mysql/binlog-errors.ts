/**
 * What a failure of the binlog dump means: retry (the connection dropped, the server restarts,
 * the dump thread was killed) or stop with a clear message (another reader took our server id,
 * the position is purged, a privilege is missing, an event cannot be decoded). zongji reports all
 * of them on one 'error' event; mysql2 even names MariaDB's "same server id" error 4052 after an
 * unrelated MySQL code, so the number and text are what count here.
 */
import { CdcError, SourceError } from '../../src/errors/cdc-error.ts';

interface DbError {
  code?: string;
  errno?: number;
  message?: string;
  fatal?: boolean;
}

const RETRIABLE_CODES = new Set([
  'PROTOCOL_CONNECTION_LOST', 'ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH',
  'ER_SERVER_SHUTDOWN', 'ER_CON_COUNT_ERROR', 'ER_CONNECTION_KILLED', 'ER_QUERY_INTERRUPTED', 'PROTOCOL_SEQUENCE_TIMEOUT',
  'ERR_STREAM_WRITE_AFTER_END', 'ERR_SOCKET_CLOSED',
]);
// 1053 server shutdown, 1927 connection killed (MariaDB), 1317 query interrupted, 2013 lost connection
const RETRIABLE_ERRNOS = new Set([1040, 1053, 1317, 1927, 2006, 2013, 3169]);

/** A binlog failure as the reader acts on it. */
export function classifyBinlogError(err: unknown, where: string): { retriable: true; cause: unknown } | { retriable: false; error: CdcError } {
  if (err instanceof CdcError) return err.retriable ? { retriable: true, cause: err } : { retriable: false, error: err };
  const e = (err ?? {}) as DbError;
  const msg = e.message ?? String(err);
  if (e.errno === 4052 || /same server_uuid\/server_id|same server.id/i.test(msg)) {
    return {
      retriable: false,
      error: new SourceError({
        code: 'CDC_MYSQL_DUPLICATE_SERVER_ID',
        what: 'another binlog reader connected with the same server id, and the server dropped this one (a replica or a second connector with the same database.server.id)',
        where,
        fix: 'give every connector (and replica) of this server its own database.server.id, or leave it unset so one is derived from the connector name',
        cause: err,
      }),
    };
  }
  if (e.errno === 1236) {
    return {
      retriable: false,
      error: new SourceError({
        code: 'CDC_MYSQL_BINLOG_GONE',
        what: `the server cannot send the binlog from the requested position: ${msg}`,
        where,
        fix: 'the binlog files holding that position were purged (expire_logs_days / binlog_expire_logs_seconds); reset the offset (DELETE /connectors/<name>/offsets) and snapshot again with snapshot.mode=when_needed, and keep binlogs longer than the longest outage',
        cause: err,
      }),
    };
  }
  if (e.errno === 1227 || e.errno === 1045 || e.errno === 1044 || e.errno === 1142) {
    return {
      retriable: false,
      error: new SourceError({
        code: 'CDC_MYSQL_BINLOG_ACCESS',
        what: `the server refused the binlog connection: ${msg}`,
        where,
        fix: 'check database.user and database.password, and grant REPLICATION SLAVE, REPLICATION CLIENT (MariaDB: BINLOG MONITOR) and SELECT to that user (cdc migrate creates such a user)',
        cause: err,
      }),
    };
  }
  if ((e.code !== undefined && RETRIABLE_CODES.has(e.code)) || (e.errno !== undefined && RETRIABLE_ERRNOS.has(e.errno))) {
    return { retriable: true, cause: err };
  }
  if (e.code === undefined && e.errno === undefined) {
    // zongji's own errors: undecodable events (compressed transactions, partial JSON, unknown types).
    return {
      retriable: false,
      error: new SourceError({
        code: 'CDC_MYSQL_BINLOG_DECODE',
        what: `a binlog event cannot be decoded: ${msg}`,
        where,
        fix: 'turn off binlog_transaction_compression and binlog_row_value_options=PARTIAL_JSON (MySQL), keep binlog_row_image=FULL and binlog_row_metadata=FULL; cdc validate checks these settings',
        cause: err,
      }),
    };
  }
  return { retriable: true, cause: err };
}
