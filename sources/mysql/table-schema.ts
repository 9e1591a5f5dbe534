/**
 * A table's columns, primary key and defaults from information_schema, and the check that ties
 * them to the binlog: a table map (with binlog_row_metadata=FULL) names every column and its
 * binlog type, so the schema read now can be proven to be the schema the row event was written
 * with. information_schema shows the table as it is NOW; after lag or a restart behind an ALTER
 * the two differ, and decoding with today's columns would be wrong, silently when only a type
 * changed. A mismatch is reported (CDC_MYSQL_SCHEMA_MISMATCH) instead of guessed around.
 */
import { SourceError } from '../../src/errors/cdc-error.ts';
import { columnFromInformationSchema, type InformationSchemaColumnRow, type MySqlColumn, type ServerFlavor } from './column-info.ts';

export interface MySqlTable {
  readonly db: string;
  readonly name: string;
  /** In ordinal order (the order of the binlog's row images). */
  readonly columns: readonly MySqlColumn[];
  /** Primary key column names in key order; empty when the table has none. */
  readonly primaryKey: readonly string[];
}

/** The query surface used: mysql2/promise's Connection and Pool both fit via `sqlRunner`. */
export type SqlRunner = (sql: string, params: readonly unknown[]) => Promise<readonly Record<string, unknown>[]>;

/** Adapts a mysql2/promise Connection or Pool. */
export function sqlRunner(conn: { query: (sql: string, params: unknown[]) => Promise<[unknown, unknown]> }): SqlRunner {
  return async (sql, params) => (await conn.query(sql, [...params]))[0] as Record<string, unknown>[];
}

const COLUMNS_SQL = `SELECT COLUMN_NAME, ORDINAL_POSITION, COLUMN_DEFAULT, IS_NULLABLE, DATA_TYPE,
  CHARACTER_MAXIMUM_LENGTH, NUMERIC_PRECISION, NUMERIC_SCALE, DATETIME_PRECISION, CHARACTER_SET_NAME,
  COLUMN_TYPE, EXTRA, COLUMN_COMMENT
  FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`;

const PK_SQL = `SELECT COLUMN_NAME FROM information_schema.KEY_COLUMN_USAGE
  WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND CONSTRAINT_NAME = 'PRIMARY' ORDER BY ORDINAL_POSITION`;

/** MariaDB's JSON alias is LONGTEXT plus CHECK (json_valid(`col`)), listed per column here. */
const JSON_CHECK_SQL = `SELECT CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS
  WHERE CONSTRAINT_SCHEMA = ? AND TABLE_NAME = ?`;

/** Column names whose CHECK clause is exactly json_valid(<that column>). */
export function jsonCheckedColumns(clauses: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (const c of clauses) {
    const m = /^\s*json_valid\(\s*`((?:[^`]|``)+)`\s*\)\s*$/i.exec(c);
    if (m) out.add(m[1]!.replace(/``/g, '`'));
  }
  return out;
}

/** The table as information_schema shows it now, or null when it does not exist. */
export async function readTableSchema(run: SqlRunner, db: string, table: string, flavor: ServerFlavor): Promise<MySqlTable | null> {
  const rows = await run(COLUMNS_SQL, [db, table]);
  if (rows.length === 0) return null;
  const pk = await run(PK_SQL, [db, table]);
  const json = flavor === 'mariadb'
    ? jsonCheckedColumns((await run(JSON_CHECK_SQL, [db, table])).map((r) => String(r.CHECK_CLAUSE)))
    : new Set<string>();
  return {
    db,
    name: table,
    columns: rows.map((r) => {
      const row = r as unknown as InformationSchemaColumnRow;
      return columnFromInformationSchema(row, flavor, json.has(row.COLUMN_NAME));
    }),
    primaryKey: pk.map((r) => String(r.COLUMN_NAME)),
  };
}

/** The table map fields compared (zongji's TableMap event). */
export interface TableMapShape {
  readonly columnNames?: readonly string[];
  readonly columnTypes: readonly number[];
}

/** Binlog type codes (include/mysql_com.h enum_field_types) each DATA_TYPE may be written with. */
const BINLOG_TYPES: Readonly<Record<string, readonly number[]>> = {
  tinyint: [1], smallint: [2], mediumint: [9], int: [3], integer: [3], bigint: [8],
  float: [4], double: [5], real: [5], decimal: [246, 0], numeric: [246, 0],
  date: [10, 14], datetime: [12, 18], timestamp: [7, 17], time: [11, 19], year: [13], bit: [16],
  char: [254], binary: [254], varchar: [15, 253], varbinary: [15, 253],
  tinytext: [252], text: [252], mediumtext: [252], longtext: [252], tinyblob: [252], blob: [252], mediumblob: [252], longblob: [252],
  json: [245, 252], enum: [247, 254], set: [248, 254],
  geometry: [255], point: [255], linestring: [255], polygon: [255], multipoint: [255], multilinestring: [255], multipolygon: [255],
  geometrycollection: [255], geomcollection: [255],
  uuid: [254], inet4: [254], inet6: [254],
};

/**
 * Why the table map does not describe `table`, or null when it does (same column count, names
 * in order, and each binlog type one the column's DATA_TYPE is written with). Without FULL
 * metadata (no names), only count and types can be compared.
 */
export function tableMapMismatch(table: MySqlTable, map: TableMapShape): string | null {
  if (map.columnTypes.length !== table.columns.length) {
    return `the binlog row has ${map.columnTypes.length} columns, information_schema lists ${table.columns.length}`;
  }
  for (let i = 0; i < table.columns.length; i++) {
    const col = table.columns[i]!;
    const name = map.columnNames?.[i];
    if (name !== undefined && name !== col.name) return `column ${i + 1} is "${name}" in the binlog but "${col.name}" in information_schema`;
    const allowed = BINLOG_TYPES[col.dataType];
    const code = map.columnTypes[i]!;
    if (allowed && !allowed.includes(code)) return `column "${col.name}" has binlog type ${code} but information_schema says ${col.columnType}`;
  }
  return null;
}

/** Throws CDC_MYSQL_SCHEMA_MISMATCH when the table map and the schema read disagree. */
export function checkAgainstTableMap(table: MySqlTable, map: TableMapShape, where: string): void {
  const why = tableMapMismatch(table, map);
  if (why === null) return;
  throw new SourceError({
    code: 'CDC_MYSQL_SCHEMA_MISMATCH',
    what: `the binlog's table map for ${table.db}.${table.name} does not match its current definition: ${why}`,
    where,
    fix: 'the table was altered after this binlog position, so its current definition cannot decode these rows; decode them with the definition of their time (the table map as written), or reset the offset and snapshot again with snapshot.mode=when_needed',
    retriable: true,
  });
}
