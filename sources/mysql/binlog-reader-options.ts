/**
 * Options of the binlog reader (binlog-reader.ts): where to start, the queue bound, the
 * reconnect policy and the heartbeat period. Defaults: 20,000 rows / 16 MiB of binlog events
 * queued, reconnect after 0.5 s doubling up to 30 s with no limit on attempts, heartbeat 10 s.
 */
import type { ConnectionOptions } from 'mysql2';
import type { QueueBounds } from './event-queue.ts';

export type BinlogStart =
  | { readonly file: string; readonly pos: number }
  /** MariaDB GTID position ('0-1-100,1-3-7') or MySQL GTID set: everything after it. */
  | { readonly gtids: string };

export interface ReconnectPolicy {
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  /** Give up (the next() call throws) after this many failed attempts in a row; Infinity = never. */
  readonly maxAttempts: number;
}

export interface BinlogReaderOptions {
  /** mysql2 connection options of the server (host, port, user, password, ssl ...). */
  readonly connection: ConnectionOptions;
  readonly serverId: number;
  readonly start: BinlogStart;
  /** Heartbeat period asked of the server; 0 = none. Default 10 s. */
  readonly heartbeatIntervalMs?: number;
  readonly bounds?: QueueBounds;
  readonly reconnect?: Partial<ReconnectPolicy>;
  /** Session net_write_timeout of the dump connection (s): how long the server waits while we are paused; 0 = the server's value; default 3600. */
  readonly netWriteTimeoutSec?: number;
  /** Session net_read_timeout of the dump connection (s); 0 or absent = the server's value. */
  readonly netReadTimeoutSec?: number;
  /** MariaDB: ask for ANNOTATE_ROWS (statement text, for include.query). */
  readonly annotateRows?: boolean;
  /** zongji schema filter: {db: true | ['t1']}. */
  readonly includeSchema?: Record<string, true | string[]>;
  /** Told of each drop and reconnect attempt (status reasons, logs). */
  readonly onReconnect?: (info: { attempt: number; delayMs: number; cause: unknown }) => void;
  /** For error messages, e.g. 'connector "inventory", MariaDB at db:3306'. */
  readonly where?: string;
}

export const DEFAULT_QUEUE_BOUNDS: QueueBounds = { maxRows: 20_000, maxBytes: 16 * 1024 * 1024 };
export const DEFAULT_RECONNECT: ReconnectPolicy = { initialDelayMs: 500, maxDelayMs: 30_000, maxAttempts: Infinity };

