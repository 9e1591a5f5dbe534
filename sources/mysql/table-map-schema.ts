/**
 * A table's definition as the binlog's own TABLE_MAP event gives it (binlog_row_metadata=FULL:
 * names, types with length/precision/scale/fractional digits, signedness, charsets, ENUM/SET
 * members, primary key). Used when neither information_schema (the table as it is now) nor
 * the schema history describes a row event, e.g. rows written between two ALTERs that ran before
 * the connector read them: the rows are decoded and emitted with the columns of their own time.
 * Columns that information_schema still has with the same name and a type the map allows keep
 * their information_schema facts (default, nullability, comment); others are nullable without
 * a default, which the map does not carry.
 */
import { columnFromInformationSchema, type MySqlColumn, type ServerFlavor } from './column-info.ts';
import { tableMapMismatch, type MySqlTable } from './table-schema.ts';

/** zongji's INFORMATION_SCHEMA-shaped column built from the table map (its buildColumnSchemas). */
export interface MapColumnSchema {
  readonly COLUMN_NAME: string;
  readonly COLUMN_TYPE: string;
  readonly CHARACTER_SET_NAME: string | null;
}

/** The map's definition of db.table, or null when the map does not describe itself (no FULL metadata). */
export function tableFromMap(db: string, name: string, map: { columnSchemas?: readonly MapColumnSchema[]; columnTypes: readonly number[]; primaryKey?: readonly number[] },
  current: MySqlTable | null, flavor: ServerFlavor): MySqlTable | null {
  const schemas = map.columnSchemas;
  if (!schemas || schemas.length !== map.columnTypes.length || schemas.some((s) => !s.COLUMN_TYPE)) return null;
  const columns: MySqlColumn[] = schemas.map((s, i) => {
    const same = current?.columns.find((c) => c.name === s.COLUMN_NAME);
    if (same && tableMapMismatch({ db, name, columns: [same], primaryKey: [] }, { columnNames: [s.COLUMN_NAME], columnTypes: [map.columnTypes[i]!] }) === null
      && sameDeclaredType(same.columnType, s.COLUMN_TYPE)) {
      return { ...same, position: i + 1 };
    }
    const type = s.COLUMN_TYPE.replace(/\s*\/\*.*\*\/\s*/g, '');
    const dataType = /^([a-z]+)/i.exec(type)?.[1]!.toLowerCase() ?? type;
    const args = /\(([^)]*)\)/.exec(type)?.[1]?.split(',').map((x) => x.trim()) ?? [];
    const numeric = dataType === 'decimal' || dataType === 'numeric';
    const temporal = dataType === 'datetime' || dataType === 'timestamp' || dataType === 'time';
    const textual = /char|text|binary|blob/.test(dataType);
    return columnFromInformationSchema({
      COLUMN_NAME: s.COLUMN_NAME, ORDINAL_POSITION: i + 1, COLUMN_DEFAULT: null, IS_NULLABLE: 'YES', DATA_TYPE: dataType,
      CHARACTER_MAXIMUM_LENGTH: textual && args[0] ? Number(args[0]) : null,
      NUMERIC_PRECISION: numeric ? Number(args[0] ?? 10) : null, NUMERIC_SCALE: numeric ? Number(args[1] ?? 0) : null,
      DATETIME_PRECISION: temporal ? Number(args[0] ?? 0) : null,
      CHARACTER_SET_NAME: s.CHARACTER_SET_NAME, COLUMN_TYPE: type, EXTRA: '', COLUMN_COMMENT: '',
    }, flavor, same?.dataType === 'json');
  });
  const primaryKey = map.primaryKey && map.primaryKey.length > 0
    ? map.primaryKey.map((i) => columns[i]?.name).filter((n): n is string => n !== undefined)
    : (current?.primaryKey ?? []).filter((k) => columns.some((c) => c.name === k));
  return { db, name, columns, primaryKey };
}

/** information_schema's COLUMN_TYPE and the map's agree (display widths and case aside). */
function sameDeclaredType(a: string, b: string): boolean {
  const norm = (t: string) => t.toLowerCase().replace(/\s*\/\*.*\*\/\s*/g, '').replace(/^(tinyint|smallint|mediumint|int|bigint)\(\d+\)/, '$1').replace(/\s+zerofill/, '').trim();
  return norm(a) === norm(b);
}
