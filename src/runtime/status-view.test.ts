import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectorStatusAnswer, type StatusSources } from './status-view.ts';
import type { StatusValue } from '../cluster/status-store.ts';

const v = (state: string, worker_id = 'w1:8083', extra: Partial<StatusValue> = {}): StatusValue => ({ state, worker_id, trace: null, generation: 1, ...extra });
const base: StatusSources = { name: 'orders', own: null, topic: { connector: undefined, tasks: new Map() }, members: null, workerId: 'w1:8083', target: 'STARTED', type: 'source' };

test('the worker\'s own view wins over the status topic (which an outage keeps stale)', () => {
  const a = connectorStatusAnswer({
    ...base,
    own: { connector: v('RUNNING'), tasks: new Map([[0, v('RESTARTING', 'w1:8083', { reason: 'Kafka unreachable since ...', since: 5 })]]) },
    topic: { connector: v('RUNNING'), tasks: new Map([[0, v('RUNNING')]]) },
  })!;
  assert.deepEqual(a.tasks, [{ id: 0, state: 'RESTARTING', worker_id: 'w1:8083', reason: 'Kafka unreachable since ...', since: 5 }]);
});

test('own connector state without task knowledge keeps the topic\'s tasks', () => {
  const a = connectorStatusAnswer({ ...base, own: { connector: v('FAILED', 'w1:8083', { trace: 'bad config' }) }, topic: { connector: v('RUNNING'), tasks: new Map([[0, v('RUNNING')]]) } })!;
  assert.equal(a.connector.state, 'FAILED');
  assert.equal(a.connector.trace, 'bad config');
  assert.deepEqual(a.tasks.map((t) => t.state), ['RUNNING']);
});

test('states from the topic written by a worker that left are UNASSIGNED; STOPPED lists no tasks; unknown is null', () => {
  const gone = connectorStatusAnswer({ ...base, members: ['w2:8083'], topic: { connector: v('RUNNING'), tasks: new Map([[0, v('RUNNING')]]) } })!;
  assert.equal(gone.connector.state, 'UNASSIGNED');
  assert.match(gone.tasks[0]!.reason!, /w1:8083 left the cluster/);
  const stopped = connectorStatusAnswer({ ...base, target: 'STOPPED', own: { connector: v('STOPPED', 'w1:8083', { version: '0.1.0' }), tasks: new Map() } })!;
  assert.deepEqual(stopped, { name: 'orders', connector: { state: 'STOPPED', worker_id: 'w1:8083', version: '0.1.0' }, tasks: [], type: 'source' });
  assert.equal(connectorStatusAnswer({ ...base, target: undefined }), null);
  assert.deepEqual(connectorStatusAnswer(base)!.connector, { state: 'UNASSIGNED', worker_id: 'w1:8083' });
});

test('a deleted connector (no config) is unknown even while its states linger in the status topic', () => {
  const lingering = { ...base, target: undefined, topic: { connector: v('RUNNING'), tasks: new Map([[0, v('RUNNING')]]) } };
  assert.equal(connectorStatusAnswer(lingering), null);
  assert.equal(connectorStatusAnswer({ ...lingering, own: { connector: v('RUNNING') } }), null);
});
