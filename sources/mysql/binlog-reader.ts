/**
 * Reads a MySQL/MariaDB binlog through @vlasky/zongji 0.9 (mysql2 underneath) and hands out
 * BinlogEvents (binlog-events.ts) one at a time to a consumer that may be slower than the server.
 * What it adds to zongji (mysql-binlog.md §8, issue 10):
 *   - back-pressure: events wait in a queue bounded by rows and bytes; past the bound the dump
 *     socket is paused (mysql2 Connection.pause) so the server, not our heap, holds the binlog;
 *   - reconnect with exponential backoff after the dump connection drops (zongji has none, and
 *     its ready flag stays true): a fresh zongji resumes at the open transaction's start (its
 *     GTID event's own start) and the events of it already received are skipped, so the
 *     consumer sees every event exactly once across the drop;
 *   - heartbeats: @master_heartbeat_period is set before the dump, heartbeat events come out,
 *     and silence for three periods while not paused counts as a dropped connection;
 *   - exact values: dateStrings, timezone 'Z', jsonStrings, big numbers as strings;
 *   - clear errors for fatal cases (binlog-errors.ts), a duplicate server id among them.
 */
import ZongJi from '@vlasky/zongji';
import mysql from 'mysql2/promise';
import type { ConnectionOptions } from 'mysql2';
import { SourceError } from '../../src/errors/cdc-error.ts';
import { classifyBinlogError } from './binlog-errors.ts';
import { EventTranslator, type BinlogEvent, type ZongjiEventLike } from './binlog-events.ts';
import { EventQueue } from './event-queue.ts';
import { DEFAULT_QUEUE_BOUNDS, DEFAULT_RECONNECT, type BinlogReaderOptions, type ReconnectPolicy } from './binlog-reader-options.ts';
import { GtidTracker } from './gtid-tracker.ts';
import { ReconnectReplay } from './reconnect-replay.ts';

export { DEFAULT_QUEUE_BOUNDS } from './binlog-reader-options.ts';
export type { BinlogReaderOptions, BinlogStart, ReconnectPolicy } from './binlog-reader-options.ts';

type State = 'new' | 'running' | 'reconnecting' | 'stopped' | 'failed';

export class BinlogReader {
  private state: State = 'new';
  private z: ZongJi | null = null;
  private translator: EventTranslator | null = null;
  private tracker: GtidTracker | null = null;
  private readonly queue: EventQueue<BinlogEvent>;
  private paused = false;
  private flavorValue: 'mariadb' | 'mysql' | null = null;
  private serverIdOfServer: number | null = null;
  private readonly replay = new ReconnectReplay();
  private positionKnown = false;
  private firstRotateSeen = false;
  private lastPacketAt = Date.now();
  private watchdog: NodeJS.Timeout | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private attempts = 0;
  private readonly where: string;
  private readonly policy: ReconnectPolicy;
  reconnects = 0;

  constructor(private readonly opts: BinlogReaderOptions) {
    this.where = opts.where ?? `binlog of ${String(opts.connection.host)}:${String(opts.connection.port ?? 3306)}`;
    this.policy = { ...DEFAULT_RECONNECT, ...opts.reconnect };
    this.queue = new EventQueue<BinlogEvent>(opts.bounds ?? DEFAULT_QUEUE_BOUNDS, {
      onHigh: () => this.pauseSocket(),
      onLow: () => this.resumeSocket(),
    });
  }

  get flavor(): 'mariadb' | 'mysql' | null { return this.flavorValue; }
  /** @@server_id of the server read (MySQL events carry no origin id in zongji's output). */
  get sourceServerId(): number | null { return this.serverIdOfServer; }
  /** Connection id of the dump thread (what `KILL <id>` on the server drops). */
  get dumpThreadId(): number | null { return this.z?.connection?.threadId ?? null; }
  get isPaused(): boolean { return this.paused; }
  get stats(): { queuedRows: number; queuedBytes: number; peakRows: number; peakBytes: number; reconnects: number; paused: boolean } {
    return { queuedRows: this.queue.queuedRows, queuedBytes: this.queue.queuedBytes, peakRows: this.queue.peakRows, peakBytes: this.queue.peakBytes, reconnects: this.reconnects, paused: this.paused };
  }

  /** Connects and requests the dump; rejects when the first connection fails. */
  async start(): Promise<void> {
    if (this.state !== 'new') throw new Error('BinlogReader.start() called twice');
    this.state = 'running';
    await this.prepare();
    const s = this.opts.start;
    await this.connect('file' in s ? { file: s.file, pos: s.pos } : { gtids: s.gtids }, true);
    if (this.opts.heartbeatIntervalMs !== 0) this.startWatchdog();
  }

