import { test } from 'node:test';
import assert from 'node:assert/strict';
import { booleanParam, expandParam, Router, scopeParam, taskIdParam, type Route } from './router.ts';
import { RestError } from './rest-error.ts';
import { connectorNameProblem } from './connector-name.ts';

const route = (method: Route['method'], path: string): Route => ({ method, path, doing: 'testing', handle: async () => ({ status: 200 }) });
const router = new Router([route('GET', '/connectors'), route('POST', '/connectors'), route('GET', '/connectors/:name/tasks/:task/status')]);

test('matches templates, decodes each segment after splitting, ignores a trailing slash', () => {
  const m = router.match('GET', '/connectors/a%2Fb%20c/tasks/0/status/');
  assert.equal(m.kind, 'route');
  assert.deepEqual(m.kind === 'route' && m.params, { name: 'a/b c', task: '0' });
  assert.equal(router.match('HEAD', '/connectors').kind, 'route');
});

test('405 lists the allowed methods; 404 for unknown paths and empty segments; malformed encoding', () => {
  assert.deepEqual(router.match('DELETE', '/connectors'), { kind: 'method-not-allowed', allowed: ['GET', 'HEAD', 'POST'] });
  assert.deepEqual(router.match('GET', '/connectors/x'), { kind: 'not-found' });
  assert.deepEqual(router.match('GET', '/connectors//tasks/0/status'), { kind: 'not-found' });
  assert.equal(router.match('GET', '/connectors/%zz/tasks/0/status').kind, 'malformed');
});

test('a route declared twice is a programming error', () => {
  assert.throws(() => new Router([route('GET', '/a'), route('GET', '/a')]), /GET \/a is declared twice/);
});

test('query parameters: booleans strict, expand repeatable, scope falls back to worker', () => {
  const q = new URLSearchParams('a=TRUE&b=false&c=1&expand=info&expand=status&expand=x&scope=Cluster');
  assert.equal(booleanParam(q, 'a', false), true);
  assert.equal(booleanParam(q, 'b', true), false);
  assert.equal(booleanParam(q, 'missing', true), true);
  assert.throws(() => booleanParam(q, 'c', false), (e: unknown) => e instanceof RestError && e.status === 400);
  assert.deepEqual(expandParam(q), { present: true, status: true, info: true });
  assert.deepEqual(expandParam(new URLSearchParams('')), { present: false, status: false, info: false });
  assert.deepEqual(scopeParam(q), { scope: 'cluster' });
  assert.deepEqual(scopeParam(new URLSearchParams('scope=x')), { scope: 'worker', unknown: 'x' });
  assert.equal(taskIdParam('c', '12'), 12);
  assert.throws(() => taskIdParam('c', '1.5'), (e: unknown) => e instanceof RestError && e.status === 404);
  assert.throws(() => taskIdParam('c', '99999999999'), (e: unknown) => e instanceof RestError && e.status === 404);
});

test('connector name rule', () => {
  for (const ok of ['orders-cdc', 'my conn', 'inventory.v2', 'déjà-vu', 'x'.repeat(249)]) assert.equal(connectorNameProblem(ok), null, ok);
  assert.match(connectorNameProblem('x'.repeat(250))!, /longer than 249/);
  assert.match(connectorNameProblem('a\u0085b')!, /control character/);
  assert.match(connectorNameProblem('.')!, /"\." or "\.\."/);
  assert.match(connectorNameProblem(' a')!, /whitespace/);
});

test('the server routes exactly the endpoint index of Kafka Connect 4.1 (reference section 2) plus the signals and probe extensions', async () => {
  const { allRoutes } = await import('./rest-server.ts');
  const { FakeHerder } = await import('../../test/doubles/rest-test-kit.ts');
  const { silentLogger } = await import('../log/logger.ts');
  const index = [
    'GET /', 'GET /health', 'GET /connectors', 'POST /connectors', 'GET /connectors/:name', 'GET /connectors/:name/config',
    'PUT /connectors/:name/config', 'PATCH /connectors/:name/config', 'GET /connectors/:name/status', 'GET /connectors/:name/tasks',
    'GET /connectors/:name/tasks/:task/status', 'POST /connectors/:name/restart', 'POST /connectors/:name/tasks/:task/restart',
    'PUT /connectors/:name/pause', 'PUT /connectors/:name/resume', 'PUT /connectors/:name/stop', 'DELETE /connectors/:name',
    'GET /connectors/:name/offsets', 'PATCH /connectors/:name/offsets', 'DELETE /connectors/:name/offsets',
    'GET /connectors/:name/topics', 'PUT /connectors/:name/topics/reset', 'GET /connector-plugins',
    'GET /connector-plugins/:plugin/config', 'PUT /connector-plugins/:plugin/config/validate',
    'GET /admin/loggers', 'GET /admin/loggers/:logger', 'PUT /admin/loggers/:logger',
    // this daemon's extensions (docs/rest-api.md)
    'POST /connectors/:name/signals', 'GET /health/live', 'GET /health/ready',
  ];
  const routed = allRoutes(new FakeHerder(), silentLogger(), 1000).map((r) => `${r.method} ${r.path}`);
  assert.deepEqual([...routed].sort(), [...index].sort());
});
