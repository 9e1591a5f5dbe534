/**
 * Reads topics the way a downstream consumer does: read_committed, from the
 * beginning, Avro decoded by an independent client, @kafkajs/confluent-schema-registry,
 * which fetches each writer schema by id from the real registry (caching it) and
 * decodes the Confluent framing itself. So every integration test cross-checks
 * our framing, schema ids and Avro bodies with a decoder we did not write.
 *
 * A read is never cut off by a clock. readToEnd() reads every partition up to
 * its end offset as it stands when called; readUntil() first waits until a
 * condition holds and then does the same. The end offset is the last stable
 * offset (kafkajs's ListOffsets asks with read_committed isolation), so an open
 * transaction is not waited for and everything committed before that moment is
 * in the answer. Running out of time throws; a partial read is never returned
 * for a test to assert on, so a slow machine makes a test slower, not wrong.
 */
import { Kafka, logLevel } from 'kafkajs';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { randomUUID } from 'node:crypto';
import { createExactLongType } from '../../src/serde/avro-long-type.ts';
import type { StackEnv } from './stack-env.ts';

export interface ReadRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  readonly key: unknown;
  readonly value: unknown;
  readonly rawKey: Buffer | null;
  readonly rawValue: Buffer | null;
  /** Header text by key; for a key that repeats, its last value (Connect's Headers.lastWithName). */
  readonly headers: Record<string, string>;
  /**
   * Every header as [key, text]. kafkajs hands a repeated key's values over as one array, so a
   * key's values are together at its first position, in the order they are in the record.
   */
  readonly headerList: readonly (readonly [string, string])[];
  readonly valueSchemaId: number | null;
}

