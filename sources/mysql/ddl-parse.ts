/**
 * Which tables a DDL statement from the binlog changes, and how: the input of the schema history
 * (schema-history.ts) and of the schema change events (schema-change-events.ts). It does not
 * interpret column definitions: the table's definition after the statement is read from
 * information_schema (table-schema.ts). It only has to name the tables, so the statements that
 * can change a table are recognised by their leading words, and the table names are read with
 * MySQL's identifier rules (backticks, ANSI double quotes, `db`.`t`, the event's default
 * database for an unqualified name).
 *
 * Three answers besides a list of changes, never a guess:
 *  - none:    a statement that changes no table (GRANT, CREATE USER, views, routines, triggers,
 *             events, ANALYZE/OPTIMIZE, temporary tables, which row-based binlogs do not replicate);
 *  - dml:     INSERT/UPDATE/DELETE/... as text: the statement was written in STATEMENT format,
 *             whose rows a binlog connector cannot see (the task says so);
 *  - unknown: a statement this parser cannot read; the caller logs it and fails or skips by
 *             schema.history.internal.skip.unparseable.ddl.
 */
import { splitStatements, tokenize, TokenizeError, type Token } from './ddl-tokens.ts';
import { StatementReader, Unreadable } from './ddl-statement.ts';

export interface TableName {
  readonly db: string;
  readonly table: string;
}

export type DdlChange =
  | { readonly kind: 'create'; readonly table: TableName; readonly like: TableName | null }
  | { readonly kind: 'alter'; readonly table: TableName }
  /** RENAME TABLE a TO b, and ALTER TABLE a RENAME [TO|AS] b (with or without other changes) */
  | { readonly kind: 'rename'; readonly from: TableName; readonly to: TableName }
  | { readonly kind: 'drop'; readonly table: TableName }
  | { readonly kind: 'truncate'; readonly table: TableName }
  | { readonly kind: 'create-database' | 'alter-database' | 'drop-database'; readonly db: string };

export type DdlParse =
  /** In statement order; a DROP TABLE a, b gives two. */
  | { readonly kind: 'changes'; readonly changes: readonly DdlChange[] }
  | { readonly kind: 'none'; readonly statement: string }
  | { readonly kind: 'dml'; readonly statement: string }
  | { readonly kind: 'unknown'; readonly reason: string };

/** Parses the text of one binlog QUERY event; `defaultDb` is the event's database (may be ''). */
export function parseDdl(sql: string, defaultDb: string): DdlParse {
  let statements: Token[][];
  try {
    statements = splitStatements(tokenize(sql));
  } catch (e) {
    if (e instanceof TokenizeError) return { kind: 'unknown', reason: e.message };
    throw e;
  }
  const changes: DdlChange[] = [];
  let other: DdlParse | null = null;
  for (const tokens of statements) {
    let one: DdlParse;
    try {
      one = new StatementReader(tokens, defaultDb).read();
    } catch (e) {
      if (e instanceof Unreadable) return { kind: 'unknown', reason: e.message };
      throw e;
    }
    if (one.kind === 'changes') changes.push(...one.changes);
    else if (one.kind === 'unknown') return one;
    else if (one.kind === 'none' && changes.length === 0 && /^(CREATE|ALTER) /.test(one.statement)) {
      // A routine, trigger or event: its body holds `;`s of its own, which are not statement ends.
      return one;
    } else other ??= one;
  }
  if (changes.length > 0) return { kind: 'changes', changes };
  return other ?? { kind: 'none', statement: '' };
}

/** The database and table names a parse result touches (for store.only.captured.* and filters). */
export function tablesOf(p: DdlParse): TableName[] {
  if (p.kind !== 'changes') return [];
  return p.changes.flatMap((c): TableName[] => {
    switch (c.kind) {
      case 'rename': return [c.from, c.to];
      case 'create': return [c.table];
      case 'alter': case 'drop': case 'truncate': return [c.table];
      default: return [];
    }
  });
}
