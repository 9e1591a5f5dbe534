import { beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { HerderError } from '../runtime/herder.ts';
import { call, useSeededServer, type Started } from '../../test/doubles/rest-test-kit.ts';

describe('restart, pause, resume, stop', () => {
  const server = useSeededServer();
  let s: Started;
  beforeEach(() => { s = server(); });

  test('POST restart without parameters: 204, no body', async () => {
    const res = await call(s.port, 'POST', '/connectors/orders-cdc/restart');
    assert.equal(res.status, 204);
    assert.equal(res.text, '');
    assert.deepEqual(s.herder.calls, [['restartConnector', 'orders-cdc', { includeTasks: false, onlyFailed: false }]]);
    assert.equal((await call(s.port, 'POST', '/connectors/orders-cdc/restart?includeTasks=false&onlyFailed=false')).status, 204);
  });

  test('POST restart?includeTasks=true: 202, the connector itself and its tasks RESTARTING', async () => {
    const res = await call(s.port, 'POST', '/connectors/orders-cdc/restart?includeTasks=true');
    assert.equal(res.status, 202);
    assert.equal(res.json.connector.state, 'RESTARTING');
    assert.deepEqual(res.json.tasks.map((t: { state: string }) => t.state), ['RESTARTING']);
  });

  test('POST restart?includeTasks=true&onlyFailed=true: 202 with the plan (nothing FAILED, so nothing RESTARTING)', async () => {
    const res = await call(s.port, 'POST', '/connectors/orders-cdc/restart?includeTasks=true&onlyFailed=TRUE');
    assert.equal(res.status, 202);
    assert.equal(res.headers['content-type'], 'application/json');
    assert.equal(res.json.name, 'orders-cdc');
    assert.equal(res.json.connector.state, 'RUNNING');
    assert.equal(res.json.tasks[0].state, 'RUNNING');
    assert.deepEqual(s.herder.calls[0], ['restartConnector', 'orders-cdc', { includeTasks: true, onlyFailed: true }]);
  });

  test('POST restart: unknown connector 404 with Connect\'s message; a bad boolean is 400', async () => {
    const missing = await call(s.port, 'POST', '/connectors/nope/restart?includeTasks=true');
    assert.deepEqual(missing.json, { error_code: 404, message: 'Unknown connector: nope' });
    const bad = await call(s.port, 'POST', '/connectors/orders-cdc/restart?includeTasks=yes');
    assert.equal(bad.status, 400);
    assert.equal(bad.json.message, 'Query parameter includeTasks must be true or false, not "yes"');
  });

  test('POST restart during a rebalance: 409 with the herder\'s message', async () => {
    s.herder.failNext = new HerderError(409, 'Cannot complete request momentarily due to no known leader URL, likely because a rebalance was underway.');
    const res = await call(s.port, 'POST', '/connectors/orders-cdc/restart');
    assert.equal(res.status, 409);
    assert.match(res.json.message, /rebalance/);
  });

  test('POST tasks/{id}/restart: 204; unknown task 404', async () => {
    const res = await call(s.port, 'POST', '/connectors/orders-cdc/tasks/0/restart');
    assert.equal(res.status, 204);
    assert.deepEqual(s.herder.calls, [['restartTask', 'orders-cdc', 0]]);
    const missing = await call(s.port, 'POST', '/connectors/orders-cdc/tasks/3/restart');
    assert.deepEqual(missing.json, { error_code: 404, message: 'Unknown task: orders-cdc-3' });
    assert.equal((await call(s.port, 'POST', '/connectors/orders-cdc/tasks/-1/restart')).status, 404);
  });

  test('PUT pause and resume: 202 with no body, idempotent; unknown 404', async () => {
    for (const path of ['pause', 'pause', 'resume', 'resume']) {
      const res = await call(s.port, 'PUT', `/connectors/orders-cdc/${path}`);
      assert.equal(res.status, 202, path);
      assert.equal(res.text, '');
    }
    assert.deepEqual((await call(s.port, 'PUT', '/connectors/nope/pause')).json, { error_code: 404, message: 'Unknown connector nope' });
    assert.equal((await call(s.port, 'PUT', '/connectors/nope/resume')).status, 404);
  });

  test('PUT stop: 204; unknown 404', async () => {
    const res = await call(s.port, 'PUT', '/connectors/orders-cdc/stop');
    assert.equal(res.status, 204);
    assert.equal(s.herder.connectorsByName.get('orders-cdc')!.state, 'STOPPED');
    assert.equal((await call(s.port, 'PUT', '/connectors/nope/stop')).status, 404);
  });

  test('lifecycle endpoints ignore a body and the hidden forward parameter', async () => {
    const res = await call(s.port, 'PUT', '/connectors/orders-cdc/pause?forward=true', { raw: 'not json', headers: { 'content-type': 'text/plain' } });
    assert.equal(res.status, 202);
  });
});
