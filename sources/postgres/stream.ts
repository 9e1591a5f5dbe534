/**
 * The replication read loop: pg-logical-replication's socket and pgoutput
 * parser, with every trap of shared/reference/postgres-replication.md §9 closed:
 *  - acknowledge.auto off and its timer off (timeoutSeconds 0): the library never
 *    acknowledges on its own; we send every status update ourselves;
 *  - the library's flow control off (it awaits every listener of every message
 *    through promises): our 'data' handler offers each message to a bounded queue
 *    synchronously and pauses the socket itself while the queue is full, so a slow
 *    Kafka pauses the socket instead of growing the heap;
 *  - an explicit start LSN (0/0 = the slot's confirmed_flush_lsn), never the
 *    library's "last received" position;
 *  - acknowledge(x) sends x+1, so we pass flush-1 to put exactly `flush` on the wire;
 *  - column values stay raw text (the library would run lossy global pg parsers): pgoutput.ts
 *    parses the messages, not the library, and copy-data.ts reads the CopyData messages in place
 *    of the library's listener (no LSN string, event or promise per message).
 * The flush position only moves through confirm(), which the task calls after
 * the Kafka transaction holding that position committed (DESIGN.md invariant 2).
 */
import { LogicalReplicationService, PgoutputPlugin, type Pgoutput } from 'pg-logical-replication';
import { readCopyData, takeOverCopyData, type CopyDataHandlers } from './copy-data.ts';
import { FrameQueue, type StreamItem } from './frame-queue.ts';
import type { Logger } from '../../src/log/logger.ts';
import { clientConfig, negotiatedSsl, slotError, type PgConnectionSettings } from './connection.ts';
import { formatLsn, type Lsn } from './lsn.ts';
import { PgoutputParser } from './pgoutput.ts';

export type { StreamItem } from './frame-queue.ts';

/** The socket under the library's connection: it pauses it the same way for its own flow control. */
interface PausableSocket { pause(): void; resume(): void }
function replicationSocket(service: LogicalReplicationService): PausableSocket | null {
  const stream = (service as unknown as { _connection?: { stream?: Partial<PausableSocket> } | null })._connection?.stream;
  return stream && typeof stream.pause === 'function' && typeof stream.resume === 'function' ? stream as PausableSocket : null;
}

export interface ReplicationStreamDeps {
  readonly settings: PgConnectionSettings;
  readonly slotName: string;
  readonly publicationNames: readonly string[];
  /** flush position to report until the first confirm() (the slot's confirmed_flush_lsn) */
  readonly initialFlush: Lsn;
  readonly queueCapacity: number;
  /** max.queue.size.in.bytes: bytes of pgoutput messages queued before the socket pauses (0 = none) */
  readonly queueMaxBytes: number;
  /** how often to send a status update even when nothing changed (ms; < wal_sender_timeout/2) */
  readonly statusIntervalMs: number;
  readonly log: Logger;
}

export class ReplicationStream {
  private readonly queue: FrameQueue;
  /** pgoutput parsing (pgoutput.ts, stateful: frames are parsed in stream order) */
  private parseFrame: (frame: Buffer) => Pgoutput.Message = () => { throw new Error('replication stream not started'); };
  private paused = false;
  private service: LogicalReplicationService | null = null;
  private flushed: Lsn;
  private statusTimer: NodeJS.Timeout | null = null;
  private started = false;
  private stopping = false;
  private lastHeard = Date.now();

  constructor(private readonly deps: ReplicationStreamDeps) {
    // What counts toward the byte bound is the pgoutput message as received (the XLogData payload);
    // keepalives count nothing.
    this.queue = new FrameQueue(deps.queueCapacity, deps.queueMaxBytes);
    this.flushed = deps.initialFlush;
  }

  get flushedLsn(): Lsn {
    return this.flushed;
  }

  get queued(): number {
    return this.queue.size;
  }

