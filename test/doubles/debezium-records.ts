/**
 * Debezium-shaped records for transform unit tests: the PostgreSQL envelope, source block,
 * key, tombstone, heartbeat and transaction-metadata records as shared/reference/debezium-events.md
 * describes them (names, optionality, field order), built from src/events' schemas.
 */
import type { SourceRecord } from '../../src/events/record.ts';
import { S, type ConnectSchema } from '../../src/events/schema.ts';
import { envelopeSchema, HEARTBEAT_KEY_SCHEMA, HEARTBEAT_VALUE_SCHEMA, TX_METADATA_KEY_SCHEMA, TX_METADATA_VALUE_SCHEMA } from '../../src/events/envelope.ts';

const optStr = S.optional(S.string());
const optLong = S.optional(S.int64());

export const PG_SOURCE_SCHEMA: ConnectSchema = S.struct('io.debezium.connector.postgresql.Source', [
  S.field('version', S.string()), S.field('connector', S.string()), S.field('name', S.string()), S.field('ts_ms', S.int64()),
  S.field('snapshot', S.optional(S.string({ name: 'io.debezium.data.Enum', version: 1, parameters: { allowed: 'true,first,first_in_data_collection,last_in_data_collection,last,false,incremental' }, defaultValue: 'false' }))),
  S.field('db', S.string()), S.field('sequence', optStr), S.field('ts_us', optLong), S.field('ts_ns', optLong),
  S.field('schema', S.string()), S.field('table', S.string()), S.field('txId', optLong), S.field('lsn', optLong), S.field('xmin', optLong),
]);

export interface TableFixture {
  readonly topic: string;
  readonly keySchema: ConnectSchema;
  readonly rowSchema: ConnectSchema;
  readonly envelope: ConnectSchema;
}

/** shop.public.orders: id int32 key, name optional string, qty int32 with default 1 (optional). */
export function ordersTable(topic = 'shop.public.orders', extraFields: ReturnType<typeof S.field>[] = []): TableFixture {
  const keySchema = S.struct(`${topic}.Key`, [S.field('id', S.int32())]);
  const rowSchema = S.optional(S.struct(`${topic}.Value`, [
    S.field('id', S.int32()), S.field('name', optStr), S.field('qty', S.withDefault(S.optional(S.int32()), 1)), ...extraFields,
  ]));
  return { topic, keySchema, rowSchema, envelope: envelopeSchema(topic, rowSchema, PG_SOURCE_SCHEMA) };
}

export function sourceBlock(table: string, over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: '3.6.1.Final', connector: 'postgresql', name: 'shop', ts_ms: 1717000000000n, snapshot: 'false', db: 'shopdb',
    sequence: '["1","2"]', ts_us: 1717000000000000n, ts_ns: 1717000000000000000n, schema: 'public', table, txId: 77n, lsn: 1234n, xmin: null, ...over,
  };
}

export function change(t: TableFixture, op: 'c' | 'u' | 'd' | 'r' | 't', before: Record<string, unknown> | null, after: Record<string, unknown> | null,
  opts: { transaction?: Record<string, unknown> | null; headers?: SourceRecord['headers'] } = {}): SourceRecord {
  const row = after ?? before;
  return {
    topic: t.topic,
    keySchema: op === 't' ? null : t.keySchema,
    key: op === 't' ? null : { id: row?.['id'] },
    valueSchema: t.envelope,
    value: {
      before, after, source: sourceBlock(t.topic.split('.').pop()!), transaction: opts.transaction ?? null, op,
      ts_ms: 1717000000500n, ts_us: 1717000000500000n, ts_ns: 1717000000500000000n,
    },
    ...(opts.headers ? { headers: opts.headers } : {}),
  };
}

export function tombstone(t: TableFixture, id: number): SourceRecord {
  return { topic: t.topic, keySchema: t.keySchema, key: { id }, valueSchema: null, value: null };
}

export function heartbeat(prefix = 'shop'): SourceRecord {
  return { topic: `__debezium-heartbeat.${prefix}`, keySchema: HEARTBEAT_KEY_SCHEMA, key: { serverName: prefix }, valueSchema: HEARTBEAT_VALUE_SCHEMA, value: { ts_ms: 1717000000000n } };
}

export function txMetadata(prefix = 'shop'): SourceRecord {
  return {
    topic: `${prefix}.transaction`, keySchema: TX_METADATA_KEY_SCHEMA, key: { id: '77:1234' }, valueSchema: TX_METADATA_VALUE_SCHEMA,
    value: { status: 'BEGIN', id: '77:1234', event_count: null, data_collections: null, ts_ms: 1717000000000n },
  };
}
