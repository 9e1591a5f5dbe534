/**
 * Table and column metadata read from pg_catalog: what the type mapping (types.ts) and the
 * event keys need. One query returns the columns of the chosen tables (exact names, or the
 * include/exclude lists pushed down as a SQL prefilter, filter-pushdown.ts), with domains
 * resolved, array elements, enum labels, defaults, comments and key membership; generated
 * columns only when pgoutput sends them (CatalogOptions.includeGenerated).
 *
 * Domains resolve to their root base type; the type modifier is the column's own, else the
 * declared domain's (one level only, as Debezium inherits length/scale from the direct domain).
 * Keys: the primary key, else the replica identity index (REPLICA IDENTITY USING INDEX).
 * Every output column is cast to text in SQL, so results are the same whether the client
 * keeps pg's default type parsers or returns raw strings (as the snapshot connection does).
 */
import { SourceError } from '../../src/errors/cdc-error.ts';
import { NO_PUSHDOWN, pushdownSql, type TablePushdown } from './filter-pushdown.ts';

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
  /** GENERATED ALWAYS AS (...) STORED; listed only when pgoutput sends them (CatalogOptions.includeGenerated). */
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

/**
 * `%RELS%` is replaced by the table selection (exact names or the filter pushdown); $1 says
 * whether stored generated columns are listed. Domains are resolved only for the types the
 * selected columns use: the recursion is seeded from those columns, so one Relation message
 * costs a walk over its own table's domains, not over every domain of the database.
 */
const COLUMNS_SQL = `
WITH RECURSIVE rels AS (
  SELECT c.oid, n.nspname, c.relname, c.relreplident, obj_description(c.oid, 'pg_class') AS comment
  FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p')
    AND n.nspname NOT IN ('pg_catalog', 'information_schema')
    AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'
    AND %RELS%
), cols AS (
  SELECT r.oid AS rel_oid, r.nspname, r.relname, r.relreplident, r.comment AS rel_comment,
         a.attrelid, a.attname, a.attnum, a.atttypid, a.atttypmod, a.attnotnull, a.attgenerated
  FROM rels r
  JOIN pg_catalog.pg_attribute a ON a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped
  -- pgoutput sends stored generated columns only from PostgreSQL 18 with publish_generated_columns
  -- = stored, and virtual ones never: a column it does not send must not be in the schema.
  WHERE a.attgenerated = '' OR ($1::bool AND a.attgenerated = 's')
), domain_chain AS (
  SELECT t.oid AS start_oid, t.oid AS cur_oid, t.typtype, t.typbasetype, 0 AS depth
  FROM pg_catalog.pg_type t WHERE t.typtype = 'd' AND t.oid IN (SELECT atttypid FROM cols)
  UNION ALL
  SELECT dc.start_oid, b.oid, b.typtype, b.typbasetype, dc.depth + 1
  FROM domain_chain dc JOIN pg_catalog.pg_type b ON b.oid = dc.typbasetype
  WHERE dc.typtype = 'd' AND dc.depth < 32
), domain_root AS (
  SELECT start_oid, cur_oid AS root_oid FROM domain_chain WHERE typtype <> 'd'
)
SELECT a.rel_oid::text AS rel_oid, a.nspname::text AS schema_name, a.relname::text AS table_name,
       a.relreplident::text AS replica_identity, a.rel_comment AS table_comment,
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
       col_description(a.rel_oid, a.attnum) AS column_comment,
       array_position(k.indkey, a.attnum)::text AS key_position
FROM cols a
JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
LEFT JOIN domain_root dr ON dr.start_oid = t.oid
JOIN pg_catalog.pg_type bt ON bt.oid = COALESCE(dr.root_oid, t.oid)
LEFT JOIN pg_catalog.pg_type et ON et.oid = bt.typelem AND bt.typcategory = 'A'
     AND bt.typname NOT IN ('int2vector', 'oidvector')
LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
LEFT JOIN LATERAL (
  SELECT i.indkey::int2[] AS indkey FROM pg_catalog.pg_index i
  WHERE i.indrelid = a.rel_oid AND (i.indisprimary OR i.indisreplident)
  ORDER BY i.indisprimary DESC LIMIT 1
) k ON true
ORDER BY a.nspname, a.relname, a.attnum`;

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

/** Which tables a catalog read covers. */
export type TableChoice =
  /** A filter; its pushdown (when given) narrows the query, the function re-checks every row. */
  | { readonly table: (schema: string, table: string) => boolean; readonly pushdown?: TablePushdown }
  /** Exactly these tables. */
  | { readonly names: readonly { readonly schema: string; readonly name: string }[] };

export interface CatalogOptions {
  /**
   * List stored generated columns. Only when pgoutput sends them (PostgreSQL 18 with a
   * publication created WITH (publish_generated_columns = stored)); see publishesGeneratedColumns.
   */
  readonly includeGenerated?: boolean;
}

/** Every user table (relkind r and p) the choice covers. */
export async function loadTables(client: PgQueryable, choice: TableChoice | ((schema: string, table: string) => boolean), opts: CatalogOptions = {}): Promise<PgTable[]> {
  const c: TableChoice = typeof choice === 'function' ? { table: choice } : choice;
  if ('names' in c) {
    if (c.names.length === 0) return [];
    const rows = await queryColumns(client, NAMES_SQL, [opts.includeGenerated === true, c.names.map((t) => t.schema), c.names.map((t) => t.name)], null);
    return groupTables(rows);
  }
  const pd = pushdownSql(c.pushdown ?? NO_PUSHDOWN, 2);
  const rows = await queryColumns(client, COLUMNS_SQL.replace('%RELS%', pd.sql), [opts.includeGenerated === true, ...pd.params], null);
  return groupTables(rows.filter((r) => c.table(r.schema_name, r.table_name)));
}

const NAMES_SQL = COLUMNS_SQL.replace('%RELS%', '(n.nspname, c.relname) IN (SELECT * FROM unnest($2::text[], $3::text[]))');

/** One table, or null when it does not exist (or is not a table). */
export async function loadTable(client: PgQueryable, schema: string, name: string, opts: CatalogOptions = {}): Promise<PgTable | null> {
  const tables = groupTables(await queryColumns(client, NAMES_SQL, [opts.includeGenerated === true, [schema], [name]], `"${schema}"."${name}"`));
  return tables[0] ?? null;
}

/**
 * Whether pgoutput sends stored generated columns through this publication: PostgreSQL 18's
 * publish_generated_columns = stored. Before 18 it never does (and pg_publication has no
 * pubgencols column); a publication that does not exist yet will be created without it.
 */
export async function publishesGeneratedColumns(client: PgQueryable, publication: string): Promise<boolean> {
  const v = await client.query(`SELECT current_setting('server_version_num')::int::text AS v`);
  if (Number((v.rows[0] as { v: string }).v) < 180000) return false;
  const r = await client.query('SELECT pubgencols::text AS g FROM pg_catalog.pg_publication WHERE pubname = $1', [publication]);
  return (r.rows[0] as { g: string } | undefined)?.g === 's';
}

async function queryColumns(client: PgQueryable, sql: string, params: unknown[], table: string | null): Promise<ColumnRow[]> {
  try {
    const res = await client.query(sql, params);
    return res.rows as ColumnRow[];
  } catch (cause) {
    throw new SourceError({
      code: 'CDC_PG_CATALOG_READ',
      what: `reading table and column metadata from pg_catalog failed${table !== null ? ` for ${table}` : ''}`,
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
