/**
 * The Herder over Kafka-backed state: connector configs and target states in
 * the config topic, states in the status topic, offsets in the offsets topic.
 * Standalone and distributed differ only in the Membership (who runs what),
 * so a connector created through the API survives restarts of every worker.
 */
import type { Kafka } from 'kafkajs';
import type { Registry } from 'prom-client';
import type { ParsedConfig } from '../config/define.ts';
import { applyWorkerDefaults } from '../config/worker-config.ts';
import { connectFrameworkConfigDef } from '../config/connect-framework-fields.ts';
import { connectorKeyInfos } from '../config/connect-validation.ts';
import { HIDDEN_VALUE } from '../config/secret.ts';
import { looksSecret, redactRecord } from '../config/redaction.ts';
import { resolveProviders, type ProviderIo } from '../config/providers.ts';
import { CdcError, CdcErrorList } from '../errors/cdc-error.ts';
import type { Logger } from '../log/logger.ts';
import type { TopicManager, TopicSpec } from '../kafka/topics.ts';
import { producerSettings } from '../kafka/producer-settings.ts';
import { bootstrapBrokers } from '../kafka/kafka-client.ts';
import { topicCreationRules, TOPIC_CREATION_PREFIX } from '../config/topic-creation.ts';
import { createHeaderConverter } from '../serde/header-converter.ts';
import type { PromMetricsFactory } from '../metrics/task-metrics.ts';
import type { ConfigStore, StoredConnector } from '../cluster/config-store.ts';
import type { StatusStore } from '../cluster/status-store.ts';
import { ConnectorInstance } from './connector-instance.ts';
import { SignalSender } from './signal-sender.ts';
import { logStateChange } from './state-change-log.ts';
import { applyFileConnectors, type FilePlan } from './file-connectors.ts';
import { workerLiveness, workerReadiness } from './worker-readiness.ts';
import { connectTaskConfigs, restartPlan } from './herder-answers.ts';
import { HerderOffsets } from './herder-offsets.ts';
import { connectorStatusAnswer, type OwnStatus } from './status-view.ts';
import type { KafkaOutage } from '../kafka/kafka-reachability.ts';
import type { StatusValue } from '../cluster/status-store.ts';
import type { Membership } from '../cluster/membership.ts';
import type { PluginRegistry } from './plugin-registry.ts';
import type { Converter } from '../serde/converter.ts';
import type { SourceConnectorPlugin } from './source-task.ts';
import { TransformRegistry } from '../transforms/transform-registry.ts';
import { withTransformFields } from '../transforms/transform-config.ts';
import { buildTransformChain } from '../transforms/chain.ts';
import type { ConfigDef } from '../config/define.ts';
import { SINGLE_TASK_ID } from './task-ids.ts';
import { HerderError, type ConnectorConfig, type ConnectorInfo, type ConnectorOffsets, type ConnectorStateInfo, type Herder,
  type InitialState, type Liveness, type LoggerLevel, type PluginInfo, type Readiness, type RestartRequest, type TaskInfo, type TaskStateInfo } from './herder.ts';

export interface WorkerHerderDeps {
  readonly worker: ParsedConfig;
  readonly kafka: Kafka;
  readonly topics: TopicManager;
  readonly configs: ConfigStore;
  readonly status: StatusStore;
  readonly membership: Membership;
  readonly plugins: PluginRegistry;
  readonly converters: (config: ParsedConfig, log: Logger) => { key: Converter; value: Converter };
  readonly metrics: PromMetricsFactory;
  readonly registry: Registry;
  readonly log: Logger;
  readonly loggers: { get(): Record<string, LoggerLevel>; set(name: string, level: string): string[]; effective(name: string): string };
  readonly version: string;
  /** resolves ${env:...} / ${file:...} in stored configs (which keep the placeholders) */
  readonly providers: ProviderIo;
  /** the worker's knowledge of a Kafka outage (null while reachable) */
  readonly kafkaOutage?: () => KafkaOutage | null;
  /** transformations and predicates connectors may use (transforms.*, predicates.*); absent: none */
  readonly transforms?: TransformRegistry;
}

/** How long a read answer (status, lists) waits for the internal topics before answering from memory. */
const READ_WAIT_MS = 300;

interface Running {
  readonly instance: ConnectorInstance;
  readonly generation: number;
  readonly configJson: string;
}

