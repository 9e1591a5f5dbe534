import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TICK_STUCK_MS, workerLiveness, workerReadiness, type ConnectorView } from './worker-readiness.ts';
import { readyCommitBoundMs, taskNotReadyReason } from './task-readiness.ts';

const running = (name: string, notReady: string | null = null, state = 'RUNNING'): ConnectorView => ({ name, target: 'STARTED', task: { id: 0, state, notReady }, decided: null });
const view = (connectors: ConnectorView[]) => ({ started: true, stopping: false, membershipCurrent: true, connectors });

test('ready when every started task is ready; paused and stopped connectors are not counted', () => {
  const r = workerReadiness(view([running('a'), { name: 'p', target: 'PAUSED', task: null, decided: { state: 'PAUSED', reason: null } }, { name: 's', target: 'STOPPED', task: null, decided: { state: 'STOPPED', reason: null } }]));
  assert.equal(r.status, 'ready');
  assert.deepEqual(r.tasks, []);
  assert.match(r.message, /all 1 task/);
});

test('not ready names each task that is not, with its state and why', () => {
  const r = workerReadiness(view([
    running('ok'),
    running('failed', 'task is FAILED: CDC_PG_AUTH: password authentication failed', 'FAILED'),
    { name: 'bad', target: 'STARTED', task: null, decided: { state: 'FAILED', reason: 'CDC_CONFIG_X: no\nat ...' } },
    { name: 'new', target: 'STARTED', task: null, decided: null },
  ]));
  assert.equal(r.status, 'not_ready');
  assert.deepEqual(r.tasks, [
    { connector: 'failed', task: 0, state: 'FAILED', reason: 'task is FAILED: CDC_PG_AUTH: password authentication failed' },
    { connector: 'bad', task: null, state: 'FAILED', reason: 'connector is FAILED: CDC_CONFIG_X: no' },
    { connector: 'new', task: null, state: 'UNASSIGNED', reason: 'assigned to this worker but not started yet' },
  ]);
  assert.equal(r.message, '3 of 4 connector task(s) assigned to this worker are not ready.');
});

test('starting, stopping and rejoining workers are not ready whatever their tasks say', () => {
  assert.equal(workerReadiness({ ...view([running('a')]), started: false }).status, 'starting');
  assert.equal(workerReadiness({ ...view([running('a')]), stopping: true }).status, 'stopping');
  assert.equal(workerReadiness({ ...view([running('a')]), membershipCurrent: false }).status, 'not_ready');
});

test('a task is ready while committing within the bound or idle as its source confirms; RUNNING alone is not enough', () => {
  const now = 1_000_000;
  const bound = readyCommitBoundMs({ offsetFlushIntervalMs: 60_000, txnMaxMs: 1000, pollMs: 500 });
  assert.equal(bound, 60_500);
  const base = { state: 'RUNNING' as const, reason: null, since: now - 120_000, lastCommitAt: null, idleSince: null };
  assert.equal(taskNotReadyReason({ ...base, lastCommitAt: now - 60_000 }, now, bound), null);
  assert.equal(taskNotReadyReason({ ...base, idleSince: now - 5_000 }, now, bound), null);
  assert.match(taskNotReadyReason({ ...base, lastCommitAt: now - 61_000 }, now, bound)!, /last Kafka commit was 61 s ago \(bound 61 s\) and its source is not idle/);
  assert.match(taskNotReadyReason(base, now, bound)!, /committed nothing to Kafka yet and its source has not reported idle \(running for 120 s/);
  assert.equal(taskNotReadyReason({ ...base, state: 'STALLED', reason: 'PostgreSQL has not answered 3 status requests', idleSince: null }, now, bound), 'task is STALLED: PostgreSQL has not answered 3 status requests');
  assert.equal(taskNotReadyReason({ ...base, state: 'RESTARTING', reason: 'Kafka unreachable' }, now, bound), 'task is RESTARTING: Kafka unreachable');
  assert.equal(taskNotReadyReason({ ...base, state: 'FINISHED' }, now, bound), null);
});

test('live unless shutting down or the tick is stuck', () => {
  assert.deepEqual(workerLiveness({ stopping: false, tickAgeMs: 900 }), { live: true, message: 'Worker is alive.' });
  assert.equal(workerLiveness({ stopping: true, tickAgeMs: 0 }).live, false);
  const stuck = workerLiveness({ stopping: false, tickAgeMs: TICK_STUCK_MS + 1000 });
  assert.equal(stuck.live, false);
  assert.match(stuck.message, /tick last ran 16 s ago/);
});
