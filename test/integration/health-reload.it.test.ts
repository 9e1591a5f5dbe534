/**
 * The probes and the config-file reload against a real daemon, PostgreSQL and Kafka:
 * GET /health/ready goes 503 -> 200 after start, stays 200 while a user pauses the
 * connector, is 503 naming a FAILED task; /health/live stays 200 throughout. SIGHUP
 * applies the file's connectors (removed, changed) without touching a REST-created one,
 * refuses a bad file, and a restart with the smaller file does not bring back what left it.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { stackEnv, SKIP_REASON } from '../helpers/stack-env.ts';
import { PgFixture } from '../helpers/pg-fixture.ts';
import { Daemon, writeConfig, connectorConfig, type DaemonOptions } from '../helpers/daemon.ts';
import { Rest, freePort } from '../helpers/rest-client.ts';

const env = stackEnv();
let db: PgFixture;

before(async () => {
  if (!env) return;
  db = await PgFixture.create(env, 'probe');
  await db.query(`CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t VALUES (1, 'a')`);
});
after(async () => { if (db) await db.drop(); });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('probes: ready 503 -> 200 after start, 200 while paused, 503 naming a FAILED task; live stays 200', { skip: env ? false : SKIP_REASON, timeout: 180_000 }, async () => {
  const name = `probe_${db.database.slice(-8)}`;
  const port = await freePort();
  // restart.max.attempts=0: the first interruption leaves the task FAILED (how the test fails it).
  const file = writeConfig({ env: env!, name, database: db.database, restPort: port, connector: { 'table.include.list': 'public\\.t', 'restart.max.attempts': 0 } });
  const api = new Rest(`http://127.0.0.1:${port}`);
  const daemon = new Daemon(file, env!).start();
  try {
    await daemon.withLog(async () => {
      // From the first answer on: the worker is not ready before its task runs and has committed or idled.
      const seen: number[] = [];
      const t0 = Date.now();
      for (;;) {
        const r = await api.get('/health/ready').catch(() => null);
        if (r) seen.push(r.status);
        if (r?.status === 200) break;
        if (Date.now() - t0 > 60_000) throw new Error(`not ready after 60 s: ${JSON.stringify(r?.body)}`);
        await sleep(50);
      }
      assert.equal(seen[0], 503, `the first answer is 503 (answers: ${[...new Set(seen)].join(', ')})`);
      assert.equal((await api.get('/health/live')).status, 200);
      assert.equal((await api.get(`/connectors/${name}/status`)).body.tasks[0].state, 'RUNNING');

      // A user's pause is not a readiness failure (docs/rest-api.md).
      assert.equal((await api.put(`/connectors/${name}/pause`)).status, 202);
      await api.waitFor(`/connectors/${name}/status`, (b) => b.connector.state === 'PAUSED' && b.tasks[0]?.state === 'PAUSED');
      const paused = await api.get('/health/ready');
      assert.equal(paused.status, 200, JSON.stringify(paused.body));
      assert.equal((await api.put(`/connectors/${name}/resume`)).status, 202);
      await api.waitFor(`/connectors/${name}/status`, (b) => b.tasks[0]?.state === 'RUNNING');
      const back = Date.now();
      while ((await api.get('/health/ready')).status !== 200) {
        assert.ok(Date.now() - back < 60_000, 'ready again after resume');
        await sleep(200);
      }

      // The replication connection cut: with restart.max.attempts=0 the task stays FAILED.
      await db.waitForSlot(name, (s) => s?.active === true);
      await db.query(`SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = $1`, [name]);
      await api.waitFor(`/connectors/${name}/status`, (b) => b.tasks[0]?.state === 'FAILED');
      const failed = await api.get('/health/ready');
      assert.equal(failed.status, 503);
      assert.equal(failed.body.status, 'not_ready');
      assert.deepEqual(failed.body.tasks.map((t: { connector: string; task: number; state: string }) => [t.connector, t.task, t.state]), [[name, 0, 'FAILED']]);
      assert.match(failed.body.tasks[0].reason, /^task is FAILED: /);
      const live = await api.get('/health/live');
      assert.equal(live.status, 200, 'a failed task does not make the worker dead');
      assert.deepEqual(live.body, { status: 'live', message: 'Worker is alive.' });

      // One JSON line per state change, with connector, task, state and reason (written within the 500 ms publish tick).
      await daemon.waitForLog(new RegExp(`"msg":"task ${name}-0 is FAILED"`), 10_000);
      const lines = daemon.logLines().filter((l) => l.connector === name && l.task === 0 && typeof l.state === 'string');
      assert.ok(lines.some((l) => l.state === 'RUNNING'), 'RUNNING logged');
      const failedLine = lines.find((l) => l.state === 'FAILED');
      assert.ok(failedLine && typeof failedLine.reason === 'string', 'FAILED logged with its reason');
      assert.ok(failedLine.position !== undefined, 'the committed position is in the line');
    });
  } finally {
    await daemon.stop();
  }
});

/** A config file with the given connectors (each as writeConfig builds one). */
function fileWith(base: DaemonOptions, connectors: DaemonOptions[]): string {
  const file = writeConfig(base);
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { connectors: unknown[] };
  parsed.connectors = connectors.map((c) => JSON.parse(readFileSync(writeConfig(c), 'utf8')).connectors[0]);
  writeFileSync(file, JSON.stringify(parsed, null, 2));
  return file;
}

