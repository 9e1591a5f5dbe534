/**
 * Creates the topics a connector writes to before the first record goes out:
 * the internal offsets topic (compacted, as Connect insists) and data topics
 * (Connect's topic.creation.* rules, src/config/topic-creation.ts). When the
 * connector does not create topics, Connect leaves them to the broker's
 * auto.create.topics.enable (its producer may auto-create); a missing topic the
 * broker will not create is reported before the send instead of as a producer
 * timeout. Known topics are cached so the hot path asks the broker once per topic.
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

  /**
   * Ensures every topic exists: creates missing ones with spec(topic), or with spec null
   * (topic creation off) leaves them to the broker's auto-creation when it has it on.
   */
  async ensure(topics: Iterable<string>, spec: ((topic: string) => TopicSpec) | null): Promise<void> {
    const missing = [...new Set(topics)].filter((t) => !this.known.has(t));
    if (missing.length === 0) return;
    const admin = await this.client();
    const existing = new Set(await admin.listTopics());
    const toCreate = missing.filter((t) => !existing.has(t));
    if (toCreate.length > 0 && spec === null) {
      if (!(await this.brokerAutoCreates(admin))) {
        throw new SinkError({
          code: 'CDC_KAFKA_TOPIC_MISSING',
          what: `topic ${toCreate.join(', ')} does not exist, the connector does not create topics and the broker does not create them on first use (auto.create.topics.enable=false)`,
          fix: 'set topic.creation.default.partitions and topic.creation.default.replication.factor on the connector (and leave the worker\'s topic.creation.enable at true) so the daemon creates its topics, or create the topics, then restart the connector',
          retriable: false,
        });
      }
      this.deps.log.info({ topics: toCreate }, 'topics will be created by the broker on first write (auto.create.topics.enable)');
    } else if (toCreate.length > 0 && spec !== null) {
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

  /** The broker setting that lets a producer's metadata request create a topic. */
  private async brokerAutoCreates(admin: Admin): Promise<boolean> {
    const cluster = await admin.describeCluster();
    const broker = cluster.brokers[0];
    if (!broker) return false;
    const res = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 4, name: String(broker.nodeId), configNames: ['auto.create.topics.enable'] }] });
    return res.resources[0]?.configEntries.find((c) => c.configName === 'auto.create.topics.enable')?.configValue === 'true';
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

  /**
   * A topic a connector plugin owns (src/runtime/internal-topics.ts): created with exactly `spec`
   * when missing; when it exists, its partition count and every topic config the spec names must
   * match, because a history topic with one partition too many or a retention of seven days
   * loses order or data silently.
   */
  async ensureInternal(topic: string, spec: TopicSpec, where: string): Promise<void> {
    await this.ensure([topic], () => spec);
    const admin = await this.client();
    const want = Object.entries(spec.configs ?? {});
    const problems: string[] = [];
    if (want.length > 0) {
      const res = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2, name: topic, configNames: want.map(([k]) => k) }] });
      const entries = res.resources[0]?.configEntries ?? [];
      for (const [name, value] of want) {
        const actual = entries.find((c) => c.configName === name)?.configValue;
        if (actual !== value) problems.push(`${name}=${actual ?? '(unset)'} where it needs ${value}`);
      }
    }
    if (spec.partitions > 0) {
      const meta = await admin.fetchTopicMetadata({ topics: [topic] });
      const n = meta.topics[0]?.partitions.length ?? 0;
      if (n !== spec.partitions) problems.push(`${n} partitions where it needs ${spec.partitions}`);
    }
    if (problems.length > 0) {
      throw new SinkError({
        code: 'CDC_INTERNAL_TOPIC_MISMATCH',
        what: `internal topic ${topic} exists with ${problems.join(', ')}`,
        where,
        fix: `let the daemon create it: delete topic ${topic} (only if its content can be rebuilt) or fix it with kafka-configs --alter --entity-type topics --entity-name ${topic} --add-config ${want.map(([k, v]) => `${k}=${v}`).join(',') || '...'}, then restart the connector`,
      });
    }
  }

  async close(): Promise<void> {
    const a = this.admin;
    this.admin = null;
    if (a) await a.disconnect().catch(() => undefined);
  }
}
