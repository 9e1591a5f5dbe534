import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { HerderError } from '../runtime/herder.ts';
import { call, startServer, type Started } from '../../test/doubles/rest-test-kit.ts';

describe('connector plugins and validation', () => {
  let s: Started;
  before(async () => { s = await startServer(); });
  after(async () => { await s.close(); });
  beforeEach(() => { s.herder.calls.length = 0; });

  test('GET /connector-plugins: connectorsOnly defaults to true; false adds other plugin types', async () => {
    const res = await call(s.port, 'GET', '/connector-plugins');
    assert.equal(res.status, 200);
    assert.deepEqual(res.json, [{ class: 'io.debezium.connector.postgresql.PostgresConnector', type: 'source', version: '0.1.0' }]);
    const all = await call(s.port, 'GET', '/connector-plugins?connectorsOnly=false');
    assert.ok(all.json.some((p: { type: string }) => p.type === 'transformation'));
    assert.deepEqual(s.herder.calls, [['plugins', true], ['plugins', false]]);
    assert.equal((await call(s.port, 'GET', '/connector-plugins?connectorsOnly=maybe')).status, 400);
  });

  test('GET /connector-plugins/{plugin}/config: ConfigKeyInfo list; ?version= passed on, "latest" means newest; unknown 404', async () => {
    const res = await call(s.port, 'GET', '/connector-plugins/PostgresConnector/config');
    assert.equal(res.status, 200);
    assert.equal(res.json[0].name, 'topic.prefix');
    assert.equal(res.json[0].required, true);
    await call(s.port, 'GET', '/connector-plugins/postgres/config?version=0.1.0');
    await call(s.port, 'GET', '/connector-plugins/postgres/config?version=latest');
    assert.deepEqual(s.herder.calls, [['pluginConfig', 'PostgresConnector', undefined], ['pluginConfig', 'postgres', '0.1.0'], ['pluginConfig', 'postgres', undefined]]);
    const missing = await call(s.port, 'GET', '/connector-plugins/Nope/config');
    assert.deepEqual(missing.json, { error_code: 404, message: 'Unknown plugin Nope.' });
  });

  test('PUT /connector-plugins/{plugin}/config/validate: 200 even with errors; body is a flat map', async () => {
    const res = await call(s.port, 'PUT', '/connector-plugins/postgres/config/validate', { body: { 'connector.class': 'io.debezium.connector.postgresql.PostgresConnector', 'tasks.max': 1 } });
    assert.equal(res.status, 200);
    assert.equal(res.json.error_count, 1);
    assert.deepEqual(res.json.configs[0].value.errors, ["The 'topic.prefix' value is invalid: A value is required"]);
    assert.deepEqual(s.herder.calls[0], ['validateConfig', 'postgres', { 'connector.class': 'io.debezium.connector.postgresql.PostgresConnector', 'tasks.max': '1' }]);
    const notFlat = await call(s.port, 'PUT', '/connector-plugins/postgres/config/validate', { body: { 'connector.class': { a: 1 } } });
    assert.equal(notFlat.status, 400);
    assert.match(notFlat.json.message, /Property 'connector.class' in request body must be a string/);
  });

  test('validate: a class mismatch raised by the herder is a 400 with its message', async () => {
    s.herder.failNext = new HerderError(400, 'Included connector type com.example.Other does not match request type postgres');
    const res = await call(s.port, 'PUT', '/connector-plugins/postgres/config/validate', { body: { 'connector.class': 'com.example.Other' } });
    assert.deepEqual(res.json, { error_code: 400, message: 'Included connector type com.example.Other does not match request type postgres' });
  });
});
