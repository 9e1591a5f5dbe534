/**
 * What the filters capture, checked against the database: an include pattern that matches
 * no table is almost always a typo (schema or case), and filters that capture nothing leave a
 * connector that looks RUNNING but will never emit a row. Shared by task start (warn in the
 * log and the task status; fail when nothing is captured) and `cdc validate` / POST /connectors
 * (every problem listed).
 */
import { SourceError } from '../../src/errors/cdc-error.ts';
import type { CapturedTable } from './table-registry.ts';

export interface UnmatchedInclude {
  readonly property: 'schema.include.list' | 'table.include.list';
  readonly pattern: string;
}

export function unmatchedIncludes(lists: { schema: readonly string[]; table: readonly string[] }, tables: readonly CapturedTable[]): UnmatchedInclude[] {
  const none = (p: string, names: readonly string[]) => {
    const re = new RegExp(`^(?:${p})$`);
    return !names.some((n) => re.test(n));
  };
  const schemas = [...new Set(tables.map((t) => t.schema))];
  const ids = tables.map((t) => `${t.schema}.${t.name}`);
  return [
    ...lists.schema.filter((p) => none(p, schemas)).map((pattern) => ({ property: 'schema.include.list' as const, pattern })),
    ...lists.table.filter((p) => none(p, ids)).map((pattern) => ({ property: 'table.include.list' as const, pattern })),
  ];
}

export function describeUnmatched(u: UnmatchedInclude, database: string): string {
  return `${u.property} entry "${u.pattern}" matches no ${u.property === 'schema.include.list' ? 'schema with a captured table' : 'table'} in database ${database}`;
}

export function nothingCapturedError(database: string, where: string): SourceError {
  return new SourceError({
    code: 'CDC_PG_NO_TABLES',
    what: `the table filters capture no table in database ${database}: the connector would run and never emit a change`,
    where: `${where}, properties schema.include.list / table.include.list / schema.exclude.list / table.exclude.list`,
    fix: 'correct the patterns (whole-name regular expressions, schema.table for tables, case-sensitive), or create the tables first; "cdc validate" lists each pattern that matches nothing',
  });
}
