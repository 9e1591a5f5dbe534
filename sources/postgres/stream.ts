/**
 * The replication read loop: pg-logical-replication's socket and pgoutput
 * parser, with every trap of shared/reference/postgres-replication.md §9 closed:
 *  - acknowledge.auto off and its timer off (timeoutSeconds 0): the library never
 *    acknowledges on its own; we send every status update ourselves;
 *  - flow control on, and our 'data' handler awaits space in a bounded queue, so
 *    a slow Kafka pauses the socket instead of growing the heap;
 *  - an explicit start LSN (0/0 = the slot's confirmed_flush_lsn), never the
 *    library's "last received" position;
 *  - acknowledge(x) sends x+1, so we pass flush-1 to put exactly `flush` on the wire;
 *  - column values stay raw text (the library would run lossy global pg parsers).
 * The flush position only moves through confirm(), which the task calls after
 * the Kafka transaction holding that position committed (DESIGN.md invariant 2).
 */
import { LogicalReplicationService, PgoutputPlugin, type Pgoutput } from 'pg-logical-replication';
import { BoundedQueue } from '../../src/runtime/bounded-queue.ts';
import type { Logger } from '../../src/log/logger.ts';
import { clientConfig, negotiatedSsl, slotError, type PgConnectionSettings } from './connection.ts';
import { formatLsn, parseLsn, type Lsn } from './lsn.ts';

export type StreamItem =
  | { kind: 'message'; lsn: Lsn; msg: Pgoutput.Message }
  | { kind: 'keepalive'; walEnd: Lsn };

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
  private readonly queue: BoundedQueue<StreamItem>;
  /** Raw size of each parsed message: the parse runs when the frame arrives, the queue put later. */
  private readonly rawSize = new WeakMap<object, number>();
  private service: LogicalReplicationService | null = null;
  private flushed: Lsn;
  private statusTimer: NodeJS.Timeout | null = null;
  private started = false;
  private stopping = false;
  private lastHeard = Date.now();

  constructor(private readonly deps: ReplicationStreamDeps) {
    // What counts toward the byte bound is the pgoutput message as received (the XLogData payload);
    // keepalives count nothing. The decoded tuple on the heap is a few times larger.
    this.queue = new BoundedQueue<StreamItem>(deps.queueCapacity, {
      maxBytes: deps.queueMaxBytes,
      weigh: (it) => (it.kind === 'message' ? this.rawSize.get(it.msg) ?? 0 : 0),
    });
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
      flowControl: { enabled: true },
    });
    this.service = service;
    const plugin = new PgoutputPlugin({ protoVersion: 1, publicationNames: [...this.deps.publicationNames], messages: true });
    const parse = plugin.parse.bind(plugin);
    plugin.parse = (buf: Buffer) => {
      const msg = parse(buf) as Pgoutput.Message;
      this.rawSize.set(msg, buf.length);
      // The parser captured global pg type parsers per column; keep the raw text instead.
      // Relation messages always precede the tuples that use them, so this runs first.
      if (msg.tag === 'relation') for (const c of msg.columns) c.parser = (raw: unknown) => raw;
      return msg;
    };
    service.on('data', async (lsn: string, msg: Pgoutput.Message) => {
      this.lastHeard = Date.now();
      await this.queue.put({ kind: 'message', lsn: parseLsn(lsn), msg });
    });
    service.on('heartbeat', async (lsn: string, _ts: number, shouldRespond: boolean) => {
      this.lastHeard = Date.now();
      // Only an idle stream can use a keepalive position; with data queued it is stale anyway.
      if (this.queue.size === 0) await this.queue.put({ kind: 'keepalive', walEnd: parseLsn(lsn) });
      if (shouldRespond) this.sendStatus();
    });
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

  /** Next items, waiting up to waitMs for the first. Throws once the stream failed and is drained. */
  take(max: number, waitMs: number): Promise<StreamItem[]> {
    return this.queue.take(max, waitMs);
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
