/**
 * What every Debezium connector's events share, whatever the database: the version string in
 * source.version, the first fields of every source block (AbstractSourceInfoStructMaker's common
 * schema, in its order) with the snapshot Enum, and the extended context headers
 * (DebeziumHeaderProducer). Each source plugin adds its own source fields after the common ones.
 */
import { S, type ConnectField, type ConnectSchema } from './schema.ts';
import type { RecordHeader } from './record.ts';
import { textHeader } from './headers.ts';

export const DEBEZIUM_VERSION = '3.6.1.Final';

/** source.snapshot: optional io.debezium.data.Enum, default "false" (Debezium >= 3.0.5/3.1 allowed list). */
export const SOURCE_SNAPSHOT_SCHEMA: ConnectSchema = S.withDefault(S.optional(S.string({
  name: 'io.debezium.data.Enum',
  version: 1,
  parameters: { allowed: 'true,first,first_in_data_collection,last_in_data_collection,last,false,incremental' },
})), 'false');

const optLong = S.optional(S.int64());

/** version, connector, name, ts_ms, snapshot, db, sequence, ts_us, ts_ns: the order is part of the Avro identity. */
export function commonSourceFields(): ConnectField[] {
  return [
    S.field('version', S.string()),
    S.field('connector', S.string()),
    S.field('name', S.string()),
    S.field('ts_ms', S.int64()),
    S.field('snapshot', SOURCE_SNAPSHOT_SCHEMA),
    S.field('db', S.string()),
    S.field('sequence', S.optional(S.string())),
    S.field('ts_us', optLong),
    S.field('ts_ns', optLong),
  ];
}

/**
 * Debezium's extended headers (extended.headers.enabled), in DebeziumHeaderProducer's order: the
 * logical name (topic.prefix), the task number, the connector's plugin name (postgresql, mysql,
 * mariadb) and a UUID chosen at each task start. Plain strings: both header converters write a
 * string header as its UTF-8 bytes.
 */
export function debeziumContextHeaders(topicPrefix: string, taskId: number, runId: string, connectorName: string): Readonly<Record<string, string>> {
  return {
    '__debezium.context.connectorLogicalName': topicPrefix,
    '__debezium.context.taskId': String(taskId),
    '__debezium.context.connectorName': connectorName,
    '__debezium.context.runId': runId,
  };
}

/**
 * The context headers as a header list, built once per context object (one per task start):
 * sources hand the context around as a name -> text map, and a record only points at the shared
 * list, so a record with only context headers costs no copy.
 */
const contextLists = new WeakMap<object, readonly RecordHeader[]>();

function contextList(ctx: Readonly<Record<string, string>>): readonly RecordHeader[] {
  let list = contextLists.get(ctx);
  // Frozen, headers and list: the header converter and the produce encoding may then keep what
  // they derive from it by identity (header-converter.ts, produce-encoding.ts).
  if (list === undefined) contextLists.set(ctx, (list = Object.freeze(Object.entries(ctx).map(([k, v]) => Object.freeze(textHeader(k, v))))));
  return list;
}

/** A change record's headers: its own header (a key change's, or none), then the context headers, as Debezium adds them last; null when none. */
export function recordHeaders(own: RecordHeader | null, ctx: Readonly<Record<string, string>> | null): readonly RecordHeader[] | null {
  if (own === null) return ctx === null ? null : contextList(ctx);
  return ctx === null ? [own] : [own, ...contextList(ctx)];
}
