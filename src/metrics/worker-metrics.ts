/**
 * Metrics of the worker process rather than of a connector: Node's process metrics
 * (prom-client's default collectors, prefixed cdc_process_) and Kafka reachability.
 * Registered once per worker on the registry the composition root owns.
 */
import { Gauge, collectDefaultMetrics, type Registry } from 'prom-client';
import { EVENT_LOOP_METRICS, registerEventLoopLag } from './event-loop-lag.ts';

/** When the current Kafka outage began (null while the brokers answer). */
export type OutageSince = () => { readonly since: number } | null;

export function registerWorkerMetrics(registry: Registry, outage: OutageSince): void {
  const prefix = 'cdc_process_';
  // prom-client's event-loop gauges sample every 10 ms; ours (event-loop-lag.ts) take their place.
  // Its own sampler is left with a period it never reaches (the longest a timer takes, ~24 days).
  collectDefaultMetrics({ register: registry, prefix, eventLoopMonitoringPrecision: 2 ** 31 - 1 });
  for (const name of EVENT_LOOP_METRICS) registry.removeSingleMetric(`${prefix}${name}`);
  registerEventLoopLag(registry, prefix);
  new Gauge({
    name: 'cdc_kafka_reachable', help: '0 while this worker cannot reach a Kafka broker it needs (since: cdc_kafka_unreachable_seconds), else 1',
    registers: [registry], collect() { this.set(outage() ? 0 : 1); },
  });
  new Gauge({
    name: 'cdc_kafka_unreachable_seconds', help: 'How long the current Kafka outage has lasted (0 while reachable)',
    registers: [registry], collect() { const o = outage(); this.set(o ? (Date.now() - o.since) / 1000 : 0); },
  });
}
