import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { httpFetch } from './http-fetch.ts';

async function withServer(handler: http.RequestListener, run: (base: string) => Promise<void>): Promise<void> {
  const server = http.createServer(handler);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    await run(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
}

test('sends method, headers and body; answers status, ok and the body text', async () => {
  await withServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      res.writeHead(req.url === '/missing' ? 404 : 200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ method: req.method, url: req.url, auth: req.headers.authorization, type: req.headers['content-type'], body }));
    });
  }, async (base) => {
    const a = await httpFetch(`${base}/subjects/s%C3%A9/versions`, { method: 'POST', headers: { Authorization: 'Basic eA==', 'Content-Type': 'x/y' }, body: '{"schema":"é"}' });
    assert.equal(a.ok, true);
    assert.equal(a.status, 200);
    assert.deepEqual(JSON.parse(await a.text()), { method: 'POST', url: '/subjects/s%C3%A9/versions', auth: 'Basic eA==', type: 'x/y', body: '{"schema":"é"}' });
    const b = await httpFetch(`${base}/missing`, {});
    assert.equal(b.ok, false);
    assert.equal(b.status, 404);
  });
});

test('an unreachable host rejects with the system error as cause; a timeout with the signal reason', async () => {
  const closed = http.createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  const port = (closed.address() as AddressInfo).port;
  await new Promise((r) => closed.close(r));
  await assert.rejects(httpFetch(`http://127.0.0.1:${port}/`, {}), (err: Error) => (err.cause as { code?: string }).code === 'ECONNREFUSED');
  await withServer(() => { /* never answers */ }, async (base) => {
    await assert.rejects(httpFetch(`${base}/slow`, { signal: AbortSignal.timeout(50) }), (err: Error) => err.name === 'TimeoutError');
  });
  await assert.rejects(httpFetch('ftp://example/', {}), /unsupported protocol ftp:/);
});