export class WorkerHerder implements Herder {
  private readonly running = new Map<string, Running>();
  /** Per-connector companions (slot lag monitor) that run whatever the target state, while owned here. */
  private readonly monitors = new Map<string, { configJson: string; extra: { stop(): Promise<void> } }>();
  private readonly reconciling = new Map<string, Promise<void>>();
  /** States this worker decided for connectors it owns but does not run (paused, stopped, restarting, bad config). */
  private readonly decided = new Map<string, { connector: StatusValue; task?: StatusValue | null }>();
  private started = false;
  private stopping = false;
  private tickTimer: NodeJS.Timeout | null = null;
  private lastTick = 0;
  /** SIGHUP reloads, one after another */
  private fileSync: Promise<unknown> = Promise.resolve();
  private kafkaClusterId: string | null = null;

  private readonly signals: SignalSender;
  private readonly transformRegistry: TransformRegistry;
  private readonly offsets: HerderOffsets;

  constructor(private readonly d: WorkerHerderDeps) {
    this.signals = new SignalSender({ kafka: d.kafka, topics: d.topics });
    this.transformRegistry = d.transforms ?? new TransformRegistry();
    this.offsets = new HerderOffsets({
      kafka: d.kafka, topics: d.topics, worker: d.worker, log: d.log, clusterId: () => this.clusterId, offsetsTopic: () => this.offsetsTopic,
      offsetsSpec: () => this.offsetsSpec, stored: (name) => this.stored(name), parse: (name, config) => this.parse(name, config),
      running: (name) => this.running.has(name),
    });
  }

  /** The plugin's ConfigDef grown with the properties of the transforms and predicates `raw` lists. */
  private defFor(plugin: SourceConnectorPlugin, raw: Readonly<Record<string, unknown>>): ConfigDef {
    return withTransformFields(plugin.configDef, raw, this.transformRegistry);
  }

  private get clusterId(): string { return this.d.worker.getString('group.id') ?? 'cdc'; }
  private get offsetsTopic(): string { return this.d.worker.getString('offset.storage.topic') ?? 'connect-offsets'; }
  private get offsetsSpec(): TopicSpec {
    return { partitions: this.d.worker.getInt('offset.storage.partitions') ?? 25, replicationFactor: this.d.worker.getInt('offset.storage.replication.factor') ?? -1 };
  }

  async start(fileConnectors: readonly { name: string; config: Record<string, unknown> }[]): Promise<void> {
    this.d.configs.onChange((name) => this.schedule(name));
    // Restart requests are records in the config topic: only the worker running the connector acts.
    // Records replayed at start (written before this worker began) are ignored. A request waits its
    // turn behind any reconcile of the connector in flight (a start, a stop on a membership change),
    // so it acts on the instance that is running once that is done, never beside it.
    this.d.configs.onRestart((name, req) => this.schedule(name, () => this.localRestart(name, req)));
    this.d.membership.onChange(() => { for (const n of new Set([...this.d.configs.names(), ...this.running.keys()])) this.schedule(n); });
    await this.d.configs.start();
    await this.d.status.start();
    await this.d.membership.start();
    // The tick liveness watches: a timer that does not run means the event loop is starved.
    this.tickTimer = setInterval(() => { this.lastTick = Date.now(); }, 1000);
    this.tickTimer.unref();
    this.lastTick = Date.now();
    // Connectors from the config file: written when new or changed, removed when they left the file.
    const plan = await this.applyFileConnectors(fileConnectors);
    this.started = true;
    for (const n of new Set([...this.d.configs.names(), ...plan.remove])) this.schedule(n);
  }

  /**
   * SIGHUP: the connectors section of the re-read file, applied while everything runs. Only
   * connectors whose config changed restart; a file with a problem changes nothing (throws).
   */
  reloadFileConnectors(fileConnectors: readonly { name: string; config: Record<string, unknown> }[]): Promise<FilePlan> {
    const run = this.fileSync.then(() => this.applyFileConnectors(fileConnectors));
    this.fileSync = run.catch(() => undefined);
    return run;
  }

  private applyFileConnectors(fileConnectors: readonly { name: string; config: Record<string, unknown> }[]): Promise<FilePlan> {
    return applyFileConnectors({
      configs: this.d.configs, log: this.d.log,
      parse: (name, config) => { this.parse(name, config); },
      remove: (name) => this.deleteConnector(name),
    }, fileConnectors.map((c) => ({ name: c.name, config: stringify({ ...c.config, name: c.name }) })));
  }

