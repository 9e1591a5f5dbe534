/**
 * Table and column metadata read from pg_catalog: what the type mapping (types.ts) and the
 * event keys need. One query returns the columns of every table (or of one table), with
 * domains resolved, array elements, enum labels, defaults, comments and key membership.
 *
 * Domains resolve to their root base type; the type modifier is the column's own, else the
 * declared domain's (one level only, as Debezium inherits length/scale from the direct domain).
 * Keys: the primary key, else the replica identity index (REPLICA IDENTITY USING INDEX).
 * Every output column is cast to text in SQL, so results are the same whether the client
 * keeps pg's default type parsers or returns raw strings (as the snapshot connection does).
 */
import { SourceError } from '../../src/errors/cdc-error.ts';

export type PgTyptype = 'b' | 'e' | 'd' | 'c' | 'r' | 'm' | 'p';
export type PgReplicaIdentity = 'd' | 'n' | 'f' | 'i';

export interface PgColumn {
  readonly name: string;
  /** attnum (1-based; gaps where columns were dropped). */
  readonly position: number;
  /** Declared type (a domain's own oid for domain columns). */
  readonly typeOid: number;
  /** Effective type modifier: the column's, else the declared domain's; -1 when none. */
  readonly typeMod: number;
  /** format_type() of the declared type, e.g. "numeric(10,2)", "character varying(20)", "integer[]". */
  readonly typeName: string;
  /** pg_type.typname after resolving domains, e.g. int4, numeric, _int4, my_enum. */
  readonly baseTypeName: string;
  /** typtype of the declared type ('d' for domains). */
  readonly typtype: PgTyptype;
  /** Array element type (after resolving a domain over an array); absent for non-arrays. */
  readonly elementTypeName?: string;
  readonly elementTypeOid?: number;
  /** Enum labels in enumsortorder, for an enum or an array of enum. */
  readonly enumLabels?: readonly string[];
  readonly nullable: boolean;
  /** pg_get_expr of the DEFAULT (null for none and for generated columns). */
  readonly defaultExpr: string | null;
  readonly comment: string | null;
  /** Part of the primary key, or of the replica identity index when there is no primary key. */
  readonly isKey: boolean;
  /** GENERATED ALWAYS AS (...) STORED: PostgreSQL 15's pgoutput does not send these columns. */
  readonly generated?: boolean;
}

export interface PgTable {
  readonly schema: string;
  readonly name: string;
  readonly oid: number;
  /** In attnum order. */
  readonly columns: readonly PgColumn[];
  /** Key column names in index order (primary key, else replica identity index); empty when none. */
  readonly keyColumns: readonly string[];
  readonly replicaIdentity: PgReplicaIdentity;
  readonly comment: string | null;
}

/** The part of pg.Client / pg.Pool / pg.PoolClient used here. */
export interface PgQueryable {
  query(text: string, values?: unknown[]): Promise<{ rows: unknown[] }>;
}

const COLUMNS_SQL = `
WITH RECURSIVE domain_chain AS (
  SELECT t.oid AS start_oid, t.oid AS cur_oid, t.typtype, t.typbasetype, 0 AS depth
  FROM pg_catalog.pg_type t WHERE t.typtype = 'd'
  UNION ALL
  SELECT dc.start_oid, b.oid, b.typtype, b.typbasetype, dc.depth + 1
  FROM domain_chain dc JOIN pg_catalog.pg_type b ON b.oid = dc.typbasetype
  WHERE dc.typtype = 'd' AND dc.depth < 32
), domain_root AS (
  SELECT start_oid, cur_oid AS root_oid FROM domain_chain WHERE typtype <> 'd'
), rels AS (
  SELECT c.oid, n.nspname, c.relname, c.relreplident, obj_description(c.oid, 'pg_class') AS comment
  FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p')
    AND n.nspname NOT IN ('pg_catalog', 'information_schema')
    AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'
    AND ($1::text IS NULL OR (n.nspname = $1::text AND c.relname = $2::text))
)
SELECT r.oid::text AS rel_oid, r.nspname::text AS schema_name, r.relname::text AS table_name,
       r.relreplident::text AS replica_identity, r.comment AS table_comment,
       a.attname::text AS column_name, a.attnum::text AS position, a.atttypid::text AS type_oid,
       a.atttypmod::text AS att_typmod,
       (CASE WHEN t.typtype = 'd' THEN t.typtypmod ELSE -1 END)::text AS domain_typmod,
       format_type(a.atttypid, a.atttypmod) AS type_name,
       t.typtype::text AS typtype,
       bt.typname::text AS base_type_name,
       et.typname::text AS element_type_name, et.oid::text AS element_type_oid,
       (SELECT json_agg(e.enumlabel ORDER BY e.enumsortorder) FROM pg_catalog.pg_enum e
         WHERE e.enumtypid = COALESCE(et.oid, bt.oid))::text AS enum_labels,
       (CASE WHEN a.attnotnull THEN 'f' ELSE 't' END) AS nullable,
       (CASE WHEN a.attgenerated <> '' THEN NULL ELSE pg_get_expr(d.adbin, d.adrelid) END) AS default_expr,
       (CASE WHEN a.attgenerated <> '' THEN 't' ELSE 'f' END) AS generated,
       col_description(r.oid, a.attnum) AS column_comment,
       array_position(k.indkey, a.attnum)::text AS key_position
FROM rels r
JOIN pg_catalog.pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
LEFT JOIN domain_root dr ON dr.start_oid = t.oid
JOIN pg_catalog.pg_type bt ON bt.oid = COALESCE(dr.root_oid, t.oid)
LEFT JOIN pg_catalog.pg_type et ON et.oid = bt.typelem AND bt.typcategory = 'A'
     AND bt.typname NOT IN ('int2vector', 'oidvector')
LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
LEFT JOIN LATERAL (
  SELECT i.indkey::int2[] AS indkey FROM pg_catalog.pg_index i
  WHERE i.indrelid = r.oid AND (i.indisprimary OR i.indisreplident)
  ORDER BY i.indisprimary DESC LIMIT 1
) k ON true
ORDER BY r.nspname, r.relname, a.attnum`;

