import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectTaskConfigs, offsetsChangedMessage, restartPlan } from './herder-answers.ts';
import type { ConnectorStateInfo } from './herder.ts';

const W = '10.0.0.7:8083';
const running: ConnectorStateInfo = {
  name: 'orders', type: 'source',
  connector: { state: 'RUNNING', worker_id: W, version: '0.1.0' },
  tasks: [{ id: 0, state: 'RUNNING', worker_id: W, version: '0.1.0' }],
};
const taskFailed: ConnectorStateInfo = { ...running, tasks: [{ id: 0, state: 'FAILED', worker_id: W, trace: 'boom', reason: 'boom', since: 1 }] };

test('restart?includeTasks=true: the connector itself and every task show RESTARTING', () => {
  const plan = restartPlan(running, { includeTasks: true, onlyFailed: false });
  assert.equal(plan.connector.state, 'RESTARTING');
  assert.equal(plan.connector.version, '0.1.0');
  assert.deepEqual(plan.tasks.map((t) => t.state), ['RESTARTING']);
});

test('restart?onlyFailed=true: a RUNNING connector stays RUNNING; only FAILED tasks restart, and only with includeTasks', () => {
  const onlyFailed = restartPlan(taskFailed, { includeTasks: true, onlyFailed: true });
  assert.equal(onlyFailed.connector.state, 'RUNNING');
  assert.deepEqual(onlyFailed.tasks[0], { id: 0, state: 'RESTARTING', worker_id: W });
  assert.deepEqual(restartPlan(running, { includeTasks: true, onlyFailed: true }).tasks.map((t) => t.state), ['RUNNING']);
  const noTasks = restartPlan(taskFailed, { includeTasks: false, onlyFailed: true });
  assert.equal(noTasks.tasks[0]!.state, 'FAILED');
  const failedConnector = restartPlan({ ...running, connector: { state: 'FAILED', worker_id: W, trace: 'bad config' } }, { includeTasks: false, onlyFailed: true });
  assert.deepEqual(failedConnector.connector, { state: 'RESTARTING', worker_id: W });
});

test('task configs are the stored connector config plus task.class: placeholders kept, worker defaults left out', () => {
  const stored = { 'connector.class': 'io.debezium.connector.postgresql.PostgresConnector', name: 'orders', 'database.password': '${env:PGPASSWORD}', 'topic.prefix': 'shop' };
  const effective = { ...stored, 'database.password': 's3cret', 'key.converter': 'io.confluent.connect.avro.AvroConverter', 'value.converter.schema.registry.url': 'http://sr:8081' };
  const [t] = connectTaskConfigs({ stored, effective, fromPlugin: [{ ...effective, 'task.extra': 'x' }], taskClass: 'io.debezium.connector.postgresql.PostgresConnectorTask' });
  assert.deepEqual(t, { ...stored, 'task.extra': 'x', 'task.class': 'io.debezium.connector.postgresql.PostgresConnectorTask' });
});

test('offsets messages: Connect\'s framework-managed form unless the connector confirmed the change', () => {
  assert.equal(offsetsChangedMessage('altered', true), 'The offsets for this connector have been altered successfully');
  assert.equal(offsetsChangedMessage('reset', false), 'The Connect framework-managed offsets for this connector have been reset successfully. ' +
    'However, if this connector manages offsets externally, they will need to be manually reset in the system that the connector uses.');
});
