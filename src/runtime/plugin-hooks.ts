/**
 * Optional hooks of a source connector plugin (SourceConnectorPlugin in source-task.ts)
 * that the runtime and the command line call without knowing which database is behind:
 * `cdc migrate` and what runs beside a task while this worker owns the connector.
 * The plugin's metric names (PluginMetricNames) are declared in src/metrics/task-metrics.ts,
 * its reference section (ConfigReferenceSection) in src/config/config-docs.ts.
 */
import type { Registry } from 'prom-client';
import type { Logger } from '../log/logger.ts';

export interface MigrateOptions {
  /** `cdc migrate --role`: a least-privilege user/role to create for the connector. */
  readonly role?: string;
  /** its password (from the variable --role-password-env names); present whenever role is. */
  readonly rolePassword?: string;
  readonly log: Logger;
}

export interface ExtrasEnv {
  /** The worker's Prometheus registry: gauges the extras export (get or create by name; a restart must not register twice). */
  readonly registry: Registry;
  readonly log: Logger;
}

/** Something running beside a connector's task (e.g. PostgreSQL's slot lag monitor). */
export interface RunningExtras {
  /** Idempotent. */
  stop(): Promise<void>;
}
