/**
 * Signals for a source task, every channel behind one small API (the only file of
 * src/snapshot/signals/ a source plugin needs):
 *
 *   const hub = new SignalHub({ connectorName, config: readSignalConfig(ctx.config, topicPrefix),
 *     commands: engine, capturedTables: () => ids, log, kafka: ctx.signalKafka ?? null,
 *     currentOffset: () => lastOffset });
 *   await hub.start(ctx.offsets.get(partition));  // restores the kafka channel's position
 *   // source channel: each row inserted into signal.data.collection, in stream order,
 *   // before the unit of that change is handed out:
 *   hub.fromSource({ id, type, data });
 *   // every poll: true = signals of the kafka/rest channel were applied, emit a unit now
 *   // (records may be empty) so their effect and the new position commit together:
 *   if (hub.poll()) units.push({ records: [], partition, offset: { ...position, ...hub.offsetFields() }, commitAfter: true });
 *   // every unit's offset: { ...sourcePosition, ...engineFields, ...hub.offsetFields() }
 *   await hub.stop();
 *
 * Why the kafka position is in the connector offset (key cdc_signal_kafka_offset, with
 * cdc_signal_kafka_topic): a signal's effect (the snapshot queue, in the engine's offset
 * fields) and "this signal was read" commit in the same Kafka transaction, so a signal acts
 * exactly once across a SIGKILL. The source channel needs no key of its own: its signals are
 * changes of the stream, covered by the stream position. Debezium keeps no such key; at the
 * first start without one, the position Debezium committed for signal.kafka.groupId is taken.
 */
import type { JsonMap } from '../../events/record.ts';
import type { Logger } from '../../log/logger.ts';
import { ConfigError } from '../../errors/cdc-error.ts';
import type { SnapshotCommands } from '../contracts.ts';
import { SignalDispatcher, type DispatchResult } from './signal-dispatcher.ts';
import { debeziumGroupPosition, KafkaSignalChannel, sameBrokers, type SignalKafkaAccess } from './kafka-signal-channel.ts';
import { readsSignalTopic, type SignalConfig } from './signal-config.ts';
import type { RawSignal, SignalChannelName } from './signal.ts';

export const SIGNAL_OFFSET_KEY = 'cdc_signal_kafka_offset';
export const SIGNAL_TOPIC_KEY = 'cdc_signal_kafka_topic';

export interface SignalHubDeps {
  readonly connectorName: string;
  readonly config: SignalConfig;
  readonly commands: SnapshotCommands;
  /** ids the connector captures now (schema.table), what data-collections are matched against */
  readonly capturedTables: () => readonly string[];
  readonly log: Logger;
  /** the worker's Kafka client; required when the kafka or rest channel is enabled */
  readonly kafka: SignalKafkaAccess | null;
  /** the connector's current offset, for the {} of log signals */
  readonly currentOffset?: () => JsonMap | null;
  readonly now?: () => number;
  /** told of every signal handled, ignored ones included (cdc_signals_total) */
  readonly handled?: (channel: SignalChannelName, type: string, outcome: DispatchResult) => void;
}

export class SignalHub {
  private readonly dispatcher: SignalDispatcher;
  private channel: KafkaSignalChannel | null = null;
  /** next offset of the signal topic to handle; null = nothing handled and nothing restored */
  private position: bigint | null = null;
  private lastPoll = 0;

  constructor(private readonly deps: SignalHubDeps) {
    this.dispatcher = new SignalDispatcher({
      commands: deps.commands, capturedTables: deps.capturedTables, log: deps.log,
      ...(deps.currentOffset ? { currentOffset: deps.currentOffset } : {}),
      ...(deps.handled ? { handled: deps.handled } : {}),
    });
  }

