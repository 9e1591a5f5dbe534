/**
 * Partitioned tables: which relations are captured, and under which name their changes
 * arrive. With publish.via.partition.root=true (our default) a partitioned table is captured
 * as one table: its root (the topmost partitioned table) is what the filters name, what the
 * snapshot reads (each row once, through the root) and what topics are named after; the
 * partitions are never captured tables of their own, and the publication is created WITH
 * (publish_via_partition_root = true) so pgoutput names the root in its Relation messages.
 * With false (Debezium's default) every leaf partition is a table of its own and partitioned
 * tables, which hold no rows, are not captured.
 *
 * Why the checks: a filter set where a captured root's changes would arrive under names the
 * filters drop (or the other way round) loses data silently, so such filters and
 * publications are refused with the fix (planCapture, viaRootProblem), and a partition's
 * Relation that still arrives under its own name (WAL written before the publication was
 * fixed) is mapped to its captured root rather than filtered (routeRelation).
 */
import type pg from 'pg';
import { quoteIdent } from './connection.ts';
import type { Filters } from './table-filter.ts';

export interface PgRelation {
  readonly oid: number;
  readonly schema: string;
  readonly name: string;
  /** r: ordinary table (leaf partitions too); p: partitioned table */
  readonly kind: 'r' | 'p';
  /** Partition ancestors, nearest first, root last; empty when not a partition. */
  readonly ancestors: readonly number[];
  readonly selectable: boolean;
}

export const relId = (r: { schema: string; name: string }): string => `${r.schema}.${r.name}`;

/** Every user table and partitioned table, with its partition ancestry (PostgreSQL 12+). */
export async function listRelations(sql: pg.Client): Promise<PgRelation[]> {
  const r = await sql.query(`SELECT c.oid::text AS oid, n.nspname AS schema, c.relname AS name, c.relkind::text AS kind,
        has_table_privilege(c.oid, 'SELECT')::text AS selectable,
        CASE WHEN c.relispartition THEN (SELECT string_agg(a.relid::oid::text, ',' ORDER BY a.ord)
          FROM pg_partition_ancestors(c.oid) WITH ORDINALITY AS a(relid, ord) WHERE a.relid::oid <> c.oid) END AS ancestors
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
       AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'
     ORDER BY 2, 3`);
  return (r.rows as { oid: string; schema: string; name: string; kind: string; selectable: string; ancestors: string | null }[]).map((x) => ({
    oid: Number(x.oid), schema: x.schema, name: x.name, kind: x.kind === 'p' ? 'p' : 'r',
    ancestors: x.ancestors ? x.ancestors.split(',').map(Number) : [], selectable: x.selectable === 'true',
  }));
}

export interface PartitionLists {
  readonly viaRoot: boolean;
  readonly schemaInclude: readonly string[];
  readonly tableInclude: readonly string[];
  readonly tableExclude: readonly string[];
}

export interface PartitionProblem {
  readonly property: 'table.include.list' | 'schema.include.list' | 'table.exclude.list';
  readonly what: string;
  readonly fix: string;
}

export interface CapturePlan {
  readonly captured: readonly PgRelation[];
  readonly problems: readonly PartitionProblem[];
}

const matchesAny = (patterns: readonly string[], id: string) => patterns.some((p) => new RegExp(`^(?:${p})$`).test(id));
const names = (rs: readonly PgRelation[]) => rs.slice(0, 5).map(relId).join(', ') + (rs.length > 5 ? ` and ${rs.length - 5} more` : '');

