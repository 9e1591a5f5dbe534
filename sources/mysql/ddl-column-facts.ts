/**
 * A declared column as the server would hold it: the type with aliases resolved and compared with
 * the server's spelling (COLUMN_TYPE), a column built from the declaration when no spelled column of
 * that type is at hand, and DEFAULT clauses in the server's notation (DECIMAL at its scale, temporal
 * values at the column's fractional digits, MariaDB's current_timestamp()). Used by ddl-apply.ts;
 * throws Refused where the server's answer cannot be told.
 */
import { tokenize } from './ddl-tokens.ts';
import { columnFromInformationSchema, type MySqlColumn, type ServerFlavor } from './column-info.ts';
import { columnDefinition, type ColumnDef, type DefaultClause } from './ddl-column-def.ts';

/** A column whose definition after the statement cannot be told from it. */
export class Refused extends Error {}

export interface Declared {
  readonly dataType: string;
  /** the type with aliases resolved and display widths dropped: 'int unsigned', 'decimal(10,2)', "enum('a','b')" */
  readonly norm: string;
  readonly json: boolean;
  readonly textual: boolean;
  readonly args: readonly string[];
  readonly members?: readonly string[];
}

const ALIASES: Readonly<Record<string, string>> = {
  INTEGER: 'INT', INT4: 'INT', INT1: 'TINYINT', INT2: 'SMALLINT', INT3: 'MEDIUMINT', MIDDLEINT: 'MEDIUMINT', INT8: 'BIGINT',
  DEC: 'DECIMAL', NUMERIC: 'DECIMAL', FIXED: 'DECIMAL', REAL: 'DOUBLE', 'DOUBLE PRECISION': 'DOUBLE', FLOAT8: 'DOUBLE', FLOAT4: 'FLOAT',
  CHARACTER: 'CHAR', NCHAR: 'CHAR', 'NATIONAL CHAR': 'CHAR', 'NATIONAL CHARACTER': 'CHAR', NVARCHAR: 'VARCHAR', 'NATIONAL VARCHAR': 'VARCHAR',
  'CHARACTER VARYING': 'VARCHAR', 'CHAR VARYING': 'VARCHAR', 'NATIONAL CHAR VARYING': 'VARCHAR', 'NATIONAL CHARACTER VARYING': 'VARCHAR',
  VARCHARACTER: 'VARCHAR', LONG: 'MEDIUMTEXT', 'LONG VARCHAR': 'MEDIUMTEXT', 'LONG VARBINARY': 'MEDIUMBLOB', GEOMCOLLECTION: 'GEOMETRYCOLLECTION',
};
const INTEGERS = new Set(['tinyint', 'smallint', 'mediumint', 'int', 'bigint']);
const TEXTUAL = /^(char|varchar|tinytext|text|mediumtext|longtext|enum|set)$/;

/** The declared type with aliases resolved, in a form both a statement and COLUMN_TYPE reduce to. */
export function declaredType(def: ColumnDef, flavor: ServerFlavor): Declared {
  let name = ALIASES[def.typeName] ?? def.typeName;
  let args = def.typeArgs;
  let unsigned = def.unsigned;
  if (name === 'BOOL' || name === 'BOOLEAN') { name = 'TINYINT'; args = ['1']; }
  if (name === 'SERIAL') { name = 'BIGINT'; unsigned = true; }
  const t = name.toLowerCase();
  const sign = `${unsigned ? ' unsigned' : ''}${def.zerofill ? ' zerofill' : ''}`;
  const json = t === 'json';
  const base = { json, textual: TEXTUAL.test(t), args };
  if (INTEGERS.has(t)) return { ...base, dataType: t, norm: `${t}${sign}` };
  if (t === 'decimal') return { ...base, dataType: t, norm: `decimal(${args[0] ?? 10},${args[1] ?? 0})${sign}` };
  if (t === 'float' || t === 'double') {
    if (t === 'float' && args.length === 1) {
      const dt = Number(args[0]) > 24 ? 'double' : 'float';
      return { ...base, dataType: dt, norm: `${dt}${sign}` };
    }
    return { ...base, dataType: t, norm: `${t}${args.length === 2 ? `(${args[0]},${args[1]})` : ''}${sign}` };
  }
  if (t === 'char' || t === 'binary' || t === 'bit') return { ...base, dataType: t, norm: `${t}(${args[0] ?? 1})` };
  if (t === 'varchar' || t === 'varbinary') {
    if (args[0] === undefined) throw new Refused(`${t} without a length`);
    return { ...base, dataType: t, norm: `${t}(${args[0]})` };
  }
  if (t === 'datetime' || t === 'timestamp' || t === 'time') {
    const fsp = Number(args[0] ?? 0);
    return { ...base, dataType: t, norm: fsp > 0 ? `${t}(${fsp})` : t };
  }
  if (t === 'enum' || t === 'set') return { ...base, dataType: t, norm: `${t}(${args.map((m) => `'${m.replace(/'/g, "''")}'`).join(',')})`, members: args };
  if (json && flavor === 'mariadb') return { ...base, dataType: 'json', norm: 'longtext' };
  if ((t === 'text' || t === 'blob') && args.length > 0) throw new Refused(`${t}(${args[0]}): the server picks the ${t} size`);
  return { ...base, dataType: t, norm: t };
}

