import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { HerderError } from '../runtime/herder.ts';
import { call, FakeHerder, startServer, type Started } from '../../test/doubles/rest-test-kit.ts';

describe('worker endpoints', () => {
  let s: Started;
  before(async () => { s = await startServer(); });
  after(async () => { await s.close(); });

  test('GET /: server info', async () => {
    const res = await call(s.port, 'GET', '/');
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/json');
    assert.deepEqual(res.json, { version: '4.1.0', commit: 'a1b2c3d4e5f6a7b8', kafka_cluster_id: 'Xk3vYl1qT2mW8nQ0pR7sZw' });
  });

  test('GET /health: 200 healthy, 503 starting, 500 unhealthy, with the status body', async () => {
    s.herder.health_ = { status: 'healthy', message: 'Worker has completed startup and is ready to handle requests.' };
    const ok = await call(s.port, 'GET', '/health');
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.json, s.herder.health_);
    s.herder.health_ = { status: 'starting', message: 'Worker is still starting up. Reading the config topic.' };
    const starting = await call(s.port, 'GET', '/health');
    assert.equal(starting.status, 503);
    assert.equal(starting.json.status, 'starting');
    s.herder.health_ = { status: 'unhealthy', message: 'Worker was unable to handle this request and may be unable to handle other requests.' };
    assert.equal((await call(s.port, 'GET', '/health')).status, 500);
  });

  test('GET /health: a failing herder is 500 unhealthy in the health shape, not the error shape', async () => {
    s.herder.failNext = new HerderError(500, 'tick thread is stuck');
    const res = await call(s.port, 'GET', '/health');
    assert.equal(res.status, 500);
    assert.deepEqual(res.json, { status: 'unhealthy', message: 'Worker was unable to handle this request and may be unable to handle other requests. tick thread is stuck' });
  });

  test('GET /health: a herder slower than the health timeout is 500 unhealthy', async () => {
    const herder = new FakeHerder();
    herder.delayMs = 300;
    const slow = await startServer({ herder, config: { requestTimeoutMs: 100 } });
    try {
      const res = await call(slow.port, 'GET', '/health');
      assert.equal(res.status, 500);
      assert.equal(res.json.status, 'unhealthy');
      assert.match(res.json.message, /did not answer within 100 ms/);
    } finally {
      await slow.close();
    }
  });
});

describe('probes: GET /health/live and GET /health/ready', () => {
  let s: Started;
  before(async () => { s = await startServer({ config: { auth: { type: 'basic', users: { admin: 'secret' } } } }); });
  after(async () => { await s.close(); });

  test('live: 200 while the worker answers, 503 with the reason when it is shutting down; no credentials needed', async () => {
    s.herder.liveness_ = { live: true, message: 'Worker is alive.' };
    const ok = await call(s.port, 'GET', '/health/live');
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.json, { status: 'live', message: 'Worker is alive.' });
    s.herder.liveness_ = { live: false, message: 'Worker is shutting down.' };
    const down = await call(s.port, 'GET', '/health/live');
    assert.equal(down.status, 503);
    assert.deepEqual(down.json, { status: 'not_live', message: 'Worker is shutting down.' });
  });

  test('ready: 200 when ready; 503 naming each task that is not and why; 503 while starting', async () => {
    s.herder.readiness_ = { status: 'ready', message: 'all ready', tasks: [] };
    assert.equal((await call(s.port, 'GET', '/health/ready')).status, 200);
    const tasks = [{ connector: 'orders', task: 0, state: 'FAILED', reason: 'task is FAILED: CDC_PG_AUTH: password authentication failed' }];
    s.herder.readiness_ = { status: 'not_ready', message: '1 of 2 connector task(s) assigned to this worker are not ready.', tasks };
    const not = await call(s.port, 'GET', '/health/ready');
    assert.equal(not.status, 503);
    assert.deepEqual(not.json.tasks, tasks);
    assert.equal(not.json.status, 'not_ready');
    s.herder.readiness_ = { status: 'starting', message: 'Worker is still starting up.', tasks: [] };
    assert.equal((await call(s.port, 'GET', '/health/ready')).status, 503);
  });

  test('a herder that throws is 503 in the probe shape, not the error shape', async () => {
    s.herder.failNext = new HerderError(500, 'tick thread is stuck');
    const res = await call(s.port, 'GET', '/health/ready');
    assert.equal(res.status, 503);
    assert.deepEqual(res.json, { status: 'not_ready', message: 'tick thread is stuck', tasks: [] });
  });
});

test('with authentication on, GET /connectors needs credentials while the probes do not', async () => {
  const s = await startServer({ config: { auth: { type: 'basic', users: { admin: 'secret' } } } });
  try {
    assert.equal((await call(s.port, 'GET', '/connectors')).status, 401);
    assert.equal((await call(s.port, 'GET', '/health/live')).status, 200);
    assert.equal((await call(s.port, 'GET', '/health/ready')).status, 200);
  } finally {
    await s.close();
  }
});
