/**
 * The nodejs_eventloop_lag_* gauges, under the names and meanings of prom-client's default
 * collector, sampled every EVENT_LOOP_SAMPLE_MS instead of every 10 ms.
 *
 * prom-client's collector arms a 10 ms libuv timer (perf_hooks.monitorEventLoopDelay): a hundred
 * wake-ups a second, about half of what an idle daemon spent (docs/benchmarks.md, "Idle cost").
 * Its histogram also records each whole timer interval, so an idle loop read as 10 ms of lag;
 * these gauges report the delay beyond the interval, which is the lag. A block of the loop
 * shorter than the interval that ends before the timer is due is not seen by either.
 */
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { Gauge, type Registry } from 'prom-client';

export const EVENT_LOOP_SAMPLE_MS = 100;

/** The gauges prom-client's default collector registers for the event loop (unprefixed names). */
export const EVENT_LOOP_METRICS = [
  'nodejs_eventloop_lag_seconds', 'nodejs_eventloop_lag_min_seconds', 'nodejs_eventloop_lag_max_seconds',
  'nodejs_eventloop_lag_mean_seconds', 'nodejs_eventloop_lag_stddev_seconds', 'nodejs_eventloop_lag_p50_seconds',
  'nodejs_eventloop_lag_p90_seconds', 'nodejs_eventloop_lag_p99_seconds',
] as const;

/** Lag figures in seconds from a histogram of timer intervals of `intervalMs` (nanoseconds). */
export function lagFigures(h: Pick<IntervalHistogram, 'min' | 'max' | 'mean' | 'stddev' | 'count' | 'percentile'>, intervalMs: number) {
  const interval = intervalMs * 1e6;
  const lag = (ns: number) => (h.count === 0 || !Number.isFinite(ns) ? 0 : Math.max(0, ns - interval) / 1e9);
  return {
    min: lag(h.min), max: lag(h.max), mean: lag(h.mean),
    stddev: h.count === 0 || !Number.isFinite(h.stddev) ? 0 : h.stddev / 1e9,
    p50: lag(h.percentile(50)), p90: lag(h.percentile(90)), p99: lag(h.percentile(99)),
  };
}

export function registerEventLoopLag(registry: Registry, prefix: string): void {
  const histogram = monitorEventLoopDelay({ resolution: EVENT_LOOP_SAMPLE_MS });
  histogram.enable();
  const gauge = (name: string, help: string) => new Gauge({ name: `${prefix}${name}`, help, registers: [registry] });
  const min = gauge('nodejs_eventloop_lag_min_seconds', 'The minimum recorded event loop delay.');
  const max = gauge('nodejs_eventloop_lag_max_seconds', 'The maximum recorded event loop delay.');
  const mean = gauge('nodejs_eventloop_lag_mean_seconds', 'The mean of the recorded event loop delays.');
  const stddev = gauge('nodejs_eventloop_lag_stddev_seconds', 'The standard deviation of the recorded event loop delays.');
  const p50 = gauge('nodejs_eventloop_lag_p50_seconds', 'The 50th percentile of the recorded event loop delays.');
  const p90 = gauge('nodejs_eventloop_lag_p90_seconds', 'The 90th percentile of the recorded event loop delays.');
  const p99 = gauge('nodejs_eventloop_lag_p99_seconds', 'The 99th percentile of the recorded event loop delays.');
  const lag: Gauge = new Gauge({
    name: `${prefix}nodejs_eventloop_lag_seconds`, help: 'Lag of event loop in seconds.', registers: [registry],
    // As prom-client does: the time to the next turn of the loop, measured now and read at the next scrape.
    collect() {
      const start = process.hrtime.bigint();
      setImmediate(() => lag.set(Number(process.hrtime.bigint() - start) / 1e9));
      const f = lagFigures(histogram, EVENT_LOOP_SAMPLE_MS);
      min.set(f.min); max.set(f.max); mean.set(f.mean); stddev.set(f.stddev); p50.set(f.p50); p90.set(f.p90); p99.set(f.p99);
      histogram.reset();
    },
  });
}