  /** Bytes of messages queued now and at most so far (raw pgoutput sizes). */
  get queuedBytes(): { now: number; peak: number } {
    return { now: this.queue.bytes, peak: this.queue.peakBytes };
  }

  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    // The library opens its own client, so the TLS attempt (database.sslmode) is settled first.
    const ssl = await negotiatedSsl(this.deps.settings);
    const service = new LogicalReplicationService(clientConfig(this.deps.settings, ssl) as never, {
      acknowledge: { auto: false, timeoutSeconds: 0 },
      flowControl: { enabled: false },
    });
    this.service = service;
    // The plugin only starts replication (its options); pgoutput.ts parses, each frame when taken.
    const plugin = new PgoutputPlugin({ protoVersion: 1, publicationNames: [...this.deps.publicationNames], messages: true });
    const parser = new PgoutputParser();
    this.parseFrame = (frame: Buffer) => parser.parse(frame);
    // Its start() runs right after the library added its CopyData listener, before
    // START_REPLICATION is sent: ours takes that listener's place (copy-data.ts).
    const start = plugin.start.bind(plugin);
    plugin.start = (client, slotName, lastLsn) => {
      takeOverCopyData(service, (chunk) => this.onCopyData(chunk));
      return start(client, slotName, lastLsn);
    };
    service.on('error', (err: unknown) => {
      if (!this.stopping) this.queue.fail(slotError(this.deps.settings, this.deps.slotName, err));
    });
    // subscribe() settles when the stream ends; an end we did not ask for is a failure.
    service.subscribe(plugin, this.deps.slotName, '0/0')
      .then(() => { if (!this.stopping) this.queue.fail(new Error('replication stream ended unexpectedly')); })
      .catch((err: unknown) => { if (!this.stopping) this.queue.fail(slotError(this.deps.settings, this.deps.slotName, err)); });
    // Each periodic status asks for a reply, so silence from the server is noticed (stall detection).
    this.statusTimer = setInterval(() => this.sendStatus(true), this.deps.statusIntervalMs);
    this.statusTimer.unref();
    this.deps.log.info({ slot: this.deps.slotName, flush: formatLsn(this.flushed) }, 'replication stream started');
  }

  /**
   * The queue is full: no more socket reads until take() made room. Frames already read are still
   * offered (at most one socket read past the bound). Status updates and keepalive
   * replies are writes, so they go on while reads are paused.
   */
  private pause(): void {
    if (this.paused || !this.service) return;
    const socket = replicationSocket(this.service);
    if (!socket) {
      this.queue.fail(new Error('cannot pause the replication socket: pg-logical-replication no longer exposes its connection\'s stream (a version this daemon was not built for)'));
      return;
    }
    this.paused = true;
    socket.pause();
    this.queue.whenSpace(() => {
      this.paused = false;
      if (this.service && !this.stopping) replicationSocket(this.service)?.resume();
    });
  }

  /**
   * Next items, waiting up to waitMs for the first. Throws once the stream failed and is drained.
   * Frames stay unparsed: the caller parses each as it handles it, so a parsed message lives only
   * as long as its own handling, not the whole batch's (a young-generation collection during the
   * batch copies what is alive, and the batch is up to max.batch.size messages). A frame is valid
   * until the next take() (frame-queue.ts): the caller keeps nothing that views it.
   */
  take(max: number, waitMs: number): Promise<StreamItem[]> {
    return this.queue.take(max, waitMs);
  }

  /** A CopyData message from the server: a frame queued (the socket paused when full), or a keepalive. */
  private onCopyData(chunk: Buffer): void {
    if (!readCopyData(chunk, this.copyData)) {
      this.queue.fail(new Error(`the replication stream sent a message of unknown type ${chunk[0]} (byte ${String.fromCharCode(chunk[0] ?? 0)}): PostgreSQL sends XLogData (w) and keepalives (k) only`));
    }
  }

  private readonly copyData: CopyDataHandlers = {
    xlogData: (lsn, chunk, from) => {
      this.lastHeard = Date.now();
      if (!this.queue.offerFrame(lsn, chunk, from)) this.pause();
    },
    keepalive: (walEnd, replyRequested) => {
      this.lastHeard = Date.now();
      // Only an idle stream can use a keepalive position; with data queued it is stale anyway.
      if (this.queue.size === 0) this.queue.offerKeepalive(walEnd);
      if (replyRequested) this.sendStatus();
    },
  };

  /** The pgoutput message of a frame take() handed out; every frame once, in stream order (the parser is stateful). */
  parse(frame: Buffer): Pgoutput.Message {
    return this.parseFrame(frame);
  }

  /** Everything before `lsn` is durable in Kafka: report it as flushed (never moves backwards). */
  confirm(lsn: Lsn): void {
    if (lsn <= this.flushed) return;
    this.flushed = lsn;
    this.sendStatus();
  }

  private sendStatus(ping = false): void {
    const s = this.service;
    if (!s || this.flushed === 0n) return;
    // acknowledge() writes lsn+1 into write/flush/apply.
    void s.acknowledge(formatLsn(this.flushed - 1n), ping).catch(() => undefined);
  }

  /** How long the server has been silent (no data, no keepalive) although we keep asking. */
  silentForMs(): number {
    return Date.now() - this.lastHeard;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.statusTimer) clearInterval(this.statusTimer);
    this.statusTimer = null;
    const s = this.service;
    this.service = null;
    this.queue.fail(new Error('replication stream stopped'));
    if (s) await s.destroy().catch(() => undefined);
  }
}