  /** The next event; null once stopped. Throws the fatal error that ended the stream. */
  next(signal?: AbortSignal): Promise<BinlogEvent | null> {
    return this.queue.take(signal);
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<BinlogEvent> {
    for (;;) {
      const e = await this.next();
      if (e === null) return;
      yield e;
    }
  }

  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    this.state = 'stopped';
    if (this.watchdog) clearInterval(this.watchdog);
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.teardown();
    this.queue.close();
  }

  /** Flavor, the server's own id and, for a file start on MariaDB, the GTID position there. */
  private async prepare(): Promise<void> {
    const ctl = await mysql.createConnection({ ...this.opts.connection });
    try {
      const [rows] = await ctl.query('SELECT VERSION() AS v, @@server_id AS id');
      const r = (rows as { v: string; id: number }[])[0]!;
      this.flavorValue = /mariadb/i.test(r.v) ? 'mariadb' : 'mysql';
      this.serverIdOfServer = Number(r.id);
      const s = this.opts.start;
      if ('gtids' in s) {
        this.tracker = this.flavorValue === 'mariadb' ? GtidTracker.mariadb(s.gtids) : GtidTracker.mysql(s.gtids);
      } else if (this.flavorValue === 'mariadb') {
        const [g] = await ctl.query('SELECT BINLOG_GTID_POS(?, ?) AS p', [s.file, s.pos]);
        const p = (g as { p: string | null }[])[0]?.p;
        this.tracker = GtidTracker.mariadb(p ?? '');
      } else {
        this.tracker = GtidTracker.mysql(null);
      }
    } finally {
      await ctl.end().catch(() => {});
    }
  }

  private headerBytes(z: ZongJi): number {
    return z.useChecksum ? 23 : 19;
  }