/** Whether `col` (a column the server spelled) has the declared type (and charset, when stated). */
export function sameType(d: Declared, col: MySqlColumn, flavor: ServerFlavor, charset: string | null): boolean {
  let server: Declared;
  try {
    server = declaredType(columnDefinition(tokenize(`c ${col.columnType}`)), flavor);
  } catch {
    return false;
  }
  if (server.norm !== d.norm) return false;
  if (d.json !== (col.dataType === 'json')) return false;
  if (charset !== null && col.charset !== null && col.charset.toLowerCase() !== charset) return false;
  return true;
}

const TEXT_MAX: Readonly<Record<string, number>> = { tinytext: 255, text: 65535, mediumtext: 16777215, longtext: 4294967295, tinyblob: 255, blob: 65535, mediumblob: 16777215, longblob: 4294967295 };

/** A column built from the declared type alone, for a type that needs no charset; otherwise Refused. */
export function built(def: ColumnDef, d: Declared, flavor: ServerFlavor, charset: string | null): MySqlColumn {
  if ((d.textual || d.json) && charset === null) {
    throw new Refused(`column ${def.name}: its charset is inherited from the table or database, which the statement does not say`);
  }
  const numeric = d.dataType === 'decimal';
  const temporal = d.dataType === 'datetime' || d.dataType === 'timestamp' || d.dataType === 'time';
  const sized = /^(char|varchar|binary|varbinary)$/.test(d.dataType);
  const dataType = d.json && flavor === 'mariadb' ? 'longtext' : d.dataType;
  const integer = INTEGER_DIGITS[dataType];
  const unsigned = /\bunsigned\b/.test(d.norm);
  const float = dataType === 'float' || dataType === 'double';
  const floatArgs = float && def.typeArgs.length === 2;
  return columnFromInformationSchema({
    COLUMN_NAME: def.name, ORDINAL_POSITION: 0, COLUMN_DEFAULT: null, IS_NULLABLE: 'YES', DATA_TYPE: dataType,
    CHARACTER_MAXIMUM_LENGTH: sized ? Number(d.args[0] ?? 1) : TEXT_MAX[dataType] ?? (d.members ? Math.max(0, ...memberLengths(d)) : null),
    NUMERIC_PRECISION: numeric ? Number(d.args[0] ?? 10) : integer ? integer[unsigned ? 1 : 0] : floatArgs ? Number(def.typeArgs[0]) : float ? (dataType === 'float' ? 12 : 22) : dataType === 'bit' ? Number(d.args[0] ?? 1) : null,
    NUMERIC_SCALE: numeric ? Number(d.args[1] ?? 0) : integer ? 0 : floatArgs ? Number(def.typeArgs[1]) : null,
    DATETIME_PRECISION: temporal ? Number(d.args[0] ?? 0) : null,
    CHARACTER_SET_NAME: d.textual || d.json ? charset : null, COLUMN_TYPE: serverSpelling(d, def, flavor), EXTRA: '', COLUMN_COMMENT: '',
  }, flavor, d.json && flavor === 'mariadb');
}

/** NUMERIC_PRECISION of the integer types, signed and unsigned. */
const INTEGER_DIGITS: Readonly<Record<string, readonly [number, number]>> = {
  tinyint: [3, 3], smallint: [5, 5], mediumint: [7, 7], int: [10, 10], bigint: [19, 20],
};
/** MariaDB's default display widths, signed and unsigned (MySQL 8 prints none). */
const DISPLAY_WIDTH: Readonly<Record<string, readonly [number, number]>> = {
  tinyint: [4, 3], smallint: [6, 5], mediumint: [9, 8], int: [11, 10], bigint: [20, 20],
};

function memberLengths(d: Declared): number[] {
  return (d.members ?? []).map((m) => [...m].length).concat(d.dataType === 'set' ? [(d.members ?? []).join(',').length] : []);
}