  /**
   * Serialises what happens to one connector on this worker (reconciling it, restarting it):
   * each action starts after the previous one ended, so two never act on the same instance.
   */
  private schedule(name: string, action: () => Promise<void> = () => this.reconcile(name)): void {
    // Nothing runs before the file's connectors are written: a stale stored config must not start first.
    if (!this.started) return;
    const prev = this.reconciling.get(name) ?? Promise.resolve();
    const next = prev.then(action).catch((err: unknown) => this.d.log.error({ connector: name, err: (err as Error).message }, 'reconcile failed'));
    this.reconciling.set(name, next);
  }

  /**
   * Records a state this worker decided, in memory first (status answers from it at once,
   * whatever Kafka does), then in the status topic. task: null removes the task's state,
   * undefined leaves it.
   */
  private async report(name: string, connector: StatusValue | null, task?: StatusValue | null): Promise<void> {
    const before = this.decided.get(name);
    const changed = connector === null ? before !== undefined || this.d.status.connector(name) !== undefined : before?.connector.state !== connector.state;
    if (changed) {
      // Connect calls a deleted connector's last state DESTROYED.
      const state = connector?.state ?? 'DESTROYED';
      logStateChange(this.d.log, { connector: name, ...(task !== undefined ? { task: SINGLE_TASK_ID } : {}), state, reason: connector?.reason ?? connector?.trace ?? (connector ? null : 'connector deleted') }, { connector: false });
    }
    if (connector === null) this.decided.delete(name);
    else this.decided.set(name, { connector, ...(task !== undefined ? { task } : {}) });
    // The status gauges follow what the herder decides too (paused, stopped, deleted), not only running tasks.
    this.d.metrics.statusDecided(name, connector?.state ?? null, task === undefined ? null : { id: SINGLE_TASK_ID, state: task?.state ?? null });
    await this.d.status.putConnector(name, connector);
    if (task !== undefined) await this.d.status.putTask(name, SINGLE_TASK_ID, task);
  }

  /** This worker's own view of a connector it owns, or null. */
  private ownStatus(name: string): OwnStatus | null {
    if (!this.d.membership.owns(name)) return null;
    const run = this.running.get(name);
    if (run) {
      const now = run.instance.statusNow();
      return { connector: now.connector, tasks: new Map([[0, now.task]]) };
    }
    const d = this.decided.get(name);
    if (!d) return null;
    return { connector: d.connector, ...(d.task !== undefined ? { tasks: new Map(d.task ? [[0, d.task]] : []) } : {}) };
  }

  private async reconcile(name: string): Promise<void> {
    await this.reconcileMonitor(name);
    await this.reconcileTask(name);
  }

  /**
   * WAL retention must stay visible while a connector is paused, stopped or failing
   * (DESIGN.md invariant 5): its monitor follows ownership and config, not target state.
   */
  private async reconcileMonitor(name: string): Promise<void> {
    const stored = this.d.configs.get(name);
    const want = stored !== undefined && this.d.membership.owns(name);
    const configJson = stored ? JSON.stringify(stored.config) : '';
    const cur = this.monitors.get(name);
    if (cur && (!want || cur.configJson !== configJson)) {
      this.monitors.delete(name);
      await cur.extra.stop();
    }
    if (!want || this.monitors.has(name)) return;
    try {
      const { plugin, config } = this.parse(name, stored!.config);
      const extra = plugin.startExtras?.(config, { registry: this.d.registry, log: this.d.log.child({ connector: name }) }) ?? null;
      if (extra) this.monitors.set(name, { configJson, extra });
    } catch { /* an unparsable config fails the task with the reason; nothing to monitor */ }
  }

