/**
 * The binlog client's server id. Every reader of one server needs its own: a second dump with
 * the same id makes the server drop the first one (MariaDB error 4052, MySQL 1236 "A replica
 * with the same server_uuid/server_id"), and two connectors would take turns kicking each other.
 * Debezium suggests (and picks at random) an id between 5400 and 6400 when
 * database.server.id is unset; we derive one from the connector name instead, so it is stable
 * across restarts (the server's replica list stays tidy) and two connectors with different
 * names almost never collide. A collision still fails clearly (CDC_MYSQL_DUPLICATE_SERVER_ID).
 */
import { createHash } from 'node:crypto';

export const DEFAULT_SERVER_ID_MIN = 5400;
export const DEFAULT_SERVER_ID_MAX = 6400;

/** A stable id in [5400, 6400] from the connector name (and, if given, the task number). */
export function defaultServerId(connectorName: string, task = 0): number {
  const digest = createHash('sha256').update(`${connectorName}\u0000${task}`).digest();
  const span = DEFAULT_SERVER_ID_MAX - DEFAULT_SERVER_ID_MIN + 1;
  return DEFAULT_SERVER_ID_MIN + (digest.readUInt32BE(0) % span);
}

/** MySQL/MariaDB server ids are unsigned 32-bit and 0 means "no id" (refused by the dump). */
export function isValidServerId(id: number): boolean {
  return Number.isInteger(id) && id >= 1 && id <= 4294967295;
}
