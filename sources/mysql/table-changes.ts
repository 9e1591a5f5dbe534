/**
 * One table definition in Debezium's `tableChanges` shape (its JSON table change serializer, as
 * the schema history topic stores it and, as a Connect struct, the schema change topic carries
 * it): {type, id, [previousId], table: {defaultCharsetName, primaryKeyColumnNames, columns,
 * attributes}, comment}, with each column {name, jdbcType, [nativeType], typeName, typeExpression,
 * charsetName, [length], [scale], position, optional, autoIncremented, generated, comment,
 * hasDefaultValue, [defaultValueExpression], enumValues}.
 *
 * Debezium's column fields come from its DDL parser; ours from information_schema, so they are
 * filled as that parser would (typeName "INT UNSIGNED", length/scale from the declared type,
 * enum values quoted as declared). They lose what the type mapping needs (information_schema's
 * COLUMN_TYPE, the MariaDB JSON marker, whether a default is an expression, ...), so the exact
 * MySqlColumn list also rides in one table attribute (Debezium's table attributes are free
 * name/value pairs) and is what decoding prefers. A table change written by Debezium itself has
 * no such attribute and is read back from its own fields, as well as they allow.
 */
import type { MySqlColumn } from './column-info.ts';
import type { MySqlTable } from './table-schema.ts';

/** Name of the table attribute that carries the exact column list. */
export const COLUMNS_ATTRIBUTE = 'cdcd.mysql.columns';

/** Table options beside the columns (information_schema.TABLES), null when unknown. */
export interface TableOptions {
  readonly defaultCharsetName: string | null;
  readonly comment: string | null;
}

export type TableChangeType = 'CREATE' | 'ALTER' | 'DROP';

export interface DebeziumColumn {
  readonly name: string;
  readonly jdbcType: number;
  readonly nativeType?: number;
  readonly typeName: string;
  readonly typeExpression: string | null;
  readonly charsetName: string | null;
  readonly length?: number;
  readonly scale?: number;
  readonly position: number;
  readonly optional: boolean;
  readonly autoIncremented: boolean;
  readonly generated: boolean;
  readonly comment: string | null;
  readonly hasDefaultValue: boolean;
  readonly defaultValueExpression?: string;
  readonly enumValues: readonly string[];
}

export interface DebeziumTable {
  readonly defaultCharsetName: string | null;
  readonly primaryKeyColumnNames: readonly string[];
  readonly columns: readonly DebeziumColumn[];
  readonly attributes: ReadonlyArray<{ readonly name: string; readonly value: string }>;
}

export interface DebeziumTableChange {
  readonly type: TableChangeType;
  readonly id: string;
  readonly previousId?: string;
  readonly table?: DebeziumTable;
  readonly comment?: string | null;
}

/** java.sql.Types codes Debezium's MySQL DDL parser gives each type. */
const JDBC_TYPES: Readonly<Record<string, number>> = {
  tinyint: -6, smallint: 5, mediumint: 4, int: 4, integer: 4, bigint: -5, float: 6, double: 8, real: 7, decimal: 3, numeric: 2,
  bit: -7, bool: 16, boolean: 16, date: 91, datetime: 93, timestamp: 2014, time: 92, year: 4,
  char: 1, varchar: 12, tinytext: 12, text: 12, mediumtext: 12, longtext: 12, enum: 1, set: 1,
  binary: -2, varbinary: -3, tinyblob: 2004, blob: 2004, mediumblob: 2004, longblob: 2004,
};
const JDBC_OTHER = 1111;

/** `"db"."table"`, each part in double quotes with inner quotes doubled (Debezium's TableId). */
export function quotedTableId(db: string, table: string): string {
  const q = (s: string): string => `"${s.replace(/"/g, '""')}"`;
  return `${q(db)}.${q(table)}`;
}

/** The parts of a quoted id (`"a"."b"`, also unquoted `a.b`); null when it is not two parts. */
export function parseTableId(id: string): { db: string; table: string } | null {
  const parts: string[] = [];
  let i = 0;
  while (i < id.length) {
    let part = '';
    if (id[i] === '"') {
      i++;
      for (;;) {
        if (i >= id.length) return null;
        if (id[i] === '"' && id[i + 1] === '"') { part += '"'; i += 2; continue; }
        if (id[i] === '"') { i++; break; }
        part += id[i++];
      }
    } else {
      while (i < id.length && id[i] !== '.') part += id[i++];
    }
    parts.push(part);
    if (i < id.length) {
      if (id[i] !== '.') return null;
      i++;
    }
  }
  return parts.length === 2 ? { db: parts[0]!, table: parts[1]! } : null;
}

/** The numbers in the parentheses of a declared type: varchar(255) -> [255], decimal(10,2) -> [10, 2]. */
function declaredSize(columnType: string): number[] {
  const m = /^[a-z]+\s*\(([\d\s,]+)\)/i.exec(columnType);
  return m ? m[1]!.split(',').map((x) => Number(x.trim())) : [];
}

