/**
 * The contract between the runtime and a source connector plugin. A plugin
 * never talks to Kafka: it hands out units (records + the offset they make
 * true) and hears back which offset is durable. The runtime owns transactions,
 * conversion and offset storage.
 */
import type { JsonMap, SourceUnit } from '../events/record.ts';
import type { Logger } from '../log/logger.ts';
import type { ParsedConfig } from '../config/define.ts';
import type { ConfigDef } from '../config/define.ts';
import type { PluginMetricNames, TaskMetrics } from '../metrics/task-metrics.ts';
import type { SignalKafkaAccess } from '../snapshot/signals/kafka-signal-channel.ts';
import type { InternalTopics } from './internal-topics.ts';
import type { ExtrasEnv, MigrateOptions, RunningExtras } from './plugin-hooks.ts';
import type { ConfigReferenceSection } from '../config/config-docs.ts';

export interface CommittedOffsets {
  get(partition: JsonMap): JsonMap | null;
}

export interface SourceTaskContext {
  readonly connectorName: string;
  readonly taskId: number;
  readonly config: ParsedConfig;
  readonly offsets: CommittedOffsets;
  readonly log: Logger;
  readonly metrics: TaskMetrics;
  /**
   * Topics the plugin owns (e.g. a schema history): declare them in start(), read them back there,
   * and hand their records out in SourceUnit.internalRecords, which commit with the unit.
   */
  readonly internalTopics: InternalTopics;
  /**
   * The worker's Kafka client, only for the signal hub's topic channel (src/snapshot/signals/signal-hub.ts);
   * a plugin never writes to Kafka itself. Absent in unit tests.
   */
  readonly signalKafka?: SignalKafkaAccess;
}

export interface SourceTask {
  /** Connects to the source and positions itself after the committed offsets. */
  start(ctx: SourceTaskContext): Promise<void>;
  /**
   * Next units, waiting up to maxWaitMs when there is nothing; [] when idle.
   * Throws a CdcError when the source fails (retriable or not).
   */
  poll(maxWaitMs: number): Promise<SourceUnit[]>;
  /** `offset` for `partition` is committed in Kafka: the source may now release it. */
  committed(partition: JsonMap, offset: JsonMap): void;
  /** Why the task cannot make progress right now (null = it can), for truthful status. */
  health?(): { stalled: string | null; catchingUp?: string | null };
  /** True when the task has nothing more to do (e.g. snapshot.mode=initial_only finished). */
  finished(): boolean;
  /** Idempotent. */
  stop(): Promise<void>;
}

export interface ValidationProblem {
  readonly code: string;
  readonly what: string;
  readonly where: string;
  readonly fix: string;
  /** the config property the problem belongs to, for config/validate */
  readonly property?: string;
}

/** A connector plugin as the registry knows it. */
export interface SourceConnectorPlugin {
  /** Fully-qualified class name users put in connector.class. */
  readonly className: string;
  readonly aliases: readonly string[];
  readonly version: string;
  readonly type: 'source';
  readonly configDef: ConfigDef;
  /** Checks that need the outside world (database reachable, privileges...). */
  validateEnvironment(config: ParsedConfig, log: Logger): Promise<ValidationProblem[]>;
  /** Task configs; this connector always runs one task. */
  taskConfigs(config: ParsedConfig, maxTasks: number): Record<string, string>[];
  /** Connect's Connector.taskClass(), shown as task.class in task configs; absent = `${className}Task` (Debezium's naming). */
  readonly taskClass?: string;
  /**
   * Connect's alterOffsets hook, called before offsets are altered or reset while stopped:
   * true = the connector confirmed it handled the change (Connect's short success message);
   * absent or false = only the framework-managed offsets changed.
   */
  alterOffsets?(config: ParsedConfig, offsets: readonly { partition: JsonMap; offset: JsonMap | null }[]): boolean;
  createTask(): SourceTask;
  /** Called once when the connector is deleted (after its task stopped): release source resources it was told to. */
  onDelete?(config: ParsedConfig, log: Logger): Promise<void>;
  /** Source partition(s) the connector's offsets live under (for the offsets REST API). */
  partitions(config: ParsedConfig): JsonMap[];
  /** `cdc migrate`: prepares the connector's database (migrations/<source>); resolves with what it applied. Absent: nothing to migrate. */
  migrate?(config: ParsedConfig, opts: MigrateOptions): Promise<string[]>;
  /**
   * Started while this worker owns the connector, whatever its target state, and stopped when it
   * no longer does or the config changes: monitors that must keep reporting while the task is
   * paused, retrying or failed (DESIGN.md invariant 5). Null: nothing to run for this config.
   */
  startExtras?(config: ParsedConfig, env: ExtrasEnv): RunningExtras | null;
  /** The plugin's own section of docs/config-reference.md (its properties without the framework's). */
  readonly configReference?: ConfigReferenceSection;
  /** Names of its source-position gauges (default: cdc_source_received_position, cdc_source_flushed_position). */
  readonly metricNames?: PluginMetricNames;
}
