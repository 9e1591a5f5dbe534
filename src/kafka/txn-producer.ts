/**
 * One transactional producer per connector task, behind a small interface.
 * Why the rebuild-on-error: kafkajs (unmaintained since 2023) can leave its
 * transaction state machine wedged after a broker loss or a failed EndTxn. The
 * only state we trust is the broker's, so on any transactional error we throw
 * the kafkajs producer away, build a new one with the same transactional.id
 * (whose InitProducerId aborts whatever the old one left open), and the caller
 * resumes from the committed offset (DESIGN.md invariants 1 and 3).
 */
import type { IHeaders, Kafka, Producer, Transaction, Message } from 'kafkajs';
import { COMPRESSION_TYPES } from './compression-codecs.ts';
import { explainKafkaAccessError } from './kafka-access-errors.ts';
import type { ProducerSettings } from './producer-settings.ts';
import { kafkajsPatch } from './kafkajs-patch.ts';
import { RecordSet } from './record-set.ts';
import { SinkError } from '../errors/cdc-error.ts';
import type { Logger } from '../log/logger.ts';

export interface OutRecord {
  readonly topic: string;
  readonly partition?: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  /** Header text by key; a repeated key has its values in order (src/serde/header-converter.ts). */
  readonly headers?: Readonly<Record<string, string | readonly string[]>>;
  readonly timestamp?: number;
}

export interface OpenTransaction {
  /** Sends records inside the transaction (they stay invisible to read_committed until commit), in requests below max.request.size. */
  send(records: readonly OutRecord[]): Promise<void>;
  /** Sends one request's records, encoded as they were added (src/kafka/record-set.ts); once sent, the set is emptied and its buffers reused. */
  sendSet(set: RecordSet): Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

export interface TxnProducer {
  readonly transactionalId: string;
  /** Connects and fences every earlier producer with the same transactional.id. */
  start(): Promise<void>;
  begin(): Promise<OpenTransaction>;
  /** Drops the current kafkajs producer and builds a fresh one (fencing again). */
  reset(reason: unknown): Promise<void>;
  stop(): Promise<void>;
}

export interface KafkaTxnProducerDeps {
  readonly kafka: Kafka;
  readonly transactionalId: string;
  readonly settings: ProducerSettings;
  readonly log: Logger;
}

export class KafkaTxnProducer implements TxnProducer {
  readonly transactionalId: string;
  private producer: Producer | null = null;
  private stopped = false;

  constructor(private readonly deps: KafkaTxnProducerDeps) {
    this.transactionalId = deps.transactionalId;
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.build();
  }

  private async build(): Promise<void> {
    const producer = this.deps.kafka.producer({
      transactionalId: this.deps.transactionalId,
      transactionTimeout: this.deps.settings.transactionTimeoutMs,
      idempotent: true,
      maxInFlightRequests: 1,
      // As Connect's producer: a connector that does not create its topics leaves them to the
      // broker's auto.create.topics.enable (TopicManager checks that first and explains a refusal).
      allowAutoTopicCreation: true,
    });
    try {
      await producer.connect();
      // kafkajs runs InitProducerId lazily on the first transaction(); open and
      // abort an empty one now so the fence happens before offsets are read.
      const t = await producer.transaction();
      await t.abort();
    } catch (err) {
      await producer.disconnect().catch(() => undefined);
      throw wrap(err, `initialising transactional producer ${this.deps.transactionalId}`);
    }
    this.producer = producer;
    this.deps.log.info({ transactionalId: this.deps.transactionalId }, 'transactional producer ready; earlier instances fenced');
  }

