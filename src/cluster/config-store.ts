/**
 * Connector configurations and target states in the config topic, in Kafka
 * Connect's record format (shared/reference/connect-internals.md §2), so the
 * topic reads the same to Connect tooling. Every worker keeps the same view by
 * tailing the single partition; a write returns after the writer has read it
 * back, and the log's order decides races (first create after a delete wins).
 */
import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import type { Logger } from '../log/logger.ts';
import type { TopicManager } from '../kafka/topics.ts';
import { KafkaLog, type LogRecord } from './kafka-log.ts';

/** What a connector should be doing, as the config topic stores it (Connect's target state). */
export type TargetState = 'STARTED' | 'PAUSED' | 'STOPPED';

export interface StoredConnector {
  readonly name: string;
  readonly config: Record<string, string>;
  readonly target: TargetState;
  readonly taskConfigs: readonly Record<string, string>[];
  /** id of the write that created the current incarnation (race detection) */
  readonly createdBy: string | null;
  /**
   * Where the connector was declared: 'file' = the connectors section of the file given to
   * `cdc run` (removed when it leaves the file), 'rest' = the REST API (never touched by the
   * file); null = written by a cdcd that did not record it. Stored in each config record as
   * "cdc.origin", beside "properties": Connect's readers ignore fields they do not know.
   */
  readonly origin: ConnectorOrigin | null;
}

export type ConnectorOrigin = 'file' | 'rest';

export type ConfigListener = (name: string, c: StoredConnector | null) => void;

/** The group's members as the leader saw them at its last assignment (distributed mode). */
export interface MemberView {
  readonly assignmentId: string;
  readonly leader: string;
  readonly workers: readonly string[];
  readonly memberIds: readonly string[];
  readonly at: number;
}

export class ConfigStore {
  private readonly connectors = new Map<string, StoredConnector>();
  private readonly pendingTasks = new Map<string, Map<number, Record<string, string>>>();
  private readonly listeners: ConfigListener[] = [];
  private memberView: MemberView | null = null;
  private readonly restartListeners: ((name: string, req: { includeTasks: boolean; onlyFailed: boolean }) => void)[] = [];
  private readonly memberListeners: ((v: MemberView) => void)[] = [];
  private readonly log: KafkaLog;

  constructor(deps: { kafka: Kafka; topics: TopicManager; topic: string; replicationFactor: number; log: Logger }) {
    this.log = new KafkaLog({
      kafka: deps.kafka, topics: deps.topics, topic: deps.topic, log: deps.log,
      // Connect refuses a config topic with more than one partition: one total order.
      spec: { partitions: 1, replicationFactor: deps.replicationFactor },
      onRecord: (r) => this.apply(r),
    });
  }

  onChange(l: ConfigListener): void {
    this.listeners.push(l);
  }

  start(): Promise<void> {
    return this.log.start();
  }

  stop(): Promise<void> {
    return this.log.stop();
  }

  sync(): Promise<void> {
    return this.log.readToEnd();
  }

  /** Reads to the end for at most `ms`; false = answering from what was read so far. */
  syncWithin(ms: number): Promise<boolean> {
    return this.log.readToEndWithin(ms);
  }

  names(): string[] {
    return [...this.connectors.keys()].sort();
  }

  get(name: string): StoredConnector | undefined {
    return this.connectors.get(name);
  }

  members(): MemberView | null {
    return this.memberView;
  }

  onRestart(l: (name: string, req: { includeTasks: boolean; onlyFailed: boolean }) => void): void {
    this.restartListeners.push(l);
  }

  /** Asks the worker that runs the connector to restart it (read by every worker; the owner acts). */
  async putRestart(name: string, req: { includeTasks: boolean; onlyFailed: boolean }): Promise<void> {
    await this.log.send(`restart-connector-${name}`, { 'include-tasks': req.includeTasks, 'only-failed': req.onlyFailed, 'cdc.request.id': randomUUID() });
    await this.log.readToEnd();
  }

  onMembers(l: (v: MemberView) => void): void {
    this.memberListeners.push(l);
  }

  /** Written by the group leader inside its assignment; read by every member. */
  async putMembers(v: MemberView): Promise<void> {
    await this.log.send('cdc-members', v);
  }

