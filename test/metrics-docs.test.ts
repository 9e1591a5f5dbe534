/**
 * docs/metrics.md lists exactly what the daemon exports: the worker's metrics, every task
 * metric and the metrics of each built-in plugin (position gauges, declared source gauges and
 * what its extras register, e.g. PostgreSQL's slot monitor), taken from a real registry the
 * way the worker builds it. A metric missing from the page, or documented but not exported,
 * fails the test; so does a documented type that differs from the registry's.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Registry } from 'prom-client';
import { registerWorkerMetrics } from '../src/metrics/worker-metrics.ts';
import { PromMetricsFactory } from '../src/metrics/task-metrics.ts';
import { silentLogger } from '../src/log/logger.ts';
import { builtinPlugins } from '../sources/builtin-plugins.ts';

/** A connector config each built-in plugin accepts; its database is unreachable on purpose (port 1). */
const CONFIGS: Record<string, Record<string, string>> = {
  'io.debezium.connector.postgresql.PostgresConnector': { 'database.dbname': 'd' },
  'io.debezium.connector.mysql.MySqlConnector': {},
  'io.debezium.connector.mariadb.MariaDbConnector': {},
};

export async function exportedMetrics(): Promise<Map<string, string>> {
  const registry = new Registry();
  registerWorkerMetrics(registry, () => null);
  const factory = new PromMetricsFactory(registry);
  factory.forTask('m_default', 0); // a plugin from plugin.path that names no position gauges
  for (const plugin of builtinPlugins()) {
    factory.forTask(`m_${plugin.className}`, 0, plugin.metricNames);
    const extra = CONFIGS[plugin.className];
    assert.ok(extra, `no test config for plugin ${plugin.className}: add one to CONFIGS`);
    const config = plugin.configDef.parse({
      name: 'm', 'connector.class': plugin.className, 'database.hostname': '127.0.0.1', 'database.port': '1',
      'database.user': 'u', 'topic.prefix': 'p', ...extra,
    }, 'metrics docs test');
    const extras = plugin.startExtras?.(config, { registry, log: silentLogger() }) ?? null;
    await extras?.stop();
  }
  const out = new Map<string, string>();
  for (const m of await registry.getMetricsAsJSON()) out.set(m.name, String(m.type));
  return out;
}

function documented(): Map<string, string> {
  const text = readFileSync(new URL('../docs/metrics.md', import.meta.url), 'utf8');
  const out = new Map<string, string>();
  // A metric is a table row that starts with its name in backticks, its type in the second column.
  for (const m of text.matchAll(/^\| `([a-z_:][a-z0-9_:]*)` \| (counter|gauge|histogram|summary) \|/gm)) out.set(m[1]!, m[2]!);
  return out;
}

test('docs/metrics.md lists every exported metric with its type, and nothing else', async () => {
  const exported = await exportedMetrics();
  const docs = documented();
  const missing = [...exported].filter(([n]) => !docs.has(n)).map(([n, t]) => `${n} (${t})`);
  const extra = [...docs.keys()].filter((n) => !exported.has(n));
  const wrongType = [...docs].filter(([n, t]) => exported.has(n) && exported.get(n) !== t).map(([n, t]) => `${n}: documented ${t}, exported ${exported.get(n)}`);
  assert.deepEqual(missing, [], 'exported but not in docs/metrics.md (add a row: | `name` | type | labels | meaning | Debezium/Connect |)');
  assert.deepEqual(extra, [], 'in docs/metrics.md but not exported');
  assert.deepEqual(wrongType, []);
});
