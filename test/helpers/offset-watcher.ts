/**
 * Follows a connector's committed offsets live, as a read_committed consumer of
 * the offsets topic sees them: every offset the connector committed, in commit
 * order (one key lives in one partition), with the time it became visible here.
 * A test uses it to act at a moment of the connector's progress (kill right after
 * a commit, in the middle of a table) and afterwards to check how the progress
 * went (e.g. that a snapshot's committed key never went back).
 */
import { randomUUID } from 'node:crypto';
import type { Consumer } from 'kafkajs';
import type { JsonMap } from '../../src/events/record.ts';
import { kafkaFor } from './kafka-reader.ts';
import type { StackEnv } from './stack-env.ts';

export interface CommittedOffset {
  readonly offset: JsonMap | null;
  /** when this consumer received it */
  readonly seenAtMs: number;
}

export class OffsetWatcher {
  private consumer: Consumer | null = null;
  readonly committed: CommittedOffset[] = [];
  private failure: unknown = null;

  constructor(private readonly env: StackEnv, private readonly topic: string, private readonly connector: string) {}

  get latest(): JsonMap | null {
    return this.committed[this.committed.length - 1]?.offset ?? null;
  }

  async start(): Promise<void> {
    const consumer = kafkaFor(this.env).consumer({ groupId: `offset-watch-${randomUUID()}`, readUncommitted: false, maxWaitTimeInMs: 50, allowAutoTopicCreation: false });
    this.consumer = consumer;
    await consumer.connect();
    // The topic appears when the connector first starts: wait for it rather than fail.
    for (let i = 0; ; i++) {
      try {
        await consumer.subscribe({ topic: this.topic, fromBeginning: true });
        break;
      } catch (err) {
        if (i > 600) throw err;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ message }) => {
        try {
          if (!message.key) return;
          const key = JSON.parse(message.key.toString()) as [string, JsonMap];
          if (key[0] !== this.connector) return;
          this.committed.push({ offset: message.value ? JSON.parse(message.value.toString()) as JsonMap : null, seenAtMs: Date.now() });
        } catch (err) {
          this.failure ??= err;
        }
      },
    });
  }

  /** Resolves with the first committed offset (from index `from` on) that satisfies `ok`; throws after timeoutMs. */
  async waitFor(what: string, ok: (offset: JsonMap | null, index: number) => boolean, timeoutMs: number, from = 0, onTick?: () => void): Promise<{ offset: JsonMap | null; index: number }> {
    const t0 = Date.now();
    for (let i = from; ;) {
      if (this.failure) throw this.failure;
      for (; i < this.committed.length; i++) if (ok(this.committed[i]!.offset, i)) return { offset: this.committed[i]!.offset, index: i };
      if (Date.now() - t0 > timeoutMs) throw new Error(`no committed offset ${what} within ${timeoutMs / 1000} s (${this.committed.length} committed; last: ${JSON.stringify(this.latest)})`);
      onTick?.();
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  async stop(): Promise<void> {
    const c = this.consumer;
    this.consumer = null;
    await c?.disconnect().catch(() => undefined);
  }
}
