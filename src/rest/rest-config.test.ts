import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigDef } from '../config/define.ts';
import { restHostName, restPort, workerConfigDef } from '../config/worker-config.ts';
import { restConfigFromWorker } from './rest-config.ts';
import { REST_CONFIG_FIELDS, parseBasicUsers } from '../config/rest-fields.ts';

// The worker ConfigDef once the lead adds REST_CONFIG_FIELDS; until then, just the REST part.
const def = new ConfigDef([restHostName, restPort, ...REST_CONFIG_FIELDS]);
const parse = (raw: Record<string, unknown>) => def.parse(raw, 'worker config');

test('the worker ConfigDef declares every REST field, or can take them without a name clash', () => {
  const worker = workerConfigDef();
  const declared = REST_CONFIG_FIELDS.filter((f) => worker.field(f.name) === f);
  if (declared.length === 0) assert.doesNotThrow(() => new ConfigDef([...worker.fields(), ...REST_CONFIG_FIELDS]));
  else assert.deepEqual(declared.map((f) => f.name), REST_CONFIG_FIELDS.map((f) => f.name), 'all REST fields, not some');
});

test('defaults: plain HTTP, no auth, 1 MiB bodies, 90 s timeout', () => {
  assert.deepEqual(restConfigFromWorker(parse({})), { host: '0.0.0.0', port: 8083, maxBodyBytes: 1048576, requestTimeoutMs: 90000 });
});

test('basic auth: user:password pairs, split at the first colon', () => {
  const c = restConfigFromWorker(parse({ 'rest.auth.type': 'basic', 'rest.auth.basic.users': 'alice:pa:ss, bob:pw2' }));
  assert.deepEqual(c.auth, { type: 'basic', users: { alice: 'pa:ss', bob: 'pw2' } });
});

test('bearer auth: comma-separated tokens', () => {
  const c = restConfigFromWorker(parse({ 'rest.auth.type': 'BEARER', 'rest.auth.bearer.tokens': 'abc123==,def-456' }));
  assert.deepEqual(c.auth, { type: 'bearer', tokens: ['abc123==', 'def-456'] });
});

test('TLS files, client auth and body limit', () => {
  const c = restConfigFromWorker(parse({
    'rest.host.name': '127.0.0.1', 'rest.port': 8443, 'rest.max.body.bytes': 4096,
    'rest.tls.key.file': '/k.pem', 'rest.tls.cert.file': '/c.pem', 'rest.tls.ca.file': '/ca.pem', 'rest.tls.client.auth': 'required',
  }));
  assert.deepEqual(c, {
    host: '127.0.0.1', port: 8443, maxBodyBytes: 4096, requestTimeoutMs: 90000,
    tls: { keyFile: '/k.pem', certFile: '/c.pem', caFile: '/ca.pem', requireClientCert: true },
  });
});

test('inconsistent settings are refused at parse time, naming the property and the fix, never the secret', () => {
  const problems = (raw: Record<string, unknown>): string => {
    try {
      parse(raw);
    } catch (err) {
      return (err as Error).message;
    }
    return '';
  };
  assert.match(problems({ 'rest.auth.type': 'basic' }), /rest\.auth\.type=basic needs rest\.auth\.basic\.users/);
  assert.match(problems({ 'rest.auth.type': 'bearer' }), /needs rest\.auth\.bearer\.tokens/);
  const badUsers = problems({ 'rest.auth.type': 'basic', 'rest.auth.basic.users': 'alice:topsecret,bobnopassword' });
  assert.match(badUsers, /entry 2 is not user:password/);
  assert.doesNotMatch(badUsers, /topsecret|bobnopassword/);
  assert.match(problems({ 'rest.auth.type': 'bearer', 'rest.auth.bearer.tokens': 'has space' }), /token 1 contains characters/);
  assert.match(problems({ 'rest.tls.key.file': '/k.pem' }), /rest\.tls\.key\.file needs rest\.tls\.cert\.file/);
  assert.match(problems({ 'rest.tls.cert.file': '/c.pem' }), /needs rest\.tls\.key\.file/);
  assert.match(problems({ 'rest.tls.key.file': '/k', 'rest.tls.cert.file': '/c', 'rest.tls.client.auth': 'required' }), /needs HTTPS .* and rest\.tls\.ca\.file/);
  assert.match(problems({ 'rest.auth.type': 'digest' }), /rest\.auth\.type/);
  assert.match(problems({ 'rest.max.body.bytes': 10 }), /at least 1024 bytes/);
});

test('parseBasicUsers reports empty lists and empty passwords', () => {
  assert.deepEqual(parseBasicUsers('').problems, ['no user:password entry']);
  assert.deepEqual(parseBasicUsers('a:').problems, ['entry 1 has an empty password']);
  assert.deepEqual(parseBasicUsers(':pw').problems, ['entry 1 is not user:password']);
});