test('SIGHUP: a connector removed from the file goes, a changed one restarts with its new config, a REST one keeps running; a restart does not bring the removed one back', { skip: env ? false : SKIP_REASON, timeout: 240_000 }, async () => {
  const tag = db.database.slice(-8);
  const port = await freePort();
  const common = { env: env!, database: db.database, restPort: port, groupId: `reload_${tag}` } as const;
  const opt = (name: string, extra: Record<string, string | number | boolean> = {}): DaemonOptions => ({ ...common, name: `${name}_${tag}`, connector: { 'table.include.list': 'public\\.t', ...extra } });
  const [a, b, c] = [opt('fa'), opt('fb'), opt('rc')];
  const file = fileWith(a, [a, b]);
  const api = new Rest(`http://127.0.0.1:${port}`);
  let daemon = new Daemon(file, env!).start();
  try {
    await daemon.withLog(async () => {
      await api.waitFor('/health', (x) => x.status === 'healthy');
      const created = await api.post('/connectors', { name: c.name, config: { ...connectorConfig(c), 'database.password': env!.pg.password } });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      for (const n of [a.name, b.name, c.name]) await api.waitFor(`/connectors/${n}/status`, (x) => x.tasks[0]?.state === 'RUNNING');
      const cBefore = (await api.get(`/connectors/${c.name}/status`)).body.tasks[0];

      // A bad file is refused whole: nothing changes.
      writeFileSync(file, '{ "worker": {');
      daemon.signal('SIGHUP');
      await daemon.waitForLog(/SIGHUP: config file refused, nothing changed/);
      assert.deepEqual((await api.get('/connectors')).body.sort(), [a.name, b.name, c.name].sort());

      // a leaves the file, b changes (max.batch.size), c was never in it.
      const linesBefore = daemon.logLines().length;
      const smaller = fileWith(a, [opt('fb', { 'max.batch.size': 1000 })]);
      writeFileSync(file, readFileSync(smaller));
      daemon.signal('SIGHUP');
      await daemon.waitForLog(/"removed":\["fa_[^\n]*"msg":"connectors of the config file applied"/);
      await api.waitFor('/connectors', (x) => !x.includes(a.name) && x.includes(b.name) && x.includes(c.name));
      const bConfig = await api.waitFor(`/connectors/${b.name}/config`, (x) => x['max.batch.size'] === '1000');
      assert.equal(bConfig['max.batch.size'], '1000');
      await api.waitFor(`/connectors/${b.name}/status`, (x) => x.tasks[0]?.state === 'RUNNING');
      assert.equal((await api.get(`/connectors/${a.name}/status`)).status, 404);
      const cAfter = (await api.get(`/connectors/${c.name}/status`)).body.tasks[0];
      assert.equal(cAfter.state, 'RUNNING');
      assert.equal(cAfter.since, cBefore.since, 'the REST-created connector was not restarted');
      const cChanges = daemon.logLines().slice(linesBefore).filter((l) => l.connector === c.name && typeof l.state === 'string');
      assert.deepEqual(cChanges, [], 'no state change of the REST connector after SIGHUP');
    });
    await daemon.stop();

    // Restarted with the smaller file: the removed connector does not come back, the REST one does.
    daemon = new Daemon(file, env!).start();
    await daemon.withLog(async () => {
      await api.waitFor('/health', (x) => x.status === 'healthy');
      assert.deepEqual((await api.get('/connectors')).body.sort(), [b.name, c.name].sort());
      await api.waitFor(`/connectors/${c.name}/status`, (x) => x.tasks[0]?.state === 'RUNNING');
    });
  } finally {
    await daemon.stop();
  }
});
