/**
 * The SQL of the MySQL/MariaDB chunked snapshot, pure: keyset queries over a
 * table's chunk key, and the conversion between key values as mysql2 and the
 * binlog reader hand them out and the engine's KeyValue (src/snapshot/contracts.ts).
 *
 * Order: MySQL compares a column with a bound value under the column's own
 * collation (a column's coercibility beats a parameter's), so ORDER BY and the
 * comparisons follow the key index's order. Numbers are bound as text and cast
 * to the column's kind (a string compared with an integer column would be
 * compared as a double and lose digits past 2^53).
 *
 * A composite key is compared as a row value, (k1, k2) > (?, ?), together with
 * k1 >= ?: MariaDB does not turn a row comparison alone into an index range, and
 * each chunk would scan the index from its start.
 */
import type { KeyValue, KeyValues } from '../../src/snapshot/contracts.ts';

/** How a key column's values are kept and bound. */
export type KeyKind =
  /** tinyint, smallint, mediumint, int (signed): number (java.lang.Integer in offsets) */
  | 'int'
  /** int unsigned, bigint (signed): bigint (java.lang.Long) */
  | 'long'
  /** bigint unsigned: decimal text (above Long's range) */
  | 'ubig'
  /** decimal/numeric: decimal text without trailing fraction zeros */
  | 'decimal'
  /** binary, varbinary, blobs: lower-case hex text */
  | 'binary'
  /** date, datetime, timestamp, time, year: text, the fraction without trailing zeros */
  | 'temporal'
  /** character types, enum, set: text */
  | 'text';

/** One column of a chunk key, as information_schema.COLUMNS describes it. */
export interface KeyColumnInfo {
  readonly name: string;
  readonly kind: KeyKind;
  /** DECIMAL(p,s) to cast a bound decimal to; null for other kinds */
  readonly decimalType: string | null;
  readonly notNull: boolean;
}

export interface ChunkTable {
  /** `db`.`table` */
  readonly from: string;
  /** columns to select, quoted */
  readonly columns: readonly string[];
  readonly key: readonly KeyColumnInfo[];
}