function sqlQuote(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

/** One column as Debezium's MySQL DDL parser would describe it. */
export function debeziumColumn(c: MySqlColumn): DebeziumColumn {
  const typeName = `${c.dataType.toUpperCase()}${c.unsigned ? ' UNSIGNED' : ''}${/\bzerofill\b/i.test(c.columnType) ? ' ZEROFILL' : ''}`;
  const members = c.members !== undefined;
  const [length, scale] = members ? [] : declaredSize(c.columnType);
  const hasDefault = c.defaultValue !== null || c.nullable;
  return {
    name: c.name,
    jdbcType: JDBC_TYPES[c.dataType] ?? JDBC_OTHER,
    typeName,
    typeExpression: typeName,
    charsetName: c.charset,
    ...(length !== undefined ? { length } : {}),
    ...(scale !== undefined ? { scale } : {}),
    position: c.position,
    optional: c.nullable,
    autoIncremented: c.autoIncrement,
    generated: c.generated,
    comment: c.comment === '' ? null : c.comment,
    hasDefaultValue: hasDefault,
    ...(c.defaultValue !== null ? { defaultValueExpression: c.defaultValue } : {}),
    enumValues: (c.members ?? []).map(sqlQuote),
  };
}

/** A table change of `type` for `table` (CREATE / ALTER carry the table; DROP only the id). */
export function tableChange(type: TableChangeType, id: { db: string; table: string }, table: MySqlTable | null, options: TableOptions | null, previous?: { db: string; table: string }): DebeziumTableChange {
  const head = { type, id: quotedTableId(id.db, id.table), ...(previous ? { previousId: quotedTableId(previous.db, previous.table) } : {}) };
  if (type === 'DROP' || table === null) return head;
  return {
    ...head,
    table: {
      defaultCharsetName: options?.defaultCharsetName ?? null,
      primaryKeyColumnNames: [...table.primaryKey],
      columns: table.columns.map(debeziumColumn),
      attributes: [{ name: COLUMNS_ATTRIBUTE, value: JSON.stringify(table.columns) }],
    },
    comment: options?.comment ?? null,
  };
}

/** The MySqlTable a CREATE/ALTER change describes (null for DROP or a change without a table). */
export function tableFromChange(change: DebeziumTableChange): MySqlTable | null {
  if (change.type === 'DROP' || !change.table) return null;
  const id = parseTableId(change.id);
  if (id === null) throw new Error(`table id ${JSON.stringify(change.id)} is not "database"."table"`);
  const exact = change.table.attributes?.find((a) => a.name === COLUMNS_ATTRIBUTE);
  const columns: MySqlColumn[] = exact ? JSON.parse(exact.value) as MySqlColumn[] : change.table.columns.map(columnFromDebezium);
  return { db: id.db, name: id.table, columns, primaryKey: [...(change.table.primaryKeyColumnNames ?? [])] };
}

function unquote(s: string): string {
  return /^'.*'$/s.test(s) ? s.slice(1, -1).replace(/''/g, "'") : s;
}

/** Best reading of a column Debezium described (no exact attribute): its declared type rebuilt. */
export function columnFromDebezium(d: DebeziumColumn): MySqlColumn {
  const words = d.typeName.toLowerCase().split(/\s+/);
  const dataType = words[0]!;
  const unsigned = words.includes('unsigned');
  const members = d.enumValues && d.enumValues.length > 0 ? d.enumValues.map(unquote) : undefined;
  const size = members
    ? `(${members.map(sqlQuote).join(',')})`
    : d.length !== undefined ? `(${d.length}${d.scale !== undefined ? `,${d.scale}` : ''})` : '';
  const temporal = ['datetime', 'timestamp', 'time'].includes(dataType);
  const decimal = dataType === 'decimal' || dataType === 'numeric';
  const def = d.defaultValueExpression ?? null;
  return {
    name: d.name,
    position: d.position,
    dataType,
    columnType: `${dataType}${size}${unsigned ? ' unsigned' : ''}${words.includes('zerofill') ? ' zerofill' : ''}`,
    unsigned,
    length: temporal || decimal ? null : d.length ?? null,
    precision: decimal ? d.length ?? 10 : null,
    scale: decimal ? d.scale ?? 0 : null,
    fsp: temporal ? d.length ?? 0 : 0,
    charset: d.charsetName ?? null,
    nullable: d.optional,
    defaultValue: def,
    // Debezium keeps the text of the DEFAULT clause only; a function call or keyword is an expression.
    defaultIsExpression: def !== null && /^(current_timestamp|now|localtime|localtimestamp|curdate|current_date|curtime|uuid)\b|\(/i.test(def),
    autoIncrement: d.autoIncremented,
    generated: d.generated,
    comment: d.comment ?? '',
    ...(members ? { members } : {}),
  };
}

const TABLE_OPTIONS_SQL = `SELECT c.CHARACTER_SET_NAME AS CHARSET, t.TABLE_COMMENT AS COMMENT
  FROM information_schema.TABLES t
  LEFT JOIN information_schema.COLLATION_CHARACTER_SET_APPLICABILITY c ON c.COLLATION_NAME = t.TABLE_COLLATION
  WHERE t.TABLE_SCHEMA = ? AND t.TABLE_NAME = ?`;

/** The table's default charset and comment now, or null when the table does not exist. */
export async function readTableOptions(run: (sql: string, params: readonly unknown[]) => Promise<readonly Record<string, unknown>[]>, db: string, table: string): Promise<TableOptions | null> {
  const rows = await run(TABLE_OPTIONS_SQL, [db, table]);
  const r = rows[0];
  if (r === undefined) return null;
  const comment = r.COMMENT === null || r.COMMENT === undefined || r.COMMENT === '' ? null : String(r.COMMENT);
  return { defaultCharsetName: r.CHARSET === null || r.CHARSET === undefined ? null : String(r.CHARSET), comment };
}
