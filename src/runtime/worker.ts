/**
 * The worker: composition of everything a daemon runs. Internal state lives in
 * Kafka (config, status, offsets topics), connectors run under the herder, the
 * REST API and Prometheus metrics are served. Standalone and distributed
 * workers differ only in the Membership passed in.
 */
import { hostname } from 'node:os';
import { createServer } from 'node:net';
import { Registry } from 'prom-client';
import type { Server } from 'node:http';
import type { ParsedConfig } from '../config/define.ts';
import type { ConnectorSource } from '../config/load.ts';
import type { Logger } from '../log/logger.ts';
import type { LogLevels } from '../log/log-levels.ts';
import { bootstrapBrokers, createKafka } from '../kafka/kafka-client.ts';
import { explainKafkaAccessError } from '../kafka/kafka-access-errors.ts';
import { KafkaReachability, type KafkaOutage } from '../kafka/kafka-reachability.ts';
import { TopicManager } from '../kafka/topics.ts';
import { PromMetricsFactory } from '../metrics/task-metrics.ts';
import { startMetricsServer } from '../metrics/metrics-server.ts';
import { registerWorkerMetrics } from '../metrics/worker-metrics.ts';
import { ConfigStore } from '../cluster/config-store.ts';
import { StatusStore } from '../cluster/status-store.ts';
import { WorkerHerder } from './worker-herder.ts';
import type { Membership } from '../cluster/membership.ts';
import type { PluginRegistry } from './plugin-registry.ts';
import type { Converter } from '../serde/converter.ts';
import type { Herder } from './herder.ts';
import type { ProviderIo } from '../config/providers.ts';
import type { TransformRegistry } from '../transforms/transform-registry.ts';

export interface WorkerDeps {
  readonly worker: ParsedConfig;
  readonly connectors: readonly ConnectorSource[];
  readonly plugins: PluginRegistry;
  readonly converters: (config: ParsedConfig, log: Logger) => { key: Converter; value: Converter };
  readonly log: Logger;
  readonly levels: LogLevels;
  readonly membership: (ctx: { workerId: string; kafka: ReturnType<typeof createKafka>; configs: ConfigStore; log: Logger; kafkaOutage: () => KafkaOutage | null }) => Membership;
  readonly rest?: (herder: Herder) => Promise<{ close(): Promise<void> } | null>;
  readonly version: string;
  readonly providers: ProviderIo;
  /** transformations and predicates connectors may use; absent: none */
  readonly transforms?: TransformRegistry;
}

export class Worker {
  readonly registry = new Registry();
  private herder: WorkerHerder | null = null;
  private metricsServer: Server | null = null;
  private rest: { close(): Promise<void> } | null = null;
  private topics: TopicManager | null = null;
  private reachability: KafkaReachability | null = null;

  constructor(private readonly d: WorkerDeps) {}

  private restPort = 0;

  /** Connect's worker id: the advertised host:port of this worker's REST API (unique in a cluster). */
  get workerId(): string {
    const w = this.d.worker;
    return `${w.getString('rest.advertised.host.name') ?? hostname()}:${w.getInt('rest.advertised.port') ?? this.restPort}`;
  }

  /** The REST port: as configured, or a free one chosen now when rest.port=0. */
  port(): number {
    return this.restPort;
  }

  async start(): Promise<WorkerHerder> {
    const { worker, log } = this.d;
    this.restPort = worker.getInt('rest.port') ?? 8083;
    if (this.restPort === 0) this.restPort = await freePort(worker.getString('rest.host.name') ?? '0.0.0.0');
    const reachability = new KafkaReachability({ brokers: bootstrapBrokers(worker), log: log.child({ component: 'kafkajs' }) });
    this.reachability = reachability;
    const kafka = createKafka(worker, log, worker.getString('client.id') ?? `cdc-${worker.getString('group.id')}`, { logs: (entry) => reachability.route(entry) });
    registerWorkerMetrics(this.registry, () => reachability.outage());
    this.topics = new TopicManager({ kafka, log });
    const rf = (name: string) => worker.getInt(name) ?? -1;
    const configs = new ConfigStore({ kafka, topics: this.topics, topic: worker.getString('config.storage.topic') ?? 'connect-configs', replicationFactor: rf('config.storage.replication.factor'), log });
    const herder = new WorkerHerder({
      worker, kafka, topics: this.topics, configs,
      status: new StatusStore({ kafka, topics: this.topics, topic: worker.getString('status.storage.topic') ?? 'connect-status', partitions: worker.getInt('status.storage.partitions') ?? 5, replicationFactor: rf('status.storage.replication.factor'), log }),
      membership: this.d.membership({ workerId: this.workerId, kafka, configs, log, kafkaOutage: () => reachability.outage() }),
      plugins: this.d.plugins, converters: this.d.converters, metrics: new PromMetricsFactory(this.registry), registry: this.registry, log,
      loggers: {
        get: () => this.d.levels.list() as never,
        set: (name, level) => this.d.levels.set(name, level),
        effective: (name) => this.d.levels.effective(name),
      },
      version: this.d.version,
      providers: this.d.providers,
      kafkaOutage: () => reachability.outage(),
      ...(this.d.transforms ? { transforms: this.d.transforms } : {}),
    });
    this.herder = herder;
    const metricsPort = worker.getInt('metrics.port') ?? 0;
    if (metricsPort > 0) {
      this.metricsServer = await startMetricsServer(this.registry, worker.getString('rest.host.name') ?? '0.0.0.0', metricsPort);
      log.info({ port: metricsPort }, 'Prometheus metrics at /metrics');
    }
    if (this.d.rest) this.rest = await this.d.rest(herder);
    try {
      await herder.start(this.d.connectors.map((c) => ({ name: c.name, config: c.written })));
    } catch (err) {
      // Wrong credentials or an untrusted certificate: say which setting, not "Connection error".
      throw explainKafkaAccessError(err) ?? err;
    }
    return herder;
  }

  /** SIGHUP: the file's connectors section applied to the running worker (WorkerHerder.reloadFileConnectors). */
  async reloadFileConnectors(connectors: readonly { name: string; config: Record<string, unknown> }[]): Promise<void> {
    if (!this.herder) throw new Error('the worker has not started yet');
    await this.herder.reloadFileConnectors(connectors);
  }

  async stop(): Promise<void> {
    await this.rest?.close().catch(() => undefined);
    await this.herder?.stop();
    await this.topics?.close();
    this.reachability?.stop();
    await new Promise<void>((r) => (this.metricsServer ? this.metricsServer.close(() => r()) : r()));
  }
}

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, host, () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}