  private async reconcileTask(name: string): Promise<void> {
    const stored = this.d.configs.get(name);
    const run = this.running.get(name);
    const wantRun = stored !== undefined && stored.target === 'STARTED' && this.d.membership.owns(name);
    const configJson = stored ? JSON.stringify(stored.config) : '';
    // A task fenced by another worker may be ours again after a membership change: start it afresh.
    const fencedBefore = run !== undefined && run.instance.current().state === 'FAILED'
      && /CDC_KAFKA_FENCED/.test(run.instance.current().reason ?? '') && run.generation !== this.d.membership.generation();
    if (run && (!wantRun || run.configJson !== configJson || fencedBefore)) {
      this.running.delete(name);
      if (wantRun) {
        // Restarting with a new config: say so now rather than leave the old RUNNING standing.
        const st = { state: 'RESTARTING', worker_id: this.d.membership.workerId, generation: this.d.membership.generation(), trace: null, since: Date.now(), reason: 'restarting with a new configuration' };
        await this.report(name, st, st).catch(() => undefined);
      }
      await run.instance.stop();
      if (!wantRun) this.d.log.info({ connector: name, target: stored?.target ?? 'deleted', owned: this.d.membership.owns(name) }, 'connector stopped on this worker');
    }
    if (!stored) {
      // Deleted: its states go too (Connect tombstones them), also when it was paused or stopped.
      if (run || (this.d.membership.owns(name) && this.d.status.connector(name))) await this.report(name, null, null);
      this.decided.delete(name);
      return;
    }
    if (!this.d.membership.owns(name)) { this.decided.delete(name); return; }
    // Connect 4.1 (KIP-891) reports the plugin version in every state, PAUSED and STOPPED included.
    const version = this.pluginOf(stored)?.version;
    const base = { worker_id: this.d.membership.workerId, generation: this.d.membership.generation(), trace: null, since: Date.now(), ...(version ? { version } : {}) };
    if (stored.target === 'PAUSED') {
      await this.report(name, { ...base, state: 'PAUSED' }, { ...base, state: 'PAUSED' });
      return;
    }
    if (stored.target === 'STOPPED') {
      this.decided.set(name, { connector: { ...base, state: 'STOPPED' }, task: null });
      if (stored.taskConfigs.length > 0) await this.d.configs.putTaskConfigs(name, []);
      await this.report(name, { ...base, state: 'STOPPED' }, null);
      return;
    }
    if (this.running.has(name)) return;
    let plugin: SourceConnectorPlugin, config: ParsedConfig;
    try {
      ({ plugin, config } = this.parse(name, stored.config));
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      await this.report(name, { ...base, state: 'FAILED', trace: msg });
      return;
    }
    const tasks = connectTaskConfigs({ stored: stored.config, effective: config.raw(), fromPlugin: plugin.taskConfigs(config, 1), taskClass: plugin.taskClass ?? `${plugin.className}Task` })
      .map((t) => this.redact(plugin, t));
    if (JSON.stringify(tasks) !== JSON.stringify(stored.taskConfigs)) await this.d.configs.putTaskConfigs(name, tasks);
    const log = this.d.log.child({ connector: name });
    for (const w of config.warnings) log.warn({ property: w.property }, w.message);
    const creationKeys = config.originalsWithPrefix(TOPIC_CREATION_PREFIX, false);
    const creationEnabled = this.d.worker.getBoolean('topic.creation.enable') ?? true;
    if (!creationEnabled && Object.keys(creationKeys).length > 0) {
      log.warn({ properties: Object.keys(creationKeys) }, 'topic.creation.* properties have no effect: the worker sets topic.creation.enable=false, so this connector creates no topic');
    }
    if (config.getString('exactly.once.support') === 'required') {
      log.info({}, 'exactly.once.support=required is satisfied: records and offsets are committed in one Kafka transaction');
    }
    const instance = new ConnectorInstance({
      name, taskId: SINGLE_TASK_ID, plugin, config, kafka: this.d.kafka, topics: this.d.topics, clusterId: this.clusterId,
      offsetTopics: this.offsets.topicsOf(config), offsetsTopicSpec: this.offsetsSpec,
      producer: producerSettings(this.d.worker, config),
      offsetFlushIntervalMs: this.d.worker.getLong('offset.flush.interval.ms') ?? 60000,
      workerBrokers: bootstrapBrokers(this.d.worker),
      topicCreation: topicCreationRules(creationKeys, creationEnabled),
      converters: { ...this.d.converters(config, log), header: createHeaderConverter(config.getString('header.converter')) },
      metrics: this.d.metrics.forTask(name, SINGLE_TASK_ID, plugin.metricNames),
      status: this.d.status, workerId: this.d.membership.workerId, generation: () => this.d.membership.generation(), log,
      mayRun: () => this.d.membership.current() && this.d.membership.owns(name),
      ...(this.d.kafkaOutage ? { kafkaOutage: this.d.kafkaOutage } : {}),
      transforms: () => buildTransformChain(config, this.transformRegistry, `connector "${name}"`, log),
    });
    this.decided.delete(name);
    this.running.set(name, { instance, configJson, generation: this.d.membership.generation() });
    instance.start();
    log.info({ class: plugin.className, version: plugin.version }, 'connector started');
  }