  private apply(r: LogRecord): void {
    const v = r.value === null ? null : (JSON.parse(r.value.toString('utf8')) as Record<string, unknown>);
    if (r.key === 'cdc-members') {
      if (v === null) return;
      this.memberView = v as unknown as MemberView;
      for (const l of this.memberListeners) l(this.memberView);
      return;
    }
    const m = /^(connector|target-state|task|commit|restart-connector)-(.+)$/.exec(r.key);
    if (!m) return;
    const [, kind, rest] = m;
    if (kind === 'connector') {
      const name = rest!;
      if (v === null) { this.connectors.delete(name); this.emit(name); return; }
      const props = (v.properties ?? {}) as Record<string, string>;
      const prev = this.connectors.get(name);
      // A create that lost a race (another create came first in the log) changes nothing.
      if (prev && v['cdc.create'] === true) return;
      const origin = v['cdc.origin'] === 'file' || v['cdc.origin'] === 'rest' ? v['cdc.origin'] : null;
      this.connectors.set(name, {
        name, config: props, target: prev?.target ?? 'STARTED', taskConfigs: prev?.taskConfigs ?? [],
        createdBy: prev ? prev.createdBy : (typeof v['cdc.write.id'] === 'string' ? v['cdc.write.id'] : null),
        origin,
      });
      this.emit(name);
    } else if (kind === 'target-state') {
      const name = rest!;
      const prev = this.connectors.get(name);
      if (!prev || v === null) return;
      const state = (v['state.v2'] ?? v.state) as TargetState;
      this.connectors.set(name, { ...prev, target: state });
      this.emit(name);
    } else if (kind === 'task') {
      const mm = /^(.+)-(\d+)$/.exec(rest!);
      if (!mm || v === null) return;
      let p = this.pendingTasks.get(mm[1]!);
      if (!p) this.pendingTasks.set(mm[1]!, (p = new Map()));
      p.set(Number(mm[2]), (v.properties ?? {}) as Record<string, string>);
    } else if (kind === 'restart-connector') {
      // A restart request for whichever worker runs the connector (KIP-745 record shape).
      if (v === null) return;
      const req = { includeTasks: v['include-tasks'] === true, onlyFailed: v['only-failed'] === true };
      for (const l of this.restartListeners) l(rest!, req);
    } else if (kind === 'commit') {
      // Task configs become visible together, when their commit record arrives.
      const name = rest!;
      const prev = this.connectors.get(name);
      const n = Number((v as { tasks?: number } | null)?.tasks ?? 0);
      const p = this.pendingTasks.get(name) ?? new Map();
      this.pendingTasks.delete(name);
      if (!prev) return;
      this.connectors.set(name, { ...prev, taskConfigs: Array.from({ length: n }, (_, i) => p.get(i) ?? {}) });
      this.emit(name);
    }
  }

  private emit(name: string): void {
    const c = this.connectors.get(name) ?? null;
    for (const l of this.listeners) l(name, c);
  }

  /** Writes a new or changed config; returns whether this write created the connector. */
  async putConnector(name: string, config: Record<string, string>, initial?: TargetState, origin: ConnectorOrigin = 'rest'): Promise<{ created: boolean }> {
    const existed = this.connectors.has(name);
    const writeId = randomUUID();
    await this.log.send(`connector-${name}`, { properties: config, 'cdc.origin': origin, ...(existed ? {} : { 'cdc.create': true, 'cdc.write.id': writeId }) });
    await this.log.readToEnd();
    // Only the create that won (first in the log) sets the initial target state.
    const created = !existed && this.connectors.get(name)?.createdBy === writeId;
    if (created) {
      await this.writeTarget(name, initial ?? 'STARTED');
      await this.log.readToEnd();
    }
    return { created };
  }

  async putTaskConfigs(name: string, tasks: readonly Record<string, string>[]): Promise<void> {
    for (let i = 0; i < tasks.length; i++) await this.log.send(`task-${name}-${i}`, { properties: tasks[i] });
    await this.log.send(`commit-${name}`, { tasks: tasks.length });
    await this.log.readToEnd();
  }

  async putTargetState(name: string, state: TargetState): Promise<void> {
    await this.writeTarget(name, state);
    await this.log.readToEnd();
  }

  private async writeTarget(name: string, state: TargetState): Promise<void> {
    // Connect writes STOPPED as "PAUSED" in the v1 field so pre-3.5 workers degrade safely.
    await this.log.send(`target-state-${name}`, { state: state === 'STOPPED' ? 'PAUSED' : state, 'state.v2': state });
  }

  async removeConnector(name: string): Promise<void> {
    await this.log.send(`connector-${name}`, null);
    await this.log.send(`target-state-${name}`, null);
    await this.log.readToEnd();
  }
}
