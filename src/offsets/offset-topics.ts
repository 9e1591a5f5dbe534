/**
 * Where a connector's offsets live: Kafka Connect's ConnectorOffsetBackingStore rules
 * (KIP-618) for a connector with its own offsets.storage.topic.
 * - The connector's topic is the primary store: written in the same Kafka transaction
 *   as the records, and preferred when reading.
 * - The worker's offset.storage.topic is the secondary store when it is another topic:
 *   Connect writes the same offsets there after the primary commit and reads it as a
 *   fallback for a partition the primary has no offset for (e.g. offsets written before
 *   the connector got its own topic). We write the copy in the same transaction, which
 *   gives the same end state without a window where the two disagree.
 * - Removals (REST DELETE/PATCH with null) go to both, so the fallback cannot bring a
 *   removed offset back (Connect writes them to the secondary first for that reason).
 */
import type { Kafka } from 'kafkajs';
import type { JsonMap } from '../events/record.ts';
import type { OutRecord } from '../kafka/txn-producer.ts';
import { offsetKey, offsetValue } from './offset-key.ts';
import { readConnectorOffsets, type ConnectorOffsets } from './offset-reader.ts';

export interface OffsetTopics {
  /** the connector's offsets.storage.topic, or the worker's offset.storage.topic */
  readonly primary: string;
  /** the worker's offset.storage.topic when the connector has its own, else null */
  readonly secondary: string | null;
}

export function offsetTopicsFor(connectorTopic: string | undefined, workerTopic: string): OffsetTopics {
  const own = connectorTopic?.trim();
  return own && own !== workerTopic ? { primary: own, secondary: workerTopic } : { primary: workerTopic, secondary: null };
}

export function allOffsetTopics(t: OffsetTopics): string[] {
  return t.secondary === null ? [t.primary] : [t.primary, t.secondary];
}

/** The connector's committed offsets: the primary's, else the secondary's, per source partition. */
export async function readOffsets(kafka: Kafka, topics: OffsetTopics, connector: string): Promise<ConnectorOffsets> {
  const [primary, secondary] = await Promise.all([
    readConnectorOffsets(kafka, topics.primary, connector),
    topics.secondary === null ? null : readConnectorOffsets(kafka, topics.secondary, connector),
  ]);
  return mergeOffsets(primary, secondary);
}

export function mergeOffsets(primary: ConnectorOffsets, secondary: ConnectorOffsets | null): ConnectorOffsets {
  if (secondary === null) return primary;
  const entries = new Map([...secondary.entries, ...primary.entries]);
  return { entries, get: (p) => primary.get(p) ?? secondary.get(p) };
}

/** Offset records for one transaction: to the primary topic, and the same to the secondary. */
export function offsetRecords(topics: OffsetTopics, connector: string, entries: Iterable<{ partition: JsonMap; offset: JsonMap | null }>): OutRecord[] {
  const out: OutRecord[] = [];
  for (const { partition, offset } of entries) {
    const key = offsetKey(connector, partition);
    const value = offsetValue(offset);
    for (const topic of allOffsetTopics(topics)) out.push({ topic, key, value });
  }
  return out;
}