  async begin(): Promise<OpenTransaction> {
    if (this.stopped) throw new SinkError({ code: 'CDC_KAFKA_STOPPED', what: 'producer is stopped', retriable: false });
    if (!this.producer) await this.build();
    const producer = this.producer!;
    let txn: Transaction;
    try {
      txn = await producer.transaction();
    } catch (err) {
      throw wrap(err, 'beginning a Kafka transaction');
    }
    const compression = COMPRESSION_TYPES[this.deps.settings.compression];
    const max = this.deps.settings.maxRequestBytes;
    // kafkajs carries a topic's encoded records as one message when the patch taught it to.
    const carried = kafkajsPatch.grouping && kafkajsPatch.produce;
    const sendSet = async (set: RecordSet): Promise<void> => {
      if (set.count === 0) return;
      const topicMessages = carried
        ? set.topicMessages(true)
        : set.topicMessages(false).map(({ topic, messages }) => ({ topic, messages: (messages as OutRecord[]).map(withTimestamp) }));
      try {
        // acks=-1 (all): exactly-once needs every in-sync replica (kafka-client-fields.ts refuses others).
        await txn.sendBatch({ acks: -1, compression, topicMessages: topicMessages as { topic: string; messages: Message[] }[] });
      } catch (err) {
        throw wrap(err, 'sending records inside a Kafka transaction');
      }
      // Acknowledged: kafkajs reads the set no more (a failed send keeps it, for nothing).
      set.release();
    };
    return {
      sendSet,
      send: async (records) => {
        let set = new RecordSet(max);
        for (const r of records) {
          if (set.add(r)) continue;
          await sendSet(set);
          set = new RecordSet(max);
          set.add(r);
        }
        await sendSet(set);
      },
      commit: async () => {
        try {
          await txn.commit();
        } catch (err) {
          throw wrap(err, 'committing a Kafka transaction');
        }
      },
      abort: async () => {
        try {
          await txn.abort();
        } catch (err) {
          throw wrap(err, 'aborting a Kafka transaction');
        }
      },
    };
  }

  async reset(reason: unknown): Promise<void> {
    this.deps.log.warn({ err: describe(reason), transactionalId: this.deps.transactionalId }, 'discarding transactional producer after an error; a new one will fence it');
    const old = this.producer;
    this.producer = null;
    if (old) await old.disconnect().catch(() => undefined);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const p = this.producer;
    this.producer = null;
    if (p) await p.disconnect().catch(() => undefined);
  }
}

/** A record as kafkajs takes it as a message (the timestamp as a string; a header array = one header per element). */
function withTimestamp(r: OutRecord): Message {
  const m: Message = { key: r.key, value: r.value };
  if (r.timestamp !== undefined) m.timestamp = String(r.timestamp);
  if (r.partition !== undefined) m.partition = r.partition;
  if (r.headers) m.headers = r.headers as IHeaders;
  return m;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function wrap(err: unknown, doing: string): SinkError {
  if (err instanceof SinkError) return err;
  const access = explainKafkaAccessError(err);
  if (access) return access;
  const msg = describe(err);
  if (/MESSAGE_TOO_LARGE|RECORD_LIST_TOO_LARGE|larger than the max message size/i.test(msg)) {
    return new SinkError({
      code: 'CDC_KAFKA_RECORD_TOO_LARGE',
      what: `Kafka refused a record as too large while ${doing}: ${msg}`,
      fix: 'raise max.message.bytes on the topic (and message.max.bytes / replica.fetch.max.bytes on the brokers) above the largest row, or leave the large column out with column.exclude.list',
      retriable: false,
      cause: err,
    });
  }
  const fenced = /fenced|INVALID_PRODUCER_EPOCH|PRODUCER_FENCED/i.test(msg);
  return new SinkError({
    code: fenced ? 'CDC_KAFKA_FENCED' : 'CDC_KAFKA_TXN',
    what: fenced
      ? `another instance with the same transactional.id took over while ${doing}: ${msg}`
      : `Kafka failed while ${doing}: ${msg}`,
    fix: fenced
      ? 'expected when a newer worker runs the same connector task: this instance stops writing. If no other worker runs it, the transaction outlived transaction.timeout.ms (e.g. a long snapshot): raise it (and the brokers\' transaction.max.timeout.ms)'
      : 'check that the brokers are reachable and transactions are enabled (transaction.state.log.* settings); the task retries from its committed offset',
    retriable: !fenced,
    cause: err,
  });
}
