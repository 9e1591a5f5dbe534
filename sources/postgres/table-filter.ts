/**
 * Debezium's include/exclude semantics: patterns are anchored regular
 * expressions matched against the whole name; include lists win over exclude
 * lists of the same level; system schemas are never captured.
 */
import { buildPushdown, type TablePushdown } from './filter-pushdown.ts';

const SYSTEM_SCHEMAS = new Set(['pg_catalog', 'information_schema', 'pg_toast']);

function anchored(list: readonly string[]): RegExp[] {
  return list.map((p) => new RegExp(`^(?:${p})$`));
}

export interface FilterLists {
  readonly schemaInclude: readonly string[];
  readonly schemaExclude: readonly string[];
  readonly tableInclude: readonly string[];
  readonly tableExclude: readonly string[];
  readonly columnInclude: readonly string[];
  readonly columnExclude: readonly string[];
}

export interface Filters {
  table(schema: string, table: string): boolean;
  /** A SQL prefilter the catalog queries apply before `table` re-checks each row (filter-pushdown.ts). */
  readonly pushdown: TablePushdown;
  column(fq: string): boolean;
}

export function buildFilters(l: FilterLists): Filters {
  const si = anchored(l.schemaInclude), se = anchored(l.schemaExclude);
  const ti = anchored(l.tableInclude), te = anchored(l.tableExclude);
  const ci = anchored(l.columnInclude), ce = anchored(l.columnExclude);
  return {
    pushdown: buildPushdown(l),
    table(schema, table) {
      if (SYSTEM_SCHEMAS.has(schema) || schema.startsWith('pg_temp') || schema.startsWith('pg_toast')) return false;
      if (si.length > 0 ? !si.some((r) => r.test(schema)) : se.some((r) => r.test(schema))) return false;
      const id = `${schema}.${table}`;
      if (ti.length > 0) return ti.some((r) => r.test(id));
      return !te.some((r) => r.test(id));
    },
    column(fq) {
      if (ci.length > 0) return ci.some((r) => r.test(fq));
      return !ce.some((r) => r.test(fq));
    },
  };
}
