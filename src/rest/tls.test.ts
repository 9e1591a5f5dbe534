import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { call, startServer } from '../../test/doubles/rest-test-kit.ts';
import { createRestServer } from './rest-server.ts';
import { FakeHerder } from '../../test/doubles/rest-test-kit.ts';
import { silentLogger } from '../log/logger.ts';

const openssl = spawnSync('openssl', ['version'], { encoding: 'utf8' });
const skip = openssl.status === 0 ? false : 'openssl CLI not found: cannot generate a test certificate';

function run(dir: string, args: string[]): void {
  const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${r.stderr}`);
}

describe('HTTPS', { skip }, () => {
  let dir: string;
  const file = (name: string): string => join(dir, name);
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'cdc-rest-tls-'));
    // A CA, a server certificate for 127.0.0.1 and a client certificate, all signed by the CA.
    run(dir, ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '1', '-subj', '/CN=test-ca']);
    writeFileSync(file('san.ext'), 'subjectAltName=IP:127.0.0.1\n');
    run(dir, ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1']);
    run(dir, ['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '1', '-extfile', 'san.ext']);
    run(dir, ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'client.key', '-out', 'client.csr', '-subj', '/CN=client']);
    run(dir, ['x509', '-req', '-in', 'client.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'client.crt', '-days', '1']);
  });
  after(() => { rmSync(dir, { recursive: true, force: true }); });

  test('serves the API over HTTPS with the given key and certificate', async () => {
    const s = await startServer({ config: { tls: { keyFile: file('server.key'), certFile: file('server.crt') } } });
    try {
      const res = await call(s.port, 'GET', '/connectors', { tls: { ca: readFileSync(file('ca.crt')) } });
      assert.equal(res.status, 200);
      assert.deepEqual(res.json, []);
      await assert.rejects(call(s.port, 'GET', '/connectors'), 'plain HTTP to the HTTPS port fails');
    } finally {
      await s.close();
    }
  });

  test('mutual TLS: a client without a certificate is refused, one signed by the CA is served', async () => {
    const s = await startServer({ config: { tls: { keyFile: file('server.key'), certFile: file('server.crt'), caFile: file('ca.crt'), requireClientCert: true } } });
    try {
      const ca = readFileSync(file('ca.crt'));
      await assert.rejects(call(s.port, 'GET', '/connectors', { tls: { ca } }));
      const res = await call(s.port, 'GET', '/connectors', { tls: { ca, cert: readFileSync(file('client.crt')), key: readFileSync(file('client.key')) } });
      assert.equal(res.status, 200);
    } finally {
      await s.close();
    }
  });

  test('a missing or non-PEM file is a clear error at listen()', async () => {
    const missing = createRestServer({ herder: new FakeHerder(), log: silentLogger(), config: { host: '127.0.0.1', port: 0, tls: { keyFile: file('nope.key'), certFile: file('server.crt') } } });
    await assert.rejects(missing.listen(), /REST TLS: cannot read private key .*nope\.key \(rest\.tls\.key\.file\): ENOENT; fix:/);
    const notPem = createRestServer({ herder: new FakeHerder(), log: silentLogger(), config: { host: '127.0.0.1', port: 0, tls: { keyFile: file('server.key'), certFile: file('san.ext') } } });
    await assert.rejects(notPem.listen(), /certificate .*san\.ext \(rest\.tls\.cert\.file\) is not PEM/);
    const noCa = createRestServer({ herder: new FakeHerder(), log: silentLogger(), config: { host: '127.0.0.1', port: 0, tls: { keyFile: file('server.key'), certFile: file('server.crt'), requireClientCert: true } } });
    await assert.rejects(noCa.listen(), /set rest\.tls\.ca\.file/);
  });
});
