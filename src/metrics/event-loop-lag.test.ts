import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { lagFigures } from './event-loop-lag.ts';
import { registerWorkerMetrics } from './worker-metrics.ts';

const hist = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mean = values.reduce((a, b) => a + b, 0) / (values.length || 1);
  return {
    count: values.length, min: values.length ? sorted[0]! : 9223372036854776000, max: values.length ? sorted.at(-1)! : 0, mean: values.length ? mean : NaN,
    stddev: values.length ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length) : NaN,
    percentile: (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0,
  };
};

test('lag is the delay beyond the sampling interval, never negative', () => {
  // intervals of 100 ms timers: on time, 0.5 ms late, 40 ms late, and one that fired a hair early
  const f = lagFigures(hist([100e6, 100.5e6, 140e6, 99.9e6]), 100);
  assert.equal(f.min, 0);
  assert.equal(f.max, 0.04);
  assert.ok(Math.abs(f.mean - (0.5e6 + 40e6 - 0.1e6) / 4 / 1e9) < 1e-12);
  assert.equal(f.p50, 0);
  assert.equal(f.p99, 0.04);
});

test('no samples yet: every figure is 0', () => {
  assert.deepEqual(lagFigures(hist([]), 100), { min: 0, max: 0, mean: 0, stddev: 0, p50: 0, p90: 0, p99: 0 });
});

test('the worker exports the event-loop gauges once each, under prom-client\'s names', async () => {
  const registry = new Registry();
  registerWorkerMetrics(registry, () => null);
  await new Promise((r) => setTimeout(r, 350));
  const text = await registry.metrics();
  for (const n of ['lag', 'lag_min', 'lag_max', 'lag_mean', 'lag_stddev', 'lag_p50', 'lag_p90', 'lag_p99']) {
    const lines = text.split('\n').filter((l) => l.startsWith(`cdc_process_nodejs_eventloop_${n}_seconds `));
    assert.equal(lines.length, 1, n);
  }
  const p50 = Number(/^cdc_process_nodejs_eventloop_lag_p50_seconds (\S+)$/m.exec(text)![1]);
  assert.ok(Number.isFinite(p50) && p50 >= 0, `p50 ${p50}`);
});