  private parse(name: string, config: Record<string, string>): { plugin: SourceConnectorPlugin; config: ParsedConfig } {
    const where = `connector "${name}"`;
    const plugin = this.d.plugins.find(config['connector.class'] ?? '', where, config['connector.plugin.version']);
    const resolved = resolveProviders(config, this.d.providers, where);
    const values = applyWorkerDefaults(this.d.worker, resolved.values);
    return { plugin, config: this.defFor(plugin, values).parse(values, where, { secretKeys: resolved.fromProvider }) };
  }

  /**
   * Throws 400 listing every problem (Connect's message), as create/update must: the config
   * first, then, as Connect asks the connector to validate, the source itself (database
   * reachable, privileges, tables), which is what `cdc validate` checks.
   */
  private async check(name: string, config: Record<string, string>): Promise<SourceConnectorPlugin> {
    const cls = config['connector.class'];
    if (!cls) throw new HerderError(400, 'Connector config {...} contains no connector type: set connector.class');
    let plugin: SourceConnectorPlugin;
    try {
      plugin = this.d.plugins.find(cls, `connector "${name}"`, config['connector.plugin.version']);
    } catch (err) {
      throw new HerderError(400, err instanceof CdcError ? err.message : String(err));
    }
    let resolved;
    try {
      resolved = resolveProviders(config, this.d.providers, `connector "${name}"`);
    } catch (err) {
      throw new HerderError(400, err instanceof CdcErrorList || err instanceof CdcError ? err.message : String(err));
    }
    const values = applyWorkerDefaults(this.d.worker, resolved.values);
    const def = this.defFor(plugin, values);
    const result = def.validate(values, { secretKeys: resolved.fromProvider });
    if (result.error_count > 0) {
      const lines = result.configs.flatMap((c) => c.value.errors.map((e) => `${c.value.name}: ${e}`));
      throw new HerderError(400, `Connector configuration is invalid and contains the following ${result.error_count} error(s):\n${lines.join('\n')}\n` +
        `You can also find the above list of errors at the endpoint \`/connector-plugins/${plugin.className}/config/validate\``);
    }
    const where = `connector "${name}"`;
    const parsed = def.parse(values, where, { secretKeys: resolved.fromProvider });
    const problems = await plugin.validateEnvironment(parsed, this.d.log.child({ connector: name }));
    if (problems.length > 0) {
      const lines = problems.map((p) => `${p.property ?? 'connector'}: ${CdcError.format(p)}`);
      throw new HerderError(400, `Connector configuration is invalid and contains the following ${problems.length} error(s):\n${lines.join('\n')}\n` +
        'You can also find the above list of errors with `cdc validate --config <file>`');
    }
    return plugin;
  }

