/**
 * Optional hooks of a source connector plugin (SourceConnectorPlugin in source-task.ts)
 * that the runtime and the command line call without knowing which database is behind:
 * `cdc migrate`, what runs beside a task while this worker owns the connector, the
 * plugin's section of docs/config-reference.md, and the names of its position gauges.
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

export interface GaugeSpec {
  readonly name: string;
  readonly help: string;
}

/**
 * Names of the gauges fed by TaskMetrics.sourcePosition (src/metrics/task-metrics.ts), so that a
 * plugin keeps the metric names its dashboards know (cdc_postgres_received_lsn, ...). A plugin
 * without them gets cdc_source_received_position and cdc_source_flushed_position.
 */
export interface PluginMetricNames {
  /** the newest position read from the source */
  readonly receivedPosition: GaugeSpec;
  /** the newest position confirmed to the source (committed in Kafka) */
  readonly flushedPosition: GaugeSpec;
}