/** COLUMN_TYPE as the server prints the declared type. */
function serverSpelling(d: Declared, def: ColumnDef, flavor: ServerFlavor): string {
  const width = DISPLAY_WIDTH[d.dataType];
  if (width) {
    const unsigned = /\bunsigned\b/.test(d.norm);
    const stated = def.typeName === 'BOOL' || def.typeName === 'BOOLEAN' ? '1' : def.typeArgs[0];
    const w = flavor === 'mariadb' ? stated ?? String(width[unsigned ? 1 : 0]) : def.zerofill || stated === '1' ? stated ?? String(width[1]) : undefined;
    return d.norm.replace(d.dataType, w === undefined ? d.dataType : `${d.dataType}(${w})`);
  }
  if (d.dataType === 'year' && flavor === 'mariadb') return 'year(4)';
  if (d.json && flavor === 'mariadb') return 'longtext';
  return d.norm;
}

const CURRENT_TS = /^(current_timestamp|now|localtime|localtimestamp)(\((\d*)\))?$/i;
const TEMPORAL = new Set(['date', 'datetime', 'timestamp', 'time']);
const NUMBERS = new Set(['tinyint', 'smallint', 'mediumint', 'int', 'bigint', 'decimal', 'float', 'double', 'year']);

/**
 * defaultValue/defaultIsExpression for a DEFAULT clause (null: none). When `server` (a column of
 * the same type the server spelled) has the same default, its spelling is kept (MariaDB writes
 * 1.00 for DEFAULT 1 on DECIMAL(5,2)); otherwise the clause's own text is used.
 */
export function defaultFacts(clause: DefaultClause | null, col: MySqlColumn, server: MySqlColumn | undefined, flavor: ServerFlavor): Pick<MySqlColumn, 'defaultValue' | 'defaultIsExpression'> {
  if (clause === null || clause.value === null) return { defaultValue: null, defaultIsExpression: false };
  let value = clause.value;
  if (clause.expression) {
    const ts = CURRENT_TS.exec(value);
    if (ts) {
      const fsp = ts[3] ? Number(ts[3]) : 0;
      value = flavor === 'mariadb' ? `current_timestamp(${fsp > 0 ? fsp : ''})` : `CURRENT_TIMESTAMP${fsp > 0 ? `(${fsp})` : ''}`;
    }
  }
  if (server && server.defaultValue !== null && server.defaultIsExpression === clause.expression && sameDefault(col.dataType, server.defaultValue, value)) {
    return { defaultValue: server.defaultValue, defaultIsExpression: server.defaultIsExpression };
  }
  return { defaultValue: clause.expression ? value : literalAsServer(col, value), defaultIsExpression: clause.expression };
}

/** A literal default as the server stores it: DECIMAL at its scale, temporal values at the column's fractional digits. */
function literalAsServer(col: MySqlColumn, v: string): string {
  if (col.dataType === 'decimal' && col.scale !== null && /^[+-]?(\d+\.?\d*|\.\d+)$/.test(v)) {
    const [int = '0', frac = ''] = v.replace(/^\+/, '').split('.');
    const sign = int.startsWith('-') ? '-' : '';
    const digits = int.replace('-', '') || '0';
    return col.scale > 0 ? `${sign}${digits}.${frac.padEnd(col.scale, '0').slice(0, col.scale)}` : `${sign}${digits}`;
  }
  if (!TEMPORAL.has(col.dataType) || ZERO_OR_BAD.test(v)) return v;
  let text = col.dataType === 'date' ? v.slice(0, 10) : col.dataType !== 'time' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v} 00:00:00` : v;
  if (col.dataType === 'date') return text;
  const m = /^(.*?)(?:\.(\d*))?$/.exec(text)!;
  text = col.fsp > 0 ? `${m[1]}.${(m[2] ?? '').padEnd(col.fsp, '0').slice(0, col.fsp)}` : m[1]!;
  return text;
}

const ZERO_OR_BAD = /[^0-9:. -]/;

function sameDefault(dataType: string, a: string, b: string): boolean {
  if (a === b) return true;
  if (NUMBERS.has(dataType)) return Number.isFinite(Number(a)) && Number(a) === Number(b);
  if (TEMPORAL.has(dataType)) return temporalText(a) === temporalText(b);
  if (dataType === 'bit') return bits(a) === bits(b);
  return a.toLowerCase() === b.toLowerCase() && /^(current_timestamp|now)/i.test(a);
}

function temporalText(s: string): string {
  const full = /^\d{4}-\d{2}-\d{2}$/.test(s) ? `${s} 00:00:00` : s;
  return full.replace(/\.0*$/, '').replace(/(\.\d*?)0+$/, '$1');
}

function bits(s: string): string {
  const m = /^b'([01]*)'$/i.exec(s);
  const n = m ? BigInt(`0b${m[1] || '0'}`) : /^\d+$/.test(s) ? BigInt(s) : null;
  return n === null ? s : n.toString(2);
}
