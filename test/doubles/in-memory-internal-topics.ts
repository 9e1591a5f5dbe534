/**
 * Test support: an InternalTopics service without Kafka, for unit tests of a plugin that owns
 * an internal topic (schema history) and for contexts built by hand. `committed` holds what a
 * read_committed reader would see; tests put records there (or commit units through it) to
 * simulate earlier runs.
 */
import type { InternalRecord } from '../../src/events/record.ts';
import type { TopicRecord } from '../../src/kafka/topic-reader.ts';
import type { InternalTopic, InternalTopics, InternalTopicSpec } from '../../src/runtime/internal-topics.ts';

export class InMemoryInternalTopics implements InternalTopics {
  readonly specs = new Map<string, InternalTopicSpec>();
  readonly committed = new Map<string, TopicRecord[]>();

  async declare(spec: InternalTopicSpec): Promise<InternalTopic> {
    this.specs.set(spec.name, spec);
    if (!this.committed.has(spec.name)) this.committed.set(spec.name, []);
    return {
      name: spec.name,
      readAll: async (each) => {
        const records = [...(this.committed.get(spec.name) ?? [])];
        for (const r of records) await each(r);
        return records.length;
      },
    };
  }

  isDeclared(topic: string): boolean {
    return this.specs.has(topic);
  }

  /** As if a transaction holding these records committed. */
  commit(records: readonly InternalRecord[]): void {
    for (const r of records) {
      const list = this.committed.get(r.topic) ?? [];
      const bytes = (v: string | Buffer | null) => (v === null ? null : Buffer.from(v));
      list.push({ partition: r.partition ?? 0, offset: BigInt(list.length), key: bytes(r.key), value: bytes(r.value), headers: {}, timestamp: r.timestamp ?? Date.now() });
      this.committed.set(r.topic, list);
    }
  }
}
