/**
 * The shipped Grafana dashboard and alert rules against a real Prometheus scraping a running
 * daemon (the stack's Prometheus, scraping every second, evaluating rules every second):
 *   - every PromQL expression of docker/grafana/dashboards/cdc.json and docker/prometheus/alerts.yml
 *     is valid (the query API evaluates it) and names only series the daemon exports;
 *   - a test copy of alerts.yml, the shipped expressions with small thresholds and a short `for:`
 *     (TEST_THRESHOLDS: the literal replaced must be in the shipped expression), is loaded, and a
 *     failed task, retained WAL and unconfirmed WAL (connector paused while a writer runs),
 *     source lag (the backlog written after the resume) and a stalled task (its walsender
 *     stopped with SIGSTOP) each drive their alert until Prometheus says it is firing.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { stackEnv, SKIP_REASON } from '../helpers/stack-env.ts';
import { PgFixture } from '../helpers/pg-fixture.ts';
import { Daemon, connectorConfig, writeConfig } from '../helpers/daemon.ts';
import { Rest, freePort } from '../helpers/rest-client.ts';
import { Prometheus, PROMETHEUS_SKIP_REASON } from '../helpers/prometheus.ts';
import { metricNames } from '../helpers/promql-names.ts';

const env = stackEnv();
const prom = Prometheus.fromEnv();
const skip = !env ? SKIP_REASON : !prom ? PROMETHEUS_SKIP_REASON : false;
const root = new URL('../../', import.meta.url);

interface Rule { alert?: string; record?: string; expr: string; for?: string; labels?: Record<string, string>; annotations?: Record<string, string> }
interface RuleFile { groups: { name: string; rules: Rule[] }[] }

/** Alerts this test drives, and the threshold literal of the shipped expression it makes small. */
const TEST_THRESHOLDS: Record<string, [string, string] | null> = {
  CdcTaskFailed: null,
  CdcTaskStalled: null,
  // above what a caught-up slot keeps (a few hundred KiB), below what the paused writer adds (WRITER_ROWS)
  CdcSlotRetainsTooMuchWal: ['> 10 * 1024^3', '> 2 * 1024^2'],
  CdcSlotLagging: ['> 1024^3', '> 2 * 1024^2'],
  CdcSourceLagHigh: ['> 300', '> 2'],
};

/** Rows of about 200 bytes written while paused: some 3 MiB of WAL. */
const WRITER_ROWS = 12_000;

/** The shipped rules, only those driven here, with small thresholds and `for: 1s`. */
function testRules(shipped: RuleFile, suffix: string): RuleFile {
  const groups = shipped.groups.map((g) => ({
    name: `${g.name}-test-${suffix}`,
    rules: g.rules.filter((r) => r.alert !== undefined && r.alert in TEST_THRESHOLDS).map((r) => {
      const swap = TEST_THRESHOLDS[r.alert!];
      let expr = r.expr;
      if (swap) {
        assert.equal(expr.split(swap[0]).length, 2, `alert ${r.alert}: the shipped expression no longer holds the threshold "${swap[0]}" once; update TEST_THRESHOLDS. Expression: ${expr}`);
        expr = expr.replace(swap[0], swap[1]);
      }
      return { ...r, expr, for: '1s' };
    }),
  })).filter((g) => g.rules.length > 0);
  const found = groups.flatMap((g) => g.rules.map((r) => r.alert));
  assert.deepEqual(found.sort(), Object.keys(TEST_THRESHOLDS).sort(), 'every alert this test drives is in alerts.yml');
  return { groups };
}

function dashboardExprs(): string[] {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'expr' && typeof x === 'string') out.push(x);
        // a template variable's label_values(<metric>, <label>): the metric must be exported too
        else if (k === 'definition' && typeof x === 'string') out.push(/^label_values\(([^,]+),/.exec(x)?.[1] ?? x);
        else walk(x);
      }
    }
  };
  walk(JSON.parse(readFileSync(new URL('docker/grafana/dashboards/cdc.json', root), 'utf8')));
  return out;
}