export function quoteId(name: string): string {
  return '`' + name.replace(/`/g, '``') + '`';
}

/** `db`.`table` of an id "db.table" (the first dot separates; database names have none). */
export function tableRef(db: string, table: string): string {
  return `${quoteId(db)}.${quoteId(table)}`;
}

/** Types whose values do not compare exactly or do not reach a key intact. */
const REFUSED = new Set(['float', 'double', 'real', 'bit', 'json', 'geometry', 'point', 'linestring', 'polygon', 'multipoint', 'multilinestring', 'multipolygon', 'geometrycollection']);

/**
 * The kind of a key column from information_schema.COLUMNS (DATA_TYPE, COLUMN_TYPE,
 * NUMERIC_PRECISION, NUMERIC_SCALE), or a reason it cannot be a chunk key.
 */
export function keyKindOf(c: { dataType: string; columnType: string; precision: number | null; scale: number | null }): { kind: KeyKind; decimalType: string | null } | { refused: string } {
  const t = c.dataType.toLowerCase();
  const unsigned = /unsigned/i.test(c.columnType);
  if (REFUSED.has(t)) return { refused: `a ${t} column's values do not compare exactly` };
  switch (t) {
    case 'tinyint': case 'smallint': case 'mediumint': return { kind: 'int', decimalType: null };
    case 'int': case 'integer': return { kind: unsigned ? 'long' : 'int', decimalType: null };
    case 'bigint': return { kind: unsigned ? 'ubig' : 'long', decimalType: null };
    case 'decimal': case 'numeric': return { kind: 'decimal', decimalType: `DECIMAL(${c.precision ?? 65},${c.scale ?? 0})` };
    case 'binary': case 'varbinary': case 'tinyblob': case 'blob': case 'mediumblob': case 'longblob': return { kind: 'binary', decimalType: null };
    case 'date': case 'datetime': case 'timestamp': case 'time': case 'year': return { kind: 'temporal', decimalType: null };
    default: return { kind: 'text', decimalType: null };
  }
}

function trimFraction(s: string): string {
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

/**
 * A key value as the engine keeps it, from a snapshot row or a binlog row (the same mysql2
 * options: big numbers as strings, dateStrings, binary as Buffer). Both sides go through
 * this one function, so equal keys compare equal whatever form the value came in.
 */
export function keyValue(k: KeyColumnInfo, v: unknown): KeyValue {
  if (v === null || v === undefined) return null;
  switch (k.kind) {
    case 'int': return Number(v);
    case 'long': return BigInt(typeof v === 'number' ? Math.trunc(v) : String(v));
    case 'ubig': return BigInt(typeof v === 'number' ? Math.trunc(v) : String(v)).toString();
    case 'decimal': {
      const s = trimFraction(String(v));
      return s === '-0' ? '0' : s;
    }
    case 'binary': return Buffer.isBuffer(v) ? v.toString('hex') : Buffer.from(String(v), 'binary').toString('hex');
    // DATETIME(6)/TIME(6)/TIMESTAMP(6): the fraction is printed with trailing zeros in some forms and not in others
    case 'temporal': return trimFraction(String(v));
    case 'text': return Buffer.isBuffer(v) ? v.toString('utf8') : String(v);
  }
}

/** The key of a row, or null when a key column is absent from it. */
export function rowKey(key: readonly KeyColumnInfo[], row: Readonly<Record<string, unknown>>): KeyValues | null {
  const out: KeyValue[] = [];
  for (const k of key) {
    if (!(k.name in row)) return null;
    out.push(keyValue(k, row[k.name]));
  }
  return out;
}

/** The placeholder of one bound key value, cast to the column's kind. */
function bound(k: KeyColumnInfo): string {
  switch (k.kind) {
    case 'int': case 'long': return 'CAST(? AS SIGNED)';
    case 'ubig': return 'CAST(? AS UNSIGNED)';
    case 'decimal': return `CAST(? AS ${k.decimalType ?? 'DECIMAL(65,30)'})`;
    default: return '?';
  }
}

/** One bound parameter: numbers as text (cast in SQL), binary as bytes, text as is. */
export function keyParam(k: KeyColumnInfo, v: KeyValue): string | Buffer | null {
  if (v === null) return null;
  if (k.kind === 'binary') return Buffer.from(String(v), 'hex');
  return String(v);
}

/** (k1 op ?) for one column; k1 op2 ? AND (k1, k2) op (?, ?) for several. Returns the SQL and the values' order. */
function compare(key: readonly KeyColumnInfo[], op: '>' | '<=', values: KeyValues): { sql: string; params: (string | Buffer | null)[] } {
  const first = key[0]!;
  if (key.length === 1) return { sql: `${quoteId(first.name)} ${op} ${bound(first)}`, params: [keyParam(first, values[0]!)] };
  const lead = `${quoteId(first.name)} ${op === '>' ? '>=' : '<='} ${bound(first)}`;
  const row = `(${key.map((k) => quoteId(k.name)).join(', ')}) ${op} (${key.map(bound).join(', ')})`;
  return { sql: `${lead} AND ${row}`, params: [keyParam(first, values[0]!), ...key.map((k, i) => keyParam(k, values[i]!))] };
}

function where(parts: readonly string[]): string {
  return parts.length === 0 ? '' : ` WHERE ${parts.join(' AND ')}`;
}

/** The table's largest key (with the filter): ORDER BY the key descending, LIMIT 1. */
export function maxKeySql(t: ChunkTable, filter: string | null): string {
  const cols = t.key.map((k) => quoteId(k.name)).join(', ');
  const order = t.key.map((k) => `${quoteId(k.name)} DESC`).join(', ');
  return `SELECT ${cols} FROM ${t.from}${where(filter ? [`(${filter})`] : [])} ORDER BY ${order} LIMIT 1`;
}

/** Rows with key > after (null: from the first) and key <= max, in key order, at most limit. */
export function chunkQuery(t: ChunkTable, after: KeyValues | null, max: KeyValues, limit: number, filter: string | null): { sql: string; params: (string | Buffer | null)[] } {
  const parts: string[] = [];
  const params: (string | Buffer | null)[] = [];
  if (after !== null) {
    const c = compare(t.key, '>', after);
    parts.push(c.sql);
    params.push(...c.params);
  }
  const c = compare(t.key, '<=', max);
  parts.push(c.sql);
  params.push(...c.params);
  if (filter) parts.push(`(${filter})`);
  const order = t.key.map((k) => quoteId(k.name)).join(', ');
  return { sql: `SELECT ${t.columns.join(', ')} FROM ${t.from}${where(parts)} ORDER BY ${order} LIMIT ${Math.max(1, Math.floor(limit))}`, params };
}
