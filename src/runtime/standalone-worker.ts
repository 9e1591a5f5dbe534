/**
 * A standalone worker: runs the connectors of one config file, keeps offsets
 * in Kafka (so exactly-once holds across restarts), serves metrics.
 */
import { Registry, collectDefaultMetrics } from 'prom-client';
import type { Server } from 'node:http';
import type { ParsedConfig } from '../config/define.ts';
import type { ConnectorSource } from '../config/load.ts';
import { applyWorkerDefaults } from '../config/worker-config.ts';
import type { Logger } from '../log/logger.ts';
import { createKafka } from '../kafka/kafka-client.ts';
import { TopicManager } from '../kafka/topics.ts';
import { PromMetricsFactory } from '../metrics/task-metrics.ts';
import { startMetricsServer } from '../metrics/metrics-server.ts';
import { ConnectorSupervisor, type TaskStatus } from './connector-supervisor.ts';
import type { PluginRegistry } from './plugin-registry.ts';
import type { Converter } from '../serde/converter.ts';
import type { SourceConnectorPlugin } from './source-task.ts';

export interface ConverterFactory {
  (config: ParsedConfig, log: Logger): { key: Converter; value: Converter };
}

export interface ConnectorExtras {
  /** Started beside the connector's task (e.g. a slot lag monitor); stopped with the worker. */
  start?(plugin: SourceConnectorPlugin, config: ParsedConfig, registry: Registry, log: Logger): { stop(): Promise<void> } | null;
}

export interface StandaloneWorkerDeps {
  readonly worker: ParsedConfig;
  readonly connectors: readonly ConnectorSource[];
  readonly plugins: PluginRegistry;
  readonly converters: ConverterFactory;
  readonly log: Logger;
  readonly extras?: ConnectorExtras;
}

export class StandaloneWorker {
  readonly registry = new Registry();
  private readonly supervisors = new Map<string, ConnectorSupervisor>();
  private readonly stoppables: { stop(): Promise<void> }[] = [];
  private metricsServer: Server | null = null;
  private topics: TopicManager | null = null;

  constructor(private readonly deps: StandaloneWorkerDeps) {}

  /** Parses every connector config first: one bad connector stops the start with all its problems. */
  async start(): Promise<void> {
    const { worker, log } = this.deps;
    collectDefaultMetrics({ register: this.registry, prefix: 'cdc_process_' });
    const factory = new PromMetricsFactory(this.registry);
    const kafka = createKafka(worker, log, `cdc-${worker.getString('group.id')}`);
    this.topics = new TopicManager({ kafka, log });
    const parsed = this.deps.connectors.map((c) => {
      const plugin = this.deps.plugins.find(String(c.config['connector.class'] ?? ''), c.where, c.config['connector.plugin.version'] as string | undefined);
      const config = plugin.configDef.parse(applyWorkerDefaults(worker, { name: c.name, ...c.config }), c.where, { secretKeys: c.secretKeys });
      for (const w of config.warnings) log.warn({ connector: c.name, property: w.property }, w.message);
      return { c, plugin, config };
    });
    const metricsPort = worker.getInt('metrics.port') ?? 0;
    if (metricsPort > 0) {
      this.metricsServer = await startMetricsServer(this.registry, worker.getString('rest.host.name') ?? '0.0.0.0', metricsPort);
      log.info({ port: metricsPort }, 'Prometheus metrics at /metrics');
    }
    for (const { c, plugin, config } of parsed) {
      const clog = log.child({ connector: c.name });
      const sup = new ConnectorSupervisor({
        name: c.name, plugin, config, kafka, topics: this.topics,
        clusterId: worker.getString('group.id') ?? 'cdc',
        offsetsTopic: worker.getString('offset.storage.topic') ?? 'connect-offsets',
        offsetsTopicSpec: { partitions: worker.getInt('offset.storage.partitions') ?? 25, replicationFactor: worker.getInt('offset.storage.replication.factor') ?? -1 },
        transactionTimeoutMs: worker.getInt('transaction.timeout.ms') ?? 900000,
        converters: this.deps.converters(config, clog),
        log: clog, metrics: factory.forTask(c.name, 0),
        backoff: { initialMs: 1000, maxMs: 60000 },
      });
      this.supervisors.set(c.name, sup);
      const extra = this.deps.extras?.start?.(plugin, config, this.registry, clog);
      if (extra) this.stoppables.push(extra);
      sup.start();
      clog.info({ class: plugin.className, version: plugin.version }, 'connector started');
    }
  }

  status(): Map<string, TaskStatus> {
    return new Map([...this.supervisors].map(([n, s]) => [n, s.current()]));
  }

  /** Resolves when every connector ended on its own (FAILED or FINISHED). */
  async done(): Promise<void> {
    await Promise.all([...this.supervisors.values()].map((s) => s.done()));
  }

  async stop(): Promise<void> {
    await Promise.all([...this.supervisors.values()].map((s) => s.stop()));
    await Promise.all(this.stoppables.map((s) => s.stop()));
    await this.topics?.close();
    await new Promise<void>((r) => (this.metricsServer ? this.metricsServer.close(() => r()) : r()));
  }
}
