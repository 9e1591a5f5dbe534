import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { HIDDEN_VALUE } from '../config/secret.ts';
import { call, createBody, FakeHerder, seed, startServer, type Started } from '../../test/doubles/rest-test-kit.ts';

const JSON_TYPE = 'application/json';

describe('connector CRUD, status, tasks and topics', () => {
  let s: Started;
  before(async () => { s = await startServer(); });
  after(async () => { await s.close(); });
  beforeEach(() => { s.herder.connectorsByName.clear(); s.herder.calls.length = 0; });

  test('GET /connectors lists names', async () => {
    const empty = await call(s.port, 'GET', '/connectors');
    assert.equal(empty.status, 200);
    assert.equal(empty.headers['content-type'], JSON_TYPE);
    assert.deepEqual(empty.json, []);
    await seed(s.port, 'a');
    await seed(s.port, 'b');
    assert.deepEqual((await call(s.port, 'GET', '/connectors')).json.sort(), ['a', 'b']);
  });

  test('GET /connectors?expand=status&expand=info keys by name; unknown expansions are ignored', async () => {
    await seed(s.port, 'a');
    const both = await call(s.port, 'GET', '/connectors?expand=status&expand=info&forward=false');
    assert.equal(both.status, 200);
    assert.deepEqual(Object.keys(both.json), ['a']);
    assert.equal(both.json.a.status.connector.state, 'RUNNING');
    assert.equal(both.json.a.info.name, 'a');
    const onlyStatus = await call(s.port, 'GET', '/connectors?expand=status');
    assert.deepEqual(Object.keys(onlyStatus.json.a), ['status']);
    const unknown = await call(s.port, 'GET', '/connectors?expand=bogus');
    assert.deepEqual(unknown.json, { a: {} });
  });

  test('GET /connectors?expand omits a connector that disappears during the listing', async () => {
    const herder = new FakeHerder();
    const gone = await startServer({ herder });
    try {
      await seed(gone.port, 'a');
      await seed(gone.port, 'b');
      const original = herder.connectorStatus.bind(herder);
      herder.connectorStatus = async (name) => { if (name === 'b') herder.connectorsByName.delete('b'); return original(name); };
      const res = await call(gone.port, 'GET', '/connectors?expand=status');
      assert.equal(res.status, 200);
      assert.deepEqual(Object.keys(res.json), ['a']);
    } finally {
      await gone.close();
    }
  });

  test('POST /connectors creates: 201, Location, ConnectorInfo; name filled into config; numbers and booleans become strings', async () => {
    const res = await call(s.port, 'POST', '/connectors', { body: createBody('orders-cdc', { 'tasks.max': 1, 'snapshot.enabled': true, 'poll.interval.ms': 0.5 }) });
    assert.equal(res.status, 201);
    assert.equal(res.headers.location, `http://127.0.0.1:${s.port}/connectors/orders-cdc`, 'absolute, as Connect builds it from the base URI');
    assert.equal(res.headers['content-type'], JSON_TYPE);
    assert.equal(res.json.name, 'orders-cdc');
    assert.equal(res.json.type, 'source');
    assert.ok(Array.isArray(res.json.tasks));
    assert.equal(res.json.config.name, 'orders-cdc');
    assert.equal(res.json.config['database.password'], HIDDEN_VALUE, 'secrets come back redacted');
    const [, name, config, opts] = s.herder.calls.find((c) => c[0] === 'putConnectorConfig')!;
    assert.equal(name, 'orders-cdc');
    assert.deepEqual(opts, { allowReplace: false });
    assert.equal((config as Record<string, string>)['tasks.max'], '1');
    assert.equal((config as Record<string, string>)['snapshot.enabled'], 'true');
    assert.equal((config as Record<string, string>)['poll.interval.ms'], '0.5');
  });

  test('Location names the host the client used (Host header)', async () => {
    const res = await call(s.port, 'POST', '/connectors', { body: createBody('orders-cdc'), headers: { host: 'connect.example:8083' } });
    assert.equal(res.headers.location, 'http://connect.example:8083/connectors/orders-cdc');
  });

  test('POST /connectors trims the name, encodes it in Location, passes initial_state (any case)', async () => {
    const res = await call(s.port, 'POST', '/connectors', { body: { ...createBody('  my conn  '), initial_state: 'paused' } });
    assert.equal(res.status, 201);
    assert.equal(res.headers.location, `http://127.0.0.1:${s.port}/connectors/my%20conn`);
    assert.equal(res.json.name, 'my conn');
    const put = s.herder.calls.find((c) => c[0] === 'putConnectorConfig')!;
    assert.deepEqual(put[3], { allowReplace: false, initialState: 'PAUSED' });
  });

  test('POST /connectors errors: 409 exists, 400 invalid config listing every problem, 400 name mismatch', async () => {
    await seed(s.port, 'orders-cdc');
    const dup = await call(s.port, 'POST', '/connectors', { body: createBody('orders-cdc') });
    assert.equal(dup.status, 409);
    assert.deepEqual(dup.json, { error_code: 409, message: 'Connector orders-cdc already exists' });

    const invalid = await call(s.port, 'POST', '/connectors', { body: { name: 'x', config: { 'tasks.max': '1' } } });
    assert.equal(invalid.status, 400);
    assert.equal(invalid.json.error_code, 400);
    assert.match(invalid.json.message, /^Connector configuration is invalid and contains the following 2 error\(s\):\n/);
    assert.match(invalid.json.message, /"connector.class"/);
    assert.match(invalid.json.message, /"topic.prefix"/);

    const mismatch = await call(s.port, 'POST', '/connectors', { body: createBody('x', { name: 'y' }) });
    assert.equal(mismatch.status, 400);
    assert.equal(mismatch.json.message, "Connector name configuration (y) doesn't match connector name in the URL (x)");
  });

  test('POST /connectors body shape errors name the field and the fix', async () => {
    const cases: [unknown, RegExp][] = [
      [[1, 2], /Request body must be a JSON object with 'name' and 'config'/],
      [{ config: {} }, /Field 'name' is missing/],
      [{ name: 5, config: {} }, /Field 'name' must be a string, not a number/],
      [{ name: 'x' }, /Field 'config' is missing/],
      [{ name: 'x', config: 'a=b' }, /'config' must be a JSON object of connector properties/],
      [{ name: 'x', config: { 'table.include.list': ['a', 'b'] } }, /Property 'table.include.list' in 'config' must be a string, number or boolean, not an array.*"a,b,c"/],
      [{ name: 'x', config: { 'a': null } }, /Property 'a' in 'config' is null/],
      [{ name: 'x', config: { 'a': 12345678901234567890 } }, /too large to keep exactly: write it as a JSON string/],
      [{ name: 'x', config: {}, initial_state: 'RUNNIN' }, /Field 'initial_state' must be one of RUNNING, PAUSED, STOPPED, not "RUNNIN"/],
    ];
    for (const [body, message] of cases) {
      const res = await call(s.port, 'POST', '/connectors', { raw: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.json.error_code, 400);
      assert.match(res.json.message, message);
    }
    assert.equal(s.herder.calls.length, 0, 'nothing reached the herder');
  });

  test('unsafe connector names are refused with the rule in the message', async () => {
    for (const name of ['', '   ', 'a/b', 'a\\b', 'tab\there', 'nul\u0000', '..', 'x'.repeat(250)]) {
      const res = await call(s.port, 'POST', '/connectors', { body: createBody(name) });
      assert.equal(res.status, 400, JSON.stringify(name));
      assert.match(res.json.message, /is not allowed: .*Connector names are 1 to 249 characters without control characters, '\/' or '\\'/);
    }
    const viaPut = await call(s.port, 'PUT', '/connectors/a%2Fb/config', { body: { 'connector.class': 'X', 'topic.prefix': 'p' } });
    assert.equal(viaPut.status, 400);
    assert.match(viaPut.json.message, /contains '\/' or '\\'/);
    const spaced = await call(s.port, 'PUT', '/connectors/%20x/config', { body: { 'connector.class': 'X', 'topic.prefix': 'p' } });
    assert.equal(spaced.status, 400);
    assert.match(spaced.json.message, /starts or ends with whitespace/);
    assert.equal(s.herder.calls.length, 0);
  });

  test('GET /connectors/{name}: 200 ConnectorInfo; unknown 404 with Connect\'s message; names are URL-decoded', async () => {
    await seed(s.port, 'my conn');
    const res = await call(s.port, 'GET', '/connectors/my%20conn');
    assert.equal(res.status, 200);
    assert.deepEqual(Object.keys(res.json).sort(), ['config', 'name', 'tasks', 'type']);
    assert.deepEqual(res.json.tasks, [{ connector: 'my conn', task: 0 }]);
    const missing = await call(s.port, 'GET', '/connectors/nope');
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.json, { error_code: 404, message: 'Connector nope not found' });
  });

  test('GET /connectors/{name}/config returns the redacted flat map', async () => {
    await seed(s.port);
    const res = await call(s.port, 'GET', '/connectors/orders-cdc/config');
    assert.equal(res.status, 200);
    assert.equal(res.json['database.password'], HIDDEN_VALUE);
    assert.equal(res.json['topic.prefix'], 'shop');
    assert.equal((await call(s.port, 'GET', '/connectors/nope/config')).status, 404);
  });

  test('PUT /connectors/{name}/config: 201 + Location when created, 200 when updated; "[hidden]" passes through (GET-modify-PUT keeps the secret)', async () => {
    const created = await call(s.port, 'PUT', '/connectors/orders-cdc/config', { body: createBody().config });
    assert.equal(created.status, 201);
    assert.equal(created.headers.location, `http://127.0.0.1:${s.port}/connectors/orders-cdc`);
    assert.equal(created.json.config.name, 'orders-cdc');
    const current = (await call(s.port, 'GET', '/connectors/orders-cdc/config')).json;
    const updated = await call(s.port, 'PUT', '/connectors/orders-cdc/config', { body: { ...current, 'topic.prefix': 'shop2' } });
    assert.equal(updated.status, 200);
    assert.equal(updated.headers.location, undefined);
    assert.equal(updated.json.config['topic.prefix'], 'shop2');
    const lastPut = s.herder.calls.filter((c) => c[0] === 'putConnectorConfig').at(-1)!;
    assert.equal((lastPut[2] as Record<string, string>)['database.password'], HIDDEN_VALUE, 'the REST layer passes the marker on');
    assert.deepEqual(lastPut[3], { allowReplace: true });
    assert.equal(s.herder.connectorsByName.get('orders-cdc')!.config['database.password'], 's3cret', 'the herder kept the stored secret');
  });

  test('PUT /connectors/{name}/config errors: name mismatch, wrapped body, invalid config', async () => {
    const mismatch = await call(s.port, 'PUT', '/connectors/a/config', { body: { name: 'b', 'connector.class': 'X', 'topic.prefix': 'p' } });
    assert.equal(mismatch.status, 400);
    assert.equal(mismatch.json.message, "Connector name configuration (b) doesn't match connector name in the URL (a)");
    const wrapped = await call(s.port, 'PUT', '/connectors/a/config', { body: createBody('a') });
    assert.equal(wrapped.status, 400);
    assert.match(wrapped.json.message, /takes the flat config map as its body/);
    const invalid = await call(s.port, 'PUT', '/connectors/a/config', { body: { 'connector.class': 'X' } });
    assert.equal(invalid.status, 400);
    assert.match(invalid.json.message, /contains the following 1 error\(s\)/);
  });

  test('PATCH /connectors/{name}/config merges, null removes; 404 when missing; name mismatch 400', async () => {
    await seed(s.port);
    const res = await call(s.port, 'PATCH', '/connectors/orders-cdc/config', { body: { 'tasks.max': 2, 'database.password': null } });
    assert.equal(res.status, 200);
    assert.equal(res.json.config['tasks.max'], '2');
    assert.equal(res.json.config['database.password'], undefined);
    assert.deepEqual(s.herder.calls.at(-1), ['patchConnectorConfig', 'orders-cdc', { 'tasks.max': '2', 'database.password': null }]);
    const missing = await call(s.port, 'PATCH', '/connectors/nope/config', { body: { a: 'b' } });
    assert.equal(missing.status, 404);
    assert.equal(missing.json.message, 'Connector nope not found');
    const mismatch = await call(s.port, 'PATCH', '/connectors/orders-cdc/config', { body: { name: 'other' } });
    assert.equal(mismatch.status, 400);
    const nested = await call(s.port, 'PATCH', '/connectors/orders-cdc/config', { body: { a: { b: 1 } } });
    assert.equal(nested.status, 400);
    assert.match(nested.json.message, /Property 'a' in request body must be a string, number or boolean, not an object/);
  });

  test('DELETE /connectors/{name}: 204 with no body; unknown 404', async () => {
    await seed(s.port);
    const res = await call(s.port, 'DELETE', '/connectors/orders-cdc');
    assert.equal(res.status, 204);
    assert.equal(res.text, '');
    assert.equal((await call(s.port, 'DELETE', '/connectors/orders-cdc')).status, 404);
  });

  test('GET /connectors/{name}/status keeps our reason/since extension and version; unknown 404', async () => {
    await seed(s.port, 'orders-cdc', 'PAUSED');
    const res = await call(s.port, 'GET', '/connectors/orders-cdc/status');
    assert.equal(res.status, 200);
    assert.deepEqual(res.json, {
      name: 'orders-cdc', type: 'source',
      connector: { state: 'PAUSED', worker_id: '127.0.0.1:8083', version: '0.1.0', reason: 'paused by PUT /pause', since: 1716900000000 },
      tasks: [{ id: 0, state: 'PAUSED', worker_id: '127.0.0.1:8083' }],
    });
    const missing = await call(s.port, 'GET', '/connectors/nope/status');
    assert.deepEqual(missing.json, { error_code: 404, message: 'No status found for connector nope' });
  });

  test('GET /connectors/{name}/tasks and /tasks/{id}/status', async () => {
    await seed(s.port);
    const tasks = await call(s.port, 'GET', '/connectors/orders-cdc/tasks');
    assert.equal(tasks.status, 200);
    assert.deepEqual(tasks.json[0].id, { connector: 'orders-cdc', task: 0 });
    assert.equal(typeof tasks.json[0].config, 'object');
    const status = await call(s.port, 'GET', '/connectors/orders-cdc/tasks/0/status');
    assert.equal(status.status, 200);
    assert.deepEqual(status.json, { id: 0, state: 'RUNNING', worker_id: '127.0.0.1:8083' });
    const unknown = await call(s.port, 'GET', '/connectors/orders-cdc/tasks/7/status');
    assert.deepEqual(unknown.json, { error_code: 404, message: 'No status found for task orders-cdc-7' });
    const notNumber = await call(s.port, 'GET', '/connectors/orders-cdc/tasks/abc/status');
    assert.equal(notNumber.status, 404);
    assert.match(notNumber.json.message, /task ids are numbers/);
  });

  test('tasks-config was removed in Kafka 4.0: 404', async () => {
    await seed(s.port);
    const res = await call(s.port, 'GET', '/connectors/orders-cdc/tasks-config');
    assert.deepEqual(res.json, { error_code: 404, message: 'HTTP 404 Not Found' });
  });

  test('GET /connectors/{name}/topics wraps the list; PUT topics/reset is 202 with no body', async () => {
    await seed(s.port);
    s.herder.connectorsByName.get('orders-cdc')!.topics = ['shop.public.orders'];
    const res = await call(s.port, 'GET', '/connectors/orders-cdc/topics');
    assert.equal(res.status, 200);
    assert.deepEqual(res.json, { 'orders-cdc': { topics: ['shop.public.orders'] } });
    const reset = await call(s.port, 'PUT', '/connectors/orders-cdc/topics/reset');
    assert.equal(reset.status, 202);
    assert.equal(reset.text, '');
    assert.deepEqual((await call(s.port, 'GET', '/connectors/orders-cdc/topics')).json, { 'orders-cdc': { topics: [] } });
    assert.equal((await call(s.port, 'PUT', '/connectors/nope/topics/reset')).status, 404);
  });
});