/** What the filters capture, partition-aware, and the filter sets that would lose or misplace rows. */
export function planCapture(relations: readonly PgRelation[], filters: Filters, l: PartitionLists): CapturePlan {
  const byOid = new Map(relations.map((r) => [r.oid, r]));
  const wants = (r: PgRelation) => filters.table(r.schema, r.name);
  const problems: PartitionProblem[] = [];
  if (l.viaRoot) {
    const captured = relations.filter((r) => r.ancestors.length === 0 && wants(r));
    const capturedOids = new Set(captured.map((r) => r.oid));
    const rootOf = (r: PgRelation) => byOid.get(r.ancestors[r.ancestors.length - 1]!);
    const asked = new Map<number, PgRelation[]>();
    const excluded = new Map<number, PgRelation[]>();
    for (const p of relations) {
      if (p.ancestors.length === 0) continue;
      const root = rootOf(p);
      if (!root) continue;
      if (!capturedOids.has(root.oid) && wants(p) && (l.tableInclude.length > 0 || l.schemaInclude.length > 0)) {
        asked.set(root.oid, [...(asked.get(root.oid) ?? []), p]);
      }
      if (capturedOids.has(root.oid) && matchesAny(l.tableExclude, relId(p))) excluded.set(root.oid, [...(excluded.get(root.oid) ?? []), p]);
    }
    for (const [rootOid, parts] of asked) {
      const root = byOid.get(rootOid)!;
      const property = l.tableInclude.length > 0 ? 'table.include.list' : 'schema.include.list';
      problems.push({
        property,
        what: `${property} captures ${names(parts)}, partition${parts.length > 1 ? 's' : ''} of ${relId(root)}, but not ${relId(root)}: with publish.via.partition.root=true PostgreSQL publishes a partition's changes as changes of its root table, which is not captured, so they would never reach a topic`,
        fix: `name the root table ${relId(root)} in ${property} (every partition's rows then arrive on its topic), or set publish.via.partition.root=false to capture each partition as a table of its own`,
      });
    }
    for (const [rootOid, parts] of excluded) {
      const root = byOid.get(rootOid)!;
      problems.push({
        property: 'table.exclude.list',
        what: `table.exclude.list names ${names(parts)}, partition${parts.length > 1 ? 's' : ''} of the captured table ${relId(root)}: with publish.via.partition.root=true a partition is captured through its root, so its rows would still arrive on ${relId(root)}'s topic`,
        fix: `remove those entries from table.exclude.list, exclude ${relId(root)} itself, or set publish.via.partition.root=false to capture partitions as tables of their own`,
      });
    }
    return { captured, problems };
  }
  const captured = relations.filter((r) => r.kind === 'r' && wants(r));
  const capturedOids = new Set(captured.map((r) => r.oid));
  for (const t of relations) {
    if (t.kind !== 'p' || !matchesAny(l.tableInclude, relId(t))) continue;
    const missing = relations.filter((leaf) => leaf.kind === 'r' && leaf.ancestors.includes(t.oid) && !capturedOids.has(leaf.oid));
    if (missing.length === 0) continue;
    problems.push({
      property: 'table.include.list',
      what: `table.include.list names the partitioned table ${relId(t)}, but with publish.via.partition.root=false PostgreSQL publishes its changes under its partitions' names, and ${names(missing)} ${missing.length > 1 ? 'are' : 'is'} not captured, so those rows would never reach a topic`,
      fix: `set publish.via.partition.root=true to capture ${relId(t)} as one table with one topic, or name its partitions in table.include.list`,
    });
  }
  return { captured, problems };
}

/** How a Relation message's table is handled. */
export type RelationRoute =
  | { readonly kind: 'capture' }
  | { readonly kind: 'filtered' }
  /** A partition whose captured root must carry its changes (publication not via root when the change was written). */
  | { readonly kind: 'as-root'; readonly schema: string; readonly name: string }
  /** A partitioned table whose changes arrive under its own name while its partitions are captured. */
  | { readonly kind: 'misplaced' };

export interface RelationFacts {
  readonly schema: string;
  readonly name: string;
  /** null when the relation no longer exists in the catalog (dropped since the change) */
  readonly kind: 'r' | 'p' | null;
  /** topmost ancestor when a partition */
  readonly root: { readonly schema: string; readonly name: string } | null;
  /** whether some leaf under this partitioned table is captured (only asked for kind p without via root) */
  readonly capturedLeaf?: () => Promise<boolean>;
}

export async function routeRelation(f: RelationFacts, filters: Filters, viaRoot: boolean): Promise<RelationRoute> {
  if (viaRoot) {
    if (f.root) return filters.table(f.root.schema, f.root.name) ? { kind: 'as-root', ...f.root } : { kind: 'filtered' };
    return filters.table(f.schema, f.name) ? { kind: 'capture' } : { kind: 'filtered' };
  }
  if (f.kind === 'p') return (await f.capturedLeaf?.()) ? { kind: 'misplaced' } : { kind: 'filtered' };
  return filters.table(f.schema, f.name) ? { kind: 'capture' } : { kind: 'filtered' };
}

