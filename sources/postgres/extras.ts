/**
 * What runs beside a PostgreSQL connector's task: the slot lag monitor, on its
 * own connection, so lag stays visible while the task is retrying or failed.
 */
import type { Registry } from 'prom-client';
import type { ParsedConfig } from '../../src/config/define.ts';
import type { Logger } from '../../src/log/logger.ts';
import { SlotLagMonitor } from './slot-lag-monitor.ts';
import { readPgTaskConfig } from './task-config.ts';

export function startPostgresExtras(config: ParsedConfig, registry: Registry, log: Logger): { stop(): Promise<void> } {
  const cfg = readPgTaskConfig(config);
  const monitor = new SlotLagMonitor({
    settings: cfg.connection, slot: cfg.slotName, connector: config.getString('name') ?? cfg.topicPrefix,
    intervalMs: 5000, registry, log,
  });
  monitor.start();
  return monitor;
}
