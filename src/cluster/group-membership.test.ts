import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Kafka } from 'kafkajs';
import { GroupMembership } from './group-membership.ts';
import type { ConfigStore } from './config-store.ts';
import { silentLogger } from '../log/logger.ts';

/** The options GroupMembership gives its kafkajs consumer (the fake stops start() right there). */
async function consumerOptions(heartbeatIntervalMs: number): Promise<Record<string, unknown>> {
  let seen: Record<string, unknown> | null = null;
  const kafka = { consumer: (o: Record<string, unknown>) => { seen = o; throw new Error('stop here'); } } as unknown as Kafka;
  const configs = { onMembers: () => undefined } as unknown as ConfigStore;
  const m = new GroupMembership({
    kafka, configs, groupId: 'g', workerId: 'w:8083', anchorTopic: 't', log: silentLogger(),
    sessionTimeoutMs: 10_000, heartbeatIntervalMs, rebalanceTimeoutMs: 60_000,
  });
  await assert.rejects(m.start(), /stop here/);
  return seen!;
}

test('the member heartbeats at heartbeat.interval.ms, not at the idle fetch wait', async () => {
  // kafkajs heartbeats an unassigned member only between fetch rounds, which sleep maxWaitTimeInMs
  // (5 s by default): with a 6 s session timeout a 1-2 s stall evicted a live worker.
  for (const hb of [1000, 3000]) {
    const o = await consumerOptions(hb);
    assert.equal(o.heartbeatInterval, hb);
    assert.ok(typeof o.maxWaitTimeInMs === 'number' && o.maxWaitTimeInMs < hb, `a fetch round sleeps ${String(o.maxWaitTimeInMs)} ms, less than the ${hb} ms heartbeat interval`);
  }
});
