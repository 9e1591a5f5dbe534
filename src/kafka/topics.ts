/**
 * Creates the topics a connector writes to before the first record goes out:
 * the internal offsets topic (compacted, as Connect insists) and data topics
 * (Connect's topic.creation.default.* settings). Known topics are cached so the
 * hot path asks the broker once per topic, not per record.
 */
import type { Admin, Kafka } from 'kafkajs';
import { SinkError } from '../errors/cdc-error.ts';
import type { Logger } from '../log/logger.ts';

export interface TopicSpec {
  readonly partitions: number;
  /** -1 = broker default */
  readonly replicationFactor: number;
  readonly configs?: Readonly<Record<string, string>>;
}

export class TopicManager {
  private readonly known = new Set<string>();
  private admin: Admin | null = null;

  constructor(private readonly deps: { kafka: Kafka; log: Logger }) {}

  private async client(): Promise<Admin> {
    if (!this.admin) {
      const a = this.deps.kafka.admin();
      await a.connect();
      this.admin = a;
    }
    return this.admin;
  }

  /** Ensures every topic exists; creates missing ones with spec(topic). */
  async ensure(topics: Iterable<string>, spec: (topic: string) => TopicSpec): Promise<void> {
    const missing = [...new Set(topics)].filter((t) => !this.known.has(t));
    if (missing.length === 0) return;
    const admin = await this.client();
    const existing = new Set(await admin.listTopics());
    const toCreate = missing.filter((t) => !existing.has(t));
    if (toCreate.length > 0) {
      try {
        await admin.createTopics({
          waitForLeaders: true,
          topics: toCreate.map((topic) => {
            const s = spec(topic);
            return {
              topic,
              numPartitions: s.partitions,
              replicationFactor: s.replicationFactor,
              configEntries: Object.entries(s.configs ?? {}).map(([name, value]) => ({ name, value })),
            };
          }),
        });
      } catch (err) {
        const msg = err instanceof Error ? err.message : String(err);
        if (!/already exists/i.test(msg)) {
          throw new SinkError({
            code: 'CDC_KAFKA_TOPIC_CREATE',
            what: `could not create topics ${toCreate.join(', ')}: ${msg}`,
            fix: 'create the topics yourself, or give the connector principal CREATE on the cluster; check topic.creation.default.replication.factor against the number of brokers',
            retriable: true,
            cause: err,
          });
        }
      }
      this.deps.log.info({ topics: toCreate }, 'created topics');
    }
    for (const t of missing) this.known.add(t);
  }

  /** Checks Connect's rule for internal topics: cleanup.policy must be exactly compact. */
  async ensureCompacted(topic: string, spec: TopicSpec): Promise<void> {
    await this.ensure([topic], () => ({ ...spec, configs: { ...spec.configs, 'cleanup.policy': 'compact' } }));
    const admin = await this.client();
    const res = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2, name: topic, configNames: ['cleanup.policy'] }] });
    const policy = res.resources[0]?.configEntries.find((c) => c.configName === 'cleanup.policy')?.configValue;
    if (policy !== 'compact') {
      throw new SinkError({
        code: 'CDC_KAFKA_TOPIC_NOT_COMPACTED',
        what: `internal topic ${topic} has cleanup.policy=${policy}; offsets would be deleted by retention`,
        fix: `run kafka-configs --alter --entity-type topics --entity-name ${topic} --add-config cleanup.policy=compact, or point offset.storage.topic at a compacted topic`,
      });
    }
  }

  async close(): Promise<void> {
    const a = this.admin;
    this.admin = null;
    if (a) await a.disconnect().catch(() => undefined);
  }
}
