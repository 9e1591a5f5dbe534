/**
 * The tables the filters capture, as database.user sees them in information_schema
 * (a table it has no privilege on at all is invisible there, which the unmatched-pattern
 * warning then names). Patterns match whole names, as Debezium's filters do:
 * database.include.list against the database name, table.include.list against
 * "database.table". System databases are never captured.
 */
import type { MysqlTaskConfig } from './config-task.ts';
import type { SqlConnection } from './server-checks-connect.ts';

export interface TableId {
  readonly database: string;
  readonly table: string;
}

const SYSTEM = new Set(['mysql', 'sys', 'information_schema', 'performance_schema']);

export function isSystemDatabase(db: string): boolean {
  return SYSTEM.has(db.toLowerCase());
}

const whole = (patterns: readonly string[]) => patterns.map((p) => new RegExp(`^(?:${p})$`));

/** Pure: which of `tables` the filters capture. */
export function filterTables(tables: readonly TableId[], f: MysqlTaskConfig['filters']): TableId[] {
  const dbIn = whole(f.databaseInclude);
  const dbEx = whole(f.databaseExclude);
  const tIn = whole(f.tableInclude);
  const tEx = whole(f.tableExclude);
  return tables.filter((t) => {
    if (isSystemDatabase(t.database)) return false;
    if (dbIn.length > 0 && !dbIn.some((r) => r.test(t.database))) return false;
    if (dbEx.some((r) => r.test(t.database))) return false;
    const id = `${t.database}.${t.table}`;
    if (tIn.length > 0 && !tIn.some((r) => r.test(id))) return false;
    return !tEx.some((r) => r.test(id));
  });
}

/** Pure: whether the database filters capture `db` (its tables may still be filtered out). */
export function databaseCaptured(db: string, f: MysqlTaskConfig['filters']): boolean {
  if (isSystemDatabase(db)) return false;
  const dbIn = whole(f.databaseInclude);
  if (dbIn.length > 0 && !dbIn.some((r) => r.test(db))) return false;
  return !whole(f.databaseExclude).some((r) => r.test(db));
}

/** Include patterns that match no visible table (almost always a typo, or a missing privilege). */
export function unmatchedIncludes(tables: readonly TableId[], f: MysqlTaskConfig['filters']): Array<{ property: string; pattern: string }> {
  const dbs = [...new Set(tables.map((t) => t.database))];
  const ids = tables.map((t) => `${t.database}.${t.table}`);
  const none = (p: string, names: readonly string[]) => !names.some((n) => new RegExp(`^(?:${p})$`).test(n));
  return [
    ...f.databaseInclude.filter((p) => none(p, dbs)).map((pattern) => ({ property: 'database.include.list', pattern })),
    ...f.tableInclude.filter((p) => none(p, ids)).map((pattern) => ({ property: 'table.include.list', pattern })),
  ];
}

export async function visibleTables(sql: SqlConnection): Promise<TableId[]> {
  const [rows] = await sql.query(
    "SELECT TABLE_SCHEMA AS db, TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_SCHEMA, TABLE_NAME",
  ) as unknown as [Array<{ db: string; t: string }>];
  return rows.map((r) => ({ database: r.db, table: r.t }));
}

export async function capturedTables(sql: SqlConnection, cfg: MysqlTaskConfig): Promise<TableId[]> {
  return filterTables(await visibleTables(sql), cfg.filters);
}
