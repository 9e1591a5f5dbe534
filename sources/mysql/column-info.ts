/**
 * One MySQL/MariaDB column as the type mapping needs it, built from an
 * information_schema.COLUMNS row (plus MariaDB's json_valid CHECK, since MariaDB stores JSON as
 * LONGTEXT and only the constraint says it is JSON). The binlog's table map carries names, type
 * codes, signedness, charsets and ENUM/SET members (binlog_row_metadata=FULL) but no defaults
 * and no JSON marker, so the schema of an event is information_schema checked against the map
 * (table-schema.ts).
 */

export interface MySqlColumn {
  readonly name: string;
  /** 1-based ORDINAL_POSITION. */
  readonly position: number;
  /** DATA_TYPE, lower case ('int', 'varchar', 'longtext', ...); 'json' for a MariaDB JSON column. */
  readonly dataType: string;
  /** COLUMN_TYPE as the server prints it: 'tinyint(1) unsigned', "enum('a','b')", 'decimal(65,30)'. */
  readonly columnType: string;
  readonly unsigned: boolean;
  /** CHARACTER_MAXIMUM_LENGTH (chars), BIT width, or null. */
  readonly length: number | null;
  /** NUMERIC_PRECISION / NUMERIC_SCALE for DECIMAL, else null. */
  readonly precision: number | null;
  readonly scale: number | null;
  /** DATETIME_PRECISION (fractional digits of TIME/DATETIME/TIMESTAMP), 0 when none. */
  readonly fsp: number;
  readonly charset: string | null;
  readonly nullable: boolean;
  /**
   * COLUMN_DEFAULT in the server's own notation: MariaDB (10.2.7+) quotes string literals
   * ('abc'), writes NULL as the word NULL and expressions as text (current_timestamp());
   * MySQL gives unquoted literals and SQL NULL. `defaultIsExpression` tells the two apart.
   */
  readonly defaultValue: string | null;
  readonly defaultIsExpression: boolean;
  readonly autoIncrement: boolean;
  readonly generated: boolean;
  readonly comment: string;
  /** ENUM / SET members in declaration order. */
  readonly members?: readonly string[];
}

/** The information_schema.COLUMNS fields read (names as the server returns them). */
export interface InformationSchemaColumnRow {
  readonly COLUMN_NAME: string;
  readonly ORDINAL_POSITION: number | string;
  readonly COLUMN_DEFAULT: string | null;
  readonly IS_NULLABLE: string;
  readonly DATA_TYPE: string;
  readonly CHARACTER_MAXIMUM_LENGTH: number | string | null;
  readonly NUMERIC_PRECISION: number | string | null;
  readonly NUMERIC_SCALE: number | string | null;
  readonly DATETIME_PRECISION: number | string | null;
  readonly CHARACTER_SET_NAME: string | null;
  readonly COLUMN_TYPE: string;
  readonly EXTRA: string;
  readonly COLUMN_COMMENT: string;
}

export type ServerFlavor = 'mariadb' | 'mysql';

const num = (v: number | string | null): number | null => (v === null || v === undefined ? null : Number(v));

/** Members of "enum('a','b''c')" / "set(...)": quotes doubled inside, backslash escapes as MySQL prints them. */
export function parseMembers(columnType: string): string[] {
  const open = columnType.indexOf('(');
  const close = columnType.lastIndexOf(')');
  if (open < 0 || close < open) return [];
  const body = columnType.slice(open + 1, close);
  const out: string[] = [];
  let i = 0;
  while (i < body.length) {
    if (body[i] !== "'") { i++; continue; }
    let s = '';
    i++;
    while (i < body.length) {
      const c = body[i]!;
      if (c === "'" && body[i + 1] === "'") { s += "'"; i += 2; continue; }
      if (c === '\\' && i + 1 < body.length) { s += body[i + 1]; i += 2; continue; }
      if (c === "'") { i++; break; }
      s += c;
      i++;
    }
    out.push(s);
  }
  return out;
}

/**
 * information_schema row -> MySqlColumn. `jsonChecked` is true when a CHECK (json_valid(col))
 * constraint exists (MariaDB's JSON alias). MariaDB quotes literal defaults and writes NULL
 * as a word; MySQL marks expression defaults with DEFAULT_GENERATED in EXTRA.
 */
export function columnFromInformationSchema(row: InformationSchemaColumnRow, flavor: ServerFlavor, jsonChecked = false): MySqlColumn {
  const dataType = row.DATA_TYPE.toLowerCase();
  const columnType = row.COLUMN_TYPE;
  const extra = (row.EXTRA ?? '').toLowerCase();
  let defaultValue: string | null = row.COLUMN_DEFAULT;
  let defaultIsExpression = false;
  if (flavor === 'mariadb') {
    if (defaultValue === 'NULL') defaultValue = null;
    else if (defaultValue !== null) {
      if (/^'.*'$/s.test(defaultValue)) defaultValue = defaultValue.slice(1, -1).replace(/''/g, "'").replace(/\\\\/g, '\\');
      else if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(defaultValue) && !/^b'[01]*'$/.test(defaultValue)) defaultIsExpression = true;
    }
  } else if (extra.includes('default_generated')) {
    defaultIsExpression = true;
  }
  const isJson = dataType === 'json' || (jsonChecked && dataType === 'longtext');
  const bitWidth = dataType === 'bit' ? Number(/bit\((\d+)\)/i.exec(columnType)?.[1] ?? num(row.NUMERIC_PRECISION) ?? 1) : null;
  return {
    name: row.COLUMN_NAME,
    position: Number(row.ORDINAL_POSITION),
    dataType: isJson ? 'json' : dataType,
    columnType,
    unsigned: /\bunsigned\b/i.test(columnType),
    length: bitWidth ?? num(row.CHARACTER_MAXIMUM_LENGTH),
    precision: num(row.NUMERIC_PRECISION),
    scale: num(row.NUMERIC_SCALE),
    fsp: num(row.DATETIME_PRECISION) ?? 0,
    charset: row.CHARACTER_SET_NAME,
    nullable: row.IS_NULLABLE.toUpperCase() === 'YES',
    defaultValue,
    defaultIsExpression,
    autoIncrement: extra.includes('auto_increment'),
    generated: /\b(virtual|stored|persistent) generated\b|\bvirtual\b|\bpersistent\b|\bstored\b/.test(extra),
    comment: row.COLUMN_COMMENT ?? '',
    ...(dataType === 'enum' || dataType === 'set' ? { members: parseMembers(columnType) } : {}),
  };
}
