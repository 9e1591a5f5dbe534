/**
 * The offsets endpoints of the Herder (GET/PATCH/DELETE /connectors/{name}/offsets, KIP-875):
 * reading a connector's committed offsets from its offsets topics (offsets.storage.topic as
 * primary, the worker's topic as fallback, KIP-618), and altering or resetting them while it is
 * STOPPED, written with the task's transactional id so that any zombie instance is fenced first.
 */
import type { Kafka } from 'kafkajs';
import type { ParsedConfig } from '../config/define.ts';
import type { Logger } from '../log/logger.ts';
import type { TopicManager, TopicSpec } from '../kafka/topics.ts';
import { producerSettings } from '../kafka/producer-settings.ts';
import { KafkaTxnProducer } from '../kafka/txn-producer.ts';
import { allOffsetTopics, offsetRecords, offsetTopicsFor, readOffsets, type OffsetTopics } from '../offsets/offset-topics.ts';
import type { StoredConnector } from '../cluster/config-store.ts';
import type { JsonMap } from '../events/record.ts';
import type { SourceConnectorPlugin } from './source-task.ts';
import { offsetsChangedMessage } from './herder-answers.ts';
import { SINGLE_TASK_ID, taskTransactionalId } from './task-ids.ts';
import { HerderError, type ConnectorOffsets } from './herder.ts';

export interface HerderOffsetsDeps {
  readonly kafka: Kafka;
  readonly topics: TopicManager;
  readonly worker: ParsedConfig;
  readonly log: Logger;
  readonly clusterId: () => string;
  /** the worker's offset.storage.topic */
  readonly offsetsTopic: () => string;
  readonly offsetsSpec: () => TopicSpec;
  /** the stored connector, or HerderError 404 */
  readonly stored: (name: string) => StoredConnector;
  readonly parse: (name: string, config: Record<string, string>) => { plugin: SourceConnectorPlugin; config: ParsedConfig };
  /** whether this worker runs the connector's task now */
  readonly running: (name: string) => boolean;
}

type Entry = { partition: JsonMap; offset: JsonMap | null };

export class HerderOffsets {
  constructor(private readonly d: HerderOffsetsDeps) {}

  /** The connector's offsets.storage.topic (KIP-618) as primary, the worker's topic as fallback. */
  topicsOf(config: ParsedConfig): OffsetTopics {
    return offsetTopicsFor(config.getString('offsets.storage.topic'), this.d.offsetsTopic());
  }

  async connectorOffsets(name: string): Promise<ConnectorOffsets> {
    const offsets = await readOffsets(this.d.kafka, this.storedTopics(this.d.stored(name)), name);
    return { offsets: [...offsets.entries.values()].map((e) => ({ partition: e.partition, offset: e.offset })) };
  }

  async alter(name: string, offsets: ConnectorOffsets): Promise<string> {
    this.requireStopped(name);
    if (offsets.offsets.length === 0) throw new HerderError(400, 'Offsets to alter must be provided: the offsets list is empty');
    const entries = offsets.offsets.map((o) => ({ partition: o.partition as JsonMap, offset: o.offset as JsonMap | null }));
    const confirmed = this.hook(name, entries);
    await this.write(name, entries);
    return offsetsChangedMessage('altered', confirmed);
  }

  async reset(name: string): Promise<string> {
    this.requireStopped(name);
    const current = await this.connectorOffsets(name);
    const entries = current.offsets.map((o) => ({ partition: o.partition as JsonMap, offset: null }));
    const confirmed = this.hook(name, entries);
    if (entries.length > 0) await this.write(name, entries);
    return offsetsChangedMessage('reset', confirmed);
  }

  /** The same for a stored config; one that no longer parses uses what it says, as written. */
  private storedTopics(c: StoredConnector): OffsetTopics {
    try {
      return this.topicsOf(this.d.parse(c.name, c.config).config);
    } catch {
      return offsetTopicsFor(c.config['offsets.storage.topic'], this.d.offsetsTopic());
    }
  }

  private requireStopped(name: string): void {
    const c = this.d.stored(name);
    if (c.target !== 'STOPPED' || this.d.running(name)) {
      throw new HerderError(400, `Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/${name}/stop' endpoint`);
    }
  }

  /** Offsets are written with the task's transactional id, fencing any zombie instance first. */
  private async write(name: string, entries: readonly Entry[]): Promise<void> {
    const topics = this.storedTopics(this.d.stored(name));
    for (const topic of allOffsetTopics(topics)) await this.d.topics.ensureCompacted(topic, this.d.offsetsSpec());
    const producer = new KafkaTxnProducer({
      kafka: this.d.kafka, transactionalId: taskTransactionalId(this.d.clusterId(), name, SINGLE_TASK_ID),
      settings: { ...producerSettings(this.d.worker), transactionTimeoutMs: 60_000 }, log: this.d.log,
    });
    await producer.start();
    try {
      const txn = await producer.begin();
      // Both topics in one transaction: a removal cannot survive in the fallback topic.
      await txn.send(offsetRecords(topics, name, entries.map((e) => ({ partition: e.partition as never, offset: e.offset as never }))));
      await txn.commit();
    } finally {
      await producer.stop();
    }
  }

  /** The connector's alterOffsets hook, as Connect calls it before writing; false when it has none. */
  private hook(name: string, entries: readonly Entry[]): boolean {
    try {
      const { plugin, config } = this.d.parse(name, this.d.stored(name).config);
      return plugin.alterOffsets?.(config, entries) === true;
    } catch {
      return false; // a config that no longer parses cannot confirm anything: framework-managed only
    }
  }
}
