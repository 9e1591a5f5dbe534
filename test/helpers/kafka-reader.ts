/**
 * Reads topics the way a downstream consumer does: read_committed, from the
 * beginning, Avro decoded with the writer schema fetched from the registry by
 * an independent decoder. readUntil() polls until a condition holds.
 */
import { Kafka, logLevel } from 'kafkajs';
import { randomUUID } from 'node:crypto';
import { AvroDecoder } from '../../src/serde/avro-decoder.ts';
import type { StackEnv } from './stack-env.ts';

export interface ReadRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: unknown;
  readonly value: unknown;
  readonly rawKey: Buffer | null;
  readonly rawValue: Buffer | null;
  readonly headers: Record<string, string>;
  readonly valueSchemaId: number | null;
}

export function kafkaFor(env: StackEnv): Kafka {
  return new Kafka({ clientId: 'cdc-test', brokers: env.kafka.split(','), logLevel: logLevel.NOTHING });
}

export async function topicsWithPrefix(env: StackEnv, prefix: string): Promise<string[]> {
  const admin = kafkaFor(env).admin();
  await admin.connect();
  try {
    return (await admin.listTopics()).filter((t) => t.startsWith(prefix)).sort();
  } finally {
    await admin.disconnect();
  }
}

/** Reads `topics` from the start until `done(records)` is true or the timeout passes. */
export async function readUntil(env: StackEnv, topics: readonly string[], done: (records: ReadRecord[]) => boolean, timeoutMs = 60_000, decodeAvro = true): Promise<ReadRecord[]> {
  const kafka = kafkaFor(env);
  const decoder = new AvroDecoder({ registryUrl: env.registry });
  const consumer = kafka.consumer({ groupId: `test-${randomUUID()}`, readUncommitted: false, maxWaitTimeInMs: 200 });
  const records: ReadRecord[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [...topics], fromBeginning: true });
    let fail: unknown = null;
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        try {
          const k = decodeAvro ? await decoder.decode(message.key) : null;
          const v = decodeAvro ? await decoder.decode(message.value) : null;
          const headers: Record<string, string> = {};
          for (const [h, val] of Object.entries(message.headers ?? {})) headers[h] = String(val);
          records.push({
            topic, partition, offset: message.offset, key: k?.value ?? null, value: v?.value ?? null,
            rawKey: message.key, rawValue: message.value, headers, valueSchemaId: v?.schemaId ?? null,
          });
        } catch (err) { fail = err; }
      },
    });
    const t0 = Date.now();
    while (!done(records)) {
      if (fail) throw fail;
      if (Date.now() - t0 > timeoutMs) break;
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    await consumer.disconnect();
  }
  return records;
}

/** Waits until every topic exists (the daemon creates them on first write). */
export async function waitForTopics(env: StackEnv, topics: readonly string[], timeoutMs = 60_000): Promise<string[]> {
  const admin = kafkaFor(env).admin();
  await admin.connect();
  try {
    const t0 = Date.now();
    for (;;) {
      const have = new Set(await admin.listTopics());
      if (topics.every((t) => have.has(t))) return [...topics];
      if (Date.now() - t0 > timeoutMs) throw new Error(`topics never appeared: ${topics.filter((t) => !have.has(t)).join(', ')}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  } finally {
    await admin.disconnect();
  }
}
