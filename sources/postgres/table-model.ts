/**
 * Turns a table's catalog description into what events need: topic, key and
 * value schemas (Debezium names <topic>.Key / <topic>.Value / <topic>.Envelope)
 * and one text->value converter per captured column. Built once per table and
 * rebuilt when pgoutput sends a new Relation message (a DDL happened).
 * Record and field names go through the connector's name adjusters here, once
 * per table model, so events only ever see the adjusted names (src/serde/name-adjustment.ts).
 */
import { S, type ConnectField, type ConnectSchema } from '../../src/events/schema.ts';
import { envelopeSchema, sanitizeTopicName } from '../../src/events/envelope.ts';
import { adjustFieldNames, type NameAdjuster } from '../../src/serde/name-adjustment.ts';
import { compileRowBuilder } from '../../src/events/row-builder.ts';
import type { PgTable } from './catalog.ts';
import { mapColumn, type TypeOptions } from './types.ts';
import type { OddValueSink } from './odd-values.ts';
import { PG_SOURCE_SCHEMA } from './source-info.ts';

export interface ColumnModel {
  /** Column name in PostgreSQL (rows from pgoutput and the snapshot are keyed by it). */
  readonly name: string;
  /** Field name in key and value structs: the name after field.name.adjustment.mode. */
  readonly field: string;
  readonly schema: ConnectSchema;
  readonly isKey: boolean;
  readonly convert: (text: string | null | undefined) => unknown;
}

export interface TableModel {
  readonly schemaName: string;
  readonly tableName: string;
  /** "schema.table", as used by include lists and transaction metadata */
  readonly id: string;
  readonly oid: number;
  readonly topic: string;
  readonly keySchema: ConnectSchema | null;
  readonly rowSchema: ConnectSchema;
  readonly envelope: ConnectSchema;
  readonly columns: readonly ColumnModel[];
  readonly keyColumns: readonly string[];
  /** Field names of keyColumns, in the same order. */
  readonly keyFields: readonly string[];
  readonly replicaIdentity: PgTable['replicaIdentity'];
  /** Columns left out because their type has no mapping (logged once by the caller). */
  readonly skippedColumns: readonly string[];
}

export interface TableModelOptions {
  readonly topicPrefix: string;
  readonly topicDelimiter?: string;
  readonly types: TypeOptions;
  /** true = column captured; receives "schema.table.column" */
  readonly columnFilter: (fqColumn: string) => boolean;
  /** message.key.columns override for this table, if any */
  readonly keyColumnsOverride?: (tableId: string) => readonly string[] | undefined;
  /** schema.name.adjustment.mode / field.name.adjustment.mode; absent = names as they are. */
  readonly names?: { readonly schema: NameAdjuster; readonly field: NameAdjuster };
  /** Told of each value written with less information than PostgreSQL sent (odd-values.ts). */
  readonly oddValues?: OddValueSink;
}

export function buildTableModel(table: PgTable, opts: TableModelOptions): TableModel {
  const id = `${table.schema}.${table.name}`;
  const d = opts.topicDelimiter ?? '.';
  const topic = sanitizeTopicName(`${opts.topicPrefix}${d}${table.schema}${d}${table.name}`);
  const keyNames = opts.keyColumnsOverride?.(id) ?? table.keyColumns;
  const mappedColumns: Omit<ColumnModel, 'field'>[] = [];
  const skipped: string[] = [];
  for (const col of table.columns) {
    if (!opts.columnFilter(`${id}.${col.name}`) && !keyNames.includes(col.name)) continue;
    const sink = opts.oddValues;
    const mapped = mapColumn(col, opts.types, sink ? (detail, keep) => sink(`${id}.${col.name}`, detail, keep) : undefined);
    if (!mapped) { skipped.push(col.name); continue; }
    mappedColumns.push({ name: col.name, schema: mapped.schema, isKey: keyNames.includes(col.name), convert: mapped.convert });
  }
  const names = opts.names;
  const recordName = (suffix: string) => (names ? names.schema.adjust(`${topic}.${suffix}`, `table ${id}`) : `${topic}.${suffix}`);
  const fields = names
    ? adjustFieldNames(names.field, mappedColumns.map((c) => c.name), (column) => `table ${id}, column ${column}`)
    : mappedColumns.map((c) => c.name);
  const columns: ColumnModel[] = mappedColumns.map((c, i) => ({ ...c, field: fields[i]! }));
  const rowFields: ConnectField[] = columns.map((c) => S.field(c.field, c.schema));
  const rowSchema = S.optional(S.struct(recordName('Value'), rowFields));
  const keyCols = keyNames.map((k) => columns.find((c) => c.name === k)).filter((c): c is ColumnModel => c !== undefined);
  const keySchema = keyCols.length === 0 ? null
    : S.struct(recordName('Key'), keyCols.map((c) => S.field(c.field, S.required(c.schema))));
  return {
    schemaName: table.schema,
    tableName: table.name,
    id,
    oid: table.oid,
    topic,
    keySchema,
    rowSchema,
    envelope: envelopeSchema(topic, rowSchema, PG_SOURCE_SCHEMA, (name) => (names ? names.schema.adjust(name, `table ${id}`) : name)),
    columns,
    keyColumns: keyCols.map((c) => c.name),
    keyFields: keyCols.map((c) => c.field),
    replicaIdentity: table.replicaIdentity,
    skippedColumns: skipped,
  };
}

export type TextRow = Readonly<Record<string, string | null | undefined>>;

type RowBuilder = (row: TextRow) => Record<string, unknown>;

/** Compiled row builders by column list (a model's columns never change; a new model has new ones). */
const rowBuilders = new WeakMap<readonly ColumnModel[], RowBuilder>();

/** A full row image from text values (snapshot rows, inserts, updates, FULL old rows). */
export function rowValue(model: TableModel, row: TextRow): Record<string, unknown> {
  let build = rowBuilders.get(model.columns);
  if (build === undefined) {
    build = compileRowBuilder<TextRow>(model.columns);
    rowBuilders.set(model.columns, build);
  }
  return build(row);
}

/**
 * A row image where only key columns are known (DELETE / key-changing UPDATE under
 * REPLICA IDENTITY DEFAULT): Debezium fills the others with null when optional,
 * else the column default or the type's zero value, which is what each column's
 * converter returns for null.
 */
export function keyOnlyRowValue(model: TableModel, key: TextRow): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of model.columns) {
    if (c.name in key && key[c.name] !== undefined) out[c.field] = c.convert(key[c.name]);
    else out[c.field] = c.convert(null); // null if optional, else the column default or the type's zero value
  }
  return out;
}

export function keyValue(model: TableModel, row: Record<string, unknown>): Record<string, unknown> | null {
  if (!model.keySchema) return null;
  const out: Record<string, unknown> = {};
  for (const k of model.keyFields) out[k] = row[k];
  return out;
}
