/**
 * The herder: what the REST API asks of a worker (Kafka Connect's Herder, in
 * our words). One implementation serves standalone and distributed mode; the
 * REST layer (src/rest) only translates HTTP to these calls and HerderError to
 * {error_code, message}. Shapes are Kafka Connect 4.1's JSON shapes.
 */

export type ConnectorState = 'UNASSIGNED' | 'RUNNING' | 'PAUSED' | 'STOPPED' | 'FAILED' | 'RESTARTING';
export type TaskState = 'UNASSIGNED' | 'RUNNING' | 'PAUSED' | 'FAILED' | 'RESTARTING' | 'STALLED';
export type InitialState = 'RUNNING' | 'PAUSED' | 'STOPPED';

export type ConnectorConfig = Record<string, string>;

export interface ConnectorTaskId { readonly connector: string; readonly task: number }

export interface ConnectorInfo {
  readonly name: string;
  readonly config: ConnectorConfig;
  readonly tasks: ConnectorTaskId[];
  readonly type: 'source' | 'sink' | 'unknown';
}

export interface TaskInfo { readonly id: ConnectorTaskId; readonly config: ConnectorConfig }

/** Connect's state object plus our truthfulness fields (reason, since) when there is something to say. */
export interface StateInfo {
  readonly state: string;
  readonly worker_id: string;
  readonly trace?: string;
  readonly version?: string;
  /** why the instance is in this state beyond its name: retrying, stalled, catching up */
  readonly reason?: string;
  /** epoch ms since the state (and reason) hold */
  readonly since?: number;
}

export interface TaskStateInfo extends StateInfo { readonly id: number }

export interface ConnectorStateInfo {
  readonly name: string;
  readonly connector: StateInfo;
  readonly tasks: TaskStateInfo[];
  readonly type: 'source' | 'sink' | 'unknown';
}

export interface ConnectorOffset { readonly partition: Record<string, unknown>; readonly offset: Record<string, unknown> | null }
export interface ConnectorOffsets { readonly offsets: ConnectorOffset[] }

export interface PluginInfo { readonly class: string; readonly type: string; readonly version?: string }

export interface LoggerLevel { readonly level: string; readonly last_modified: number | null }

export interface RestartRequest { readonly includeTasks: boolean; readonly onlyFailed: boolean }

/** GET /health/live: the process and its event loop answer; never depends on the database or Kafka. */
export interface Liveness { readonly live: boolean; readonly message: string }

/** One task (or a connector with no running task) that keeps this worker from being ready, and why. */
export interface NotReadyTask {
  readonly connector: string;
  /** null: the connector has no task running on this worker (not started yet, or its config does not load) */
  readonly task: number | null;
  readonly state: string;
  readonly reason: string;
}

/** GET /health/ready (worker-readiness.ts says what counts). */
export interface Readiness {
  readonly status: 'ready' | 'starting' | 'stopping' | 'not_ready';
  readonly message: string;
  /** the tasks that are not ready; empty when ready */
  readonly tasks: readonly NotReadyTask[];
}

/** A failure with its HTTP meaning; message is what the client reads. */
export class HerderError extends Error {
  constructor(readonly status: 400 | 403 | 404 | 409 | 500 | 503, message: string) {
    super(message);
    this.name = 'HerderError';
  }
}

export interface Herder {
  /** GET / */
  serverInfo(): Promise<{ version: string; commit: string; kafka_cluster_id: string }>;
  /** GET /health: 'healthy' | 'starting' | 'unhealthy' with a message */
  health(): Promise<{ status: 'healthy' | 'starting' | 'unhealthy'; message: string }>;
  /** GET /health/live (this daemon's extension, for container and Kubernetes probes) */
  liveness(): Promise<Liveness>;
  /** GET /health/ready (this daemon's extension, for container and Kubernetes probes) */
  readiness(): Promise<Readiness>;

  connectors(): Promise<string[]>;
  connectorInfo(name: string): Promise<ConnectorInfo>;
  /** Stored config as written (placeholders unresolved), secrets redacted. */
  connectorConfig(name: string): Promise<ConnectorConfig>;
  /** Creates (created=true) or replaces. Validates first: 400 listing every problem. */
  putConnectorConfig(name: string, config: ConnectorConfig, opts: { allowReplace: boolean; initialState?: InitialState }): Promise<{ created: boolean; info: ConnectorInfo }>;
  /** Merges; a null value removes the key. 404 when missing. */
  patchConnectorConfig(name: string, patch: Record<string, string | null>): Promise<ConnectorInfo>;
  deleteConnector(name: string): Promise<void>;

  connectorStatus(name: string): Promise<ConnectorStateInfo>;
  taskStatus(name: string, task: number): Promise<TaskStateInfo>;
  taskConfigs(name: string): Promise<TaskInfo[]>;

  /** null = plain connector restart (204); otherwise the 202 body. */
  restartConnector(name: string, req: RestartRequest): Promise<ConnectorStateInfo | null>;
  restartTask(name: string, task: number): Promise<void>;
  pauseConnector(name: string): Promise<void>;
  resumeConnector(name: string): Promise<void>;
  stopConnector(name: string): Promise<void>;

  connectorOffsets(name: string): Promise<ConnectorOffsets>;
  /** 400 unless STOPPED. */
  alterConnectorOffsets(name: string, offsets: ConnectorOffsets): Promise<string>;
  resetConnectorOffsets(name: string): Promise<string>;

  /**
   * POST /connectors/{name}/signals (this daemon's extension): validates the signal and writes it
   * to the connector's signal topic. 404 unknown connector, 409 rest not in signal.enabled.channels,
   * 400 invalid signal.
   */
  sendSignal(name: string, signal: { id: string | null; type: unknown; data: unknown }): Promise<{ id: string; topic: string }>;

  connectorTopics(name: string): Promise<string[]>;
  resetConnectorTopics(name: string): Promise<void>;

  plugins(connectorsOnly: boolean): Promise<PluginInfo[]>;
  /** GET /connector-plugins/{plugin}/config; plugin = class or alias. 404 unknown. */
  pluginConfig(plugin: string, version?: string): Promise<unknown[]>;
  /** PUT /connector-plugins/{plugin}/config/validate: Connect's validation body (always 200 when it ran). */
  validateConfig(plugin: string, config: ConnectorConfig): Promise<unknown>;

  loggers(): Promise<Record<string, LoggerLevel>>;
  logger(name: string): Promise<LoggerLevel>;
  /** returns affected logger names (scope worker) */
  setLogger(name: string, level: string, scope: 'worker' | 'cluster'): Promise<string[]>;
}
