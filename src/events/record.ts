/**
 * What a source task hands to the runtime: records grouped into units that are
 * never split across Kafka transactions, each unit carrying the source offset
 * that is true once the unit is durable. Offsets use Connect's model: a source
 * partition map and an offset map (plain JSON), stored in the offsets topic.
 */
import type { ConnectSchema } from './schema.ts';

export type JsonMap = { readonly [k: string]: string | number | boolean | null };

/**
 * One record header, as Connect's Header: a key, and a value with its schema (null = unknown;
 * the header converter renders the value either way, a string as its text).
 */
export interface RecordHeader {
  readonly key: string;
  readonly schema: ConnectSchema | null;
  readonly value: unknown;
}

export interface SourceRecord {
  readonly topic: string;
  /** Kafka partition; undefined = the default (murmur2 of the serialized key). */
  readonly kafkaPartition?: number;
  readonly keySchema: ConnectSchema | null;
  readonly key: unknown;
  readonly valueSchema: ConnectSchema | null;
  /** null = tombstone */
  readonly value: unknown;
  /**
   * Headers in order, as Connect's ConnectHeaders: a key may repeat (InsertHeader and HeaderFrom
   * append, DropHeaders removes every occurrence). Helpers: src/events/headers.ts; the
   * connector's header.converter renders them (src/serde/header-converter.ts). Undefined = none.
   */
  readonly headers?: readonly RecordHeader[];
  /** Kafka record timestamp (ms); undefined = producer time. */
  readonly timestamp?: number;
}

/**
 * A record for one of the connector's own internal topics (declared through the task
 * context's InternalTopics service, src/runtime/internal-topics.ts), such as Debezium's
 * schema history. The plugin serialises it (e.g. JSON text): it bypasses the transform
 * chain and the key/value/header converters, and is written as given, in the same Kafka
 * transaction as the unit's records and offset.
 */
export interface InternalRecord {
  readonly topic: string;
  /** Kafka partition; undefined = the default (murmur2 of the key). */
  readonly partition?: number;
  readonly key: string | Buffer | null;
  readonly value: string | Buffer | null;
  readonly headers?: Readonly<Record<string, string>>;
  /** Kafka record timestamp (ms); undefined = producer time. */
  readonly timestamp?: number;
}

/**
 * A group of records plus the offset that becomes true when all of them are
 * committed. An empty `records` list is a pure position advance (end of a source
 * transaction, idle keepalive, heartbeat without a topic).
 */
export interface SourceUnit {
  readonly records: readonly SourceRecord[];
  /**
   * More records of the unit, after `records`, built one at a time as the runner converts
   * them (a snapshot chunk: thousands of rows whose records would otherwise all sit in
   * memory, and survive into the old generation, before the first is sent). Iterated
   * once; counted as polled when pulled.
   */
  readonly lazyRecords?: Iterable<SourceRecord>;
  /**
   * Records for the connector's internal topics that belong to this unit (e.g. the schema
   * history entry of the DDL whose offset this unit carries): committed or aborted together
   * with `records` and `offset`, written before them, never counted as change events.
   */
  readonly internalRecords?: readonly InternalRecord[];
  readonly partition: JsonMap;
  /**
   * Read by the runtime only when the unit's Kafka transaction commits (and then only the last
   * unit's of each partition): a source may build it lazily, see deferred-offset.ts.
   */
  readonly offset: JsonMap;
  /**
   * When set, the runtime must close the current Kafka transaction right after
   * this unit (e.g. end of snapshot, schema boundary).
   */
  readonly commitAfter?: boolean;
  /**
   * With commitAfter: the runner may poll and convert the next units while this unit's
   * transaction is sent and committed (they go to Kafka only after it succeeded), and the task
   * may hear committed() for it only after its next poll(). For units after which the task
   * does nothing that depends on that acknowledgement (chunks of the chunked snapshot).
   */
  readonly commitInBackground?: boolean;
  /**
   * The current Kafka transaction must NOT be committed after this unit (a
   * snapshot is one transaction: a crash mid-snapshot leaves nothing visible).
   */
  readonly holdTransaction?: boolean;
  /** Set on the unit that completes a source transaction: its commit time (ms), for latency. */
  readonly sourceCommitTimeMs?: number;
}
