/**
 * Internal topics a source plugin owns, such as Debezium's schema history
 * (schema.history.internal.kafka.topic): the runtime creates or checks them,
 * reads them back for the task before it streams, and writes their records in
 * the same Kafka transaction as the change events and offsets they belong to
 * (a SourceUnit's internalRecords, task-runner.ts). So a history entry is
 * visible if and only if the offset after its DDL is (DESIGN.md invariant 1),
 * and a crash never leaves one without the other.
 * A plugin never gets a Kafka client: it declares, reads and hands out records.
 */
import type { Kafka } from 'kafkajs';
import { CdcError } from '../errors/cdc-error.ts';
import type { TopicManager } from '../kafka/topics.ts';
import { readTopicToEnd, type TopicRecord } from '../kafka/topic-reader.ts';

export interface InternalTopicSpec {
  readonly name: string;
  /** compact: last value per key is kept (a state topic); delete: kept by the retention configs below (a log). */
  readonly cleanupPolicy: 'compact' | 'delete';
  /** Default 1: a history read back in order needs a single partition. */
  readonly partitions?: number;
  /** -1 or absent: the broker default. */
  readonly replicationFactor?: number;
  /** Other topic configs the topic must have, e.g. { 'retention.ms': '-1', 'retention.bytes': '-1' }. */
  readonly configs?: Readonly<Record<string, string>>;
}

export interface InternalTopic {
  readonly name: string;
  /**
   * Every committed record, from the beginning to the end as it stood when the read began
   * (read_committed: records of aborted transactions never appear). Called from start(), after
   * the runtime fenced the task's predecessor, so nothing of an earlier attempt is still in flight.
   * Resolves with the number of records read.
   */
  readAll(each: (r: TopicRecord) => void | Promise<void>): Promise<number>;
}

/** Handed to a task in its SourceTaskContext. */
export interface InternalTopics {
  /** Creates the topic when missing, or checks that the existing one matches the spec (CDC_INTERNAL_TOPIC_MISMATCH). */
  declare(spec: InternalTopicSpec): Promise<InternalTopic>;
  /** Whether the task declared this topic (the runner refuses internal records for any other). */
  isDeclared(topic: string): boolean;
}

export interface KafkaInternalTopicsDeps {
  readonly kafka: Kafka;
  readonly topics: TopicManager;
  readonly connectorName: string;
  /** bound of one readAll, default 60 s */
  readonly readTimeoutMs?: number;
}

export class KafkaInternalTopics implements InternalTopics {
  private readonly declared = new Set<string>();

  constructor(private readonly deps: KafkaInternalTopicsDeps) {}

  async declare(spec: InternalTopicSpec): Promise<InternalTopic> {
    const d = this.deps;
    const where = `connector "${d.connectorName}", internal topic ${spec.name}`;
    await d.topics.ensureInternal(spec.name, {
      partitions: spec.partitions ?? 1,
      replicationFactor: spec.replicationFactor ?? -1,
      configs: { ...spec.configs, 'cleanup.policy': spec.cleanupPolicy },
    }, where);
    this.declared.add(spec.name);
    return {
      name: spec.name,
      readAll: (each) => readTopicToEnd(d.kafka, spec.name, each, { where, ...(d.readTimeoutMs !== undefined ? { timeoutMs: d.readTimeoutMs } : {}) }),
    };
  }

  isDeclared(topic: string): boolean {
    return this.declared.has(topic);
  }
}

/** A plugin bug, not a user's: an internal record for a topic the task never declared. */
export function undeclaredInternalTopic(topic: string, connectorName: string): CdcError {
  return new CdcError({
    code: 'CDC_INTERNAL_TOPIC_UNDECLARED',
    what: `the task handed out a record for internal topic ${topic}, which it did not declare`,
    where: `connector "${connectorName}"`,
    fix: 'this is a defect of the connector plugin: report it to its authors with this message',
  });
}