export interface ReadOptions {
  /** Limit for the whole read, condition included; exceeding it throws. */
  readonly timeoutMs?: number;
  /** false: leave key and value undecoded (JSON topics). */
  readonly decodeAvro?: boolean;
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

/**
 * A registry client for decoding. Every Avro long decodes exactly, as bigint
 * (Debezium's LSNs and xids do not fit a double). avsc adds each named type to
 * the registry object it is given, so every schema needs a fresh one: the
 * getter hands out a new object each time the library copies these options.
 */
export function decodingRegistry(env: StackEnv): SchemaRegistry {
  const long = createExactLongType();
  const avroOptions = {
    get registry() { return { long }; },
    // `{"type": "long", "connect.name": ...}` is not the bare name "long": avsc would build its own.
    typeHook: (schema: unknown) => (schema !== null && typeof schema === 'object' && (schema as { type?: unknown }).type === 'long'
      && (schema as { logicalType?: unknown }).logicalType === undefined ? long : undefined),
  };
  return new SchemaRegistry({ host: env.registry, clientId: 'cdc-test' }, { [SchemaType.AVRO]: avroOptions } as never);
}

/** Reads `topics` from the beginning up to the end offsets they have now. */
export function readToEnd(env: StackEnv, topics: readonly string[], opts: ReadOptions = {}): Promise<ReadRecord[]> {
  return readTopics(env, topics, () => true, opts);
}

/**
 * Reads `topics` from the beginning until `done(records)` holds, then on to the
 * end offsets of that moment. Throws when `timeoutMs` passes first.
 */
export function readUntil(env: StackEnv, topics: readonly string[], done: (records: ReadRecord[]) => boolean, timeoutMs = 60_000, decodeAvro = true): Promise<ReadRecord[]> {
  return readTopics(env, topics, done, { timeoutMs, decodeAvro });
}

async function readTopics(env: StackEnv, topics: readonly string[], done: (records: ReadRecord[]) => boolean, opts: ReadOptions): Promise<ReadRecord[]> {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const decodeAvro = opts.decodeAvro ?? true;
  const kafka = kafkaFor(env);
  const registry = decodeAvro ? decodingRegistry(env) : null;
  const consumer = kafka.consumer({ groupId: `test-${randomUUID()}`, readUncommitted: false, maxWaitTimeInMs: 200 });
  const records: ReadRecord[] = [];
  /** `${topic}/${partition}` -> offset of the last record fetched, control records included */
  const position = new Map<string, bigint>();
  const advance = (topic: string, partition: number, offset: bigint) => {
    const k = `${topic}/${partition}`;
    if ((position.get(k) ?? -1n) < offset) position.set(k, offset);
  };
  const t0 = Date.now();
  let phase = 'waiting for the condition';
  await consumer.connect();
  try {
    // A batch holding only a commit marker or aborted records reaches no eachMessage; the end of
    // its processing still says how far the fetch got (as src/offsets/offset-reader.ts does).
    consumer.on(consumer.events.END_BATCH_PROCESS, (e) => advance(e.payload.topic, e.payload.partition, BigInt(e.payload.lastOffset)));
    await consumer.subscribe({ topics: [...topics], fromBeginning: true });
    let fail: unknown = null;
    await consumer.run({
      autoCommit: false,
      eachMessage: async ({ topic, partition, message }) => {
        try {
          const k = registry && message.key ? await registry.decode(message.key) : null;
          const v = registry && message.value ? await registry.decode(message.value) : null;
          const headers: Record<string, string> = {};
          const headerList: [string, string][] = [];
          for (const [h, val] of Object.entries(message.headers ?? {})) {
            for (const one of Array.isArray(val) ? val : [val]) {
              headers[h] = String(one);
              headerList.push([h, String(one)]);
            }
          }
          records.push({
            topic, partition, offset: message.offset, key: toPlain(k), value: toPlain(v),
            rawKey: message.key, rawValue: message.value, headers, headerList,
            valueSchemaId: registry && message.value && message.value.length >= 5 ? message.value.readInt32BE(1) : null,
          });
          advance(topic, partition, BigInt(message.offset));
        } catch (err) { fail = err; }
      },
    });
    const check = async (): Promise<boolean> => {
      if (fail) throw fail;
      if (Date.now() - t0 > timeoutMs) throw new Error(`read of ${topics.join(', ')} timed out after ${timeoutMs} ms ${phase}; ${summary(records)}`);
      await new Promise((r) => setTimeout(r, 100));
      return true;
    };
    while (!done(records)) await check();
    phase = 'reading to the end offsets';
    const ends = await endOffsets(kafka, topics);
    const behind = () => [...ends].filter(([k, end]) => (position.get(k) ?? -1n) < end - 1n);
    while (behind().length > 0) {
      phase = `reading to the end offsets (behind: ${behind().map(([k, end]) => `${k} at ${position.get(k) ?? 'start'} of ${end}`).join(', ')})`;
      await check();
    }
    if (fail) throw fail;
  } finally {
    await consumer.disconnect().catch(() => undefined);
  }
  return records;
}

/** `${topic}/${partition}` -> the last stable offset, for partitions that hold anything. */
async function endOffsets(kafka: Kafka, topics: readonly string[]): Promise<Map<string, bigint>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const out = new Map<string, bigint>();
    for (const topic of topics) {
      for (const p of await admin.fetchTopicOffsets(topic)) {
        if (BigInt(p.high) > BigInt(p.low)) out.set(`${topic}/${p.partition}`, BigInt(p.high));
      }
    }
    return out;
  } finally {
    await admin.disconnect();
  }
}

function summary(records: readonly ReadRecord[]): string {
  const per = new Map<string, number>();
  for (const r of records) per.set(r.topic, (per.get(r.topic) ?? 0) + 1);
  return `${records.length} record(s) read${per.size ? ` (${[...per].map(([t, n]) => `${t}: ${n}`).join(', ')})` : ''}`;
}

/** avsc returns record class instances; tests compare against plain objects. */
function toPlain(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v !== 'object' || Buffer.isBuffer(v)) return v;
  if (Array.isArray(v)) return v.map(toPlain);
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = toPlain(x);
  return out;
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
