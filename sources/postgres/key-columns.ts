/**
 * message.key.columns: "schema.table:c1,c2;schema.t2:c" (the table part is an anchored
 * regular expression). A key column must reach every event, deletes included, and a delete
 * carries only the old row's replica identity: the primary key (DEFAULT), the columns of the
 * chosen index (USING INDEX), every column (FULL) or nothing (NOTHING). A key column outside
 * the identity would make the first delete fail, so cdc validate and task start refuse it,
 * naming the ALTER TABLE that fixes it.
 */
import type pg from 'pg';
import { quoteIdent } from './connection.ts';

interface KeyRule { readonly re: RegExp; readonly cols: readonly string[] }

function rules(spec: string): KeyRule[] {
  return spec.split(';').map((s) => s.trim()).filter(Boolean).map((entry) => {
    const i = entry.lastIndexOf(':');
    return { re: new RegExp(`^(?:${entry.slice(0, i)})$`), cols: entry.slice(i + 1).split(',').map((c) => c.trim()).filter(Boolean) };
  });
}

/** The field check: every entry is "<table regex>:<col>[,<col>...]". */
export function keyColumnsSyntax(spec: string): true | string {
  for (const entry of spec.split(';').map((s) => s.trim()).filter(Boolean)) {
    const i = entry.lastIndexOf(':');
    if (i <= 0 || entry.slice(i + 1).split(',').every((c) => c.trim() === '')) {
      return `entry "${entry}" is not "schema.table:column[,column...]"; separate tables with ";"`;
    }
    try { new RegExp(entry.slice(0, i)); } catch (e) { return `table pattern "${entry.slice(0, i)}" is not a valid regular expression (${(e as Error).message})`; }
  }
  return true;
}

/** Key columns for a table id ("schema.table"), or undefined when no rule matches. */
export function parseKeyColumns(spec: string | undefined): (tableId: string) => readonly string[] | undefined {
  if (!spec) return () => undefined;
  const rs = rules(spec);
  return (id) => rs.find((r) => r.re.test(id))?.cols;
}

export interface IdentityFacts {
  readonly schema: string;
  readonly name: string;
  readonly columns: readonly string[];
  /** pg_class.relreplident: d (primary key), i (index), f (full), n (nothing) */
  readonly replicaIdentity: 'd' | 'i' | 'f' | 'n';
  /** columns a delete carries under that identity (empty for n, or d without a primary key) */
  readonly identityColumns: readonly string[];
}

export interface KeyColumnProblem { readonly table: string; readonly column: string; readonly what: string; readonly fix: string }

/**
 * Problems of one table's message.key.columns. With deletes skipped (skipped.operations
 * contains d) the old row is never needed, so only existence is checked.
 */
export function keyColumnProblems(t: IdentityFacts, keyCols: readonly string[], deletesSkipped: boolean): KeyColumnProblem[] {
  const id = `${t.schema}.${t.name}`;
  const table = `${quoteIdent(t.schema)}.${quoteIdent(t.name)}`;
  const out: KeyColumnProblem[] = [];
  for (const column of keyCols) {
    if (!t.columns.includes(column)) {
      out.push({ table: id, column, what: `message.key.columns names column "${column}", which table ${id} does not have`, fix: `name existing columns of ${id} in message.key.columns (its columns: ${t.columns.join(', ')})` });
      continue;
    }
    if (deletesSkipped || t.replicaIdentity === 'f' || t.identityColumns.includes(column)) continue;
    const identity = t.identityColumns.length > 0 ? `replica identity (${t.identityColumns.join(', ')})` : 'replica identity, which is empty (no primary key or REPLICA IDENTITY NOTHING)';
    out.push({
      table: id, column,
      what: `message.key.columns uses column "${column}" of ${id}, which is outside its ${identity}: PostgreSQL does not send it with deletes, so delete events would have no key`,
      fix: `ALTER TABLE ${table} REPLICA IDENTITY FULL; or use ${t.identityColumns.length > 0 ? `columns of the replica identity (${t.identityColumns.join(', ')})` : 'other columns after adding a primary key'} in message.key.columns`,
    });
  }
  return out;
}

/** Columns and replica identity of the given tables, read from the catalog. */
export async function identityFacts(sql: pg.Client, tables: readonly { schema: string; name: string }[]): Promise<IdentityFacts[]> {
  if (tables.length === 0) return [];
  const r = await sql.query(`SELECT n.nspname AS schema, c.relname AS name, c.relreplident::text AS ident,
      ARRAY(SELECT a.attname::text FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum) AS columns,
      ARRAY(SELECT a.attname::text FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
             WHERE i.indrelid = c.oid AND ((c.relreplident = 'd' AND i.indisprimary) OR (c.relreplident = 'i' AND i.indisreplident))
             ORDER BY array_position(i.indkey::int2[], a.attnum)) AS ident_columns
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE (n.nspname, c.relname) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
  [tables.map((t) => t.schema), tables.map((t) => t.name)]);
  return (r.rows as { schema: string; name: string; ident: string; columns: string[] | string; ident_columns: string[] | string }[]).map((row) => ({
    schema: row.schema, name: row.name, replicaIdentity: row.ident as IdentityFacts['replicaIdentity'],
    columns: textArray(row.columns), identityColumns: textArray(row.ident_columns),
  }));
}

/** The SQL sessions keep every value as text (connection.ts), so arrays arrive as '{a,b}'. */
function textArray(v: string[] | string): string[] {
  if (Array.isArray(v)) return v;
  const inner = v.slice(1, -1);
  if (inner === '') return [];
  const out: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|([^,]+)/g;
  for (const m of inner.matchAll(re)) out.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, '$1') : m[2]!);
  return out;
}

/** Every key-column problem of the captured tables. */
export async function checkKeyColumns(sql: pg.Client, tables: readonly { schema: string; name: string }[], keyColumns: (id: string) => readonly string[] | undefined, deletesSkipped: boolean): Promise<KeyColumnProblem[]> {
  const wanted = tables.filter((t) => keyColumns(`${t.schema}.${t.name}`) !== undefined);
  const facts = await identityFacts(sql, wanted);
  return facts.flatMap((f) => keyColumnProblems(f, keyColumns(`${f.schema}.${f.name}`) ?? [], deletesSkipped));
}
