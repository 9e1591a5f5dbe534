/**
 * The test reader itself (test/helpers/kafka-reader.ts) against the real broker:
 * it must return exactly what a read_committed consumer may see, up to the end
 * offsets, past commit and abort markers, without waiting for a transaction
 * that is still open, and it must throw rather than hand back a partial read.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Producer } from 'kafkajs';
import { kafkaFor, readToEnd, readUntil } from '../helpers/kafka-reader.ts';
import { stackEnv, SKIP_REASON } from '../helpers/stack-env.ts';

const env = stackEnv();

test('readToEnd: committed records only, past markers and aborted batches, not held up by an open transaction', { skip: env ? false : SKIP_REASON, timeout: 120_000 }, async () => {
  const kafka = kafkaFor(env!);
  const topic = `reader-${randomUUID()}`;
  const admin = kafka.admin();
  await admin.connect();
  const producers: Producer[] = [];
  const txProducer = async () => {
    const p = kafka.producer({ transactionalId: `reader-${randomUUID()}`, idempotent: true, maxInFlightRequests: 1 });
    await p.connect();
    producers.push(p);
    return p;
  };
  const send = (tx: { send: Producer['send'] }, partition: number, ...values: string[]) =>
    tx.send({ topic, messages: values.map((v) => ({ partition, key: v, value: v })) });
  const values = (rs: { rawValue: Buffer | null }[]) => rs.map((r) => r.rawValue!.toString()).sort();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: 2, replicationFactor: 1 }], waitForLeaders: true });
    const a = await (await txProducer()).transaction();
    await send(a, 0, 'a1', 'a2', 'a3');
    await send(a, 1, 'a4', 'a5');
    await a.commit();
    const b = await (await txProducer()).transaction();
    await send(b, 0, 'b1', 'b2');
    await b.abort();
    const c = await (await txProducer()).transaction();
    await send(c, 1, 'c1');
    await c.commit();
    // Still open: partition 0's last stable offset stops in front of it.
    const d = await (await txProducer()).transaction();
    await send(d, 0, 'd1');

    const first = await readToEnd(env!, [topic], { decodeAvro: false, timeoutMs: 60_000 });
    assert.deepEqual(values(first), ['a1', 'a2', 'a3', 'a4', 'a5', 'c1']);

    await d.commit();
    const second = await readToEnd(env!, [topic], { decodeAvro: false, timeoutMs: 60_000 });
    assert.deepEqual(values(second), ['a1', 'a2', 'a3', 'a4', 'a5', 'c1', 'd1']);

    // readUntil returns everything up to the end offsets once the condition holds, not just enough for it.
    const until = await readUntil(env!, [topic], (rs) => rs.length >= 1, 60_000, false);
    assert.equal(until.length, 7);

    // A condition that never holds throws, naming what was read; no partial answer comes back.
    await assert.rejects(readUntil(env!, [topic], (rs) => rs.length > 7, 4_000, false),
      (err: Error) => /timed out after 4000 ms waiting for the condition; 7 record\(s\) read/.test(err.message));
  } finally {
    for (const p of producers) await p.disconnect().catch(() => undefined);
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  }
});
