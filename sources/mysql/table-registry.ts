/**
 * The captured tables of a running MySQL/MariaDB task and the model each one's events are built
 * with. A model comes from information_schema (table-schema.ts) and is proven against the
 * binlog's table map (binlog_row_metadata=FULL) before rows are decoded with it; a DDL drops the
 * models it touches, and the next table map loads them again. When a schema history is known
 * (definitions as of the stream's position), it is preferred over information_schema, which
 * only shows the table as it is now.
 */
import { SourceError } from '../../src/errors/cdc-error.ts';
import type { Logger } from '../../src/log/logger.ts';
import type { MysqlTaskConfig } from './config-task.ts';
import type { MySqlTableModel } from './event-model.ts';
import { filterTables } from './server-checks-tables.ts';
import { readTableSchema, tableMapMismatch, type MySqlTable, type SqlRunner, type TableMapShape } from './table-schema.ts';
import type { ServerFlavor } from './column-info.ts';
import { tableFromMap, type MapColumnSchema } from './table-map-schema.ts';

export interface TableRegistryDeps {
  readonly cfg: MysqlTaskConfig;
  readonly run: SqlRunner;
  readonly flavor: ServerFlavor;
  readonly build: (table: MySqlTable) => MySqlTableModel;
  readonly log: Logger;
  readonly where: string;
}

export class MySqlTableRegistry {
  private readonly models = new Map<string, MySqlTableModel>();
  private readonly captured = new Map<string, boolean>();
  /** Definitions as of the stream's position (schema history), preferred over information_schema. */
  private readonly known = new Map<string, MySqlTable | null>();

  constructor(private readonly deps: TableRegistryDeps) {}

  /** Whether the filters capture db.table (system databases never). */
  isCaptured(db: string, table: string): boolean {
    const id = `${db}.${table}`;
    let c = this.captured.get(id);
    if (c === undefined) {
      c = filterTables([{ database: db, table }], this.deps.cfg.filters).length === 1;
      this.captured.set(id, c);
    }
    return c;
  }

  /** The model rows of db.table are decoded with; the table map proves it describes them. */
  async modelFor(db: string, table: string, map: (TableMapShape & { columnSchemas?: readonly MapColumnSchema[]; primaryKey?: readonly number[] }) | null): Promise<MySqlTableModel> {
    const id = `${db}.${table}`;
    const cached = this.models.get(id);
    if (cached && (map === null || tableMapMismatch(cached.source, map) === null)) return cached;
    const known = this.known.get(id);
    if (known && (map === null || tableMapMismatch(known, map) === null)) return this.remember(known);
    const current = await readTableSchema(this.deps.run, db, table, this.deps.flavor);
    if (!current && map) {
      const fromMap = tableFromMap(db, table, map, null, this.deps.flavor);
      if (fromMap) {
        this.deps.log.warn({ table: id }, 'rows of a table dropped since: decoded with the columns the binlog\'s table map gives for them');
        const m = this.deps.build(fromMap);
        this.models.set(id, m);
        return m;
      }
    }
    if (!current) {
      throw new SourceError({
        code: 'CDC_MYSQL_SCHEMA_MISMATCH',
        what: `the binlog holds rows of ${id}, which no longer exists, and no schema history holds its definition at this position`,
        where: this.deps.where,
        fix: 'reset the offset (DELETE /connectors/<name>/offsets) and take a new snapshot with snapshot.mode=when_needed',
      });
    }
    const why = map ? tableMapMismatch(current, map) : null;
    if (why !== null && map) {
      // Altered again since these rows were written: the map itself says what their columns were.
      const fromMap = tableFromMap(db, table, map, current, this.deps.flavor);
      if (fromMap && tableMapMismatch(fromMap, map) === null) {
        this.deps.log.warn({ table: id, why }, 'rows written before a later ALTER: decoded with the columns the binlog\'s table map gives for them');
        const m = this.deps.build(fromMap);
        this.models.set(id, m);
        return m;
      }
    }
    if (why !== null) {
      throw new SourceError({
        code: 'CDC_MYSQL_SCHEMA_MISMATCH',
        what: `the binlog's table map for ${id} does not match its current definition (${why}), and no schema history holds its definition at this position`,
        where: this.deps.where,
        fix: 'the table was altered after this binlog position; reset the offset (DELETE /connectors/<name>/offsets) and take a new snapshot with snapshot.mode=when_needed',
      });
    }
    return this.remember(current);
  }

  /** Current definition from information_schema (the snapshot and DDL read it). */
  async load(db: string, table: string): Promise<MySqlTableModel | null> {
    const t = await readTableSchema(this.deps.run, db, table, this.deps.flavor);
    if (!t) {
      this.models.delete(`${db}.${table}`);
      return null;
    }
    return this.remember(t);
  }

  /** The model last loaded for an id (no I/O). */
  cached(id: string): MySqlTableModel | undefined {
    return this.models.get(id);
  }

  /** The definition as of the stream's position: the history's or the model's; null = dropped, undefined = not known. */
  definition(id: string): MySqlTable | null | undefined {
    if (this.known.has(id)) return this.known.get(id);
    return this.models.get(id)?.source;
  }

  /** Definitions from the schema history as of the stream's position (null = dropped). */
  setKnown(id: string, table: MySqlTable | null): void {
    this.known.set(id, table);
    this.models.delete(id);
  }

  /** Ids of the tables known now (history definitions and loaded models). */
  knownIds(): string[] {
    const ids = new Set<string>(this.models.keys());
    for (const [id, t] of this.known) if (t) ids.add(id); else ids.delete(id);
    return [...ids];
  }

  /** A DDL touched these tables: their models are read again at the next table map. */
  invalidate(ids: readonly string[] | 'all'): void {
    if (ids === 'all') { this.models.clear(); this.captured.clear(); return; }
    for (const id of ids) { this.models.delete(id); this.captured.delete(id); }
  }

  private remember(t: MySqlTable): MySqlTableModel {
    const m = this.deps.build(t);
    this.models.set(m.id, m);
    return m;
  }
}
