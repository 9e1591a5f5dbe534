/**
 * Makes the publication match publication.autocreate.mode (Debezium's modes).
 * Runs before the slot is created: decoding reads publications through the
 * historic catalog, so a slot older than its publication fails on old WAL.
 */
import type pg from 'pg';
import { SourceError } from '../../src/errors/cdc-error.ts';
import { quoteIdent } from './connection.ts';

export type AutocreateMode = 'all_tables' | 'disabled' | 'filtered' | 'no_tables';

export interface PublicationPlan {
  readonly name: string;
  readonly mode: AutocreateMode;
  /** tables to publish in filtered mode: [schema, table] */
  readonly tables: readonly (readonly [string, string])[];
  /** publish.via.partition.root: WITH (publish_via_partition_root = true) on creation, as Debezium does */
  readonly viaRoot: boolean;
}

export async function ensurePublication(sql: pg.Client, plan: PublicationPlan, where: string): Promise<'exists' | 'created' | 'updated'> {
  const r = await sql.query('SELECT puballtables FROM pg_publication WHERE pubname = $1', [plan.name]);
  const exists = r.rows.length > 0;
  try {
    if (!exists) {
      switch (plan.mode) {
        case 'disabled':
          throw new SourceError({
            code: 'CDC_PG_NO_PUBLICATION',
            what: `publication "${plan.name}" does not exist and publication.autocreate.mode=disabled`,
            where: `${where}, property publication.name`,
            fix: `CREATE PUBLICATION ${quoteIdent(plan.name)} FOR TABLE ...; (or run "cdc migrate"), or set publication.autocreate.mode=filtered`,
          });
        case 'all_tables':
          await sql.query(`CREATE PUBLICATION ${quoteIdent(plan.name)} FOR ALL TABLES${withClause(plan)}`);
          return 'created';
        case 'no_tables':
          await sql.query(`CREATE PUBLICATION ${quoteIdent(plan.name)}${withClause(plan)}`);
          return 'created';
        case 'filtered':
          await sql.query(`CREATE PUBLICATION ${quoteIdent(plan.name)}${tableClause(plan.tables)}${withClause(plan)}`);
          return 'created';
      }
    }
    if (plan.mode === 'filtered' && !(r.rows[0] as { puballtables: string | boolean }).puballtables) {
      // The tables named in the publication (pg_publication_tables would show leaf partitions
      // instead of a partitioned table when the publication is not via root).
      const cur = await sql.query(`SELECT n.nspname AS schemaname, c.relname AS tablename FROM pg_publication_rel pr
          JOIN pg_publication p ON p.oid = pr.prpubid JOIN pg_class c ON c.oid = pr.prrelid
          JOIN pg_namespace n ON n.oid = c.relnamespace WHERE p.pubname = $1`, [plan.name]);
      const have = new Set(cur.rows.map((x: { schemaname: string; tablename: string }) => `${x.schemaname}.${x.tablename}`));
      const want = new Set(plan.tables.map(([s, t]) => `${s}.${t}`));
      const same = have.size === want.size && [...want].every((t) => have.has(t));
      if (!same && plan.tables.length > 0) {
        await sql.query(`ALTER PUBLICATION ${quoteIdent(plan.name)} SET TABLE ${plan.tables.map(([s, t]) => `${quoteIdent(s)}.${quoteIdent(t)}`).join(', ')}`);
        return 'updated';
      }
    }
    return 'exists';
  } catch (err) {
    if (err instanceof SourceError) throw err;
    const e = err as { code?: string; message?: string };
    if (e.code === '25006') {
      // A hot standby (decoding there needs 16+) is read-only: the publication comes from the primary.
      throw new SourceError({
        code: 'CDC_PG_NO_PUBLICATION',
        what: `publication "${plan.name}" cannot be created or changed here, the server is read-only (a standby): ${e.message}`,
        where: `${where}, property publication.autocreate.mode`,
        fix: `create the publication on the primary (CREATE PUBLICATION ${quoteIdent(plan.name)} FOR TABLE ...; or "cdc migrate" pointed at the primary), then set publication.autocreate.mode=disabled`,
      });
    }
    if (e.code === '42501') {
      throw new SourceError({
        code: 'CDC_PG_PUBLICATION_PRIVILEGE',
        what: `not allowed to create or change publication "${plan.name}": ${e.message}`,
        where: `${where}, property publication.autocreate.mode`,
        fix: plan.mode === 'all_tables'
          ? 'FOR ALL TABLES needs a superuser: create the publication once as a superuser ("cdc migrate"), or use publication.autocreate.mode=filtered with a user that owns the tables'
          : 'create the publication as the table owner ("cdc migrate"), then set publication.autocreate.mode=disabled',
      });
    }
    throw err;
  }
}

/** Partitions' changes published as their root table's: the names the connector captures (partitions.ts). */
function withClause(plan: PublicationPlan): string {
  return plan.viaRoot ? ' WITH (publish_via_partition_root = true)' : '';
}

function tableClause(tables: readonly (readonly [string, string])[]): string {
  if (tables.length === 0) return '';
  return ` FOR TABLE ${tables.map(([s, t]) => `${quoteIdent(s)}.${quoteIdent(t)}`).join(', ')}`;
}
