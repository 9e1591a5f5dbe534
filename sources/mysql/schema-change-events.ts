/**
 * Debezium's schema change topic of the MySQL and MariaDB connectors (include.schema.changes):
 * one record per recorded DDL, on topic <topic.prefix>, Kafka partition 0, key {databaseName},
 * value {source, ts_ms, databaseName, schemaName, ddl, tableChanges} with Debezium's Connect
 * schemas (io.debezium.connector.<mysql|mariadb>.SchemaChangeKey / SchemaChangeValue, version 1;
 * io.debezium.connector.schema.Change / Table / Column, version 1). This is the topic consumers
 * read for DDL; the internal schema history topic is the connector's own.
 *
 * The source block (its schema and value) is built by the connector's source-info code and
 * passed in, so the same block as in change events is used. ts_ms is when the connector
 * processed the DDL, as in Debezium (the DDL's binlog time is in source.ts_ms).
 */
import { S, type ConnectSchema } from '../../src/events/schema.ts';
import type { RecordHeader, SourceRecord } from '../../src/events/record.ts';
import type { MysqlFlavour } from './config-spec.ts';
import type { DdlChange, DdlParse } from './ddl-parse.ts';
import type { MySqlSourceFacts } from './event-model.ts';
import type { DebeziumColumn, DebeziumTableChange } from './table-changes.ts';

const str = (): ConnectSchema => S.optional(S.string());

export const SCHEMA_CHANGE_COLUMN_SCHEMA: ConnectSchema = S.struct('io.debezium.connector.schema.Column', [
  S.field('name', S.string()),
  S.field('jdbcType', S.int32()),
  S.field('nativeType', S.optional(S.int32())),
  S.field('typeName', S.string()),
  S.field('typeExpression', str()),
  S.field('charsetName', str()),
  S.field('length', S.optional(S.int32())),
  S.field('scale', S.optional(S.int32())),
  S.field('position', S.int32()),
  S.field('optional', S.optional(S.boolean())),
  S.field('autoIncremented', S.optional(S.boolean())),
  S.field('generated', S.optional(S.boolean())),
  S.field('comment', str()),
  S.field('defaultValueExpression', str()),
  S.field('enumValues', S.optional(S.array(S.string()))),
], { version: 1 });

export const SCHEMA_CHANGE_TABLE_SCHEMA: ConnectSchema = S.optional(S.struct('io.debezium.connector.schema.Table', [
  S.field('defaultCharsetName', str()),
  S.field('primaryKeyColumnNames', S.optional(S.array(S.string()))),
  S.field('columns', S.array(SCHEMA_CHANGE_COLUMN_SCHEMA)),
  S.field('comment', str()),
], { version: 1 }));

export const SCHEMA_CHANGE_CHANGE_SCHEMA: ConnectSchema = S.struct('io.debezium.connector.schema.Change', [
  S.field('type', S.string()),
  S.field('id', S.string()),
  S.field('table', SCHEMA_CHANGE_TABLE_SCHEMA),
], { version: 1 });

export function schemaChangeKeySchema(flavour: MysqlFlavour): ConnectSchema {
  return S.struct(`io.debezium.connector.${flavour}.SchemaChangeKey`, [S.field('databaseName', S.string())], { version: 1 });
}

export function schemaChangeValueSchema(flavour: MysqlFlavour, sourceSchema: ConnectSchema): ConnectSchema {
  return S.struct(`io.debezium.connector.${flavour}.SchemaChangeValue`, [
    S.field('source', sourceSchema),
    S.field('ts_ms', S.int64()),
    S.field('databaseName', str()),
    S.field('schemaName', str()),
    S.field('ddl', str()),
    S.field('tableChanges', S.array(SCHEMA_CHANGE_CHANGE_SCHEMA)),
  ], { version: 1 });
}

