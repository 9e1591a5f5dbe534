/**
 * Which tables are captured and what they look like now. Models are built from
 * the catalog, restricted to the columns pgoutput's Relation message names (in
 * its order), and replaced on every Relation message: PostgreSQL resends one
 * after each DDL, before the first change that uses the new shape.
 */
import type pg from 'pg';
import type { Pgoutput } from 'pg-logical-replication';
import type { Logger } from '../../src/log/logger.ts';
import { CdcError } from '../../src/errors/cdc-error.ts';
import { loadTable, loadTables, publishesGeneratedColumns, type PgColumn, type PgTable } from './catalog.ts';
import type { OddValueSink } from './odd-values.ts';
import { pushdownSql } from './filter-pushdown.ts';
import { buildTableModel, type TableModel } from './table-model.ts';
import type { Filters } from './table-filter.ts';
import type { PgTaskConfig } from './task-config.ts';
import type { TableResolver } from './change-decoder.ts';
import { ADJUSTMENT_PROPERTY, NameAdjuster, type NameKind } from '../../src/serde/name-adjustment.ts';

export interface CapturedTable {
  readonly schema: string;
  readonly name: string;
  readonly selectable: boolean;
}

/** Tables the filters capture, with whether the current user may read them. */
export async function listCapturedTables(sql: pg.Client, filters: Filters): Promise<CapturedTable[]> {
  // The pushdown narrows the list in SQL; filters.table below stays the judge (filter-pushdown.ts).
  const pd = pushdownSql(filters.pushdown, 1);
  const r = await sql.query(`SELECT n.nspname AS schema, c.relname AS name,
        has_table_privilege(c.oid, 'SELECT')::text AS selectable
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
       AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'
       AND ${pd.sql}
     ORDER BY 1, 2`, pd.params);
  return (r.rows as { schema: string; name: string; selectable: string }[])
    .filter((t) => filters.table(t.schema, t.name))
    .map((t) => ({ schema: t.schema, name: t.name, selectable: t.selectable === 'true' }));
}

/**
 * What schema.name.adjustment.mode / field.name.adjustment.mode would refuse once the tables'
 * schemas are built (CDC_NAME_ADJUSTMENT_CONFLICT), found up front for cdc validate and
 * config/validate instead of at the first event.
 */
export async function nameAdjustmentProblems(sql: pg.Client, cfg: PgTaskConfig): Promise<CdcError[]> {
  const names = { schema: new NameAdjuster({ kind: 'schema', mode: cfg.names.schema }), field: new NameAdjuster({ kind: 'field', mode: cfg.names.field }) };
  const problems: CdcError[] = [];
  const includeGenerated = await publishesGeneratedColumns(sql, cfg.publicationName);
  for (const t of await loadTables(sql, cfg.filters, { includeGenerated })) {
    try {
      buildTableModel(t, { topicPrefix: cfg.topicPrefix, topicDelimiter: cfg.topicDelimiter, types: cfg.types, columnFilter: cfg.filters.column, keyColumnsOverride: cfg.keyColumns, names });
    } catch (err) {
      if (err instanceof CdcError && err.code === 'CDC_NAME_ADJUSTMENT_CONFLICT') problems.push(err);
      else throw err;
    }
  }
  return problems;
}

export class TableRegistry implements TableResolver {
  private readonly byRelOid = new Map<number, TableModel | null>();
  private readonly warnedSkips = new Set<string>();
  /** One pair per task: a name conflict is judged across every table of the connector, as in Debezium. */
  private readonly names: { readonly schema: NameAdjuster; readonly field: NameAdjuster };

  constructor(private readonly deps: { sql: pg.Client; cfg: PgTaskConfig; log: Logger; oddValues?: OddValueSink }) {
    const adjuster = (kind: NameKind) => new NameAdjuster({
      kind, mode: deps.cfg.names[kind],
      onReplaced: (original, adjusted) => deps.log.warn({ original, adjusted, property: ADJUSTMENT_PROPERTY[kind], mode: deps.cfg.names[kind] },
        `${kind === 'schema' ? 'schema' : 'field'} name is not a valid Avro name; using the adjusted name`),
    });
    this.names = { schema: adjuster('schema'), field: adjuster('field') };
  }

  capturedTables(): Promise<CapturedTable[]> {
    return listCapturedTables(this.deps.sql, this.deps.cfg.filters);
  }

