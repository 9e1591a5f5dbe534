/**
 * MySQL/MariaDB tables for pure tests of the table model and change events, built the way the
 * connector builds them (information_schema.COLUMNS rows through columnFromInformationSchema),
 * so the fixture cannot drift from what readTableSchema returns.
 */
import { columnFromInformationSchema, type InformationSchemaColumnRow, type ServerFlavor } from '../../sources/mysql/column-info.ts';
import type { MySqlTable } from '../../sources/mysql/table-schema.ts';
import { DEFAULT_MYSQL_TYPE_OPTIONS } from '../../sources/mysql/types.ts';
import type { MySqlModelSettings } from '../../sources/mysql/table-model-settings.ts';

/** name, COLUMN_TYPE, other information_schema facts, and whether a CHECK (json_valid(col)) exists (MariaDB's JSON). */
type Col = [name: string, columnType: string, extra?: Partial<InformationSchemaColumnRow>, jsonChecked?: boolean];

/** One information_schema.COLUMNS row; DATA_TYPE and the numeric facts come from COLUMN_TYPE. */
export function schemaRow(name: string, pos: number, columnType: string, extra: Partial<InformationSchemaColumnRow> = {}): InformationSchemaColumnRow {
  const dataType = /^[a-z]+/.exec(columnType)![0];
  const args = /\((\d+)(?:,(\d+))?\)/.exec(columnType);
  const textual = /char|text/.test(dataType);
  return {
    COLUMN_NAME: name, ORDINAL_POSITION: pos, COLUMN_DEFAULT: null, IS_NULLABLE: 'YES', DATA_TYPE: dataType,
    CHARACTER_MAXIMUM_LENGTH: textual || /binary/.test(dataType) ? Number(args?.[1] ?? 65535) : null,
    NUMERIC_PRECISION: dataType === 'decimal' ? Number(args![1]) : null,
    NUMERIC_SCALE: dataType === 'decimal' ? Number(args![2] ?? 0) : null,
    DATETIME_PRECISION: /date|time/.test(dataType) && dataType !== 'date' ? Number(args?.[1] ?? 0) : null,
    CHARACTER_SET_NAME: textual ? 'utf8mb4' : null,
    COLUMN_TYPE: columnType, EXTRA: '', COLUMN_COMMENT: '', ...extra,
  };
}

export function mysqlTable(db: string, name: string, cols: readonly Col[], primaryKey: readonly string[], flavor: ServerFlavor = 'mariadb'): MySqlTable {
  return {
    db, name, primaryKey,
    columns: cols.map(([n, t, extra, json], i) => columnFromInformationSchema(schemaRow(n, i + 1, t, extra), flavor, json === true)),
  };
}

const NOT_NULL = { IS_NULLABLE: 'NO' } as const;

/** inventory.types: one column of every type family the binlog connectors map, plus a POINT they leave out. */
export const TYPES_TABLE: MySqlTable = mysqlTable('inventory', 'types', [
  ['id', 'int(11)', NOT_NULL],
  ['b1', 'tinyint(1)'], ['tiu', 'tinyint(3) unsigned'], ['si', 'smallint(6)'], ['siu', 'smallint(5) unsigned'],
  ['mi', 'mediumint(9)'], ['i', 'int(11)'], ['iu', 'int(10) unsigned'], ['bi', 'bigint(20)'], ['biu', 'bigint(20) unsigned'],
  ['d', 'decimal(10,2)', { ...NOT_NULL, COLUMN_DEFAULT: '1.50' }], ['f', 'float'], ['dbl', 'double'],
  ['bit1', 'bit(1)'], ['bit10', 'bit(10)'],
  ['c', 'char(4)'], ['vc', 'varchar(20)', { COLUMN_DEFAULT: "'it''s'", COLUMN_COMMENT: 'a comment' }],
  ['lat', 'varchar(20)', { CHARACTER_SET_NAME: 'latin1' }], ['tx', 'text'],
  ['bn', 'binary(4)'], ['vb', 'varbinary(10)'], ['bl', 'blob'],
  ['dt', 'date'], ['dtm0', 'datetime'], ['dtm6', 'datetime(6)'], ['ts6', 'timestamp(6)'], ['tm6', 'time(6)'], ['y', 'year(4)'],
  ['js', 'longtext', {}, true], ['e', "enum('a','b','c,d')"], ['st', "set('x','y','z')"],
  ['g', 'point'],
  ['zd', 'date', { ...NOT_NULL, COLUMN_DEFAULT: "'2000-01-01'" }],
], ['id']);

/** inventory.items (id int PK, name varchar NOT NULL, qty int NOT NULL DEFAULT 7, note text) */
export const ITEMS_TABLE: MySqlTable = mysqlTable('inventory', 'items', [
  ['id', 'int(11)', NOT_NULL], ['name', 'varchar(40)', NOT_NULL], ['qty', 'int(11)', { ...NOT_NULL, COLUMN_DEFAULT: '7' }], ['note', 'text'],
], ['id']);

export function modelSettingsFor(over: Partial<MySqlModelSettings> = {}): MySqlModelSettings {
  return {
    flavour: 'mariadb', topicPrefix: 'shop', topicDelimiter: '.', types: DEFAULT_MYSQL_TYPE_OPTIONS,
    columnFilter: () => true, keyColumns: () => undefined, names: null, ...over,
  };
}
