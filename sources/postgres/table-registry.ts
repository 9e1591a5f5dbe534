/**
 * Which tables are captured and what they look like now. Models are built from
 * the catalog, restricted to the columns pgoutput's Relation message names (in
 * its order), and replaced on every Relation message: PostgreSQL resends one
 * after each DDL, before the first change that uses the new shape.
 */
import type pg from 'pg';
import type { Pgoutput } from 'pg-logical-replication';
import type { Logger } from '../../src/log/logger.ts';
import { CdcError, SourceError } from '../../src/errors/cdc-error.ts';
import { quoteIdent } from './connection.ts';
import { loadTable, loadTables, publishesGeneratedColumns, type PgColumn, type PgTable } from './catalog.ts';
import type { OddValueSink } from './odd-values.ts';
import { buildTableModel, type TableModel } from './table-model.ts';
import { leafPartitions, listRelations, planCapture, relationFacts, routeRelation, type CapturePlan, type PgRelation } from './partitions.ts';
import type { PgTaskConfig } from './task-config.ts';
import type { TableResolver } from './change-decoder.ts';
import { ADJUSTMENT_PROPERTY, NameAdjuster, type NameKind } from '../../src/serde/name-adjustment.ts';

export interface CapturedTable {
  readonly schema: string;
  readonly name: string;
  readonly selectable: boolean;
}

type CaptureSettings = Pick<PgTaskConfig, 'filters' | 'publishViaRoot' | 'lists'>;

/**
 * Tables the filters capture, with whether the current user may read them: ordinary tables and,
 * by publish.via.partition.root, partitioned roots or leaf partitions (partitions.ts), plus the
 * filter sets that would lose partition rows.
 */
export async function planCapturedTables(sql: pg.Client, cfg: CaptureSettings): Promise<CapturePlan> {
  return planCapture(await listRelations(sql), cfg.filters, { viaRoot: cfg.publishViaRoot, ...cfg.lists });
}

export async function listCapturedTables(sql: pg.Client, cfg: CaptureSettings): Promise<PgRelation[]> {
  return [...(await planCapturedTables(sql, cfg)).captured];
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
  for (const t of await loadTables(sql, { names: await listCapturedTables(sql, cfg) }, { includeGenerated })) {
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
  /** Relation OIDs (and names) of partitions whose changes are emitted as their captured root's. */
  private readonly viaPartition = new Map<number, string>();
  private readonly warnedPartitions = new Set<number>();
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

  capturePlan(): Promise<CapturePlan> {
    return planCapturedTables(this.deps.sql, this.deps.cfg);
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
    const { sql, cfg } = this.deps;
    const oid = rel.relationOid >>> 0;
    const facts = await relationFacts(sql, oid, rel.schema, rel.name);
    const route = await routeRelation({
      ...facts,
      capturedLeaf: async () => (await leafPartitions(sql, oid)).some((l) => cfg.filters.table(l.schema, l.name)),
    }, cfg.filters, cfg.publishViaRoot);
    this.viaPartition.delete(oid);
    if (route.kind === 'filtered') {
      this.byRelOid.set(rel.relationOid, null);
      return null;
    }
    if (route.kind === 'misplaced') throw misplacedRootError(rel, cfg.publicationName);
    const asRoot = route.kind === 'as-root';
    // Generated columns included: the restriction keeps only what this message lists anyway.
    const current = await loadTable(sql, asRoot ? route.schema : rel.schema, asRoot ? route.name : rel.name, { includeGenerated: true });
    // A partition's change under its own name (written while the publication was not via root):
    // its columns are the root's (PostgreSQL requires it), so it is shaped and named as the root's.
    const table = asRoot && current ? restrictToColumns(current, rel) : restrictToRelation(current, rel);
    const model = this.model(table);
    // PostgreSQL 15+ sends a leaf's Relation after its root's even when publishing via the root
    // (changes then name the root's OID): only a change naming the leaf's OID is worth a warning.
    if (asRoot) this.viaPartition.set(oid, `${rel.schema}.${rel.name}`);
    const before = this.byRelOid.get(rel.relationOid);
    if (before && before.columns.map((c) => c.name).join(',') !== model.columns.map((c) => c.name).join(',')) {
      this.deps.log.info({ table: model.id, before: before.columns.map((c) => c.name), after: model.columns.map((c) => c.name) }, 'table structure changed; new schema version follows');
    }
    this.byRelOid.set(rel.relationOid, model);
    return model;
  }

  /**
   * True when changes of this relation are emitted as its root's (a partition named in a Relation
   * message): a TRUNCATE of one partition is not a TRUNCATE of the root, so it is not emitted, as
   * PostgreSQL itself does not publish it through the root.
   */
  isPartitionOfCaptured(oid: number): boolean {
    return this.viaPartition.has(oid >>> 0);
  }

  byOid(oid: number): TableModel | null | undefined {
    const m = this.byRelOid.get(oid);
    if (this.viaPartition.size > 0 && m && !this.warnedPartitions.has(oid >>> 0) && this.viaPartition.has(oid >>> 0)) {
      this.warnedPartitions.add(oid >>> 0);
      this.deps.log.warn({ partition: this.viaPartition.get(oid >>> 0), table: m.id, publication: this.deps.cfg.publicationName },
        'changes of a partition arrive under its own name (the publication was not publish_via_partition_root when they were written); emitting them as changes of its captured root table');
    }
    return m;
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

/** The root table's columns (its order and names) that the partition's Relation message carries. */
function restrictToColumns(root: PgTable, rel: Pgoutput.MessageRelation): PgTable {
  const sent = new Set(rel.columns.map((c) => c.name));
  return { ...root, columns: root.columns.filter((c) => sent.has(c.name)) };
}

function misplacedRootError(rel: Pgoutput.MessageRelation, publication: string): SourceError {
  return new SourceError({
    code: 'CDC_PG_PUBLICATION_VIA_ROOT',
    what: `pgoutput sent changes of the partitioned table ${rel.schema}.${rel.name} under its own name (publication "${publication}" has publish_via_partition_root = true), but publish.via.partition.root=false captures its partitions, and a row cannot be placed in its partition's topic from the root's change`,
    where: `publication "${publication}", table ${rel.schema}.${rel.name}`,
    fix: `set publish.via.partition.root=true to capture ${rel.schema}.${rel.name} as one table, or ALTER PUBLICATION ${quoteIdent(publication)} SET (publish_via_partition_root = false); and restart the connector`,
  });
}

function fallbackColumn(name: string): PgColumn {
  return {
    name, position: 0, typeOid: 25, typeMod: -1, typeName: 'text', baseTypeName: 'text', typtype: 'b',
    nullable: true, defaultExpr: null, comment: null, isKey: false,
  } as PgColumn;
}
