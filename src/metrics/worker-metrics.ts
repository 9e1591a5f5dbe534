/**
 * Metrics of the worker process rather than of a connector: Node's process metrics
 * (prom-client's default collectors, prefixed cdc_process_) and Kafka reachability.
 * Registered once per worker on the registry the composition root owns.
 */
import { Gauge, collectDefaultMetrics, type Registry } from 'prom-client';

/** When the current Kafka outage began (null while the brokers answer). */
export type OutageSince = () => { readonly since: number } | null;

export function registerWorkerMetrics(registry: Registry, outage: OutageSince): void {
  collectDefaultMetrics({ register: registry, prefix: 'cdc_process_' });
  new Gauge({
    name: 'cdc_kafka_reachable', help: '0 while this worker cannot reach a Kafka broker it needs (since: cdc_kafka_unreachable_seconds), else 1',
    registers: [registry], collect() { this.set(outage() ? 0 : 1); },
  });
  new Gauge({
    name: 'cdc_kafka_unreachable_seconds', help: 'How long the current Kafka outage has lasted (0 while reachable)',
    registers: [registry], collect() { const o = outage(); this.set(o ? (Date.now() - o.since) / 1000 : 0); },
  });
}
