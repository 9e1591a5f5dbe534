/**
 * Connector and task states in the status topic, in Kafka Connect's record
 * format (connect-internals.md §4), so any worker can answer GET .../status
 * for any connector. Values carry our truthfulness fields (reason, since)
 * beside Connect's state/trace/worker_id/generation.
 */
import type { Kafka } from 'kafkajs';
import type { Logger } from '../log/logger.ts';
import type { TopicManager } from '../kafka/topics.ts';
import { KafkaLog, type LogRecord } from './kafka-log.ts';

export interface StatusValue {
  readonly state: string;
  readonly trace: string | null;
  readonly worker_id: string;
  readonly generation: number;
  readonly reason?: string | null;
  readonly since?: number;
  readonly version?: string;
}

export class StatusStore {
  private readonly connectors = new Map<string, StatusValue>();
  private readonly tasks = new Map<string, Map<number, StatusValue>>();
  private readonly topicsByConnector = new Map<string, Set<string>>();
  private readonly log: KafkaLog;

  constructor(deps: { kafka: Kafka; topics: TopicManager; topic: string; partitions: number; replicationFactor: number; log: Logger }) {
    this.log = new KafkaLog({
      kafka: deps.kafka, topics: deps.topics, topic: deps.topic, log: deps.log,
      spec: { partitions: deps.partitions, replicationFactor: deps.replicationFactor },
      onRecord: (r) => this.apply(r),
    });
  }

  start(): Promise<void> { return this.log.start(); }
  stop(): Promise<void> { return this.log.stop(); }
  sync(): Promise<void> { return this.log.readToEnd(); }
  /** Reads to the end for at most `ms`; false = answering from what was read so far. */
  syncWithin(ms: number): Promise<boolean> { return this.log.readToEndWithin(ms); }

  connector(name: string): StatusValue | undefined { return this.connectors.get(name); }
  taskStates(name: string): Map<number, StatusValue> { return this.tasks.get(name) ?? new Map(); }
  activeTopics(name: string): string[] { return [...(this.topicsByConnector.get(name) ?? [])].sort(); }

  private apply(r: LogRecord): void {
    const v = r.value === null ? null : JSON.parse(r.value.toString('utf8')) as Record<string, unknown>;
    let m: RegExpExecArray | null;
    if ((m = /^status-connector-(.+)$/.exec(r.key))) {
      if (v === null) this.connectors.delete(m[1]!); else this.connectors.set(m[1]!, v as unknown as StatusValue);
    } else if ((m = /^status-task-(.+)-(\d+)$/.exec(r.key))) {
      let t = this.tasks.get(m[1]!);
      if (!t) this.tasks.set(m[1]!, (t = new Map()));
      if (v === null) t.delete(Number(m[2])); else t.set(Number(m[2]), v as unknown as StatusValue);
    } else if ((m = /^status-topic-(.+):connector-(.+)$/.exec(r.key))) {
      let s = this.topicsByConnector.get(m[2]!);
      if (!s) this.topicsByConnector.set(m[2]!, (s = new Set()));
      if (v === null) s.delete(m[1]!); else s.add(m[1]!);
    }
  }

  async putConnector(name: string, v: StatusValue | null): Promise<void> { await this.log.send(`status-connector-${name}`, v); }
  async putTask(name: string, task: number, v: StatusValue | null): Promise<void> { await this.log.send(`status-task-${name}-${task}`, v); }
  async putTopic(name: string, task: number, topic: string): Promise<void> {
    if (this.topicsByConnector.get(name)?.has(topic)) return;
    await this.log.send(`status-topic-${topic}:connector-${name}`, { topic: { name: topic, connector: name, task, discoverTimestamp: Date.now() } });
  }
  async resetTopics(name: string): Promise<void> {
    for (const t of this.activeTopics(name)) await this.log.send(`status-topic-${t}:connector-${name}`, null);
    await this.log.readToEnd();
  }
}