  private redact(plugin: SourceConnectorPlugin, config: Record<string, string>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(config)) out[k] = plugin.configDef.isSecret(k) && !/^\$\{[^}]+\}$/.test(v) ? HIDDEN_VALUE : v;
    return out;
  }

  private stored(name: string): StoredConnector {
    const c = this.d.configs.get(name);
    if (!c) throw new HerderError(404, `Connector ${name} not found`);
    return c;
  }

  private pluginOf(c: StoredConnector): SourceConnectorPlugin | null {
    try { return this.d.plugins.find(c.config['connector.class'] ?? '', c.name); } catch { return null; }
  }

  private info(c: StoredConnector): ConnectorInfo {
    const plugin = this.pluginOf(c);
    return {
      name: c.name, config: plugin ? this.redact(plugin, c.config) : redactRecord(c.config, looksSecret) as Record<string, string>,
      tasks: c.taskConfigs.map((_, i) => ({ connector: c.name, task: i })), type: plugin ? 'source' : 'unknown',
    };
  }

  // ---- Herder API ----

  async serverInfo() {
    // A Kafka cluster keeps its id: asked once, it is answered from memory (also during an outage).
    if (this.kafkaClusterId === null) {
      const admin = this.d.kafka.admin();
      await admin.connect();
      try {
        this.kafkaClusterId = (await admin.describeCluster()).clusterId;
      } finally { await admin.disconnect(); }
    }
    return { version: this.d.version, commit: 'cdcd', kafka_cluster_id: this.kafkaClusterId };
  }

  async health() {
    if (!this.started) return { status: 'starting' as const, message: 'Worker is still starting up: reading its internal topics.' };
    const outage = this.d.kafkaOutage?.();
    if (outage) {
      // The worker still answers (from memory): restarting it would not bring Kafka back.
      return { status: 'healthy' as const, message: `Worker has completed startup and is ready to handle requests. Kafka has been unreachable since ${new Date(outage.since).toISOString()} (${outage.brokers.join(', ')}: ${outage.error}): connectors are RESTARTING or STALLED until it is back.` };
    }
    return { status: 'healthy' as const, message: 'Worker has completed startup and is ready to handle requests.' };
  }

  async liveness(): Promise<Liveness> {
    return workerLiveness({ stopping: this.stopping, tickAgeMs: this.tickTimer ? Date.now() - this.lastTick : 0 });
  }

  /** From memory only: a probe must answer at once, also while Kafka is away. */
  async readiness(): Promise<Readiness> {
    const connectors = this.d.configs.names().filter((n) => this.d.membership.owns(n)).map((n) => {
      const c = this.d.configs.get(n)!;
      const run = this.running.get(n);
      const d = this.decided.get(n);
      return {
        name: n, target: c.target,
        task: run ? { id: SINGLE_TASK_ID, state: run.instance.current().state, notReady: run.instance.supervisor.notReadyReason() } : null,
        decided: d ? { state: d.task?.state ?? d.connector.state, reason: d.connector.reason ?? d.connector.trace ?? null } : null,
      };
    });
    return workerReadiness({ started: this.started, stopping: this.stopping, membershipCurrent: this.d.membership.current(), connectors });
  }

  async connectors(): Promise<string[]> { await this.catchUp('configs'); return this.d.configs.names(); }

  /** A bounded read of an internal topic before a read answer; skipped while Kafka is known to be away. */
  private async catchUp(which: 'configs' | 'status'): Promise<void> {
    if (this.d.kafkaOutage?.()) return;
    await (which === 'configs' ? this.d.configs.syncWithin(READ_WAIT_MS) : this.d.status.syncWithin(READ_WAIT_MS));
  }
  async sendSignal(name: string, signal: { id: string | null; type: unknown; data: unknown }): Promise<{ id: string; topic: string }> {
    const c = this.stored(name);
    let config: ParsedConfig;
    try {
      config = this.parse(name, c.config).config;
    } catch (err) {
      throw new HerderError(409, `Connector ${name} has a config that does not load, so its signal settings are unknown: ${(err as Error).message}`);
    }
    return this.signals.send(name, config, signal);
  }

  async connectorInfo(name: string): Promise<ConnectorInfo> { return this.info(this.stored(name)); }
  async connectorConfig(name: string): Promise<ConnectorConfig> { return this.info(this.stored(name)).config; }

  async putConnectorConfig(name: string, config: ConnectorConfig, opts: { allowReplace: boolean; initialState?: InitialState }) {
    const existing = this.d.configs.get(name);
    if (existing && !opts.allowReplace) throw new HerderError(409, `Connector ${name} already exists`);
    // GET-modify-PUT: the redaction marker means "keep what is stored".
    const merged: Record<string, string> = { ...config, name };
    for (const [k, v] of Object.entries(merged)) {
      if (v !== HIDDEN_VALUE) continue;
      const keep = existing?.config[k];
      if (keep === undefined) throw new HerderError(400, `${k} is "${HIDDEN_VALUE}" but there is no stored value to keep; send the real value`);
      merged[k] = keep;
    }
    await this.check(name, merged);
    const initial = opts.initialState === 'PAUSED' ? 'PAUSED' : opts.initialState === 'STOPPED' ? 'STOPPED' : 'STARTED';
    // A connector the config file declares stays the file's: the edit holds until the next start or SIGHUP.
    const origin = existing?.origin === 'file' ? 'file' : 'rest';
    if (origin === 'file') {
      this.d.log.warn({ connector: name }, `connector ${name} is declared by the config file: this REST change holds until the next start or SIGHUP, which writes the file's config back; edit the file to keep it`);
    }
    const { created } = await this.d.configs.putConnector(name, merged, initial, origin);
    if (!existing && !created && !opts.allowReplace) throw new HerderError(409, `Connector ${name} already exists`);
    const info = this.info(this.stored(name));
    // Connect answers a create before any task config exists: tasks [] whatever the initial state.
    return !existing && created ? { created: true, info: { ...info, tasks: [] } } : { created: false, info };
  }

  async patchConnectorConfig(name: string, patch: Record<string, string | null>): Promise<ConnectorInfo> {
    const c = this.stored(name);
    const next: Record<string, string> = { ...c.config };
    for (const [k, v] of Object.entries(patch)) { if (v === null) delete next[k]; else if (v !== HIDDEN_VALUE) next[k] = v; }
    return (await this.putConnectorConfig(name, next, { allowReplace: true })).info;
  }

  async deleteConnector(name: string): Promise<void> {
    const stored = this.stored(name);
    await this.d.configs.removeConnector(name);
    // Source clean-up the connector asked for (e.g. slot.drop.on.stop), once its task has stopped.
    try {
      const { plugin, config } = this.parse(name, stored.config);
      if (plugin.onDelete) void plugin.onDelete(config, this.d.log.child({ connector: name })).catch((err: unknown) => this.d.log.warn({ connector: name, err: (err as Error).message }, 'clean-up after delete failed'));
    } catch { /* config no longer parses: nothing to clean */ }
  }

  async connectorStatus(name: string): Promise<ConnectorStateInfo> {
    await Promise.all([this.catchUp('configs'), this.catchUp('status')]);
    const c = this.d.configs.get(name);
    const answer = connectorStatusAnswer({
      name, own: c ? this.ownStatus(name) : null,
      topic: { connector: this.d.status.connector(name), tasks: this.d.status.taskStates(name) },
      members: this.d.membership.members(), workerId: this.d.membership.workerId,
      target: c?.target, type: c && this.pluginOf(c) ? 'source' : 'unknown',
    });
    if (!answer) throw new HerderError(404, `No status found for connector ${name}`);
    return answer;
  }

  async taskStatus(name: string, task: number): Promise<TaskStateInfo> {
    const st = (await this.connectorStatus(name).catch(() => null))?.tasks.find((t) => t.id === task);
    if (!st) throw new HerderError(404, `No status found for task ${name}-${task}`);
    return st;
  }

  async taskConfigs(name: string): Promise<TaskInfo[]> {
    const c = this.stored(name);
    return c.taskConfigs.map((config, task) => ({ id: { connector: name, task }, config }));
  }

  async restartConnector(name: string, req: RestartRequest): Promise<ConnectorStateInfo | null> {
    this.stored(name);
    const before = await this.connectorStatus(name);
    await this.d.configs.putRestart(name, req);
    if (!req.includeTasks && !req.onlyFailed) return null;
    return restartPlan(before, req);
  }

  /**
   * Acts on a restart request if this worker runs the connector; runs inside schedule(). Not
   * running here: reconciling starts it if this worker owns it (a fresh start is the restart),
   * and otherwise the worker that owns it acts on the same record.
   */
  private async localRestart(name: string, req: RestartRequest): Promise<void> {
    const run = this.running.get(name);
    if (!run) { await this.reconcile(name); return; }
    const failed = run.instance.current().state === 'FAILED';
    if (req.onlyFailed && !failed) return;
    this.d.log.info({ connector: name, includeTasks: req.includeTasks, onlyFailed: req.onlyFailed }, 'restarting the connector: restart requested through the REST API');
    // Say RESTARTING (connector and task) from now until the new instance reports, as Connect's
    // restart plan does: the old instance leaves the running set before anything is awaited.
    const version = run.instance.statusNow().task.version;
    const st = { state: 'RESTARTING', worker_id: this.d.membership.workerId, generation: this.d.membership.generation(), trace: null, since: Date.now(), reason: 'restart requested through the REST API', ...(version ? { version } : {}) };
    this.running.delete(name);
    this.decided.set(name, { connector: st, task: st });
    await this.d.status.putConnector(name, st).then(() => this.d.status.putTask(name, SINGLE_TASK_ID, st)).catch(() => undefined);
    await run.instance.stop();
    await this.reconcile(name);
  }

  async restartTask(name: string, task: number): Promise<void> {
    const c = this.stored(name);
    if (task < 0 || task >= Math.max(1, c.taskConfigs.length)) throw new HerderError(404, `Unknown task: ${name}-${task}`);
    await this.d.configs.putRestart(name, { includeTasks: true, onlyFailed: false });
  }

  async pauseConnector(name: string): Promise<void> { this.stored(name); await this.d.configs.putTargetState(name, 'PAUSED'); }
  async resumeConnector(name: string): Promise<void> { this.stored(name); await this.d.configs.putTargetState(name, 'STARTED'); }
  async stopConnector(name: string): Promise<void> { this.stored(name); await this.d.configs.putTargetState(name, 'STOPPED'); }

  async connectorOffsets(name: string): Promise<ConnectorOffsets> { return this.offsets.connectorOffsets(name); }
  async alterConnectorOffsets(name: string, offsets: ConnectorOffsets): Promise<string> { return this.offsets.alter(name, offsets); }
  async resetConnectorOffsets(name: string): Promise<string> { return this.offsets.reset(name); }

  async connectorTopics(name: string): Promise<string[]> { this.stored(name); await this.catchUp('status'); return this.d.status.activeTopics(name); }
  async resetConnectorTopics(name: string): Promise<void> { this.stored(name); await this.d.status.resetTopics(name); }

  async plugins(connectorsOnly: boolean): Promise<PluginInfo[]> {
    const connectors = this.d.plugins.all().map((p) => ({ class: p.className, type: p.type, version: p.version }));
    if (connectorsOnly) return connectors;
    // Connect lists transformations and predicates (and converters) when connectorsOnly=false.
    const smts = this.transformRegistry.all().map((p) => ({ class: p.className, type: p.kind, version: p.version }))
      .sort((a, b) => a.type.localeCompare(b.type) || a.class.localeCompare(b.class));
    return [...connectors, ...smts];
  }

  async pluginConfig(plugin: string, version?: string): Promise<unknown[]> {
    // Connect describes transformations and predicates too: their own properties only.
    const smt = this.transformRegistry.find('transformation', plugin, version) ?? this.transformRegistry.find('predicate', plugin, version);
    if (smt) return smt.configDef.describe();
    return connectorKeyInfos(this.findPlugin(plugin, version).configDef, connectFrameworkConfigDef());
  }

  async validateConfig(plugin: string, config: ConnectorConfig): Promise<unknown> {
    const p = this.findPlugin(plugin);
    const cls = config['connector.class'];
    if (cls && this.findPlugin(cls) !== p) throw new HerderError(400, `Included connector type ${cls} does not match request type ${plugin}`);
    // The worker's converter defaults take part in the checks, but only what was sent has a value.
    const values = applyWorkerDefaults(this.d.worker, { ...config, 'connector.class': p.className });
    return this.defFor(p, values).validate(values, { name: p.className, sent: Object.keys(config) });
  }

  private findPlugin(plugin: string, version?: string): SourceConnectorPlugin {
    try { return this.d.plugins.find(plugin, 'request', version); } catch (err) {
      throw new HerderError(404, err instanceof CdcErrorList || err instanceof CdcError ? `Unknown plugin ${plugin}.` : String(err));
    }
  }

  async loggers(): Promise<Record<string, LoggerLevel>> { return this.d.loggers.get(); }
  async logger(name: string): Promise<LoggerLevel> {
    const l = this.d.loggers.get()[name];
    if (l) return l;
    // Loggers are hierarchical: any name has the level of its nearest configured ancestor.
    return { level: this.d.loggers.effective(name).toUpperCase(), last_modified: null };
  }
  async setLogger(name: string, level: string, _scope: 'worker' | 'cluster'): Promise<string[]> {
    try { return this.d.loggers.set(name, level); } catch { throw new HerderError(404, `Invalid log level ${level}: use one of TRACE, DEBUG, INFO, WARN, ERROR, FATAL`); }
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.tickTimer) clearInterval(this.tickTimer);
    const runs = [...this.running.values()];
    this.running.clear();
    await Promise.all(runs.map(async (r) => { await r.instance.stop(); }));
    const mons = [...this.monitors.values()];
    this.monitors.clear();
    await Promise.all(mons.map((m) => m.extra.stop()));
    await this.signals.stop();
    await this.d.membership.stop();
    await this.d.configs.stop();
    await this.d.status.stop();
  }

  /** Local connector states, for the CLI's exit code. */
  localStates(): Map<string, string> {
    return new Map([...this.running].map(([n, r]) => [n, r.instance.current().state]));
  }
}

function stringify(config: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(config)) if (v !== null && v !== undefined) out[k] = Array.isArray(v) ? v.join(',') : String(v);
  return out;
}
