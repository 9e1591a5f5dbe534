/**
 * test/helpers/kafka-transactions.ts against the real broker: a kafkajs
 * transactional producer keeps one transaction open for a known time, commits a
 * short one and aborts another; what the helper reads back from
 * __transaction_state must show the long one at least as long as it was held
 * (and not absurdly longer), the short ones short, and the outcomes right. A
 * decoder that misread the timestamps or mixed up transactions fails here.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { kafkaFor } from '../helpers/kafka-reader.ts';
import { longestTransaction, readTransactionSpans } from '../helpers/kafka-transactions.ts';
import { stackEnv, SKIP_REASON } from '../helpers/stack-env.ts';

const env = stackEnv();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const HOLD_MS = 4_000;

test('the longest transaction of an id, read from the broker, is at least as long as it was held open', { skip: env ? false : SKIP_REASON, timeout: 180_000 }, async () => {
  const kafka = kafkaFor(env!);
  const topic = `txn-span-${randomUUID()}`;
  const transactionalId = `txn-span-${randomUUID()}`;
  const admin = kafka.admin();
  await admin.connect();
  const producer = kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1 });
  const other = kafka.producer({ transactionalId: `${transactionalId}-other`, idempotent: true, maxInFlightRequests: 1 });
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
    await producer.connect();
    await other.connect();

    const short1 = await producer.transaction();
    await short1.send({ topic, messages: [{ value: 's1' }] });
    await short1.commit();

    // The long one: open from its first send (the broker starts the clock at AddPartitionsToTxn)
    // until commit; everything between the first send's answer and the commit call is certainly inside.
    const long = await producer.transaction();
    const t0 = Date.now();
    await long.send({ topic, messages: [{ value: 'l1' }] });
    const surelyFrom = Date.now();
    await sleep(HOLD_MS);
    await long.send({ topic, messages: [{ value: 'l2' }] });
    const surelyTo = Date.now();
    await long.commit();
    const t1 = Date.now();

    const aborted = await producer.transaction();
    await aborted.send({ topic, messages: [{ value: 'a1' }] });
    await aborted.abort();

    // Another id, open longer than the first one's longest: must not be counted for it.
    const foreign = await other.transaction();
    await foreign.send({ topic, messages: [{ value: 'o1' }] });
    await sleep(HOLD_MS + 1_500);
    await foreign.commit();

    const { longest, count, spans } = await longestTransaction(env!, transactionalId);
    assert.equal(count, 3, `three transactions of ${transactionalId}: ${JSON.stringify(spans, (_, v) => (typeof v === 'bigint' ? String(v) : v))}`);
    assert.deepEqual(spans.map((s) => s.outcome), ['committed', 'committed', 'aborted']);
    assert.ok(longest);
    assert.equal(longest.startMs, spans[1]!.startMs, 'the long transaction is the longest');
    assert.ok(longest.durationMs >= surelyTo - surelyFrom, `broker says ${longest.durationMs} ms; it was surely open ${surelyTo - surelyFrom} ms`);
    assert.ok(longest.durationMs <= t1 - t0 + 50, `broker says ${longest.durationMs} ms; the client saw ${t1 - t0} ms from first send to commit`);
    assert.ok(spans[0]!.durationMs < 2_000 && spans[2]!.durationMs < 2_000, `short ones: ${spans[0]!.durationMs} and ${spans[2]!.durationMs} ms`);
    assert.deepEqual(longest.topics, [topic]);

    const foreignSpans = await readTransactionSpans(env!, `${transactionalId}-other`);
    assert.equal(foreignSpans.length, 1);
    assert.ok(foreignSpans[0]!.durationMs >= HOLD_MS + 1_500);

    // An open transaction counts until now: the helper must see it, not wait for it.
    const open = await producer.transaction();
    await open.send({ topic, messages: [{ value: 'x' }] });
    await sleep(1_000);
    const during = await readTransactionSpans(env!, transactionalId);
    const last = during[during.length - 1]!;
    assert.equal(last.outcome, 'open');
    assert.ok(last.durationMs >= 1_000, `open for ${last.durationMs} ms`);
    await open.abort();
  } finally {
    await producer.disconnect().catch(() => undefined);
    await other.disconnect().catch(() => undefined);
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  }
});
