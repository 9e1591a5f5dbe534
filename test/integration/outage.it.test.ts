/**
 * Status and logs tell the truth during outages. While a daemon streams a steady
 * load, the Kafka broker is stopped and started again, then PostgreSQL. Status,
 * /health and /metrics are polled throughout with a 1 s client timeout: they must
 * answer, say RESTARTING or STALLED with the cause (Kafka / database unreachable)
 * and since when, and say RUNNING again afterwards. The log must tell each outage
 * in a bounded number of lines (not one per client retry), and afterwards every
 * inserted row is in Kafka exactly once.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import pg from 'pg';
import { stackEnv, SKIP_REASON } from '../helpers/stack-env.ts';
import { PgFixture } from '../helpers/pg-fixture.ts';
import { Daemon, writeConfig } from '../helpers/daemon.ts';
import { readUntil, waitForTopics } from '../helpers/kafka-reader.ts';
import { freePort } from '../helpers/rest-client.ts';

const env = stackEnv();
const ROOT = new URL('../../', import.meta.url).pathname;
let db: PgFixture;

before(async () => {
  if (!env) return;
  db = await PgFixture.create(env, 'outage');
  db.client.on('error', () => undefined); // PostgreSQL is restarted below
  await db.query(`CREATE TABLE t (id int PRIMARY KEY, v text)`);
});
after(async () => { if (db) await db.drop(); });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** stack.sh stop|start <service>, without blocking the event loop (the pollers keep running). */
function stack(action: 'stop' | 'start', service: 'kafka' | 'postgres'): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [`${ROOT}test/stack/stack.sh`, action, service], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (b: Buffer) => { err += b.toString(); });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`stack.sh ${action} ${service} failed (${code}): ${err}`))));
  });
}

/** Inserts one row at a time; a row counts only once its INSERT returned (it then must reach Kafka). */
class Load {
  readonly inserted = new Set<number>();
  failures = 0;
  private next = 1;
  private stopped = false;
  private loop: Promise<void> | null = null;
  start(): void {
    this.loop = (async () => {
      let client: pg.Client | null = null;
      while (!this.stopped) {
        try {
          if (!client) { client = new pg.Client({ ...env!.pg, database: db.database }); client.on('error', () => undefined); await client.connect(); }
          const id = this.next++;
          await client.query('INSERT INTO t VALUES ($1, $2)', [id, 'x']);
          this.inserted.add(id);
          await sleep(20);
        } catch {
          // An INSERT that failed may or may not have committed; the row's id is not reused, and only returned ones are asserted.
          this.failures++;
          await client?.end().catch(() => undefined);
          client = null;
          await sleep(500);
        }
      }
      await client?.end().catch(() => undefined);
    })();
  }
  async stop(): Promise<void> { this.stopped = true; await this.loop; }
}

interface Answer { readonly at: number; readonly path: string; readonly status: number | null; readonly ms: number; readonly body: any; readonly error?: string }

/** Polls a path every 500 ms with a 1 s client timeout and keeps every answer. */
class Poller {
  readonly answers: Answer[] = [];
  private stopped = false;
  private loop: Promise<void> | null = null;
  constructor(private readonly url: string, private readonly path: string) {}
  start(): void {
    this.loop = (async () => {
      while (!this.stopped) {
        const t0 = Date.now();
        try {
          const res = await fetch(this.url, { signal: AbortSignal.timeout(1000) });
          const text = await res.text();
          let body: unknown = text;
          try { body = JSON.parse(text); } catch { /* metrics are text */ }
          this.answers.push({ at: t0, path: this.path, status: res.status, ms: Date.now() - t0, body });
        } catch (err) {
          this.answers.push({ at: t0, path: this.path, status: null, ms: Date.now() - t0, body: null, error: (err as Error).message });
        }
        await sleep(Math.max(0, 500 - (Date.now() - t0)));
      }
    })();
  }
  async stop(): Promise<void> { this.stopped = true; await this.loop; }
  between(from: number, to: number): Answer[] { return this.answers.filter((a) => a.at >= from && a.at <= to); }
}