  private connect(from: { file: string; pos: number } | { gtids: string }, first: boolean): Promise<void> {
    const z = new ZongJi({
      ...this.opts.connection,
      dateStrings: true, timezone: 'Z', jsonStrings: true, supportBigNumbers: true, bigNumberStrings: true,
    } as ConnectionOptions);
    this.z = z;
    this.paused = false;
    this.firstRotateSeen = false;
    const start = 'file' in from ? from : { file: '', pos: 4 };
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      z.on('ready', () => {
        const c = z.connection!;
        const hb = this.opts.heartbeatIntervalMs ?? 10_000;
        // Queries sent here run on the dump connection before zongji enqueues the dump command.
        if (hb > 0) {
          const ns = BigInt(hb) * 1_000_000n;
          c.query(`SET @master_heartbeat_period = ${ns}, @source_heartbeat_period = ${ns}`, () => {});
        }
        const writeTimeout = this.opts.netWriteTimeoutSec ?? 3600;
        if (writeTimeout > 0) c.query(`SET SESSION net_write_timeout = ${Math.max(1, Math.floor(writeTimeout))}`, () => {});
        const readTimeout = this.opts.netReadTimeoutSec ?? 0;
        if (readTimeout > 0) c.query(`SET SESSION net_read_timeout = ${Math.max(1, Math.floor(readTimeout))}`, () => {});
        this.translator = new EventTranslator(start, this.headerBytes(z), this.tracker!);
        this.lastPacketAt = Date.now();
        if (!settled) { settled = true; resolve(); }
      });
      z.on('binlog', (e: unknown) => {
        if (this.z !== z) return;
        this.onZongjiEvent(e as ZongjiEventLike);
      });
      z.on('error', (err: unknown) => {
        if (this.z !== z || this.state === 'stopped') return;
        const c = classifyBinlogError(err, this.where);
        if (!settled && first) {
          settled = true;
          void this.teardown();
          this.state = 'failed';
          reject(c.retriable ? new SourceError({
            code: 'CDC_MYSQL_BINLOG_CONNECT', what: `cannot start reading the binlog: ${(err as Error)?.message ?? String(err)}`,
            where: this.where, fix: 'check that the server is reachable at database.hostname:database.port and that log_bin is on', retriable: true, cause: err,
          }) : c.error);
          return;
        }
        settled = true;
        if (c.retriable) this.scheduleReconnect(err);
        else this.fail(c.error);
      });
      z.start({
        serverId: this.opts.serverId,
        ...('file' in from ? { filename: from.file, position: from.pos } : { gtidSet: from.gtids }),
        ...(this.opts.annotateRows ? { requestAnnotateRows: true } : {}),
        ...(this.opts.includeSchema ? { includeSchema: this.opts.includeSchema } : {}),
      });
    });
  }

  private onZongjiEvent(raw: ZongjiEventLike): void {
    this.lastPacketAt = Date.now();
    this.attempts = 0;
    const t = this.translator;
    if (!t) return;
    const e = t.translate(raw);
    // Artificial events of a dump start (rotate, format) carry no position: they do not count.
    if (e && raw.nextPosition > 0 && t.resumePoint.file !== '') this.positionKnown = true;
    if (e === null) return;
    if (e.type === 'rotate') {
      // A dump starts with an artificial rotate naming the current file: pass on only real changes.
      const isFirstEver = !this.firstRotateSeen && this.reconnects === 0;
      this.firstRotateSeen = true;
      if (!isFirstEver && raw.nextPosition === 0) return;
    }
    const verdict = this.replay.admit(e);
    if (verdict === 'skip') return;
    if (verdict !== 'queue') {
      this.fail(new SourceError({
        code: 'CDC_MYSQL_REPLAY_MISMATCH',
        what: `after reconnecting, the binlog at the transaction start holds ${verdict.mismatch.found ?? 'no GTID'} instead of ${verdict.mismatch.expected}`,
        where: this.where,
        fix: 'the server replaced its binlog (restore, failover to another server); restart the connector from its committed offset',
      }));
      return;
    }
    const rows = e.type === 'rows' ? e.rows.length : 1;
    this.queue.push(e, { rows, bytes: e.bytes });
    // zongji resumes the socket itself after fetching metadata: pause again if we must.
    if (this.queue.isHigh && this.paused) setImmediate(() => { if (this.paused) this.z?.connection?.pause(); });
  }

  private pauseSocket(): void {
    this.paused = true;
    this.z?.connection?.pause();
  }

  private resumeSocket(): void {
    this.paused = false;
    this.lastPacketAt = Date.now();
    this.z?.connection?.resume();
  }

  private startWatchdog(): void {
    const hb = this.opts.heartbeatIntervalMs ?? 10_000;
    if (hb <= 0) return;
    const silence = hb * 3 + 5000;
    this.watchdog = setInterval(() => {
      if (this.state !== 'running' || this.paused) return;
      if (Date.now() - this.lastPacketAt > silence) {
        this.scheduleReconnect(new Error(`no binlog event or heartbeat for ${silence} ms`));
      }
    }, Math.min(hb, 5000));
    this.watchdog.unref();
  }

  private scheduleReconnect(cause: unknown): void {
    if (this.state !== 'running') return;
    this.state = 'reconnecting';
    const t = this.translator;
    const open = t?.openTransaction ?? null;
    const resume = t?.resumePoint;
    // Resume at the open transaction's start and drop what of it is already queued.
    this.replay.onDrop(open);
    const from = this.positionKnown && resume && resume.file !== ''
      ? { file: resume.file, pos: resume.pos }
      : 'file' in this.opts.start ? { file: this.opts.start.file, pos: this.opts.start.pos } : { gtids: this.tracker?.toString() ?? this.opts.start.gtids };
    this.attempts++;
    if (this.attempts > this.policy.maxAttempts) {
      this.fail(new SourceError({
        code: 'CDC_MYSQL_BINLOG_CONNECT',
        what: `the binlog connection dropped and ${this.policy.maxAttempts} reconnect attempts failed: ${(cause as Error)?.message ?? String(cause)}`,
        where: this.where,
        fix: 'check that the server is up and reachable; the connector resumes from its committed offset when restarted',
        retriable: true,
        cause,
      }));
      return;
    }
    const delay = Math.min(this.policy.maxDelayMs, this.policy.initialDelayMs * 2 ** Math.min(this.attempts - 1, 16));
    this.opts.onReconnect?.({ attempt: this.attempts, delayMs: delay, cause });
    void this.teardown().then(() => {
      if (this.state !== 'reconnecting') return;
      this.retryTimer = setTimeout(() => {
        if (this.state !== 'reconnecting') return;
        this.state = 'running';
        this.reconnects++;
        this.lastPacketAt = Date.now();
        this.connect(from, false).catch(() => {});
      }, delay);
    });
  }

  private fail(err: SourceError): void {
    if (this.state === 'stopped' || this.state === 'failed') return;
    this.state = 'failed';
    if (this.watchdog) clearInterval(this.watchdog);
    void this.teardown();
    this.queue.fail(err);
  }

  private teardown(): Promise<void> {
    const z = this.z;
    this.z = null;
    if (!z) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = setTimeout(resolve, 2000);
      done.unref();
      z.once('stopped', () => { clearTimeout(done); resolve(); });
      z.on('error', () => {});
      try { z.stop(); } catch { clearTimeout(done); resolve(); }
    });
  }
}
