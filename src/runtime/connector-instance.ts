/**
 * One connector running on this worker: its supervisor (the task and its
 * retries) plus the reporting of its state to the status topic whenever it
 * changes. Built and torn down by the herder as target state and assignment
 * change.
 */
import type { StatusStore, StatusValue } from '../cluster/status-store.ts';
import { ConnectorSupervisor, type SupervisorDeps, type TaskStatus } from './connector-supervisor.ts';

/** What the supervisor needs, minus what the instance derives from the config, plus status reporting. */
export type InstanceDeps = Omit<SupervisorDeps, 'backoff' | 'maxRestarts' | 'stallTimeoutMs' | 'onTopic'> & {
  readonly status: StatusStore;
  readonly workerId: string;
  readonly generation: () => number;
};

export class ConnectorInstance {
  readonly supervisor: ConnectorSupervisor;
  private last = '';
  private timer: NodeJS.Timeout | null = null;
  /** the one status write in flight; writes are serialised so the topic never ends on an older state */
  private writing: Promise<void> | null = null;

  constructor(private readonly deps: InstanceDeps) {
    const { status: _status, workerId: _workerId, generation: _generation, ...supervisorDeps } = deps;
    this.supervisor = new ConnectorSupervisor({
      ...supervisorDeps,
      backoff: { initialMs: 1000, maxMs: deps.config.getLong('errors.retry.delay.max.ms') ?? 60000 },
      maxRestarts: deps.config.getInt('restart.max.attempts') ?? -1,
      stallTimeoutMs: deps.config.getLong('stall.timeout.ms') ?? 60000,
      onTopic: (topic) => void deps.status.putTopic(deps.name, deps.taskId, topic).catch(() => undefined),
    });
  }

  start(): void {
    this.supervisor.start();
    // State changes are published when they happen (checked often, written only on change).
    this.timer = setInterval(() => void this.publish(), 500);
    this.timer.unref();
    void this.publish();
  }

  current(): TaskStatus {
    return this.supervisor.current();
  }

  /** Connector and task state as they are now, from memory (status answers during outages). */
  statusNow(): { connector: StatusValue; task: StatusValue } {
    const v = this.statusValue(this.supervisor.current());
    return { connector: this.connectorValue(v), task: v };
  }

  /** A task that FAILED leaves its connector RUNNING, as in Connect; details belong to the task. */
  private connectorValue(v: StatusValue): StatusValue {
    return { ...v, state: v.state === 'FAILED' ? 'RUNNING' : v.state, trace: null, reason: null };
  }

  private statusValue(s: TaskStatus): StatusValue {
    return {
      state: s.state === 'FINISHED' ? 'RUNNING' : s.state, trace: s.trace, worker_id: this.deps.workerId, generation: this.deps.generation(),
      reason: s.reason, since: s.since, version: this.deps.plugin.version,
    };
  }

  publish(): Promise<void> {
    const s = this.supervisor.current();
    const key = `${s.state}|${s.reason}|${s.since}`;
    if (key !== this.last) {
      this.last = key;
      this.deps.metrics.taskState(this.statusValue(s).state);
      // While Kafka is away a write can take minutes: one writer, always the newest state.
      this.writing ??= this.writeLatest().finally(() => { this.writing = null; });
    }
    return this.writing ?? Promise.resolve();
  }

  private async writeLatest(): Promise<void> {
    let written = '';
    while (written !== this.last) {
      written = this.last;
      const { connector, task } = this.statusNow();
      await this.deps.status.putConnector(this.deps.name, connector).catch(() => undefined);
      await this.deps.status.putTask(this.deps.name, this.deps.taskId, task).catch(() => undefined);
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.supervisor.stop();
  }
}