  /** Which channels read, and from where: call once, with the committed offset of the task's partition. */
  async start(committed: JsonMap | null): Promise<void> {
    const { config, log, kafka } = this.deps;
    if (!readsSignalTopic(config)) return;
    const where = `connector "${this.deps.connectorName}"`;
    if (!kafka) throw new Error('SignalHub: the kafka/rest channel needs the worker\'s Kafka client (SourceTaskContext.signalKafka)');
    if (config.bootstrapServers && !sameBrokers(config.bootstrapServers, kafka.brokers)) {
      throw new ConfigError({
        code: 'CDC_SIGNAL_KAFKA_CLUSTER',
        what: `signal.kafka.bootstrap.servers names other brokers than the worker's bootstrap.servers; the signal topic must be in the worker's Kafka cluster (the rest channel writes it with the worker's client)`,
        where: `${where}, property signal.kafka.bootstrap.servers`,
        fix: 'remove signal.kafka.bootstrap.servers (or set it to the worker\'s bootstrap.servers) and create the signal topic in the worker\'s cluster',
      });
    }
    const stored = committed?.[SIGNAL_OFFSET_KEY];
    const storedTopic = committed?.[SIGNAL_TOPIC_KEY];
    let from: bigint | null = null;
    if (stored !== undefined && stored !== null && storedTopic === config.topic && /^\d+$/.test(String(stored))) {
      from = BigInt(String(stored));
    } else {
      if (stored !== undefined && storedTopic !== config.topic) log.info({ topic: config.topic, previousTopic: storedTopic }, 'signal.kafka.topic changed: the stored signal position belongs to another topic');
      from = await debeziumGroupPosition(kafka, config.groupId, config.topic);
      if (from !== null) log.info({ topic: config.topic, groupId: config.groupId, offset: String(from) }, 'kafka signal channel starts where Debezium\'s consumer group left off');
    }
    this.position = from;
    this.channel = new KafkaSignalChannel({ access: kafka, config, log });
    await this.channel.start(from);
    log.info({ topic: config.topic, from: from === null ? (config.fromBeginning ? 'earliest' : 'latest') : String(from), channels: [...config.channels] }, 'reading signals from the signal topic');
  }

  /** A row inserted into the signal table, handed over in stream order (source channel). */
  fromSource(row: RawSignal): void {
    if (!this.deps.config.channels.has('source')) {
      this.deps.log.warn({ signalId: row.id }, 'a row was inserted into the signal table, but source is not in signal.enabled.channels: ignored; fix: add source to signal.enabled.channels');
      this.deps.handled?.('source', 'other', 'ignored');
      return;
    }
    this.dispatcher.dispatch(row, 'source');
  }

  /**
   * Applies the signals the topic channel read (at most every signal.poll.interval.ms).
   * True when the position moved: the caller emits a unit now so that it commits.
   */
  poll(): boolean {
    const ch = this.channel;
    if (!ch) return false;
    const now = (this.deps.now ?? Date.now)();
    if (now - this.lastPoll < this.deps.config.pollIntervalMs) return false;
    this.lastPoll = now;
    const records = ch.take();
    if (records.length === 0) return false;
    // rest signals are written to the same topic; both channels read it, so say which applies.
    const channel = this.deps.config.channels.has('kafka') ? 'kafka' : 'rest';
    for (const r of records) {
      if (r.raw) this.dispatcher.dispatch(r.raw, channel);
      else this.deps.log.debug({ topic: this.deps.config.topic, offset: String(r.offset) }, `signal topic record skipped: ${r.why}`);
      this.position = r.offset + 1n;
    }
    return true;
  }

  /** Merge into every offset the task hands out (empty when no topic channel reads). */
  offsetFields(): JsonMap {
    if (!this.channel || this.position === null) return {};
    return { [SIGNAL_TOPIC_KEY]: this.deps.config.topic, [SIGNAL_OFFSET_KEY]: Number(this.position) };
  }

  /** Idempotent. */
  async stop(): Promise<void> {
    const ch = this.channel;
    this.channel = null;
    await ch?.stop();
  }
}
