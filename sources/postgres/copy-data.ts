/**
 * The replication connection's CopyData messages, read by the daemon rather than by
 * pg-logical-replication's own listener. The library still opens the connection, runs
 * START_REPLICATION and writes our status updates; what it did per message (format the LSN as
 * a "X/Y" string, cut a view, call the plugin's parse, emit an event, and start an async
 * acknowledge that does nothing with acknowledge.auto off) cost a string, a promise and two
 * Buffer objects per change event, every one of them garbage at once. Here a message's payload
 * is copied into the stream's queue (frame-queue.ts) and its LSN read from the header.
 * Layout (PostgreSQL's protocol-replication docs, shared/reference/postgres-replication.md):
 *  - XLogData 'w': int64 start of the data in the WAL, int64 current end of WAL, int64 send
 *    time, then the pgoutput message;
 *  - Primary keepalive 'k': int64 current end of WAL, int64 send time, byte 1 = reply requested.
 */
import type { LogicalReplicationService } from 'pg-logical-replication';
import type { Lsn } from './lsn.ts';

const XLOG_DATA = 0x77; // 'w'
const KEEPALIVE = 0x6b; // 'k'
const XLOG_HEADER = 1 + 8 + 8 + 8;

/** What a CopyData message carries, handed to one of two callbacks (no object per message). */
export interface CopyDataHandlers {
  /** XLogData: the message is chunk[from, chunk.length), a view the caller copies if it keeps it */
  xlogData(lsn: Lsn, chunk: Buffer, from: number): void;
  keepalive(walEnd: Lsn, replyRequested: boolean): void;
}

/**
 * Reads one CopyData payload; false for a message type the replication protocol does not
 * define (or a truncated header). `chunk` is a view into pg-protocol's read buffer, which the
 * next socket read may overwrite (stream.test.ts shows it): xlogData must copy what it keeps.
 */
export function readCopyData(chunk: Buffer, on: CopyDataHandlers): boolean {
  const type = chunk[0];
  if (type === XLOG_DATA && chunk.length >= XLOG_HEADER) {
    on.xlogData(chunk.readBigUInt64BE(1), chunk, XLOG_HEADER);
    return true;
  }
  if (type === KEEPALIVE && chunk.length >= 18) {
    on.keepalive(chunk.readBigUInt64BE(1), chunk[17] !== 0);
    return true;
  }
  return false;
}

interface CopyDataEmitter {
  listeners(event: 'copyData'): Function[];
  removeListener(event: 'copyData', listener: (...args: unknown[]) => void): unknown;
  on(event: 'copyData', listener: (msg: { chunk: Buffer }) => void): unknown;
}

/**
 * Puts `onChunk` in place of the library's CopyData listener. Called from the plugin's start(),
 * which the library calls right after adding that listener and before START_REPLICATION is
 * sent, so no message reaches the connection between the two. The connection then carries two
 * listeners: pg's client's own (it hands CopyData to the active query, the START_REPLICATION
 * one, which does nothing with it) and, added last, the library's. Throws when the connection is
 * not where this library version keeps it or carries another number of listeners: a version
 * this daemon was not built for, which must not run with two readers of the stream.
 */
export function takeOverCopyData(service: LogicalReplicationService, onChunk: (chunk: Buffer) => void): void {
  const connection = (service as unknown as { _connection?: Partial<CopyDataEmitter> | null })._connection;
  if (!connection || typeof connection.listeners !== 'function' || typeof connection.removeListener !== 'function' || typeof connection.on !== 'function') {
    throw new Error('cannot read the replication stream: pg-logical-replication no longer exposes its connection (a version this daemon was not built for)');
  }
  const listeners = connection.listeners('copyData');
  if (listeners.length !== 2) {
    throw new Error(`cannot read the replication stream: the replication connection has ${listeners.length} CopyData listeners where this daemon expects two, pg's and pg-logical-replication's (a version this daemon was not built for)`);
  }
  connection.removeListener('copyData', listeners[1] as (...args: unknown[]) => void);
  connection.on('copyData', (msg: { chunk: Buffer }) => onChunk(msg.chunk));
}
