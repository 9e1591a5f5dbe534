/**
 * What this worker knows about reaching Kafka, learnt from the client's own log
 * stream, and the routing of that stream into ours.
 *
 * Why: during a broker outage kafkajs logs every retry of every client (hundreds
 * of lines a minute), while the worker's status must say, from memory and at
 * once, that Kafka is unreachable and since when. So a connection failure in the
 * client log, once a TCP probe of that broker fails too (a client may log a retry
 * that failed earlier after the broker is back), opens an outage (one line:
 * "Kafka unreachable since ..."); while it
 * lasts, the client's lines are folded (counted, kept at debug); a TCP probe of
 * the failed brokers every second closes it (one line: "Kafka reachable again
 * after ..."). Outside outages a line the client repeats is logged once per
 * window with the number of repeats.
 * The probe checks only that the broker listens; the clients find out the rest
 * themselves, and status says RUNNING only once a task runs again.
 */
import { connect } from 'node:net';
import { logLevel, type LogEntry } from 'kafkajs';
import type { Logger } from '../log/logger.ts';

export interface KafkaOutage {
  /** epoch ms of the first connection failure of this outage */
  readonly since: number;
  /** host:port of every broker not reachable now */
  readonly brokers: readonly string[];
  /** the client's words for the first failure, e.g. "connect ECONNREFUSED 10.0.0.5:9092" */
  readonly error: string;
}

export interface KafkaReachabilityDeps {
  /** bootstrap brokers, host:port */
  readonly brokers: readonly string[];
  /** where the client's lines and the state-change lines go (the kafkajs component logger) */
  readonly log: Logger;
  readonly probe?: (broker: string, timeoutMs: number) => Promise<boolean>;
  readonly now?: () => number;
  readonly probeIntervalMs?: number;
  /** a repeated client line is logged at most once per this window */
  readonly repeatWindowMs?: number;
}

/** Socket-level failures: the broker is not there, not a protocol answer from a live broker. */
const CONNECTION_FAILURE = /Connection error|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|EPIPE|Connection timeout|Closed connection|socket hang up/i;
/** A broker that answers but refuses the handshake is reachable: a setup problem, logged as such (once per window). */
const HANDSHAKE_FAILURE = /TLS|SSL|certificate|SASL|authenticat/i;
const HOST_PORT = /((?:\d{1,3}\.){3}\d{1,3}|\[[0-9a-f:]+\]|[A-Za-z0-9][A-Za-z0-9.-]*):(\d{1,5})/;

export class KafkaReachability {
  private readonly down = new Map<string, { since: number; error: string }>();
  private outageSince: number | null = null;
  private firstError = '';
  private folded = 0;
  private readonly repeats = new Map<string, { at: number; suppressed: number }>();
  private timer: NodeJS.Timeout | null = null;
  /** a failure line seen outside an outage, while one probe checks it */
  private confirming: { brokers: Map<string, string>; held: LogEntry[]; done: Promise<void> } | null = null;
  private readonly now: () => number;

  constructor(private readonly d: KafkaReachabilityDeps) {
    this.now = d.now ?? Date.now;
  }

  /** The current outage, or null while every broker that failed has been reached again. */
  outage(): KafkaOutage | null {
    if (this.outageSince === null) return null;
    return { since: this.outageSince, brokers: [...this.down.keys()].sort(), error: this.firstError };
  }

  /** The kafkajs logCreator's target. */
  route(entry: LogEntry): void {
    const failure = connectionFailure(entry.log.message, entry.log, this.d.brokers);
    if (failure) this.suspect(failure.broker, failure.error);
    if (this.confirming !== null) { this.confirming.held.push(entry); return; }
    this.emit(entry);
  }

  private emit(entry: LogEntry): void {
    const { message, ...rest } = entry.log;
    const obj = { ns: entry.namespace, ...rest };
    if (this.outageSince !== null) {
      this.folded++;
      this.d.log.debug(obj, message);
      return;
    }
    // kafkajs logs retriable failures as errors; they are warnings for us (the caller retries).
    // Its own warnings are advice about the client, kept at debug.
    if (entry.level > logLevel.ERROR) { this.d.log.debug(obj, message); return; }
    const key = `${entry.namespace}|${normalise(message)}|${normalise(String(rest.error ?? ''))}`;
    const now = this.now();
    const seen = this.repeats.get(key);
    if (seen && now - seen.at < (this.d.repeatWindowMs ?? 60_000)) {
      seen.suppressed++;
      this.d.log.debug(obj, message);
      return;
    }
    this.repeats.set(key, { at: now, suppressed: 0 });
    if (this.repeats.size > 500) this.repeats.delete(this.repeats.keys().next().value!);
    this.d.log.warn(seen && seen.suppressed > 0 ? { ...obj, repeatedSinceLastLine: seen.suppressed } : obj, message);
  }

