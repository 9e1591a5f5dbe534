import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { call, startServer, type Started } from '../../test/doubles/rest-test-kit.ts';
import { createAuthenticator } from './auth.ts';

const basic = (user: string, password: string): Record<string, string> => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });

describe('basic authentication', () => {
  let s: Started;
  before(async () => { s = await startServer({ config: { auth: { type: 'basic', users: { alice: 'pa:ss', bob: 'other' } } } }); });
  after(async () => { await s.close(); });

  test('no credentials: 401 with WWW-Authenticate and the error shape, on every endpoint including unknown URLs', async () => {
    for (const [method, path] of [['GET', '/'], ['GET', '/connectors'], ['POST', '/connectors'], ['PUT', '/admin/loggers/root'], ['GET', '/nope']] as const) {
      const res = await call(s.port, method, path);
      assert.equal(res.status, 401, `${method} ${path}`);
      assert.equal(res.headers['www-authenticate'], 'Basic realm="cdc", charset="UTF-8"');
      assert.equal(res.headers['content-type'], 'application/json');
      assert.equal(res.json.error_code, 401);
      assert.match(res.json.message, /^Authentication required: send an Authorization: Basic header/);
    }
  });

  test('wrong password and unknown user get the same answer; malformed header 401', async () => {
    const wrong = await call(s.port, 'GET', '/connectors', { headers: basic('alice', 'nope') });
    const unknown = await call(s.port, 'GET', '/connectors', { headers: basic('mallory', 'pa:ss') });
    assert.equal(wrong.status, 401);
    assert.deepEqual(wrong.json, unknown.json);
    assert.deepEqual(wrong.json, { error_code: 401, message: 'Invalid user name or password' });
    const malformed = await call(s.port, 'GET', '/connectors', { headers: { authorization: 'Basic bm9jb2xvbg==' } });
    assert.equal(malformed.status, 401);
    assert.match(malformed.json.message, /Malformed Authorization header/);
    const otherScheme = await call(s.port, 'GET', '/connectors', { headers: { authorization: 'Bearer abc' } });
    assert.equal(otherScheme.status, 401);
  });

  test('valid credentials pass (password may contain a colon; scheme in any case)', async () => {
    assert.equal((await call(s.port, 'GET', '/connectors', { headers: basic('alice', 'pa:ss') })).status, 200);
    const lower = { authorization: `basic ${Buffer.from('bob:other').toString('base64')}` };
    assert.equal((await call(s.port, 'GET', '/connectors', { headers: lower })).status, 200);
  });

  test('GET /health is exempt so probes need no credentials', async () => {
    const res = await call(s.port, 'GET', '/health');
    assert.equal(res.status, 200);
    assert.equal(res.json.status, 'healthy');
  });
});

describe('bearer authentication', () => {
  let s: Started;
  before(async () => { s = await startServer({ config: { auth: { type: 'bearer', tokens: ['tok-1', 'tok-2'] } } }); });
  after(async () => { await s.close(); });

  test('missing token: 401 with a Bearer challenge (no error code, RFC 6750)', async () => {
    const res = await call(s.port, 'GET', '/connectors');
    assert.equal(res.status, 401);
    assert.equal(res.headers['www-authenticate'], 'Bearer realm="cdc"');
    assert.equal(res.json.error_code, 401);
  });

  test('wrong token: 401 invalid_token; every configured token works', async () => {
    const wrong = await call(s.port, 'GET', '/connectors', { headers: { authorization: 'Bearer tok-3' } });
    assert.equal(wrong.status, 401);
    assert.equal(wrong.headers['www-authenticate'], 'Bearer realm="cdc", error="invalid_token"');
    assert.deepEqual(wrong.json, { error_code: 401, message: 'Invalid bearer token' });
    assert.equal((await call(s.port, 'GET', '/connectors', { headers: { authorization: 'Bearer tok-1' } })).status, 200);
    assert.equal((await call(s.port, 'GET', '/connectors', { headers: { authorization: 'Bearer tok-2' } })).status, 200);
  });

  test('GET /health is exempt', async () => {
    assert.equal((await call(s.port, 'GET', '/health')).status, 200);
  });
});

test('the authenticator names the principal for the log, never the secret', () => {
  const bearer = createAuthenticator({ type: 'bearer', tokens: ['tok-1', 'tok-2'] })!;
  assert.equal(bearer.authenticate({ authorization: 'Bearer tok-2' }), 'token#2');
  const basicAuth = createAuthenticator({ type: 'basic', users: { alice: 'pw' } })!;
  assert.equal(basicAuth.authenticate(basic('alice', 'pw')), 'alice');
});

test('an auth config without credentials is refused when the server is built', () => {
  assert.throws(() => createAuthenticator({ type: 'basic', users: {} }), /at least one user \(rest\.auth\.basic\.users\)/);
  assert.throws(() => createAuthenticator({ type: 'bearer', tokens: [] }), /at least one token \(rest\.auth\.bearer\.tokens\)/);
  assert.equal(createAuthenticator(undefined), null);
});
