/**
 * Reads a whole topic from the beginning to the end it had when the read began, with
 * read_committed isolation: records of aborted transactions are never seen, and the
 * read waits for the last stable offset, so it must run after the reader's own
 * transactional producer fenced its predecessor (an open transaction of a zombie would
 * hold the read back until the broker aborts it). Used by internal topics a plugin
 * owns (src/runtime/internal-topics.ts) to read them back before the task streams.
 */
import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { SinkError } from '../errors/cdc-error.ts';

export interface TopicRecord {
  readonly partition: number;
  readonly offset: bigint;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, Buffer | undefined>>;
  readonly timestamp: number;
}

export interface ReadToEndOptions {
  readonly where: string;
  readonly timeoutMs?: number;
}

/** Calls `each` for every committed record, partition by partition in offset order; resolves at the end. */
export async function readTopicToEnd(kafka: Kafka, topic: string, each: (r: TopicRecord) => void | Promise<void>, opts: ReadToEndOptions): Promise<number> {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const admin = kafka.admin();
  await admin.connect();
  let ends: { partition: number; high: string }[] = [];
  try {
    // A topic created a moment ago may not have elected its leaders yet: retry briefly.
    for (let attempt = 0; ; attempt++) {
      try {
        ends = await admin.fetchTopicOffsets(topic);
        break;
      } catch (err) {
        if (attempt >= 20 || !(err as { retriable?: boolean }).retriable) throw err;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  } finally {
    await admin.disconnect();
  }
  const remaining = new Map<number, bigint>();
  for (const e of ends) if (BigInt(e.high) > 0n) remaining.set(e.partition, BigInt(e.high) - 1n);
  if (remaining.size === 0) return 0;
  let count = 0;
  const consumer = kafka.consumer({ groupId: `cdc-internal-reader-${randomUUID()}`, readUncommitted: false, allowAutoTopicCreation: false });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      let failed = false;
      const timer = setTimeout(() => reject(new SinkError({
        code: 'CDC_INTERNAL_TOPIC_READ_TIMEOUT',
        what: `could not read the internal topic ${topic} to its end within ${timeoutMs} ms`,
        where: opts.where,
        fix: 'check that the topic exists, that the connector principal may READ it, and that no producer holds a transaction open on it for long',
        retriable: true,
      })), timeoutMs);
      const done = (partition: number, last: bigint) => {
        const target = remaining.get(partition);
        if (target !== undefined && last >= target) remaining.delete(partition);
        if (remaining.size === 0) { clearTimeout(timer); resolve(); }
      };
      // Batches of only control or aborted records never reach eachMessage; the end of batch says how far the fetch got.
      consumer.on(consumer.events.END_BATCH_PROCESS, (e) => done(e.payload.partition, BigInt(e.payload.lastOffset)));
      consumer.run({
        autoCommit: false,
        eachMessage: async ({ partition, message }) => {
          const offset = BigInt(message.offset);
          const target = remaining.get(partition);
          // Records past the end as it was when the read began belong to a later run: not ours to replay.
          if (failed || target === undefined || offset > target) return;
          count++;
          const headers: Record<string, Buffer | undefined> = {};
          for (const [k, v] of Object.entries(message.headers ?? {})) headers[k] = Array.isArray(v) ? (v[0] === undefined ? undefined : Buffer.from(v[0])) : (v === undefined ? undefined : Buffer.from(v));
          try {
            await each({ partition, offset, key: message.key, value: message.value, headers, timestamp: Number(message.timestamp) });
          } catch (err) {
            // The reader's own failure (e.g. a record the plugin cannot parse) ends the read; kafkajs would retry it forever.
            failed = true;
            clearTimeout(timer);
            reject(err);
            return;
          }
          done(partition, offset);
        },
      }).catch((err: unknown) => { clearTimeout(timer); reject(err); });
    });
  } finally {
    await consumer.disconnect().catch(() => undefined);
  }
  return count;
}
