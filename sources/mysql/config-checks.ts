/**
 * Value checks of the MySQL/MariaDB field declarations (config-spec.ts): each returns true
 * or one sentence saying what is wrong and how to fix it.
 */
import type { ParsedValues } from '../../src/config/define.ts';

export function regexList(v: readonly string[]): true | string {
  for (const r of v) {
    try { new RegExp(r); } catch (e) { return `"${r}" is not a valid regular expression (${(e as Error).message}); fix the pattern`; }
  }
  return true;
}

/** message.key.columns: "database.table:c1,c2;database.t2:c", the table part a regular expression. */
export function keyColumnsCheck(spec: string): true | string {
  for (const entry of spec.split(';').map((s) => s.trim()).filter(Boolean)) {
    const i = entry.lastIndexOf(':');
    if (i <= 0 || entry.slice(i + 1).split(',').every((c) => c.trim() === '')) {
      return `entry "${entry}" is not "database.table:column[,column...]"; separate tables with ";"`;
    }
    try { new RegExp(entry.slice(0, i)); } catch (e) { return `table pattern "${entry.slice(0, i)}" is not a valid regular expression (${(e as Error).message})`; }
  }
  return true;
}

/** gtid.source.includes / excludes: valid patterns, and not both lists (Debezium refuses both too). */
export function gtidPatternsCheck(other: string) {
  return (v: readonly string[], all: ParsedValues): true | string => {
    const theirs = (all.value(other) as readonly string[] | undefined) ?? [];
    if (v.length > 0 && theirs.length > 0) return `${other} is set too; keep only one of gtid.source.includes and gtid.source.excludes`;
    return regexList(v);
  };
}