/** The facts routeRelation needs, read from the catalog as it is now. */
export async function relationFacts(sql: pg.Client, oid: number, schema: string, name: string): Promise<RelationFacts> {
  const r = await sql.query(`SELECT c.relkind::text AS kind, rn.nspname AS root_schema, rc.relname AS root_name
      FROM pg_class c
      LEFT JOIN pg_class rc ON c.relispartition AND rc.oid = pg_partition_root(c.oid)
      LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace
     WHERE c.oid = $1`, [oid]);
  const row = r.rows[0] as { kind: string; root_schema: string | null; root_name: string | null } | undefined;
  if (!row) return { schema, name, kind: null, root: null };
  return {
    schema, name, kind: row.kind === 'p' ? 'p' : 'r',
    root: row.root_schema !== null && row.root_name !== null ? { schema: row.root_schema, name: row.root_name } : null,
  };
}

/** Leaf partitions under a partitioned table. */
export async function leafPartitions(sql: pg.Client, oid: number): Promise<{ schema: string; name: string }[]> {
  const r = await sql.query(`SELECT n.nspname AS schema, c.relname AS name FROM pg_partition_tree($1::oid) t
      JOIN pg_class c ON c.oid = t.relid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE t.isleaf`, [oid]);
  return r.rows as { schema: string; name: string }[];
}

/**
 * An existing publication whose publish_via_partition_root disagrees with publish.via.partition.root
 * for a captured partitioned table (or partition): PostgreSQL would send those changes under names
 * the connector does not capture. Null when they agree, or nothing partitioned is captured.
 */
export async function viaRootProblem(sql: pg.Client, publication: string, viaRoot: boolean, captured: readonly PgRelation[]): Promise<{ what: string; fix: string } | null> {
  const r = await sql.query('SELECT pubviaroot::text AS via, puballtables::text AS alltables FROM pg_publication WHERE pubname = $1', [publication]);
  const row = r.rows[0] as { via: string; alltables: string } | undefined;
  if (!row) return null; // it will be created with the right setting
  const pub = quoteIdent(publication);
  if (viaRoot && row.via !== 'true') {
    const partitioned = captured.filter((t) => t.kind === 'p');
    if (partitioned.length === 0) return null;
    return {
      what: `publication "${publication}" has publish_via_partition_root = false, so PostgreSQL sends the changes of the partitioned table${partitioned.length > 1 ? 's' : ''} ${names(partitioned)} under their partitions' names, not as ${partitioned.length > 1 ? 'those tables' : relId(partitioned[0]!)}, while publish.via.partition.root=true captures the root table`,
      fix: `ALTER PUBLICATION ${pub} SET (publish_via_partition_root = true); (as the publication's owner), or set publish.via.partition.root=false to capture each partition as a table of its own`,
    };
  }
  if (!viaRoot && row.via === 'true') {
    const partitions = captured.filter((t) => t.ancestors.length > 0);
    if (partitions.length === 0) return null;
    return {
      what: `publication "${publication}" has publish_via_partition_root = true, so PostgreSQL sends the changes of the partition${partitions.length > 1 ? 's' : ''} ${names(partitions)} under their root table's name, while publish.via.partition.root=false captures the partitions themselves`,
      fix: `set publish.via.partition.root=true to capture the root table, or ALTER PUBLICATION ${pub} SET (publish_via_partition_root = false); (as the publication's owner)`,
    };
  }
  return null;
}

/**
 * PostgreSQL 14's pgoutput remembers, for the walsender's whole life, that a partition publishes
 * through its root; a DETACH PARTITION does not make it forget (15 does). Rows written into the
 * detached table would then still arrive as changes of the root. Said once at start when a
 * partitioned root is captured through itself on 14, with the fix; null otherwise.
 */
export function detachNotice(versionNum: number, viaRoot: boolean, captured: readonly PgRelation[], publication: string): string | null {
  if (versionNum >= 150000 || !viaRoot) return null;
  const roots = captured.filter((t) => t.kind === 'p');
  if (roots.length === 0) return null;
  return `PostgreSQL 14: after ALTER TABLE ... DETACH PARTITION on ${names(roots)}, rows written into the detached table keep arriving as changes of its former root until the publication changes; ` +
    `run the DETACH together with ALTER PUBLICATION ${quoteIdent(publication)} SET (publish_via_partition_root = true); in one transaction (or restart the connector after it)`;
}