interface ColumnRow {
  rel_oid: string;
  schema_name: string;
  table_name: string;
  replica_identity: string;
  table_comment: string | null;
  column_name: string;
  position: string;
  type_oid: string;
  att_typmod: string;
  domain_typmod: string;
  type_name: string;
  typtype: string;
  base_type_name: string;
  element_type_name: string | null;
  element_type_oid: string | null;
  enum_labels: string | null;
  nullable: string;
  default_expr: string | null;
  generated: string;
  column_comment: string | null;
  key_position: string | null;
}

/** Every user table (relkind r and p) for which `filter(schema, table)` holds. */
export async function loadTables(client: PgQueryable, filter: (schema: string, table: string) => boolean): Promise<PgTable[]> {
  const rows = await queryColumns(client, null, null);
  return groupTables(rows.filter((r) => filter(r.schema_name, r.table_name)));
}

/** One table, or null when it does not exist (or is not a table). */
export async function loadTable(client: PgQueryable, schema: string, name: string): Promise<PgTable | null> {
  const tables = groupTables(await queryColumns(client, schema, name));
  return tables[0] ?? null;
}

async function queryColumns(client: PgQueryable, schema: string | null, name: string | null): Promise<ColumnRow[]> {
  try {
    const res = await client.query(COLUMNS_SQL, [schema, name]);
    return res.rows as ColumnRow[];
  } catch (cause) {
    throw new SourceError({
      code: 'CDC_PG_CATALOG_READ',
      what: `reading table and column metadata from pg_catalog failed${schema !== null ? ` for "${schema}"."${name}"` : ''}`,
      where: 'PostgreSQL catalog query (pg_class, pg_attribute, pg_type)',
      fix: 'check that the connector user can connect and read pg_catalog; see the cause for the server error',
      retriable: true,
      cause,
    });
  }
}

function groupTables(rows: readonly ColumnRow[]): PgTable[] {
  const byOid = new Map<string, { head: ColumnRow; rows: ColumnRow[] }>();
  for (const r of rows) {
    const entry = byOid.get(r.rel_oid);
    if (entry) entry.rows.push(r);
    else byOid.set(r.rel_oid, { head: r, rows: [r] });
  }
  const tables: PgTable[] = [];
  for (const { head, rows: cols } of byOid.values()) {
    const columns = cols.map(toColumn);
    const keyColumns = cols
      .filter((c) => c.key_position !== null)
      .sort((a, b) => Number(a.key_position) - Number(b.key_position))
      .map((c) => c.column_name);
    tables.push({
      schema: head.schema_name,
      name: head.table_name,
      oid: Number(head.rel_oid),
      columns,
      keyColumns,
      replicaIdentity: head.replica_identity as PgReplicaIdentity,
      comment: head.table_comment,
    });
  }
  return tables;
}

function toColumn(r: ColumnRow): PgColumn {
  const attTypmod = Number(r.att_typmod);
  const column: PgColumn = {
    name: r.column_name,
    position: Number(r.position),
    typeOid: Number(r.type_oid),
    typeMod: attTypmod >= 0 ? attTypmod : Number(r.domain_typmod),
    typeName: r.type_name,
    baseTypeName: r.base_type_name,
    typtype: r.typtype as PgTyptype,
    ...(r.element_type_name !== null ? { elementTypeName: r.element_type_name, elementTypeOid: Number(r.element_type_oid) } : {}),
    ...(r.enum_labels !== null ? { enumLabels: JSON.parse(r.enum_labels) as string[] } : {}),
    nullable: r.nullable === 't',
    defaultExpr: r.default_expr,
    comment: r.column_comment,
    isKey: r.key_position !== null,
    ...(r.generated === 't' ? { generated: true } : {}),
  };
  return column;
}
