/**
 * A compacted Kafka topic used as a replicated log, as Connect's KafkaBasedLog:
 * every worker tails it from the beginning and keeps the last value per key;
 * writers append and then read to the end, so a worker answers only after it
 * has seen its own write and everything before it.
 */
import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka, Producer } from 'kafkajs';
import type { Logger } from '../log/logger.ts';
import type { TopicManager, TopicSpec } from '../kafka/topics.ts';
import { SinkError } from '../errors/cdc-error.ts';

export interface LogRecord {
  readonly key: string;
  readonly value: Buffer | null;
  readonly partition: number;
  readonly offset: bigint;
}

/**
 * Longest wait of one fetch when the log has nothing new. A fetch returns as soon as a record is
 * there, so this bounds nothing a reader waits for; it only sets how often an idle worker asks
 * (at 100 ms, ten fetches a second per log were most of an idle daemon's CPU: bench/idle.ts).
 * Below kafkajs's default heartbeat interval (3 s), so the log's own group stays alive.
 */
const LOG_FETCH_WAIT_MS = 2000;

export interface KafkaLogDeps {
  readonly kafka: Kafka;
  readonly topics: TopicManager;
  readonly topic: string;
  readonly spec: TopicSpec;
  readonly log: Logger;
  readonly onRecord: (r: LogRecord) => void;
}

export class KafkaLog {
  private consumer: Consumer | null = null;
  private producer: Producer | null = null;
  /** per partition: offset of the last record we processed (control records included) */
  private readonly position = new Map<number, bigint>();
  private waiters: (() => void)[] = [];
  private catchingUp: Promise<void> | null = null;

  constructor(private readonly deps: KafkaLogDeps) {}

  async start(): Promise<void> {
    const { kafka, topic } = this.deps;
    await this.deps.topics.ensureCompacted(topic, this.deps.spec);
    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    await producer.connect();
    this.producer = producer;
    const consumer = kafka.consumer({ groupId: `cdc-log-${topic}-${randomUUID()}`, readUncommitted: false, maxWaitTimeInMs: LOG_FETCH_WAIT_MS, allowAutoTopicCreation: false });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const advance = (partition: number, offset: bigint) => {
      const cur = this.position.get(partition);
      if (cur === undefined || offset > cur) this.position.set(partition, offset);
      const ws = this.waiters;
      this.waiters = [];
      for (const w of ws) w();
    };
    consumer.on(consumer.events.END_BATCH_PROCESS, (e) => advance(e.payload.partition, BigInt(e.payload.lastOffset)));
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        if (message.key) {
          this.deps.onRecord({ key: message.key.toString('utf8'), value: message.value, partition, offset: BigInt(message.offset) });
        }
        advance(partition, BigInt(message.offset));
      },
    });
    this.consumer = consumer;
    await this.readToEnd();
  }

  /** Resolves once every record written before this call has been processed. */
  async readToEnd(timeoutMs = 30_000): Promise<void> {
    const admin = this.deps.kafka.admin();
    await admin.connect();
    let ends: { partition: number; high: string }[];
    try {
      ends = await admin.fetchTopicOffsets(this.deps.topic);
    } finally {
      await admin.disconnect();
    }
    const t0 = Date.now();
    for (;;) {
      const behind = ends.filter((e) => BigInt(e.high) > 0n && (this.position.get(e.partition) ?? -1n) < BigInt(e.high) - 1n);
      if (behind.length === 0) return;
      if (Date.now() - t0 > timeoutMs) {
        throw new SinkError({ code: 'CDC_CLUSTER_LOG_BEHIND', what: `could not read ${this.deps.topic} to its end within ${timeoutMs} ms`, fix: 'check the brokers; the worker retries', retriable: true });
      }
      await new Promise<void>((r) => { const t = setTimeout(r, 200); this.waiters.push(() => { clearTimeout(t); r(); }); });
    }
  }

  /**
   * For answers that must come in time whatever Kafka does (status, lists): waits at most
   * `ms` for a read to the end, then answers from what was read so far. Callers share one
   * read in flight, so an outage does not pile up a client per request; it is true to within
   * that read (a write made while it runs may be missed, as Connect's cached reads do).
   * Returns whether the read finished in time.
   */
  async readToEndWithin(ms: number): Promise<boolean> {
    this.catchingUp ??= this.readToEnd().finally(() => { this.catchingUp = null; });
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<boolean>((r) => { timer = setTimeout(() => r(false), ms); });
    try {
      return await Promise.race([this.catchingUp.then(() => true, () => false), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  async send(key: string, value: unknown): Promise<void> {
    if (!this.producer) throw new Error('KafkaLog not started');
    await this.producer.send({
      topic: this.deps.topic,
      acks: -1,
      messages: [{ key, value: value === null ? null : Buffer.from(JSON.stringify(value), 'utf8') }],
    });
  }

  async stop(): Promise<void> {
    const c = this.consumer, p = this.producer;
    this.consumer = null; this.producer = null;
    await c?.disconnect().catch(() => undefined);
    await p?.disconnect().catch(() => undefined);
  }
}
