/**
 * snapshot.select.statement.overrides, Debezium's shape: the property lists tables
 * (schema.table), and snapshot.select.statement.overrides.<schema>.<table> holds the SELECT
 * the snapshot runs for that table instead of reading it whole. Debezium quietly reads the
 * whole table when a listed table has no statement, and quietly ignores a statement whose
 * table is not listed; both are mistakes nobody means, so here they are refused.
 */
import type { ParsedValues } from '../../src/config/define.ts';

export const OVERRIDE_PREFIX = 'snapshot.select.statement.overrides.';

export function overridesCheck(tables: readonly string[], all: ParsedValues): true | string {
  const raw = all.raw();
  const missing = tables.filter((t) => !(raw[OVERRIDE_PREFIX + t] ?? '').trim());
  if (missing.length > 0) {
    return `${missing.map((t) => OVERRIDE_PREFIX + t).join(', ')} ${missing.length === 1 ? 'is' : 'are'} not set: add the SELECT for each listed table, or take the table out of the list`;
  }
  const unlisted = Object.keys(raw).filter((k) => k.startsWith(OVERRIDE_PREFIX) && !tables.includes(k.slice(OVERRIDE_PREFIX.length)));
  if (unlisted.length > 0) {
    return `${unlisted.join(', ')} would be ignored: add ${unlisted.map((k) => k.slice(OVERRIDE_PREFIX.length)).join(', ')} to snapshot.select.statement.overrides, or remove the property`;
  }
  return true;
}

/** The SELECT for each listed table id ("schema.table"), from the raw properties. */
export function selectOverrides(tables: readonly string[], raw: Readonly<Record<string, string>>): ReadonlyMap<string, string> {
  const out = new Map<string, string>();
  for (const t of tables) {
    const sql = raw[OVERRIDE_PREFIX + t]?.trim().replace(/;+\s*$/, '');
    if (sql) out.set(t, sql);
  }
  return out;
}
