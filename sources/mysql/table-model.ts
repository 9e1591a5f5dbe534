/**
 * One MySQL/MariaDB table at one version of its schema, as events are built for it
 * (MySqlTableModel, event-model.ts): topic <topic.prefix>.<db>.<table>, <topic>.Key from the key
 * columns (message.key.columns, else the primary key), <topic>.Value from the columns
 * column.include/exclude.list let through, <topic>.Envelope around them with the MySQL or
 * MariaDB source block, one converter per column (types.ts), and the chunk key in the snapshot
 * engine's form. As Debezium's TableSchemaBuilder: key columns are in the key whatever the column
 * filter says, and a filtered-out key column is absent from the value. Names go through the
 * task's adjusters once, here, so events only ever see adjusted names.
 */
import { S, type ConnectSchema } from '../../src/events/schema.ts';
import { envelopeSchema, sanitizeTopicName } from '../../src/events/envelope.ts';
import { ConfigError } from '../../src/errors/cdc-error.ts';
import { adjustFieldNames } from '../../src/serde/name-adjustment.ts';
import { compileRowBuilder } from '../../src/events/row-builder.ts';
import type { KeyValue } from '../../src/snapshot/contracts.ts';
import type { MySqlColumn } from './column-info.ts';
import type { MySqlRow, MySqlTableModel } from './event-model.ts';
import { sourceSchema } from './source-info.ts';
import type { MySqlModelSettings } from './table-model-settings.ts';
import type { MySqlTable } from './table-schema.ts';
import { isSkipped, mapColumn } from './types.ts';

export type { MySqlModelSettings } from './table-model-settings.ts';

export interface MySqlColumnModel {
  /** column name in MySQL (rows are keyed by it) */
  readonly name: string;
  /** field name in key and value structs, after field.name.adjustment.mode */
  readonly field: string;
  readonly schema: ConnectSchema;
  readonly convert: (value: unknown) => unknown;
  readonly column: MySqlColumn;
}

/** What buildTableModel returns: the seam's model plus the column models behind it. */
export interface MySqlTableModelDetail extends MySqlTableModel {
  /** the value's columns, in table order */
  readonly valueColumns: readonly MySqlColumnModel[];
  /** the key's columns, in key order */
  readonly keyColumnModels: readonly MySqlColumnModel[];
}

/**
 * How a key column's value is kept by the snapshot engine: 'number' for integers that fit a Java
 * Integer (tinyint, smallint, mediumint, signed int), 'bigint' for int unsigned and bigint (a Java
 * Long; bigint unsigned above 2^63-1 falls back to its decimal text, since a Long cannot hold it),
 * 'hex' for binary strings and bits (the bytes as lower-case hex: bind them back with UNHEX(?)),
 * 'text' for everything else, as the reader gives it (decimals and temporals as exact text).
 */
export type KeyValueKind = 'number' | 'bigint' | 'hex' | 'text';

const INT32_TYPES = new Set(['tinyint', 'smallint', 'mediumint']);
const BYTE_TYPES = new Set(['binary', 'varbinary', 'tinyblob', 'blob', 'mediumblob', 'longblob', 'bit']);

export function keyValueKind(col: MySqlColumn): KeyValueKind {
  const t = col.dataType;
  if (INT32_TYPES.has(t) || ((t === 'int' || t === 'integer') && !col.unsigned)) return 'number';
  if (t === 'int' || t === 'integer' || t === 'bigint') return 'bigint';
  if (BYTE_TYPES.has(t)) return 'hex';
  return 'text';
}

const LONG_MAX = 9223372036854775807n;

/** One raw value (reader or snapshot form) as the engine keeps it. */
export function keyValueOf(kind: KeyValueKind, v: unknown): KeyValue {
  if (v === null || v === undefined) return null;
  switch (kind) {
    case 'number': return typeof v === 'number' ? v : Number(v);
    case 'bigint': {
      const b = typeof v === 'bigint' ? v : BigInt(typeof v === 'number' ? Math.trunc(v) : String(v));
      return b > LONG_MAX ? b.toString() : b;
    }
    case 'hex': return Buffer.isBuffer(v) ? v.toString('hex') : typeof v === 'number' ? v.toString(16) : String(v);
    case 'text': return Buffer.isBuffer(v) ? v.toString('utf8') : String(v);
  }
}