/** Lines the daemon logged in an output slice, without the per-request REST lines (not retries). */
function logLines(output: string): Record<string, unknown>[] {
  return output.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((o) => o.msg !== 'REST request' && (o.level as number) >= 30);
}

test('during Kafka and PostgreSQL outages status, health and metrics answer and tell the cause; the log stays short; nothing is lost or doubled', { skip: env ? false : SKIP_REASON, timeout: 420_000 }, async () => {
  const name = `outage_${db.database.slice(-8)}`;
  const [restPort, metricsPort] = [await freePort(), await freePort()];
  const daemon = new Daemon(writeConfig({
    env: env!, name, database: db.database, restPort, worker: { 'metrics.port': metricsPort },
    connector: { 'table.include.list': 'public\\.t', 'snapshot.mode': 'no_data', 'status.update.interval.ms': 1000 },
  }), env!).start();
  const status = new Poller(`http://127.0.0.1:${restPort}/connectors/${name}/status`, 'status');
  const health = new Poller(`http://127.0.0.1:${restPort}/health`, 'health');
  const metrics = new Poller(`http://127.0.0.1:${metricsPort}/metrics`, 'metrics');
  const load = new Load();
  let kafkaDown = false, pgDown = false;
  const lastState = () => status.answers.at(-1)?.body?.tasks?.[0]?.state as string | undefined;
  async function until(what: string, fn: () => boolean, timeoutMs: number): Promise<void> {
    const t0 = Date.now();
    while (!fn()) {
      if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}; last status: ${JSON.stringify(status.answers.at(-1))}`);
      await sleep(250);
    }
  }
  try {
    await daemon.withLog(async () => {
      status.start(); health.start(); metrics.start();
      await until('RUNNING', () => lastState() === 'RUNNING', 120_000);
      const api = (path: string) => fetch(`http://127.0.0.1:${restPort}${path}`, { signal: AbortSignal.timeout(1000) }).then(async (r) => ({ status: r.status, body: await r.json() }));
      const root = (await api('/')).body;
      load.start();
      await sleep(3000);

      // ---- Kafka away for ~20 s (plus its stop and start times).
      let mark = daemon.output.length;
      const kafkaFrom = Date.now();
      kafkaDown = true;
      await stack('stop', 'kafka');
      await sleep(20_000);
      // Other read answers need nothing from Kafka either.
      assert.deepEqual(await api('/'), { status: 200, body: root });
      assert.deepEqual(await api('/connectors'), { status: 200, body: [name] });
      assert.equal((await api('/connectors?expand=status')).body[name].status.name, name);
      await stack('start', 'kafka');
      kafkaDown = false;
      const kafkaBack = Date.now();
      await until('RUNNING after the Kafka outage', () => lastState() === 'RUNNING' && status.answers.at(-1)!.at > kafkaBack, 180_000);
      await sleep(2000);
      const kafkaLog = logLines(daemon.output.slice(mark));
      const kafkaTo = Date.now();

      const outageStatus = status.between(kafkaFrom, kafkaBack).filter((a) => a.status === 200);
      const told = outageStatus.map((a) => a.body.tasks?.[0]).filter((t) => t && (t.state === 'RESTARTING' || t.state === 'STALLED') && /Kafka unreachable since/.test(t.reason ?? ''));
      assert.ok(told.length > 0, `status never said RESTARTING/STALLED with "Kafka unreachable": ${JSON.stringify(outageStatus.map((a) => a.body.tasks?.[0]).slice(-5))}`);
      assert.equal(typeof told[0].since, 'number');
      assert.ok(told[0].since >= kafkaFrom - 1000 && told[0].since <= kafkaBack, `since ${told[0].since} is within the outage`);
      const healthDuring = health.between(kafkaFrom, kafkaBack).filter((a) => a.status === 200);
      assert.ok(healthDuring.some((a) => /Kafka has been unreachable since/.test(a.body.message)), 'health tells the outage');
      const metricsDuring = metrics.between(kafkaFrom, kafkaBack).filter((a) => a.status === 200);
      assert.ok(metricsDuring.some((a) => /^cdc_kafka_reachable 0$/m.test(a.body)), 'cdc_kafka_reachable is 0 during the outage');
      assert.match(metrics.answers.at(-1)!.body, /^cdc_kafka_reachable 1$/m);
      assertAnswered([status, health, metrics], kafkaFrom, kafkaTo);
      const unreachable = kafkaLog.filter((o) => /^Kafka unreachable since/.test(String(o.msg)));
      const reachable = kafkaLog.filter((o) => /^Kafka reachable again after/.test(String(o.msg)));
      assert.ok(unreachable.length >= 1 && unreachable.length <= 2, `"Kafka unreachable" logged ${unreachable.length} times`);
      assert.equal(reachable.length, unreachable.length, 'each outage line has its end line');
      assert.ok(kafkaLog.length <= 40, `the Kafka outage took ${kafkaLog.length} log lines:\n${kafkaLog.map((o) => o.msg).join('\n')}`);

      // ---- PostgreSQL stopped and started again.
      mark = daemon.output.length;
      const pgFrom = Date.now();
      pgDown = true;
      await stack('stop', 'postgres');
      await until('the cause in status', () => /database unreachable/.test(status.answers.at(-1)?.body?.tasks?.[0]?.reason ?? ''), 60_000);
      await sleep(3000);
      await stack('start', 'postgres');
      pgDown = false;
      const pgBack = Date.now();
      await until('RUNNING after the PostgreSQL outage', () => lastState() === 'RUNNING' && status.answers.at(-1)!.at > pgBack, 120_000);
      const pgLog = logLines(daemon.output.slice(mark));
      const pgTo = Date.now();
      const pgTold = status.between(pgFrom, pgBack).map((a) => a.body?.tasks?.[0]).filter((t) => t?.state === 'RESTARTING' && /database unreachable/.test(t.reason ?? ''));
      assert.ok(pgTold.length > 0);
      assert.equal(typeof pgTold[0].since, 'number');
      assertAnswered([status, health, metrics], pgFrom, pgTo);
      assert.ok(pgLog.length <= 30, `the PostgreSQL outage took ${pgLog.length} log lines:\n${pgLog.map((o) => o.msg).join('\n')}`);

      // ---- Afterwards: every row that was inserted is in Kafka, once.
      await sleep(2000);
      await load.stop();
      const expected = load.inserted.size;
      assert.ok(expected > 100, `only ${expected} rows inserted`);
      const topic = `${name}.public.t`;
      const rs = await readUntil(env!, await waitForTopics(env!, [topic]), (r) => [...load.inserted].every((id) => r.some((x) => (x.key as { id: number }).id === id)), 180_000);
      const keys = rs.map((r) => (r.key as { id: number }).id);
      const missing = [...load.inserted].filter((id) => !keys.includes(id));
      assert.deepEqual(missing, [], 'every inserted row reached Kafka');
      assert.equal(keys.length, new Set(keys).size, `duplicates: ${keys.length - new Set(keys).size}`);
      process.stdout.write(`# outage: ${expected} rows; Kafka outage ${Math.round((kafkaBack - kafkaFrom) / 1000)} s, ${kafkaLog.length} log lines; `
        + `PostgreSQL outage ${Math.round((pgBack - pgFrom) / 1000)} s, ${pgLog.length} log lines; status said: "${told[0].reason}" / "${pgTold[0].reason}"\n`);
    });
  } finally {
    await load.stop();
    await Promise.all([status.stop(), health.stop(), metrics.stop()]);
    if (kafkaDown) await stack('start', 'kafka').catch(() => undefined);
    if (pgDown) await stack('start', 'postgres').catch(() => undefined);
    await daemon.stop();
  }
});

/** Every poll in the window was answered within the 1 s client timeout, and not with a server error. */
function assertAnswered(pollers: readonly Poller[], from: number, to: number): void {
  for (const p of pollers) {
    const answers = p.between(from, to);
    assert.ok(answers.length >= 5, `${answers.length} polls of ${answers[0]?.path}`);
    const bad = answers.filter((a) => a.status === null || a.status >= 500);
    assert.deepEqual(bad.map((a) => `${new Date(a.at).toISOString()} ${a.status ?? a.error} after ${a.ms} ms`), [], `${answers[0]!.path}: every answer within 1 s`);
  }
}
