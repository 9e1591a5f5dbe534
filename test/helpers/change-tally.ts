/**
 * A lean read_committed reader of JSON change-event topics (JsonConverter with
 * schemas.enable=false) for tests with millions of events: per topic it keeps,
 * in log order, only each record's key id, its kind and one integer column of
 * the row (the caller names it), in flat arrays, so 10^6..10^7 events fit and
 * decode fast. Kinds: r c u d (Debezium op) and t (tombstone). source.snapshot
 * of "r" records is kept as a flag. It keeps reading until stopped; caughtUp()
 * says whether every partition was read up to its last stable offset.
 */
import { randomUUID } from 'node:crypto';
import type { Consumer } from 'kafkajs';
import { kafkaFor } from './kafka-reader.ts';
import type { StackEnv } from './stack-env.ts';

export const KINDS = ['r', 'c', 'u', 'd', 't'] as const;
export type Kind = (typeof KINDS)[number];

export class TopicTally {
  readonly ids: number[] = [];
  readonly kinds: Kind[] = [];
  /** the row's value column (after for r/c/u), NaN for d and t */
  readonly values: number[] = [];
  readonly snapshotFlags: (string | null)[] = [];
  get length(): number { return this.ids.length; }
}

export class ChangeTally {
  private consumer: Consumer | null = null;
  readonly topics = new Map<string, TopicTally>();
  private readonly position = new Map<string, bigint>();
  private failure: unknown = null;

  constructor(private readonly env: StackEnv, private readonly deps: { topics: readonly string[]; keyField: string; valueField: string }) {
    for (const t of deps.topics) this.topics.set(t, new TopicTally());
  }

  async start(): Promise<void> {
    const consumer = kafkaFor(this.env).consumer({ groupId: `tally-${randomUUID()}`, readUncommitted: false, maxWaitTimeInMs: 100, maxBytes: 32 << 20, maxBytesPerPartition: 16 << 20 });
    this.consumer = consumer;
    await consumer.connect();
    consumer.on(consumer.events.END_BATCH_PROCESS, (e) => this.advance(`${e.payload.topic}/${e.payload.partition}`, BigInt(e.payload.lastOffset)));
    await consumer.subscribe({ topics: [...this.deps.topics], fromBeginning: true });
    const { keyField, valueField } = this.deps;
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        try {
          const t = this.topics.get(batch.topic)!;
          for (const m of batch.messages) {
            const key = JSON.parse(m.key!.toString()) as Record<string, unknown>;
            t.ids.push(Number(key[keyField]));
            if (m.value === null) { t.kinds.push('t'); t.values.push(NaN); t.snapshotFlags.push(null); continue; }
            const v = JSON.parse(m.value.toString()) as { op: Kind; after: Record<string, unknown> | null; source: { snapshot?: string } };
            t.kinds.push(v.op);
            t.values.push(v.after ? Number(v.after[valueField]) : NaN);
            t.snapshotFlags.push(v.op === 'r' ? String(v.source.snapshot) : null);
          }
          if (batch.messages.length > 0) this.advance(`${batch.topic}/${batch.partition}`, BigInt(batch.messages[batch.messages.length - 1]!.offset));
        } catch (err) {
          this.failure ??= err;
        }
      },
    });
  }

  private advance(k: string, offset: bigint): void {
    if ((this.position.get(k) ?? -1n) < offset) this.position.set(k, offset);
  }

  /** True when every partition of every topic was read up to its last stable offset as it is now. */
  async caughtUp(): Promise<boolean> {
    if (this.failure) throw this.failure;
    const admin = kafkaFor(this.env).admin();
    await admin.connect();
    try {
      for (const topic of this.deps.topics) {
        for (const p of await admin.fetchTopicOffsets(topic)) {
          if (BigInt(p.high) > BigInt(p.low) && (this.position.get(`${topic}/${p.partition}`) ?? -1n) < BigInt(p.high) - 1n) return false;
        }
      }
      return true;
    } finally {
      await admin.disconnect();
    }
  }

  check(): void {
    if (this.failure) throw this.failure;
  }

  async stop(): Promise<void> {
    const c = this.consumer;
    this.consumer = null;
    await c?.disconnect().catch(() => undefined);
  }
}
