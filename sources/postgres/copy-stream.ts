/**
 * One `COPY (SELECT ...) TO STDOUT` read as a sequence of chunks (copy-chunk.ts) of about
 * `rowsPerChunk` rows each, for the single-transaction snapshot (snapshot.ts), which reads each
 * table whole inside the slot's exported snapshot.
 *
 * Why not a cursor: `FETCH` hands rows over as pg's row objects (an object and a string per
 * column), which the snapshot's Kafka transaction keeps alive long enough for V8 to promote them;
 * COPY's lines stay outside the JavaScript heap until a record is built from them.
 *
 * Memory stays bounded because the socket is paused while a finished chunk waits to be taken:
 * the server then blocks in its send, and at most the chunk being taken, the one waiting and the
 * one being filled exist at a time, whatever the table's size. A reader that stops early must
 * call abort(): a paused COPY never ends, and the session cannot run anything else until it does.
 */
import type pg from 'pg';
import { CopyChunk, CopyToQuery, type CopyColumns } from './copy-chunk.ts';

/** What pausing needs of the connection's socket (a net.Socket, or a TLS socket over one). */
interface Pausable {
  pause(): void;
  resume(): void;
  destroy(err?: Error): void;
}

export class CopyStreamQuery extends CopyToQuery {
  /** node-postgres calls this on errors it detects itself (a read timeout, a lost connection) */
  callback: (err: Error | null) => void;
  private filling: CopyChunk;
  private readonly ready: CopyChunk[] = [];
  private waiting: { resolve: () => void } | null = null;
  /** the server said ReadyForQuery: every chunk is in `ready` */
  private done = false;
  private paused = false;
  private socket: Pausable | null = null;

  constructor(private readonly sql: string, private readonly columns: CopyColumns, private readonly rowsPerChunk: number) {
    super('snapshot');
    this.filling = new CopyChunk(columns, rowsPerChunk);
    this.callback = (err) => {
      if (err) this.fail(err);
    };
  }

  submit(connection: { query(text: string): void; stream: Pausable }): void {
    this.socket = connection.stream;
    connection.query(this.sql);
  }

  handleCopyData(msg: { chunk: Buffer }): void {
    if (this.failed) return;
    const c = this.filling;
    c.append(msg.chunk);
    // Handed over at a row's end only (the server sends one row per message, so at once).
    if (c.length >= this.rowsPerChunk && c.atRowEnd()) {
      this.handOver();
      if (!this.paused) {
        this.paused = true;
        this.socket?.pause();
      }
    }
  }

  handleCommandComplete(): void {
    if (this.failed) return;
    if (this.filling.length > 0 || this.filling.bytesUsed > 0) this.handOver();
  }

  handleError(err: Error): void {
    this.fail(err);
  }

  handleReadyForQuery(): void {
    this.done = true;
    this.wake();
  }

  /** The next chunk in the server's order; null once the COPY has ended. */
  async next(): Promise<CopyChunk | null> {
    for (;;) {
      if (this.failed) throw this.failed;
      const chunk = this.ready.shift();
      if (chunk) {
        if (this.paused && this.ready.length === 0) {
          this.paused = false;
          this.socket?.resume();
        }
        return chunk;
      }
      if (this.done) return null;
      await new Promise<void>((resolve) => { this.waiting = { resolve }; });
    }
  }

  /**
   * Stops a COPY that has not ended by closing the session's connection (the protocol has no
   * other way to stop a COPY TO): the session is unusable afterwards. Nothing when it ended.
   */
  abort(): void {
    if (this.done || this.failed) return;
    this.fail(new Error('the snapshot read was stopped'));
    this.socket?.destroy();
  }

  private handOver(): void {
    const c = this.filling;
    try {
      c.finish();
    } catch (err) {
      this.fail(err as Error);
      return;
    }
    this.ready.push(c);
    this.filling = new CopyChunk(this.columns, this.rowsPerChunk);
    this.wake();
  }

  private fail(err: Error): void {
    this.failed ??= err;
    if (this.paused) {
      this.paused = false;
      this.socket?.resume();
    }
    this.wake();
  }

  private wake(): void {
    const w = this.waiting;
    this.waiting = null;
    w?.resolve();
  }
}

/** Starts `sql` (a COPY ... TO STDOUT) on `client`; chunks are taken with next(). */
export function copyStream(client: pg.Client, sql: string, columns: CopyColumns, rowsPerChunk: number): CopyStreamQuery {
  const q = new CopyStreamQuery(sql, columns, rowsPerChunk);
  client.query(q as unknown as pg.Submittable);
  return q;
}
