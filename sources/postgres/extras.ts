/**
 * What runs beside a PostgreSQL connector's task: the slot lag monitor, on its
 * own connection, so lag stays visible while the task is retrying or failed.
 * The monitor is also listed in the plugin's SlotWatches under the connector's
 * name, where the task finds the WAL protection level (its status reason and
 * slot.wal.limit.action): one sampler and one log line per level change, not two.
 */
import type { Registry } from 'prom-client';
import type { ParsedConfig } from '../../src/config/define.ts';
import type { Logger } from '../../src/log/logger.ts';
import { SlotLagMonitor } from './slot-lag-monitor.ts';
import { readPgTaskConfig } from './task-config.ts';

/** The running monitors of one plugin instance, by connector name (no module-level state). */
export type SlotWatches = Map<string, SlotLagMonitor>;

export function watchKey(config: ParsedConfig, topicPrefix: string): string {
  return config.getString('name') ?? topicPrefix;
}

export function startPostgresExtras(config: ParsedConfig, registry: Registry, log: Logger, watches: SlotWatches): { stop(): Promise<void> } {
  const cfg = readPgTaskConfig(config);
  const key = watchKey(config, cfg.topicPrefix);
  const monitor = new SlotLagMonitor({
    settings: cfg.connection, slot: cfg.slotName, connector: key,
    intervalMs: 5000, registry, log, policy: cfg.walGuard,
  });
  monitor.start();
  watches.set(key, monitor);
  return {
    async stop() {
      if (watches.get(key) === monitor) watches.delete(key);
      await monitor.stop();
    },
  };
}