  /** Models for the snapshot, read through the snapshot's own session (its view of the catalog). */
  async loadModels(sql: pg.Client, tables: readonly CapturedTable[]): Promise<TableModel[]> {
    // The snapshot SELECT lists the model's columns, so a column pgoutput will not send is
    // neither read nor in the first schema version (no second version at the first change).
    const includeGenerated = await publishesGeneratedColumns(sql, this.deps.cfg.publicationName);
    const loaded = await loadTables(sql, { names: tables }, { includeGenerated });
    return loaded.map((t) => this.model(t));
  }

  async onRelation(rel: Pgoutput.MessageRelation): Promise<TableModel | null> {
    if (!this.deps.cfg.filters.table(rel.schema, rel.name)) {
      this.byRelOid.set(rel.relationOid, null);
      return null;
    }
    // Generated columns included: restrictToRelation keeps only what this message lists anyway.
    const current = await loadTable(this.deps.sql, rel.schema, rel.name, { includeGenerated: true });
    const table = restrictToRelation(current, rel);
    const model = this.model(table);
    const before = this.byRelOid.get(rel.relationOid);
    if (before && before.columns.map((c) => c.name).join(',') !== model.columns.map((c) => c.name).join(',')) {
      this.deps.log.info({ table: model.id, before: before.columns.map((c) => c.name), after: model.columns.map((c) => c.name) }, 'table structure changed; new schema version follows');
    }
    this.byRelOid.set(rel.relationOid, model);
    return model;
  }

  byOid(oid: number): TableModel | null | undefined {
    return this.byRelOid.get(oid);
  }

  private model(t: PgTable): TableModel {
    const { cfg } = this.deps;
    const m = buildTableModel(t, {
      topicPrefix: cfg.topicPrefix, topicDelimiter: cfg.topicDelimiter, types: cfg.types, columnFilter: cfg.filters.column, keyColumnsOverride: cfg.keyColumns, names: this.names,
      ...(this.deps.oddValues ? { oddValues: this.deps.oddValues } : {}),
    });
    for (const c of m.skippedColumns) {
      const k = `${m.id}.${c}`;
      if (this.warnedSkips.has(k)) continue;
      this.warnedSkips.add(k);
      this.deps.log.warn({ table: m.id, column: c, fix: `add ${m.id}.${c} to column.exclude.list to leave it out knowingly, or set include.unknown.datatypes=true to emit its text as bytes` },
        'column type has no Debezium mapping; column left out of events');
    }
    return m;
  }
}

/**
 * The catalog describes the table as it is now; the Relation message as it was
 * when the change was written. Keep the message's columns and order, taking
 * nullability, defaults and type details from the catalog where the column
 * still exists with the same type.
 */
function restrictToRelation(current: PgTable | null, rel: Pgoutput.MessageRelation): PgTable {
  const byName = new Map((current?.columns ?? []).map((c) => [c.name, c]));
  const columns: PgColumn[] = rel.columns.map((rc, i) => {
    const c = byName.get(rc.name);
    if (c && c.typeOid === (rc.typeOid >>> 0)) return { ...c, position: i + 1 };
    return {
      ...(c ?? fallbackColumn(rc.name)),
      name: rc.name, position: i + 1, typeOid: rc.typeOid >>> 0, typeMod: rc.typeMod, nullable: true,
      isKey: (rc.flags & 1) === 1 && rel.replicaIdentity !== 'full',
    };
  });
  const keyFromRel = rel.replicaIdentity === 'full' ? current?.keyColumns ?? [] : rel.keyColumns;
  return {
    schema: rel.schema, name: rel.name, oid: rel.relationOid >>> 0, columns,
    keyColumns: current?.keyColumns.length ? current.keyColumns.filter((k) => columns.some((c) => c.name === k)) : keyFromRel,
    replicaIdentity: ({ default: 'd', nothing: 'n', full: 'f', index: 'i' } as const)[rel.replicaIdentity],
    comment: current?.comment ?? null,
  };
}

function fallbackColumn(name: string): PgColumn {
  return {
    name, position: 0, typeOid: 25, typeMod: -1, typeName: 'text', baseTypeName: 'text', typtype: 'b',
    nullable: true, defaultExpr: null, comment: null, isKey: false,
  } as PgColumn;
}
