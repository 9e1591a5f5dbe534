import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { call, startServer, type Started } from '../../test/doubles/rest-test-kit.ts';

describe('admin loggers', () => {
  let s: Started;
  before(async () => { s = await startServer(); });
  after(async () => { await s.close(); });
  beforeEach(() => { s.herder.calls.length = 0; });

  test('GET /admin/loggers and /admin/loggers/{logger}; unknown 404', async () => {
    const all = await call(s.port, 'GET', '/admin/loggers');
    assert.equal(all.status, 200);
    assert.deepEqual(all.json.root, { level: 'INFO', last_modified: null });
    const root = await call(s.port, 'GET', '/admin/loggers/root');
    assert.deepEqual(root.json, { level: 'INFO', last_modified: null });
    const missing = await call(s.port, 'GET', '/admin/loggers/no.such');
    assert.deepEqual(missing.json, { error_code: 404, message: 'Logger no.such not found.' });
  });

  test('PUT /admin/loggers/{logger}: scope worker (default) 200 with the sorted affected list', async () => {
    const res = await call(s.port, 'PUT', '/admin/loggers/io.debezium', { body: { level: 'DEBUG' } });
    assert.equal(res.status, 200);
    assert.deepEqual(res.json, ['io.debezium', 'io.debezium.b']);
    assert.deepEqual(s.herder.calls[0], ['setLogger', 'io.debezium', 'DEBUG', 'worker']);
    const unknownScope = await call(s.port, 'PUT', '/admin/loggers/io.debezium?scope=galaxy', { body: { level: 'INFO' } });
    assert.equal(unknownScope.status, 200, 'an unknown scope falls back to worker');
    assert.equal(s.herder.calls[1]![3], 'worker');
  });

  test('PUT /admin/loggers/{logger}?scope=cluster: 204, no body', async () => {
    const res = await call(s.port, 'PUT', '/admin/loggers/io.debezium?scope=Cluster', { body: { level: 'WARN' } });
    assert.equal(res.status, 204);
    assert.equal(res.text, '');
    assert.deepEqual(s.herder.calls[0], ['setLogger', 'io.debezium', 'WARN', 'cluster']);
  });

  test('PUT level errors: missing level 400 (Connect\'s message), non-string 400, unknown level 404 from the herder', async () => {
    const missing = await call(s.port, 'PUT', '/admin/loggers/root', { body: {} });
    assert.equal(missing.status, 400);
    assert.match(missing.json.message, /^Desired 'level' parameter was not specified in request\./);
    const number = await call(s.port, 'PUT', '/admin/loggers/root', { body: { level: 3 } });
    assert.equal(number.status, 400);
    assert.match(number.json.message, /Field 'level' must be a string/);
    const unknown = await call(s.port, 'PUT', '/admin/loggers/root', { body: { level: 'LOUD' } });
    assert.deepEqual(unknown.json, { error_code: 404, message: "invalid log level 'LOUD'." });
  });
});