let db: PgFixture;
before(async () => {
  if (skip) return;
  db = await PgFixture.create(env!, 'promrules');
  await db.query(`CREATE TABLE t (id int PRIMARY KEY, pad text)`);
  await db.query(`INSERT INTO t SELECT g, 'seed' FROM generate_series(1, 50) g`);
});
after(async () => { if (db) await db.drop(); });

test('dashboard and alert rules use only exported metrics; failed, stalled, lag and retained-WAL alerts fire', { skip, timeout: 150_000 }, async (t) => {
  const name = `pr_${db.database.slice(-8)}`;
  const failing = `${name}_down`;
  const job = `cdc-it-${name}`;
  const restPort = await freePort();
  const metricsPort = await freePort();
  const opts = {
    env: env!, name, database: db.database, restPort, worker: { 'metrics.port': metricsPort },
    connector: { 'table.include.list': 'public\\.t', 'snapshot.mode': 'initial', 'status.update.interval.ms': 1000 },
  };
  const daemon = new Daemon(writeConfig(opts), env!).start();
  const api = new Rest(`http://127.0.0.1:${restPort}`);
  const removeTarget = prom!.addTarget(job, `127.0.0.1:${metricsPort}`);
  const shipped = parse(readFileSync(new URL('docker/prometheus/alerts.yml', root), 'utf8')) as RuleFile;
  const rules = testRules(shipped, name);
  // Whatever fails from here on, the daemon is stopped: a child left running keeps the file from ending.
  let unloadRules: () => Promise<void> = async () => undefined;
  const firing = (alert: string, connector: string) => `count(ALERTS{alertname="${alert}",alertstate="firing",connector="${connector}"})`;
  const t0 = Date.now();
  const mark = (what: string) => process.stdout.write(`# prometheus-rules: ${what} at ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  let stopped: number | null = null;
  try {
    unloadRules = await prom!.loadRules(`cdc-it-${name}`, stringify(rules), rules.groups.map((g) => g.name));
    await daemon.withLog(async () => {
      await api.waitFor(`/connectors/${name}/status`, (b) => b.tasks?.[0]?.state === 'RUNNING', 30_000);
      // A second connector that may not retry: once its replication connection is killed, it is FAILED.
      const second = { ...connectorConfig({ ...opts, name: failing }), 'snapshot.mode': 'no_data', 'restart.max.attempts': '0' };
      const created = await api.call('POST', '/connectors', { name: failing, config: second });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      await db.query(`INSERT INTO t SELECT g, 'x' FROM generate_series(51, 80) g`);
      await db.query(`UPDATE t SET pad = 'y' WHERE id <= 10`);
      await db.query(`DELETE FROM t WHERE id > 75`);
      await prom!.waitFor(`sum(cdc_source_events_total{job="${job}",connector="${name}",op="delete"})`, (v) => v !== null && v >= 5, 30_000, 'the deletes to be counted');
      // The slot monitor samples every 5 s: its gauges appear once it has seen the slot.
      await prom!.waitFor(`cdc_postgres_slot_monitor_up{job="${job}",connector="${name}"}`, (v) => v === 1, 20_000, 'the slot monitor to see the slot');
      mark('events and slot scraped');

      await t.test('every expression of the dashboard and the rules is valid and names exported series only', async () => {
        const names = await prom!.seriesNames(job);
        const exprs = [
          ...dashboardExprs().map((e) => ({ from: 'dashboard', e })),
          ...shipped.groups.flatMap((g) => g.rules.map((r) => ({ from: `alerts.yml ${r.alert ?? r.record}`, e: r.expr }))),
        ];
        assert.ok(exprs.length > 20, `found only ${exprs.length} expressions`);
        const problems: string[] = [];
        for (const { from, e } of exprs) {
          // Grafana's variables: every connector of this daemon; the shipped scrape job is "cdc".
          const q = e.replaceAll('$connector', '.*').replaceAll('$__rate_interval', '1m').replaceAll('job="cdc"', `job="${job}"`);
          try { await prom!.query(q); } catch (err) { problems.push(`${from}: ${(err as Error).message}`); }
          for (const n of metricNames(q)) if (!names.has(n)) problems.push(`${from}: ${n} is not exported (expression: ${e.trim()})`);
        }
        assert.deepEqual(problems, [], `series the daemon exports: ${[...names].sort().join(', ')}`);
        mark(`${exprs.length} expressions checked`);
      });

      await t.test('a FAILED task fires CdcTaskFailed', async () => {
        await api.waitFor(`/connectors/${failing}/status`, (b) => b.tasks?.[0]?.state === 'RUNNING', 30_000);
        const killed = await db.query(`SELECT pg_terminate_backend(active_pid) AS k FROM pg_replication_slots WHERE slot_name = $1 AND active_pid IS NOT NULL`, [failing]);
        assert.equal(killed.rows.length, 1, `no walsender holds slot ${failing}`);
        await api.waitFor(`/connectors/${failing}/status`, (b) => b.tasks?.[0]?.state === 'FAILED', 30_000);
        await prom!.waitFor(firing('CdcTaskFailed', failing), (v) => v === 1, 30_000, 'CdcTaskFailed firing');
        mark('CdcTaskFailed firing');
      });

      await t.test('WAL kept while paused fires CdcSlotRetainsTooMuchWal and CdcSlotLagging; the backlog fires CdcSourceLagHigh after the resume', async () => {
        for (const alert of ['CdcSlotRetainsTooMuchWal', 'CdcSlotLagging']) {
          assert.equal(await prom!.value(firing(alert, name)), null, `${alert} must not fire while the connector keeps up`);
        }
        assert.equal((await api.call('PUT', `/connectors/${name}/pause`)).status, 202);
        await api.waitFor(`/connectors/${name}/status`, (b) => b.tasks?.[0]?.state === 'PAUSED', 30_000);
        await db.query(`INSERT INTO t SELECT g, repeat('w', 200) FROM generate_series(1000, $1::int) g`, [1000 + WRITER_ROWS]);
        // The slot monitor samples every 5 s, so both alerts fire within a few seconds.
        await prom!.waitFor(firing('CdcSlotRetainsTooMuchWal', name), (v) => v === 1, 30_000, 'CdcSlotRetainsTooMuchWal firing');
        await prom!.waitFor(firing('CdcSlotLagging', name), (v) => v === 1, 30_000, 'CdcSlotLagging firing');
        const retained = await prom!.value(`cdc_postgres_slot_retained_wal_bytes{job="${job}",connector="${name}"}`);
        mark(`retained WAL (${retained} B) and slot lag alerts firing`);
        // Paused for seconds: the changes written meanwhile reach Kafka more than 2 s after their commit.
        assert.equal((await api.call('PUT', `/connectors/${name}/resume`)).status, 202);
        await prom!.waitFor(firing('CdcSourceLagHigh', name), (v) => v === 1, 30_000, 'CdcSourceLagHigh firing');
        mark('CdcSourceLagHigh firing');
      });

      await t.test('a task whose walsender stops answering is STALLED and fires CdcTaskStalled', async () => {
        await api.waitFor(`/connectors/${name}/status`, (b) => b.tasks?.[0]?.state === 'RUNNING', 30_000);
        const slot = name;
        let pid = 0;
        for (const t1 = Date.now(); pid === 0 && Date.now() - t1 < 20_000;) {
          pid = Number((await db.query(`SELECT coalesce(active_pid, 0) AS p FROM pg_replication_slots WHERE slot_name = $1`, [slot])).rows[0]?.p ?? 0);
          if (pid === 0) await new Promise((r) => setTimeout(r, 200));
        }
        assert.ok(pid > 0, `no walsender holds slot ${slot}`);
        assert.equal(await prom!.value(firing('CdcTaskStalled', name)), null, 'CdcTaskStalled must not fire while the task runs');
        process.kill(pid, 'SIGSTOP');
        stopped = pid;
        await prom!.waitFor(firing('CdcTaskStalled', name), (v) => v === 1, 40_000, 'CdcTaskStalled firing');
        mark('CdcTaskStalled firing');
      });
    });
  } finally {
    if (stopped !== null) { try { process.kill(stopped, 'SIGCONT'); } catch { /* gone */ } }
    await unloadRules().catch(() => undefined);
    removeTarget();
    await daemon.stop();
    mark('done');
  }
});
