/**
 * The source block of Debezium 3.6's binlog connectors (BinlogSourceInfoStructMaker):
 * io.debezium.connector.mysql.Source for MySqlConnector, io.debezium.connector.mariadb.Source for
 * MariaDbConnector, the same fields in both: the common ones (src/events/debezium-common.ts), then
 * table, server_id, gtid, file, pos, row, thread, query. Debezium does not run this name through
 * schema.name.adjustment.mode (it is a valid Avro name anyway).
 *
 * Values follow Debezium's struct(): sequence is never set; gtid, thread, table and query are
 * null when unknown (Debezium leaves them unset, which converters write as null); a streaming
 * event's snapshot is "false", the schema default Debezium's unset field turns into.
 */
import { S, type ConnectSchema } from '../../src/events/schema.ts';
import { commonSourceFields, DEBEZIUM_VERSION } from '../../src/events/debezium-common.ts';
import type { ServerFlavor } from './column-info.ts';
import type { MySqlSourceFacts } from './event-model.ts';

function binlogSourceSchema(connector: ServerFlavor): ConnectSchema {
  return S.struct(`io.debezium.connector.${connector}.Source`, [
    ...commonSourceFields(),
    S.field('table', S.optional(S.string())),
    S.field('server_id', S.int64()),
    S.field('gtid', S.optional(S.string())),
    S.field('file', S.string()),
    S.field('pos', S.int64()),
    S.field('row', S.int32()),
    S.field('thread', S.optional(S.int64())),
    S.field('query', S.optional(S.string())),
  ], { version: 1 });
}

export const MYSQL_SOURCE_SCHEMA: ConnectSchema = binlogSourceSchema('mysql');
export const MARIADB_SOURCE_SCHEMA: ConnectSchema = binlogSourceSchema('mariadb');

/** The source schema of MySqlConnector ('mysql') or MariaDbConnector ('mariadb'). */
export function sourceSchema(flavour: ServerFlavor): ConnectSchema {
  return flavour === 'mariadb' ? MARIADB_SOURCE_SCHEMA : MYSQL_SOURCE_SCHEMA;
}

/**
 * The source value of one event, field for field in the schema's order. ts_us/ts_ns come from
 * `tsUs` when the stream knows the commit time in microseconds (MySQL 8's original commit
 * timestamp), else from ts_ms, as Debezium derives them from one Instant.
 */
export function sourceValue(flavour: ServerFlavor, f: MySqlSourceFacts): Record<string, unknown> {
  const tsUs = f.tsUs ?? BigInt(Math.trunc(f.tsMs)) * 1000n;
  return {
    version: DEBEZIUM_VERSION,
    connector: flavour,
    name: f.serverName,
    ts_ms: f.tsUs === undefined ? BigInt(Math.trunc(f.tsMs)) : floorDiv(tsUs, 1000n),
    snapshot: f.snapshot,
    db: f.db,
    sequence: null,
    ts_us: tsUs,
    ts_ns: tsUs * 1000n,
    table: f.table,
    server_id: BigInt(f.serverId),
    gtid: f.gtid,
    file: f.file,
    pos: BigInt(f.pos),
    row: f.row,
    thread: f.thread === null ? null : BigInt(f.thread),
    query: f.query,
  };
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && (a < 0n) !== (b < 0n) ? q - 1n : q;
}
