/**
 * The privileges of database.user, read from SHOW GRANTS (the current user with its active
 * roles, which is what the connector's sessions get), and what the chosen configuration
 * needs of them: REPLICATION SLAVE for the dump, REPLICATION CLIENT (MariaDB 10.5.2+: BINLOG
 * MONITOR) for SHOW BINARY LOGS and the binlog status, SELECT on every captured table, and
 * RELOAD or LOCK TABLES only when snapshot.locking.mode takes a lock.
 */
import type { MysqlFlavour } from './config-spec.ts';
import type { LockingMode } from './config-task.ts';

export interface Grant {
  /** upper-case privilege names; 'ALL PRIVILEGES' kept as is */
  readonly privileges: ReadonlySet<string>;
  /** '*' for global grants, the database name otherwise */
  readonly database: string;
  /** '*' for database-wide or global grants */
  readonly table: string;
}

/** MariaDB 10.5.2 renamed REPLICATION CLIENT to BINLOG MONITOR; REPLICATION REPLICA is a synonym of SLAVE. */
const SYNONYMS: Readonly<Record<string, string>> = { 'REPLICATION CLIENT': 'BINLOG MONITOR', 'REPLICATION REPLICA': 'REPLICATION SLAVE' };

function unquote(id: string): string {
  const t = id.trim();
  return /^[`'"].*[`'"]$/.test(t) ? t.slice(1, -1).replace(/``/g, '`') : t;
}

/** One "GRANT ... ON db.tbl TO ..." line; role grants ("GRANT `r` TO `u`") and PROXY lines give null. */
export function parseGrant(line: string): Grant | null {
  const m = /^GRANT\s+(.+?)\s+ON\s+(?:(?:TABLE|FUNCTION|PROCEDURE|PACKAGE(?: BODY)?)\s+)?((?:`(?:[^`]|``)*`|\*|[\w$]+))\.((?:`(?:[^`]|``)*`|\*|[\w$]+))\s+TO\s/i.exec(line.trim());
  if (!m) return null;
  const privileges = new Set<string>();
  let depth = 0;
  let cur = '';
  // Column grants ("SELECT (`a`, `b`)") hold commas inside parentheses: split only outside them.
  for (const ch of m[1]!) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) { add(cur); cur = ''; } else cur += ch;
  }
  add(cur);
  function add(p: string) {
    const name = p.replace(/\(.*\)/, '').trim().toUpperCase().replace(/\s+/g, ' ');
    // A column-level SELECT does not read whole rows: it does not count as SELECT on the table.
    if (name && !/\(/.test(p)) privileges.add(SYNONYMS[name] ?? name);
  }
  return { privileges, database: unquote(m[2]!), table: unquote(m[3]!) };
}

export function parseGrants(lines: readonly string[]): Grant[] {
  return lines.map(parseGrant).filter((g): g is Grant => g !== null);
}

/** A database name pattern of a grant: `_` and `%` are wildcards unless escaped with a backslash. */
function dbMatches(pattern: string, db: string): boolean {
  if (pattern === '*') return true;
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!;
    if (ch === '\\' && i + 1 < pattern.length) { re += pattern[++i]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'); continue; }
    re += ch === '%' ? '.*' : ch === '_' ? '.' : ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`).test(db);
}

export function hasGlobal(grants: readonly Grant[], privilege: string): boolean {
  return grants.some((g) => g.database === '*' && (g.privileges.has(privilege) || g.privileges.has('ALL PRIVILEGES') || g.privileges.has('ALL')));
}

/** SELECT (or another table privilege) on db.table through a global, database or table grant. */
export function hasOnTable(grants: readonly Grant[], privilege: string, db: string, table: string): boolean {
  return grants.some((g) => (g.privileges.has(privilege) || g.privileges.has('ALL PRIVILEGES') || g.privileges.has('ALL'))
    && dbMatches(g.database, db) && (g.table === '*' || g.table === table));
}

export interface PrivilegeNeed {
  /** the privilege, in the spelling GRANT accepts on this flavour */
  readonly privilege: string;
  /** why the connector needs it */
  readonly why: string;
  /** any one of these satisfies the need */
  readonly anyOf: readonly string[];
}

/** The global privileges this flavour and locking mode need (SELECT on tables is checked per table). */
export function globalNeeds(flavour: MysqlFlavour, newMariaDb: boolean, locking: LockingMode): PrivilegeNeed[] {
  const needs: PrivilegeNeed[] = [
    { privilege: 'REPLICATION SLAVE', why: 'reading the binlog (the dump connection)', anyOf: ['REPLICATION SLAVE'] },
    flavour === 'mariadb' && newMariaDb
      ? { privilege: 'BINLOG MONITOR', why: 'SHOW BINARY LOGS and the binlog position (REPLICATION CLIENT before MariaDB 10.5.2)', anyOf: ['BINLOG MONITOR', 'SUPER'] }
      : { privilege: 'REPLICATION CLIENT', why: 'SHOW BINARY LOGS and the binlog position', anyOf: ['BINLOG MONITOR', 'SUPER'] },
  ];
  // The chunked snapshot reads each chunk in a consistent snapshot and takes no lock in any
  // accepted mode (extended is refused by the declaration), so RELOAD / LOCK TABLES are not needed.
  void locking;
  return needs;
}