function columnValue(c: DebeziumColumn): Record<string, unknown> {
  return {
    name: c.name,
    jdbcType: c.jdbcType,
    nativeType: c.nativeType ?? null,
    typeName: c.typeName,
    typeExpression: c.typeExpression,
    charsetName: c.charsetName,
    length: c.length ?? null,
    scale: c.scale ?? null,
    position: c.position,
    optional: c.optional,
    autoIncremented: c.autoIncremented,
    generated: c.generated,
    comment: c.comment,
    defaultValueExpression: c.defaultValueExpression ?? null,
    // Debezium leaves enumValues null unless the column has members.
    enumValues: c.enumValues.length > 0 ? [...c.enumValues] : null,
  };
}

/** A history table change as the Connect struct Debezium's Connect serializer writes (no previousId; comment inside the table). */
export function changeValue(c: DebeziumTableChange): Record<string, unknown> {
  return {
    type: c.type,
    id: c.id,
    table: c.table
      ? {
        defaultCharsetName: c.table.defaultCharsetName,
        primaryKeyColumnNames: [...c.table.primaryKeyColumnNames],
        columns: c.table.columns.map(columnValue),
        comment: c.comment ?? null,
      }
      : null,
  };
}

/** The source block of one event: schema and value, from the connector's source-info code. */
export type SourceBlock = (facts: MySqlSourceFacts) => { readonly schema: ConnectSchema; readonly value: unknown };

export interface SchemaChangeInput {
  /** topic.prefix */
  readonly topicPrefix: string;
  readonly flavour: MysqlFlavour;
  /** facts of the DDL event (db = the database the statement applies to, table null) */
  readonly facts: MySqlSourceFacts;
  /** the database the record is keyed by ('' when the statement names none) */
  readonly databaseName: string;
  readonly ddl: string;
  readonly tableChanges: readonly DebeziumTableChange[];
  /** processing time (ms) */
  readonly nowMs: number;
  /** __debezium.context.* headers, or none */
  readonly headers?: readonly RecordHeader[];
}

/** The record for the schema change topic (include.schema.changes=true). */
export function schemaChangeRecord(input: SchemaChangeInput, sourceBlock: SourceBlock): SourceRecord {
  const source = sourceBlock(input.facts);
  return {
    topic: input.topicPrefix,
    kafkaPartition: 0,
    keySchema: schemaChangeKeySchema(input.flavour),
    key: { databaseName: input.databaseName },
    valueSchema: schemaChangeValueSchema(input.flavour, source.schema),
    value: {
      source: source.value,
      ts_ms: input.nowMs,
      databaseName: input.databaseName,
      schemaName: null,
      ddl: input.ddl,
      tableChanges: input.tableChanges.map(changeValue),
    },
    ...(input.headers && input.headers.length > 0 ? { headers: input.headers } : {}),
  };
}

export interface DatabaseGroup {
  /** the database the changes apply to: the record's key */
  readonly databaseName: string;
  readonly changes: readonly DdlChange[];
}

/**
 * The schema change records one DDL gives: one per database it changes, in order of first
 * appearance, as Debezium keys them by the database a statement applies to (a qualified
 * `ALTER TABLE shop.t` run while another database is the default is keyed `shop`). A rename is
 * counted under its new name's database. A statement that changes no table is keyed by the
 * event's default database; DML text and unreadable statements give none.
 */
export function changesByDatabase(parse: DdlParse, eventDb: string): DatabaseGroup[] {
  if (parse.kind === 'none') return [{ databaseName: eventDb, changes: [] }];
  if (parse.kind !== 'changes') return [];
  const groups = new Map<string, DdlChange[]>();
  for (const c of parse.changes) {
    const db = c.kind === 'rename' ? c.to.db : 'db' in c ? c.db : c.table.db;
    const list = groups.get(db) ?? [];
    list.push(c);
    groups.set(db, list);
  }
  return [...groups].map(([databaseName, changes]) => ({ databaseName, changes }));
}
