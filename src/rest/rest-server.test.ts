import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import type { Logger } from '../log/logger.ts';
import { call, createBody, FakeHerder, seed, startServer, type Started } from '../../test/doubles/rest-test-kit.ts';
import { createRestServer } from './rest-server.ts';
import { silentLogger } from '../log/logger.ts';

function capturingLogger(): { log: Logger; lines: { level: string; obj: Record<string, unknown>; msg?: string }[] } {
  const lines: { level: string; obj: Record<string, unknown>; msg?: string }[] = [];
  const make = (bindings: Record<string, unknown>): Logger => {
    const at = (level: string) => (obj: object, msg?: string) => { lines.push({ level, obj: { ...bindings, ...obj }, ...(msg ? { msg } : {}) }); };
    return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: (b) => make({ ...bindings, ...b }) };
  };
  return { log: make({}), lines };
}

/** Sends a body in chunks without Content-Length (Transfer-Encoding: chunked). */
function chunked(port: number, path: string, chunks: number, size: number): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path, headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (c) => { text += c; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) }));
    });
    req.on('error', reject);
    for (let i = 0; i < chunks; i++) req.write('x'.repeat(size));
    req.end();
  });
}

describe('REST server behaviour shared by all endpoints', () => {
  let s: Started;
  const captured = capturingLogger();
  before(async () => { s = await startServer({ log: captured.log, config: { maxBodyBytes: 2048 } }); });
  after(async () => { await s.close(); });

  test('unknown URL: 404 "HTTP 404 Not Found" in the error shape', async () => {
    for (const path of ['/nope', '/connectors/a/b/c/d/e', '/connectors//config']) {
      const res = await call(s.port, 'GET', path);
      assert.equal(res.status, 404, path);
      assert.equal(res.headers['content-type'], 'application/json');
      assert.deepEqual(res.json, { error_code: 404, message: 'HTTP 404 Not Found' });
    }
  });

  test('wrong method: 405 with an Allow header', async () => {
    const res = await call(s.port, 'DELETE', '/connectors');
    assert.equal(res.status, 405);
    assert.deepEqual(res.json, { error_code: 405, message: 'HTTP 405 Method Not Allowed' });
    assert.equal(res.headers.allow, 'GET, HEAD, POST');
  });

  test('a trailing slash is ignored; HEAD answers like GET without a body', async () => {
    assert.equal((await call(s.port, 'GET', '/connectors/')).status, 200);
    const head = await call(s.port, 'HEAD', '/connectors');
    assert.equal(head.status, 200);
    assert.equal(head.text, '');
    assert.equal(head.headers['content-type'], 'application/json');
  });

  test('bad JSON: 400 naming the parse problem; empty body 400; non-JSON content type 415; bad UTF-8 400', async () => {
    const bad = await call(s.port, 'POST', '/connectors', { raw: '{"name": "x",', headers: { 'content-type': 'application/json' } });
    assert.equal(bad.status, 400);
    assert.match(bad.json.message, /^Request body is not valid JSON: /);
    const empty = await call(s.port, 'POST', '/connectors', { raw: '', headers: { 'content-type': 'application/json' } });
    assert.equal(empty.status, 400);
    assert.match(empty.json.message, /Request body is empty/);
    const form = await call(s.port, 'POST', '/connectors', { raw: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(form.status, 415);
    assert.match(form.json.message, /^HTTP 415 Unsupported Media Type: .*Content-Type: application\/json/);
    const noType = await call(s.port, 'POST', '/connectors', { raw: JSON.stringify(createBody('no-type')) });
    assert.equal(noType.status, 201, 'a JSON body without Content-Type is accepted');
    const latin1 = await call(s.port, 'POST', '/connectors', { raw: Buffer.from([0x7b, 0xe9, 0x7d]), headers: { 'content-type': 'application/json; charset=utf-8' } });
    assert.equal(latin1.status, 400);
    assert.match(latin1.json.message, /not valid UTF-8/);
  });

  test('body too large: 413 from Content-Length and from a chunked stream', async () => {
    const big = createBody('big', { filler: 'x'.repeat(4096) });
    const declared = await call(s.port, 'POST', '/connectors', { body: big });
    assert.equal(declared.status, 413);
    assert.equal(declared.json.error_code, 413);
    assert.match(declared.json.message, /larger than the limit of 2048 bytes \(rest\.max\.body\.bytes\)/);
    const streamed = await chunked(s.port, '/connectors', 8, 1024);
    assert.equal(streamed.status, 413);
    assert.equal(s.herder.connectorsByName.has('big'), false);
  });

  test('malformed percent-encoding in the path: 400', async () => {
    const res = await call(s.port, 'GET', '/connectors/%E0%A4%A/status');
    assert.equal(res.status, 400);
    assert.match(res.json.message, /Malformed percent-encoding/);
  });

  test('unexpected errors: 500 naming the cause, without a stack; logged with the error', async () => {
    const cause = new Error('socket hang up');
    s.herder.failNext = new TypeError('Cannot read properties of undefined (reading \'tasks\')', { cause });
    const res = await call(s.port, 'GET', '/connectors');
    assert.equal(res.status, 500);
    assert.equal(res.json.error_code, 500);
    assert.equal(res.json.message, "Unexpected error: TypeError: Cannot read properties of undefined (reading 'tasks'); caused by Error: socket hang up");
    assert.doesNotMatch(res.text, /\bat .*\.ts:\d+/);
    const logged = captured.lines.find((l) => l.level === 'error' && l.obj['path'] === '/connectors');
    assert.ok(logged, 'the failure is logged');
    assert.ok(logged.obj['err'] instanceof TypeError);
  });

  test('request log: method, path, status, duration; never the body (which holds secrets)', async () => {
    captured.lines.length = 0;
    await seed(s.port, 'logged');
    const line = captured.lines.find((l) => l.obj['method'] === 'POST');
    assert.ok(line);
    assert.deepEqual(Object.keys(line.obj).sort(), ['durationMs', 'method', 'path', 'status']);
    assert.equal(line.obj['status'], 201);
    assert.equal(line.obj['path'], '/connectors');
    assert.doesNotMatch(JSON.stringify(captured.lines), /s3cret/);
  });
});

describe('REST server timeouts and lifecycle', () => {
  test('a herder call longer than requestTimeoutMs: 500 "Request timed out. ..."', async () => {
    const herder = new FakeHerder();
    const s = await startServer({ herder, config: { requestTimeoutMs: 50 } });
    try {
      herder.delayMs = 200;
      const res = await call(s.port, 'POST', '/connectors', { body: createBody() });
      assert.equal(res.status, 500);
      assert.equal(res.json.error_code, 500);
      assert.match(res.json.message, /^Request timed out\. The worker did not finish creating the connector within 50 ms/);
    } finally {
      await s.close();
    }
  });

  test('listen() reports the port; a taken port is a clear error; close() is idempotent', async () => {
    const a = await startServer();
    const b = createRestServer({ herder: new FakeHerder(), log: silentLogger(), config: { host: '127.0.0.1', port: a.port } });
    await assert.rejects(b.listen(), /REST API cannot listen on 127\.0\.0\.1:\d+: EADDRINUSE; fix: set rest.port/);
    await a.close();
    await a.close();
    await b.close();
  });
});
