/**
 * Reads a connector's committed offsets from the offsets topic with
 * read_committed isolation, to the end of the log as it stood when we started.
 * Called only after the task's producer fenced its predecessor, so no offset of
 * ours can still be in flight (DESIGN.md invariant 3).
 */
import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { JsonMap } from '../events/record.ts';
import { parseOffsetKey, partitionId } from './offset-key.ts';
import { SinkError } from '../errors/cdc-error.ts';

export interface ConnectorOffsets {
  /** partitionId(partition) -> { partition, offset } (last record per key wins; null removed it) */
  readonly entries: ReadonlyMap<string, { partition: JsonMap; offset: JsonMap }>;
  get(partition: JsonMap): JsonMap | null;
}

export async function readConnectorOffsets(kafka: Kafka, topic: string, connector: string, timeoutMs = 60_000): Promise<ConnectorOffsets> {
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

  const entries = new Map<string, { partition: JsonMap; offset: JsonMap }>();
  if (remaining.size > 0) {
    const consumer = kafka.consumer({ groupId: `cdc-offset-reader-${randomUUID()}`, readUncommitted: false, allowAutoTopicCreation: false });
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new SinkError({
          code: 'CDC_OFFSETS_READ_TIMEOUT',
          what: `could not read the offsets topic ${topic} to its end within ${timeoutMs} ms`,
          where: `connector "${connector}"`,
          fix: 'check that the topic exists and that no producer holds a transaction open on it for long',
          retriable: true,
        })), timeoutMs);
        const done = (partition: number, last: bigint) => {
          const target = remaining.get(partition);
          if (target !== undefined && last >= target) remaining.delete(partition);
          if (remaining.size === 0) { clearTimeout(timer); resolve(); }
        };
        // Batches that hold only control or aborted records never reach eachMessage;
        // the end-of-batch event still tells how far the fetch got.
        consumer.on(consumer.events.END_BATCH_PROCESS, (e) => done(e.payload.partition, BigInt(e.payload.lastOffset)));
        consumer.run({
          autoCommit: false,
          eachMessage: async ({ partition, message }) => {
            const key = parseOffsetKey(message.key);
            if (key && key.connector === connector) {
              const id = partitionId(key.partition);
              if (message.value === null) entries.delete(id);
              else entries.set(id, { partition: key.partition, offset: JSON.parse(message.value.toString('utf8')) as JsonMap });
            }
            done(partition, BigInt(message.offset));
          },
        }).catch(reject);
      });
    } finally {
      await consumer.disconnect().catch(() => undefined);
    }
  }
  return {
    entries,
    get: (p) => entries.get(partitionId(p))?.offset ?? null,
  };
}