  /**
   * A client line tells of a connection failure. During an outage the broker joins it. Otherwise
   * one probe confirms it first: a client may log a failure late (a retry that began while the
   * broker was away), and status must not say "unreachable" while the broker answers. Lines
   * meanwhile are held, then folded into the outage or logged as usual.
   */
  private suspect(broker: string, error: string): void {
    if (this.outageSince !== null) { this.markDown(broker, error, this.now()); return; }
    if (this.confirming !== null) { this.confirming.brokers.set(broker, error); return; }
    const brokers = new Map([[broker, error]]);
    const held: LogEntry[] = [];
    const since = this.now();
    const done = (this.d.probe ?? tcpProbe)(broker, 1000).catch(() => false).then((reachable) => {
      this.confirming = null;
      // Brokers named while the probe ran join a confirmed outage (probeAll checks them every second).
      if (!reachable) for (const [b, e] of brokers) this.markDown(b, e, since);
      for (const e of held) this.emit(e);
    });
    this.confirming = { brokers, held, done };
  }

  /** Waits for a confirmation probe under way (tests). */
  async settled(): Promise<void> {
    while (this.confirming !== null) await this.confirming.done;
  }

  private markDown(broker: string, error: string, now: number): void {
    if (this.down.has(broker)) return;
    this.down.set(broker, { since: now, error });
    if (this.outageSince !== null) return;
    this.outageSince = now;
    this.firstError = error;
    this.folded = 0;
    this.d.log.warn({ broker, err: error, since: new Date(now).toISOString() },
      `Kafka unreachable since ${new Date(now).toISOString()}: ${error}; clients retry, connectors say RESTARTING or STALLED, and client retry messages are folded until it is back`);
    this.schedule();
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => { this.timer = null; void this.probeAll(); }, this.d.probeIntervalMs ?? 1000);
    this.timer.unref();
  }

  /** Probes every broker marked down; the outage ends when none is left. Exposed for tests. */
  async probeAll(): Promise<void> {
    const probe = this.d.probe ?? tcpProbe;
    await Promise.all([...this.down.keys()].map(async (b) => { if (await probe(b, 1000)) this.down.delete(b); }));
    if (this.outageSince === null) return;
    if (this.down.size > 0) { this.schedule(); return; }
    const now = this.now();
    const since = this.outageSince;
    this.outageSince = null;
    this.d.log.info({ since: new Date(since).toISOString(), unreachableMs: now - since, foldedClientMessages: this.folded },
      `Kafka reachable again after ${((now - since) / 1000).toFixed(1)} s (unreachable since ${new Date(since).toISOString()}); ${this.folded} client retry messages were folded into these two lines`);
    this.folded = 0;
    this.repeats.clear();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

/** The broker and error of a socket-level failure in a client log line, or null. */
export function connectionFailure(message: string, fields: Record<string, unknown>, bootstrap: readonly string[]): { broker: string; error: string } | null {
  const text = `${message} ${typeof fields.error === 'string' ? fields.error : ''}`;
  if (!CONNECTION_FAILURE.test(text) || HANDSHAKE_FAILURE.test(text)) return null;
  const broker = typeof fields.broker === 'string' && fields.broker ? fields.broker : HOST_PORT.exec(text)?.[0] ?? bootstrap[0] ?? 'bootstrap';
  const error = (/Connection error: (.*)$/.exec(message)?.[1] ?? message).replace(/^.*?Connection error: /, '');
  return { broker, error };
}

/** Numbers (retry counts, delays, correlation ids) differ between repeats of one message. */
function normalise(s: string): string {
  return s.replace(/\d+/g, '#');
}

function tcpProbe(broker: string, timeoutMs: number): Promise<boolean> {
  const m = /^\[?(.+?)\]?:(\d+)$/.exec(broker);
  if (!m) return Promise.resolve(false);
  return new Promise((resolve) => {
    const socket = connect({ host: m[1]!, port: Number(m[2]) });
    const done = (ok: boolean) => { socket.destroy(); resolve(ok); };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
