/**
 * Writes signals of POST /connectors/{name}/signals to a connector's signal topic with the
 * worker's Kafka client (any worker may answer: the config topic tells every worker each
 * connector's settings). Checks before writing: the connector has `rest` in
 * signal.enabled.channels (else nothing would read it) and the signal is valid (a bad one is
 * refused here instead of being logged later by the task). Partition 0, key topic.prefix, as
 * the kafka channel reads it.
 */
import { randomUUID } from 'node:crypto';
import type { Kafka, Producer } from 'kafkajs';
import type { ParsedConfig } from '../config/define.ts';
import type { TopicManager } from '../kafka/topics.ts';
import { readSignalConfig } from '../snapshot/signals/signal-config.ts';
import { parseSignal } from '../snapshot/signals/signal.ts';
import { HerderError } from './herder.ts';

export class SignalSender {
  private producer: Promise<Producer> | null = null;

  constructor(private readonly deps: { kafka: Kafka; topics: TopicManager }) {}

  async send(name: string, config: ParsedConfig, signal: { id: string | null; type: unknown; data: unknown }): Promise<{ id: string; topic: string }> {
    const prefix = config.getString('topic.prefix') ?? name;
    const s = readSignalConfig(config, prefix);
    if (!s.channels.has('rest')) {
      throw new HerderError(409, `Connector ${name} does not take signals through the REST API: rest is not in its signal.enabled.channels (${[...s.channels].join(',') || 'none'}); fix: add rest to signal.enabled.channels (PUT /connectors/${name}/config), then send the signal again`);
    }
    const parsed = parseSignal({ id: signal.id, type: signal.type, data: signal.data });
    if (!parsed.ok) throw new HerderError(400, `Invalid signal: ${parsed.what}; fix: ${parsed.fix}`);
    if (parsed.signal.action.type === 'watermark') throw new HerderError(400, `Invalid signal: ${String(signal.type)} is Debezium's internal watermark, not a signal to send; fix: send execute-snapshot, stop-snapshot, pause-snapshot, resume-snapshot or log`);
    const id = signal.id ?? randomUUID();
    await this.deps.topics.ensure([s.topic], () => ({ partitions: 1, replicationFactor: -1 }));
    const producer = await this.client();
    await producer.send({
      topic: s.topic, acks: -1,
      messages: [{ partition: 0, key: s.key, value: JSON.stringify({ id, type: signal.type, data: signal.data ?? null }) }],
    });
    return { id, topic: s.topic };
  }

  private client(): Promise<Producer> {
    this.producer ??= (async () => {
      const p = this.deps.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
      await p.connect();
      return p;
    })().catch((err: unknown) => { this.producer = null; throw err; });
    return this.producer;
  }

  async stop(): Promise<void> {
    const p = this.producer;
    this.producer = null;
    await (await p?.catch(() => null))?.disconnect().catch(() => undefined);
  }
}
