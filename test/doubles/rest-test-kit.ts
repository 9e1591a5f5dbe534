/**
 * Test support for src/rest/*.test.ts (not a test itself): an in-memory Herder
 * that answers with Kafka Connect's messages, a server started on an ephemeral
 * port against it, and a small HTTP client. The herder is our own interface,
 * so faking it tests exactly the layer under test: HTTP in, Herder calls out.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { HIDDEN_VALUE } from '../../src/config/secret.ts';
import { silentLogger, type Logger } from '../../src/log/logger.ts';
import {
  HerderError, type ConnectorConfig, type ConnectorInfo, type ConnectorOffsets, type ConnectorStateInfo, type Herder,
  type InitialState, type Liveness, type LoggerLevel, type Readiness, type PluginInfo, type RestartRequest, type TaskInfo, type TaskStateInfo,
} from '../../src/runtime/herder.ts';
import type { RestConfig } from '../../src/rest/rest-config.ts';
import { createRestServer } from '../../src/rest/rest-server.ts';
import { offsetsChangedMessage, restartPlan } from '../../src/runtime/herder-answers.ts';
import { after, before, beforeEach } from 'node:test';

interface FakeConnector {
  config: ConnectorConfig;
  state: 'RUNNING' | 'PAUSED' | 'STOPPED';
  tasks: number;
  offsets: ConnectorOffsets;
  topics: string[];
}

const WORKER = '127.0.0.1:8083';
const SECRET = /password/;

export class FakeHerder implements Herder {
  readonly connectorsByName = new Map<string, FakeConnector>();
  /** Every call as [method, ...args], for asserting what the REST layer passed on. */
  readonly calls: unknown[][] = [];
  health_: Awaited<ReturnType<Herder['health']>> = { status: 'healthy', message: 'Worker has completed startup and is ready to handle requests.' };
  liveness_: Liveness = { live: true, message: 'Worker is alive.' };
  readiness_: Readiness = { status: 'ready', message: 'Worker has completed startup; all 1 task(s) assigned to it are running and committing or confirmed idle (paused and stopped connectors are not counted).', tasks: [] };
  /** When set, every call waits this long first (timeout tests). */
  delayMs = 0;
  /** When set, the next call throws it. */
  failNext: unknown = undefined;
  readonly levels: Record<string, LoggerLevel> = { root: { level: 'INFO', last_modified: null } };

  private async enter(method: string, ...args: unknown[]): Promise<void> {
    this.calls.push([method, ...args]);
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    if (this.failNext !== undefined) {
      const err = this.failNext;
      this.failNext = undefined;
      throw err;
    }
  }

  async sendSignal(name: string, signal: { id: string | null; type: unknown; data: unknown }): Promise<{ id: string; topic: string }> {
    await this.enter('sendSignal', name, signal);
    const c = this.get(name);
    const channels = (c.config['signal.enabled.channels'] ?? 'source').split(',');
    if (!channels.includes('rest')) throw new HerderError(409, `Connector ${name} does not take signals through the REST API: add rest to signal.enabled.channels`);
    return { id: signal.id ?? 'generated-id', topic: `${c.config['topic.prefix'] ?? name}-signal` };
  }

  private get(name: string, message = `Connector ${name} not found`): FakeConnector {
    const c = this.connectorsByName.get(name);
    if (!c) throw new HerderError(404, message);
    return c;
  }

  private info(name: string): ConnectorInfo {
    const c = this.get(name);
    return { name, config: this.redacted(c.config), tasks: Array.from({ length: c.tasks }, (_, task) => ({ connector: name, task })), type: 'source' };
  }

  private redacted(config: ConnectorConfig): ConnectorConfig {
    return Object.fromEntries(Object.entries(config).map(([k, v]) => [k, SECRET.test(k) ? HIDDEN_VALUE : v]));
  }

  async serverInfo() { await this.enter('serverInfo'); return { version: '4.1.0', commit: 'a1b2c3d4e5f6a7b8', kafka_cluster_id: 'Xk3vYl1qT2mW8nQ0pR7sZw' }; }
  async health() { await this.enter('health'); return this.health_; }
  async liveness() { await this.enter('liveness'); return this.liveness_; }
  async readiness() { await this.enter('readiness'); return this.readiness_; }
  async connectors() { await this.enter('connectors'); return [...this.connectorsByName.keys()]; }
  async connectorInfo(name: string) { await this.enter('connectorInfo', name); return this.info(name); }
  async connectorConfig(name: string) { await this.enter('connectorConfig', name); return this.redacted(this.get(name).config); }

  async putConnectorConfig(name: string, config: ConnectorConfig, opts: { allowReplace: boolean; initialState?: InitialState }) {
    await this.enter('putConnectorConfig', name, config, opts);
    const existing = this.connectorsByName.get(name);
    if (existing && !opts.allowReplace) throw new HerderError(409, `Connector ${name} already exists`);
    const errors: string[] = [];
    if (!config['connector.class']) errors.push('Missing required configuration "connector.class" which has no default value.');
    if (!config['topic.prefix']) errors.push('Missing required configuration "topic.prefix" which has no default value.');
    if (errors.length > 0) {
      throw new HerderError(400, `Connector configuration is invalid and contains the following ${errors.length} error(s):\n${errors.join('\n')}\nYou can also find the above list of errors at the endpoint \`/connector-plugins/{connectorType}/config/validate\``);
    }
    // "[hidden]" means "keep the stored secret" (GET-modify-PUT).
    const merged = Object.fromEntries(Object.entries(config).map(([k, v]) => [k, v === HIDDEN_VALUE && existing?.config[k] !== undefined ? existing.config[k]! : v]));
    const state = opts.initialState === 'PAUSED' ? 'PAUSED' : opts.initialState === 'STOPPED' ? 'STOPPED' : 'RUNNING';
    this.connectorsByName.set(name, existing ? { ...existing, config: merged } : { config: merged, state, tasks: state === 'STOPPED' ? 0 : 1, offsets: { offsets: [] }, topics: [] });
    return { created: !existing, info: this.info(name) };
  }

  async patchConnectorConfig(name: string, patch: Record<string, string | null>) {
    await this.enter('patchConnectorConfig', name, patch);
    const c = this.get(name);
    const next: ConnectorConfig = { ...c.config };
    for (const [k, v] of Object.entries(patch)) if (v === null) delete next[k]; else next[k] = v;
    c.config = next;
    return this.info(name);
  }

  async deleteConnector(name: string) { await this.enter('deleteConnector', name); this.get(name); this.connectorsByName.delete(name); }

  async connectorStatus(name: string): Promise<ConnectorStateInfo> {
    await this.enter('connectorStatus', name);
    const c = this.get(name, `No status found for connector ${name}`);
    const taskState = c.state === 'PAUSED' ? 'PAUSED' : 'RUNNING';
    return {
      name, type: 'source',
      connector: { state: c.state, worker_id: WORKER, version: '0.1.0', ...(c.state === 'PAUSED' ? { reason: 'paused by PUT /pause', since: 1716900000000 } : {}) },
      tasks: Array.from({ length: c.tasks }, (_, id) => ({ id, state: taskState, worker_id: WORKER })),
    };
  }

  async taskStatus(name: string, task: number): Promise<TaskStateInfo> {
    await this.enter('taskStatus', name, task);
    const c = this.connectorsByName.get(name);
    if (!c || task >= c.tasks) throw new HerderError(404, `No status found for task ${name}-${task}`);
    return { id: task, state: 'RUNNING', worker_id: WORKER };
  }

  async taskConfigs(name: string): Promise<TaskInfo[]> {
    await this.enter('taskConfigs', name);
    const c = this.get(name);
    return Array.from({ length: c.tasks }, (_, task) => ({ id: { connector: name, task }, config: { 'task.class': 'PostgresConnectorTask', 'topic.prefix': c.config['topic.prefix'] ?? '' } }));
  }

  async restartConnector(name: string, req: RestartRequest) {
    await this.enter('restartConnector', name, req);
    this.get(name, `Unknown connector: ${name}`);
    if (!req.includeTasks && !req.onlyFailed) return null;
    return restartPlan(await this.connectorStatus(name), req);
  }

  async restartTask(name: string, task: number) {
    await this.enter('restartTask', name, task);
    const c = this.connectorsByName.get(name);
    if (!c || task >= c.tasks) throw new HerderError(404, `Unknown task: ${name}-${task}`);
  }

  async pauseConnector(name: string) { await this.enter('pauseConnector', name); this.get(name, `Unknown connector ${name}`).state = 'PAUSED'; }
  async resumeConnector(name: string) { await this.enter('resumeConnector', name); const c = this.get(name, `Unknown connector ${name}`); c.state = 'RUNNING'; c.tasks = Math.max(c.tasks, 1); }
  async stopConnector(name: string) { await this.enter('stopConnector', name); const c = this.get(name); c.state = 'STOPPED'; c.tasks = 0; }

  async connectorOffsets(name: string) { await this.enter('connectorOffsets', name); return this.get(name).offsets; }

  private requireStopped(name: string): FakeConnector {
    const c = this.get(name);
    if (c.state !== 'STOPPED') {
      throw new HerderError(400, `Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/${name}/stop' endpoint`);
    }
    return c;
  }

  async alterConnectorOffsets(name: string, offsets: ConnectorOffsets) {
    await this.enter('alterConnectorOffsets', name, offsets);
    this.requireStopped(name).offsets = offsets;
    return offsetsChangedMessage('altered', false);
  }

  async resetConnectorOffsets(name: string) {
    await this.enter('resetConnectorOffsets', name);
    this.requireStopped(name).offsets = { offsets: [] };
    return offsetsChangedMessage('reset', false);
  }

  async connectorTopics(name: string) { await this.enter('connectorTopics', name); return this.get(name).topics; }
  async resetConnectorTopics(name: string) { await this.enter('resetConnectorTopics', name); this.get(name).topics = []; }

  async plugins(connectorsOnly: boolean): Promise<PluginInfo[]> {
    await this.enter('plugins', connectorsOnly);
    const connectors = [{ class: 'io.debezium.connector.postgresql.PostgresConnector', type: 'source', version: '0.1.0' }];
    return connectorsOnly ? connectors : [...connectors, { class: 'org.apache.kafka.connect.transforms.InsertField$Value', type: 'transformation' }];
  }

  async pluginConfig(plugin: string, version?: string) {
    await this.enter('pluginConfig', plugin, version);
    if (!/postgres/i.test(plugin)) throw new HerderError(404, `Unknown plugin ${plugin}.`);
    return [{ name: 'topic.prefix', type: 'STRING', required: true, default_value: null, importance: 'HIGH', documentation: 'Topic prefix.', group: 'Connector', width: 'MEDIUM', display_name: 'Topic prefix', dependents: [], order_in_group: 1 }];
  }

  async validateConfig(plugin: string, config: ConnectorConfig) {
    await this.enter('validateConfig', plugin, config);
    const missing = config['topic.prefix'] === undefined;
    return {
      name: config['connector.class'] ?? plugin, error_count: missing ? 1 : 0, groups: ['Common', 'Connector'],
      configs: [{ definition: { name: 'topic.prefix' }, value: { name: 'topic.prefix', value: config['topic.prefix'] ?? null, recommended_values: [], errors: missing ? ["The 'topic.prefix' value is invalid: A value is required"] : [], visible: true } }],
    };
  }

  async loggers() { await this.enter('loggers'); return this.levels; }
  async logger(name: string) {
    await this.enter('logger', name);
    const l = this.levels[name];
    if (!l) throw new HerderError(404, `Logger ${name} not found.`);
    return l;
  }
  async setLogger(name: string, level: string, scope: 'worker' | 'cluster') {
    await this.enter('setLogger', name, level, scope);
    if (!/^(TRACE|DEBUG|INFO|WARN|ERROR|FATAL|OFF)$/i.test(level)) throw new HerderError(404, `invalid log level '${level}'.`);
    this.levels[name] = { level: level.toUpperCase(), last_modified: 1716900000000 };
    return [`${name}.b`, name];
  }
}

export interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
  /** Parsed body; undefined when empty. */
  readonly json: any;
}

export interface CallOptions {
  /** Sent as JSON with Content-Type: application/json. */
  readonly body?: unknown;
  /** Sent as is (no Content-Type unless given in headers). */
  readonly raw?: string | Buffer;
  readonly headers?: Record<string, string>;
  /** https with these TLS client options. */
  readonly tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer; rejectUnauthorized?: boolean };
}

export function call(port: number, method: string, path: string, opts: CallOptions = {}): Promise<Answer> {
  const headers: Record<string, string> = { ...opts.headers };
  let payload: Buffer | undefined;
  if (opts.body !== undefined) {
    payload = Buffer.from(JSON.stringify(opts.body));
    headers['content-type'] ??= 'application/json';
  } else if (opts.raw !== undefined) {
    payload = Buffer.from(opts.raw);
  }
  if (payload) headers['content-length'] = String(payload.length);
  const request = opts.tls ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers, agent: false, ...(opts.tls ?? {}) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: text === '' ? undefined : JSON.parse(text) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

export interface Started {
  readonly port: number;
  readonly herder: FakeHerder;
  close(): Promise<void>;
}

/** A server on an ephemeral port over a FakeHerder (given or new). */
export async function startServer(opts: { herder?: FakeHerder; config?: Partial<RestConfig>; log?: Logger } = {}): Promise<Started> {
  const herder = opts.herder ?? new FakeHerder();
  const server = createRestServer({ herder, log: opts.log ?? silentLogger(), config: { host: '127.0.0.1', port: 0, ...opts.config } });
  const { port } = await server.listen();
  return { port, herder, close: () => server.close() };
}

/** A valid POST /connectors body. */
export function createBody(name = 'orders-cdc', extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name,
    config: { 'connector.class': 'io.debezium.connector.postgresql.PostgresConnector', 'topic.prefix': 'shop', 'database.password': 's3cret', ...extra },
  };
}

/** Creates a connector through the API. */
export async function seed(port: number, name = 'orders-cdc', initialState?: string): Promise<void> {
  const res = await call(port, 'POST', '/connectors', { body: { ...createBody(name), ...(initialState ? { initial_state: initialState } : {}) } });
  if (res.status !== 201) throw new Error(`seed failed: ${res.status} ${res.text}`);
}

/**
 * Registers the hooks most route tests share: one server for the suite, and
 * before each test a fake herder holding just the seeded connector, no calls.
 * Call inside describe(); the returned function gives the running server.
 */
export function useSeededServer(): () => Started {
  let s: Started;
  before(async () => { s = await startServer(); });
  after(async () => { await s.close(); });
  beforeEach(async () => {
    s.herder.connectorsByName.clear();
    await seed(s.port);
    s.herder.calls.length = 0;
  });
  return () => s;
}