function keyColumnError(table: MySqlTable, column: string, why: string): ConfigError {
  return new ConfigError({
    code: 'CDC_CONFIG_INVALID',
    what: `key column "${column}" of ${table.db}.${table.name} cannot be put in the message key: ${why}`,
    where: `table ${table.db}.${table.name}`,
    fix: `name other columns of ${table.db}.${table.name} in message.key.columns (the key must come from columns with a mapped type)`,
  });
}

/** Reads a column of a row; a column the row does not carry reads as SQL NULL. */
function read(row: MySqlRow, name: string): unknown {
  const v = row[name];
  return v === undefined ? (name in row ? undefined : null) : v;
}

export function buildTableModel(table: MySqlTable, settings: MySqlModelSettings): MySqlTableModelDetail {
  const id = `${table.db}.${table.name}`;
  const d = settings.topicDelimiter;
  const topic = sanitizeTopicName(`${settings.topicPrefix}${d}${table.db}${d}${table.name}`);
  const keyNames = settings.keyColumns(table) ?? table.primaryKey;

  const mapped: Omit<MySqlColumnModel, 'field'>[] = [];
  const skipped: { column: string; reason: string }[] = [];
  for (const col of table.columns) {
    const m = mapColumn(col, settings.types, id);
    if (isSkipped(m)) {
      if (keyNames.includes(col.name)) throw keyColumnError(table, col.name, m.skipped);
      skipped.push({ column: col.name, reason: m.skipped });
      continue;
    }
    mapped.push({ name: col.name, schema: m.schema, convert: m.convert, column: col });
  }
  for (const k of keyNames) {
    if (!table.columns.some((c) => c.name === k)) throw keyColumnError(table, k, 'the table has no such column');
  }

  const names = settings.names;
  const recordName = (name: string) => (names ? names.schema.adjust(name, `table ${id}`) : name);
  const fields = names
    ? adjustFieldNames(names.field, mapped.map((c) => c.name), (column) => `table ${id}, column ${column}`)
    : mapped.map((c) => c.name);
  const all: MySqlColumnModel[] = mapped.map((c, i) => ({ ...c, field: fields[i]! }));

  const valueColumns = all.filter((c) => settings.columnFilter(`${id}.${c.name}`));
  const keyColumnModels = keyNames.map((k) => all.find((c) => c.name === k)!);
  const keyKinds = keyColumnModels.map((c) => keyValueKind(c.column));

  const rowSchema = S.optional(S.struct(recordName(`${topic}.Value`), valueColumns.map((c) => S.field(c.field, c.schema))));
  // Key fields keep the column's own schema (optional for a nullable message.key.columns column), as Debezium's addField does.
  const keySchema = keyColumnModels.length === 0 ? null
    : S.struct(recordName(`${topic}.Key`), keyColumnModels.map((c) => S.field(c.field, c.schema)));

  return {
    id,
    db: table.db,
    table: table.name,
    topic,
    source: table,
    flavour: settings.flavour,
    keyColumns: keyColumnModels.map((c) => c.name),
    keySchema,
    rowSchema,
    envelopeSchema: envelopeSchema(topic, rowSchema, sourceSchema(settings.flavour), recordName),
    skippedColumns: skipped,
    valueColumns,
    keyColumnModels,
    keyValues: (row) => keyColumnModels.map((c, i) => keyValueOf(keyKinds[i]!, read(row, c.name))),
    rowValue: compileRowBuilder<MySqlRow>(valueColumns),
    keyStruct: (row) => {
      if (keySchema === null) return null;
      const out: Record<string, unknown> = {};
      for (const c of keyColumnModels) out[c.field] = c.convert(read(row, c.name));
      return out;
    },
  };
}

