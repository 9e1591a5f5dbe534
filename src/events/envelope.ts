/**
 * Debezium's change-event envelope (schema version 2, Debezium >= 2.6): the
 * field order below is part of the Avro identity and must not change.
 * See shared/reference/debezium-events.md sections 3, 4 and 7.
 */
import { S, type ConnectSchema } from './schema.ts';

export type Op = 'c' | 'u' | 'd' | 'r' | 't' | 'm';

export const TRANSACTION_BLOCK_SCHEMA: ConnectSchema = S.optional(
  S.struct('event.block', [
    S.field('id', S.string()),
    S.field('total_order', S.int64()),
    S.field('data_collection_order', S.int64()),
  ], { version: 1 }),
);

const optLong = S.optional(S.int64());

/**
 * Envelope schema for one table topic. rowSchema must be the optional `<prefix>.Value` struct.
 * adjustName is the connector's schema.name.adjustment.mode, applied to `<topic>.Envelope`.
 */
export function envelopeSchema(topicName: string, rowSchema: ConnectSchema, sourceSchema: ConnectSchema,
  adjustName: (name: string) => string = (name) => name): ConnectSchema {
  const row = S.optional(rowSchema);
  return S.struct(adjustName(`${topicName}.Envelope`), [
    S.field('before', row),
    S.field('after', row),
    S.field('source', sourceSchema),
    S.field('transaction', TRANSACTION_BLOCK_SCHEMA),
    S.field('op', S.string()),
    S.field('ts_ms', optLong),
    S.field('ts_us', optLong),
    S.field('ts_ns', optLong),
  ], { version: 2 });
}

export interface TransactionBlock {
  readonly id: string;
  readonly total_order: bigint;
  readonly data_collection_order: bigint;
}

export interface EnvelopeValue {
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  source: Record<string, unknown>;
  transaction: TransactionBlock | null;
  op: Op;
  ts_ms: bigint;
  ts_us: bigint;
  ts_ns: bigint;
}

/** Processing-time stamps in ms/us/ns from one clock reading (ns resolution via hrtime offset). */
export function processingTimestamps(clock: Clock): { ts_ms: bigint; ts_us: bigint; ts_ns: bigint } {
  const ns = clock.nowNs();
  return { ts_ms: ns / 1_000_000n, ts_us: ns / 1_000n, ts_ns: ns };
}

export interface Clock {
  nowMs(): number;
  /** epoch nanoseconds */
  nowNs(): bigint;
}

export function systemClock(): Clock {
  const originNs = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint();
  return {
    nowMs: () => Date.now(),
    nowNs: () => originNs + process.hrtime.bigint(),
  };
}

// ---- Transaction metadata topic (<prefix>.transaction) ----

export const TX_METADATA_KEY_SCHEMA: ConnectSchema = S.struct('io.debezium.connector.common.TransactionMetadataKey', [
  S.field('id', S.string()),
], { version: 1 });

const DATA_COLLECTION_SCHEMA = S.struct('event.collection', [
  S.field('data_collection', S.string()),
  S.field('event_count', S.int64()),
], { version: 1 });

export const TX_METADATA_VALUE_SCHEMA: ConnectSchema = S.struct('io.debezium.connector.common.TransactionMetadataValue', [
  S.field('status', S.string()),
  S.field('id', S.string()),
  S.field('event_count', S.optional(S.int64())),
  // Debezium declares the item struct optional too (an Avro union ["null", record] per item).
  S.field('data_collections', S.optional(S.array(S.optional(DATA_COLLECTION_SCHEMA)))),
  S.field('ts_ms', S.int64()),
], { version: 1 });

// ---- Heartbeat topic ----

export const HEARTBEAT_KEY_SCHEMA: ConnectSchema = S.struct('io.debezium.connector.common.ServerNameKey', [
  S.field('serverName', S.string()),
], { version: 1 });

export const HEARTBEAT_VALUE_SCHEMA: ConnectSchema = S.struct('io.debezium.connector.common.Heartbeat', [
  S.field('ts_ms', S.int64()),
], { version: 1 });

/** Debezium replaces characters outside [A-Za-z0-9._-] in topic names with '_'. */
export function sanitizeTopicName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_');
}
