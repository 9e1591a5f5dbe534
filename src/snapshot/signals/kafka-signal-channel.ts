/**
 * The kafka channel: reads partition 0 of the signal topic (records keyed by topic.prefix
 * are signals, as Debezium's KafkaSignalChannel reads them) into memory, and hands them out
 * in topic order with the position after each.
 *
 * Exactly once: nothing is committed to the consumer group. The position after the last
 * signal handed out is part of the connector offset (signal-hub.ts), committed in the same
 * Kafka transaction as the signal's effect, and the channel starts from the committed
 * position; a crash before that commit reads the signal again and the effect, which was
 * not committed either, is applied again, once.
 * kafkajs has no manual partition assignment, so the consumer joins a group of its own
 * (<signal.kafka.groupId>-<random>, as the daemon's other readers do) and seeks.
 */
import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import type { Logger } from '../../log/logger.ts';
import type { TopicManager } from '../../kafka/topics.ts';
import { rawFromTopicValue, type RawSignal } from './signal.ts';
import type { SignalConfig } from './signal-config.ts';

/** What the runtime gives a task for the kafka channel: the worker's Kafka client. */
export interface SignalKafkaAccess {
  readonly kafka: Kafka;
  readonly topics: TopicManager;
  /** the worker's bootstrap.servers (host:port) */
  readonly brokers: readonly string[];
}

export interface TopicSignal {
  /** null: a record of the topic that is not a signal for this connector (other key, not JSON) */
  readonly raw: RawSignal | null;
  readonly offset: bigint;
  readonly why?: string;
}

/** Records held in memory before the consumer pauses (signals are rare; this bounds a flood). */
const MAX_BUFFERED = 1000;

export class KafkaSignalChannel {
  private consumer: Consumer | null = null;
  private buffer: TopicSignal[] = [];
  private paused = false;
  /** records below this offset were handled before (the committed position) */
  private from: bigint = 0n;

  constructor(private readonly deps: { access: SignalKafkaAccess; config: SignalConfig; log: Logger }) {}

  /** Starts reading at `from` (the committed position), or where auto.offset.reset says when null. */
  async start(from: bigint | null): Promise<void> {
    const { access, config, log } = this.deps;
    await access.topics.ensure([config.topic], () => ({ partitions: 1, replicationFactor: -1 }));
    this.from = from ?? 0n;
    const consumer = access.kafka.consumer({
      groupId: `${config.groupId}-${randomUUID()}`, allowAutoTopicCreation: false, ...config.consumer,
    });
    await consumer.connect();
    await consumer.subscribe({ topic: config.topic, fromBeginning: from !== null || config.fromBeginning });
    let warnedPartition = false;
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ partition, message }) => {
        if (partition !== 0) {
          if (!warnedPartition) log.warn({ topic: config.topic, partition }, 'signal topic has more than one partition: only partition 0 is read, as Debezium does; produce signals to partition 0');
          warnedPartition = true;
          return;
        }
        const offset = BigInt(message.offset);
        if (offset < this.from) return;
        const key = message.key?.toString('utf8') ?? null;
        if (key !== config.key) {
          this.buffer.push({ raw: null, offset, why: `key ${JSON.stringify(key)} is not topic.prefix "${config.key}"` });
        } else {
          const raw = message.value ? rawFromTopicValue(message.value.toString('utf8')) : null;
          this.buffer.push(raw ? { raw, offset } : { raw: null, offset, why: 'the value is not a JSON object {"id", "type", "data"}' });
        }
        if (this.buffer.length >= MAX_BUFFERED && !this.paused) {
          this.paused = true;
          consumer.pause([{ topic: config.topic, partitions: [0] }]);
        }
      },
    });
    if (from !== null) consumer.seek({ topic: config.topic, partition: 0, offset: String(from) });
    this.consumer = consumer;
  }

  /** Records read since the last take, in topic order. */
  take(): TopicSignal[] {
    const out = this.buffer;
    this.buffer = [];
    if (out.length > 0) this.from = out[out.length - 1]!.offset + 1n;
    if (this.paused && this.consumer) {
      this.paused = false;
      this.consumer.resume([{ topic: this.deps.config.topic, partitions: [0] }]);
    }
    return out;
  }

  async stop(): Promise<void> {
    const c = this.consumer;
    this.consumer = null;
    await c?.disconnect().catch(() => undefined);
  }
}

/** The position Debezium's signal consumer committed for signal.kafka.groupId (takeover), or null. */
export async function debeziumGroupPosition(access: SignalKafkaAccess, groupId: string, topic: string): Promise<bigint | null> {
  const admin = access.kafka.admin();
  await admin.connect();
  try {
    const groups = await admin.fetchOffsets({ groupId, topics: [topic] });
    const p0 = groups.find((g) => g.topic === topic)?.partitions.find((p) => p.partition === 0);
    return p0 && BigInt(p0.offset) >= 0n ? BigInt(p0.offset) : null;
  } catch {
    return null;
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Same brokers, whatever the order and spelling of the lists. */
export function sameBrokers(a: readonly string[], b: readonly string[]): boolean {
  const norm = (l: readonly string[]): string[] => [...new Set(l.flatMap((x) => x.split(',')).map((x) => x.trim().toLowerCase()).filter(Boolean))].sort();
  const x = norm(a), y = norm(b);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}
