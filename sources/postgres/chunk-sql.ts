/**
 * The SQL of the chunked snapshot, pure: keyset queries over a table's chunk
 * key and the conversion between key values as PostgreSQL prints them and the
 * engine's KeyValue (src/snapshot/contracts.ts).
 *
 * Ordering must be exactly the order the key's index keeps, or the keyset walk
 * skips or repeats rows: every key column is compared and ordered under its own
 * collation, named explicitly (a bound value's collation must not take part),
 * and values are bound back as text with an explicit cast to the column's type,
 * so a text key compares as text under that collation and a number as a number.
 */
import type { KeyValue, KeyValues } from '../../src/snapshot/contracts.ts';
import { quoteIdent } from './connection.ts';
import type { TextRow } from './table-model.ts';

/** One column of a chunk key, as the catalog describes it. */
export interface KeyColumnInfo {
  readonly name: string;
  /** the type to cast a bound text value to (format_type without modifier, already quoted) */
  readonly castType: string;
  /** pg_type.typname after resolving domains: int2/int4 -> number, int8 -> bigint, else text */
  readonly baseType: string;
  /** quoted collation name ("pg_catalog"."C"), or null for types without collation */
  readonly collation: string | null;
  readonly notNull: boolean;
}

export interface ChunkTable {
  /** what to read from: ONLY "s"."t" (ordinary table), "s"."t" (partitioned root), or (override) AS o */
  readonly from: string;
  /** columns to select, quoted */
  readonly columns: readonly string[];
  readonly key: readonly KeyColumnInfo[];
}


function ordered(k: KeyColumnInfo): string {
  return k.collation ? `${quoteIdent(k.name)} COLLATE ${k.collation}` : quoteIdent(k.name);
}

/** A key value bound back to the column's type: `ref` is a parameter ($n) or a text literal. */
function bound(k: KeyColumnInfo, ref: string): string {
  return k.collation ? `${ref}::text::${k.castType} COLLATE ${k.collation}` : `${ref}::text::${k.castType}`;
}

/** ROW(k1, k2) <op> ROW(v1, v2), or the plain form for one column (its index is used either way). */
function compare(key: readonly KeyColumnInfo[], op: '>' | '<=', refs: readonly string[]): string {
  const left = key.map(ordered), right = key.map((k, i) => bound(k, refs[i]!));
  return key.length === 1 ? `${left[0]} ${op} ${right[0]}` : `ROW(${left.join(', ')}) ${op} ROW(${right.join(', ')})`;
}

function where(parts: readonly string[]): string {
  return parts.length === 0 ? '' : ` WHERE ${parts.join(' AND ')}`;
}

/** The table's largest key (with the filter): ORDER BY the key descending, LIMIT 1. */
export function maxKeySql(t: ChunkTable, filter: string | null): string {
  // Aliased: ORDER BY "id" would otherwise name the text output column, not the key.
  const cols = t.key.map((k, i) => `${quoteIdent(k.name)}::text AS cdc_k${i}`).join(', ');
  const order = t.key.map((k) => `${ordered(k)} DESC`).join(', ');
  return `SELECT ${cols} FROM ${t.from}${where(filter ? [`(${filter})`] : [])} ORDER BY ${order} LIMIT 1`;
}

/** Column carrying the select's snapshot (pg_current_snapshot) on every row; not a column of the table. */
export const SNAPSHOT_COLUMN = '__cdc_chunk_snapshot';

/**
 * Rows with key > after (none: from the first) and key <= max, in key order, at most limit,
 * each carrying the statement's snapshot (visibility check, chunk-source.ts), evaluated once
 * (an InitPlan). `after` and `max` are the SQL of the bound values.
 */
function chunkSelect(t: ChunkTable, after: readonly string[] | null, max: readonly string[], limit: number, filter: string | null): string {
  const parts: string[] = [];
  if (after) parts.push(compare(t.key, '>', after));
  parts.push(compare(t.key, '<=', max));
  if (filter) parts.push(`(${filter})`);
  const order = t.key.map(ordered).join(', ');
  return `SELECT (SELECT pg_current_snapshot()::text) AS ${quoteIdent(SNAPSHOT_COLUMN)}, ${t.columns.join(', ')} FROM ${t.from}${where(parts)} ORDER BY ${order} LIMIT ${Math.max(1, Math.floor(limit))}`;
}

/**
 * The chunk select as COPY (...) TO STDOUT, the form chunks are read in (copy-chunk.ts). COPY
 * takes no parameters, so the key values are text literals, cast as chunkSql casts its parameters.
 */
export function chunkCopySql(t: ChunkTable, after: KeyValues | null, max: KeyValues, limit: number, filter: string | null): string {
  const refs = (key: KeyValues) => key.map((v) => sqlTextLiteral(keyText(v)));
  return `COPY (${chunkSelect(t, after ? refs(after) : null, refs(max), limit, filter)}) TO STDOUT`;
}

/**
 * A text value as an SQL literal that reads the same whatever standard_conforming_strings is
 * (an escape string: backslashes doubled, quotes doubled); NULL for null.
 */
export function sqlTextLiteral(v: string | null): string {
  if (v === null) return 'NULL';
  // PostgreSQL text never holds NUL, so no key value does.
  if (v.includes('\u0000')) throw new Error('a key value with a NUL character cannot be bound');
  return `E'${v.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

export function keyText(v: KeyValue): string | null {
  return v === null ? null : String(v);
}

/** A key value as the engine keeps it (and Debezium serialises it: Integer, Long, String). */
export function keyValue(k: KeyColumnInfo, text: string | null | undefined): KeyValue {
  if (text === null || text === undefined) return null;
  if (k.baseType === 'int2' || k.baseType === 'int4') return Number(text);
  if (k.baseType === 'int8') return BigInt(text);
  return text;
}

/** The key of a row (from a chunk select or a pgoutput tuple), or null when a key column is absent. */
export function rowKey(key: readonly KeyColumnInfo[], row: TextRow): KeyValues | null {
  // Sized up front: a one-column key built by push would carry a 17-slot backing store.
  const out: KeyValue[] = new Array(key.length);
  for (let i = 0; i < key.length; i++) {
    const v = row[key[i]!.name];
    if (v === undefined) return null;
    out[i] = keyValue(key[i]!, v);
  }
  return out;
}

/**
 * pg_current_snapshot() text "xmin:xmax:xip,xip" (64-bit xids), reduced to what the check of a
 * 32-bit xid needs: xmax and the in-progress xids, each as its low 32 bits.
 */
export interface XidSnapshot { readonly xmax32: number; readonly xip32: ReadonlySet<number> }

export function parseSnapshot(text: string): XidSnapshot {
  const [, xmax, xip] = text.split(':');
  const low = (x: string): number => Number(BigInt(x) & 0xffffffffn);
  return { xmax32: low(xmax ?? '0'), xip32: new Set((xip ?? '').split(',').filter(Boolean).map(low)) };
}

/**
 * Whether a 32-bit xid (as pgoutput's BEGIN carries it) is still in progress in the snapshot:
 * listed in xip, or at/after xmax. xids of recent transactions are within 2^31 of xmax, so the
 * 32-bit difference decides "after" across an epoch boundary.
 */
export function inProgress(s: XidSnapshot, xid: number): boolean {
  const x = xid >>> 0;
  if (s.xip32.has(x)) return true;
  return ((x - s.xmax32) | 0) >= 0;
}
