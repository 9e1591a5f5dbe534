/**
 * Logical decoding messages (pg_logical_emit_message, sent by pgoutput with messages on) as
 * Debezium 3.6.1's LogicalDecodingMessageMonitor writes them: topic <topic.prefix>.message
 * (no topic.delimiter), key io.debezium.connector.postgresql.MessageKey {prefix}, value
 * io.debezium.connector.postgresql.MessageValue {op "m", ts_ms, source, transaction, message
 * {prefix, content}}, content shaped by binary.handling.mode, no headers. Which prefixes are
 * written follows message.prefix.include.list / message.prefix.exclude.list (Debezium's
 * LogicalDecodingMessageFilter: anchored, case-insensitive regular expressions).
 * Pure: the decoder (change-decoder.ts) supplies position and transaction.
 */
import { S, type ConnectSchema } from '../../src/events/schema.ts';
import { TRANSACTION_BLOCK_SCHEMA, type Clock, type TransactionBlock } from '../../src/events/envelope.ts';
import type { SourceRecord } from '../../src/events/record.ts';
import { PG_SOURCE_SCHEMA, sourceValue, type SourceFacts } from './source-info.ts';
import { binarySchema, encodeBinary } from './type-binary.ts';
import type { BinaryHandlingMode } from './type-options.ts';

export const MESSAGE_KEY_SCHEMA: ConnectSchema = S.struct('io.debezium.connector.postgresql.MessageKey', [
  S.field('prefix', S.optional(S.string())),
], { version: 1 });

export function messageValueSchema(mode: BinaryHandlingMode): ConnectSchema {
  const block = S.struct('io.debezium.connector.postgresql.Message', [
    S.field('prefix', S.optional(S.string())),
    S.field('content', S.optional(binarySchema(mode))),
  ], { version: 1 });
  return S.struct('io.debezium.connector.postgresql.MessageValue', [
    S.field('op', S.string()),
    S.field('ts_ms', S.optional(S.int64())),
    S.field('source', PG_SOURCE_SCHEMA),
    S.field('transaction', TRANSACTION_BLOCK_SCHEMA),
    S.field('message', block),
  ], { version: 1 });
}

/** message.prefix.include.list wins over message.prefix.exclude.list; neither = every prefix. */
export function messagePrefixFilter(include: readonly string[], exclude: readonly string[]): (prefix: string) => boolean {
  const re = (list: readonly string[]) => list.map((p) => new RegExp(`^(?:${p.trim()})$`, 'i'));
  const inc = re(include), exc = re(exclude);
  if (inc.length > 0) return (prefix) => inc.some((r) => r.test(prefix));
  return (prefix) => !exc.some((r) => r.test(prefix));
}

export interface MessageOptions {
  readonly topic: string;
  readonly binaryMode: BinaryHandlingMode;
  readonly valueSchema: ConnectSchema;
  readonly clock: Clock;
}

/** One message record; `source` has empty schema and table, as Debezium's source info then has. */
export function messageRecord(prefix: string, content: Uint8Array, source: SourceFacts, tx: TransactionBlock | null, o: MessageOptions): SourceRecord {
  return {
    topic: o.topic,
    keySchema: MESSAGE_KEY_SCHEMA,
    key: { prefix },
    valueSchema: o.valueSchema,
    value: {
      op: 'm',
      // Debezium stamps the record with the time it decoded the message.
      ts_ms: o.clock.nowNs() / 1_000_000n,
      source: sourceValue(source),
      transaction: tx,
      message: { prefix, content: encodeBinary(Buffer.from(content), o.binaryMode) },
    },
  };
}

/**
 * heartbeat.interval.ms: each heartbeat writes a non-transactional logical decoding
 * message under this prefix (SELECT pg_logical_emit_message(false, prefix, '')): no
 * table, no privilege beyond EXECUTE, which PUBLIC has. It travels through the slot
 * like a change, so the connector gets a fresh position to commit and confirm even
 * while every transaction of the database touches only tables it does not capture.
 * Never written to <topic.prefix>.message.
 */
export const HEARTBEAT_MESSAGE_PREFIX = '__cdcd_heartbeat';
