/**
 * `npm test` cannot be green without running its integration tests:
 * scripts/run-tests.mjs makes a missing stack fail the integration test that
 * needs it (test/helpers/stack-env.ts) and refuses a run in which an
 * integration file ran no test or skipped one (scripts/test-census.mjs).
 * These run the real script with an empty stack environment.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireServices, stackEnv, stackRequired, testPgPort } from './helpers/stack-env.ts';
// @ts-expect-error a plain .mjs script without type declarations
import { checkCensus } from '../scripts/test-census.mjs';

const ROOT = new URL('..', import.meta.url).pathname;
const SERVICE_VARS = /^(PG[A-Z0-9_]*|CDC_TEST_PG|KAFKA_BOOTSTRAP_SERVERS|SCHEMA_REGISTRY_URL|PROMETHEUS_URL|PROMETHEUS_TARGETS_DIR|MYSQL_[A-Z]+|CI|CDC_REQUIRE_STACK|CDC_STACK_DIR|NODE_TEST_CONTEXT)$/;

/** scripts/run-tests.mjs with no service anywhere: no variables, an empty stack dir, no stack start. */
function runTests(args: string[]): { status: number | null; out: string } {
  const stackDir = mkdtempSync(join(tmpdir(), 'cdc-empty-stack-'));
  try {
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !SERVICE_VARS.test(k)));
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts/run-tests.mjs'), ...args], {
      // CDC_BUILT: these runs check the census, not the build of dist/ that an --it run starts with
      cwd: ROOT, env: { ...env, CDC_NO_STACK: '1', CDC_STACK_DIR: stackDir, CDC_BUILT: '1' }, encoding: 'utf8', timeout: 120_000,
    });
    return { status: r.status, out: `${r.stdout}\n${r.stderr}` };
  } finally {
    rmSync(stackDir, { recursive: true, force: true });
  }
}

test('an integration test that finds no stack fails the run instead of skipping', { timeout: 150_000 }, () => {
  const r = runTests(['--it', 'test/integration/pg-bad-config.it.test.ts']);
  assert.notEqual(r.status, 0, r.out);
  assert.match(r.out, /test stack not found: PGHOST, PGPORT, KAFKA_BOOTSTRAP_SERVERS, SCHEMA_REGISTRY_URL unset/);
  assert.match(r.out, /CDC_REQUIRE_STACK=1/);
});

test('a run whose integration test skipped is not green, although node:test exits 0 for it', { timeout: 150_000 }, () => {
  const r = runTests(['--it', 'test/fixtures/run-tests/skips.it.test.ts']);
  assert.notEqual(r.status, 0, r.out);
  assert.match(r.out, /not green: integration tests that did not run/);
  assert.match(r.out, /skips\.it\.test\.ts: no test ran/);
  assert.match(r.out, /"needs a service that is not there" was skipped/);
});

test('a run whose integration tests ran is green (the check is not always failing)', { timeout: 150_000 }, () => {
  const r = runTests(['--it', 'test/fixtures/run-tests/runs.it.test.ts']);
  assert.equal(r.status, 0, r.out);
  assert.doesNotMatch(r.out, /not green/);
});

test('fixtures are not picked up as tests of the project', { timeout: 150_000 }, () => {
  const r = runTests(['--it', 'fixtures/run-tests']);
  assert.notEqual(r.status, 0);
  assert.match(r.out, /no test files matched/);
});

test('who decides skip or fail: CDC_REQUIRE_STACK=1 or CI, else a hand-run file skips', () => {
  assert.equal(stackRequired({}), false);
  assert.equal(stackRequired({ CDC_REQUIRE_STACK: '1' }), true);
  assert.equal(stackRequired({ CI: 'true' }), true);
  assert.equal(stackRequired({ CI: 'false' }), false);
  assert.equal(stackEnv({}), null);
  assert.throws(() => stackEnv({ CI: 'true', PGHOST: 'h' }), /PGPORT, KAFKA_BOOTSTRAP_SERVERS, SCHEMA_REGISTRY_URL unset, and CI=true/);
  assert.equal(requireServices(['X'], 'x', 'set X', { CDC_REQUIRE_STACK: '1', X: 'v' }), true);
  const full = { PGHOST: 'h', PGPORT: '5', KAFKA_BOOTSTRAP_SERVERS: 'k:9', SCHEMA_REGISTRY_URL: 'http://r', CI: 'true' };
  assert.deepEqual(stackEnv(full), { pg: { host: 'h', port: 5, user: 'postgres', password: 'postgres' }, kafka: 'k:9', registry: 'http://r' });
});

test('census: every integration file ran a test and skipped none', () => {
  const f = (file: string, name: string, state: string) => ({ file, name, state });
  assert.deepEqual(checkCensus([f('/a.it.test.ts', 't', 'ran'), f('/u.test.ts', 'u', 'skipped')], ['/a.it.test.ts']), []);
  assert.deepEqual(checkCensus([f('/a.it.test.ts', 't', 'failed')], ['/a.it.test.ts']), [], 'a failure is reported by the runner itself');
  assert.deepEqual(checkCensus([], ['/a.it.test.ts']), ['/a.it.test.ts: no test ran']);
  assert.deepEqual(checkCensus([f('/a.it.test.ts', 't', 'ran'), f('/a.it.test.ts', 's', 'skipped')], ['/a.it.test.ts']), ['/a.it.test.ts: "s" was skipped']);
});

test('CDC_TEST_PG points the tests at the extra server of that major, and says how to start a missing one', () => {
  const e = { PGHOST: '127.0.0.1', PGPORT: '5432', PG17_PORT: '6017', KAFKA_BOOTSTRAP_SERVERS: 'k:1', SCHEMA_REGISTRY_URL: 'http://r' };
  assert.equal(stackEnv(e)!.pg.port, 5432, 'unset: the default server');
  assert.equal(stackEnv({ ...e, CDC_TEST_PG: '17' })!.pg.port, 6017);
  assert.throws(() => testPgPort({ ...e, CDC_TEST_PG: '16' }), /PG16_PORT is unset: start that server with `bash test\/stack\/stack.sh up --with pg16`/);
  assert.throws(() => testPgPort({ ...e, CDC_TEST_PG: '13' }), /use a PostgreSQL major from 14 to 18/);
});
