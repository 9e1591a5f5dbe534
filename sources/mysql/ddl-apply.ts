/**
 * Applies a DDL statement's column edits (ddl-definitions.ts) to the definition the table had
 * before it, so the schema history records the table as that statement left it. The server's
 * own spelling of a type (display widths, charsets, ENUM members, JSON on MariaDB) is taken from
 * a column that already has the declared type: the column as it was before the statement, or the
 * column information_schema shows now when its type is the declared one. Defaults, nullability,
 * comments and AUTO_INCREMENT always come from the statement, since they are what a later ALTER
 * changes without the connector noticing. Where neither a column of the declared type nor a
 * charset-free type is at hand, the answer is `why`, and the caller reads information_schema.
 */
import type { TableName } from './ddl-parse.ts';
import type { MySqlColumn, ServerFlavor } from './column-info.ts';
import type { MySqlTable } from './table-schema.ts';
import type { ColumnEdit, DefinitionPlan, Place } from './ddl-definitions.ts';
import type { ColumnDef } from './ddl-column-def.ts';
import { built, declaredType, defaultFacts, Refused, sameType } from './ddl-column-facts.ts';

export type Applied = { readonly table: MySqlTable } | { readonly why: string };

export interface ApplyContext {
  /** the table's definition before the statement: null when it did not exist, undefined when not known */
  readonly before: (t: TableName) => MySqlTable | null | undefined;
  /** information_schema's definition now (null: no such table now) */
  readonly now: MySqlTable | null;
  readonly flavor: ServerFlavor;
  /** the table's default charset as information_schema shows it now (for text columns declared without one) */
  readonly charset: string | null;
}

/** The definition of `plan.table` after the statement, or why it cannot be told from the statement. */
export function applyPlan(plan: DefinitionPlan, ctx: ApplyContext): Applied {
  try {
    switch (plan.kind) {
      case 'opaque': return { why: plan.why };
      case 'create-like': {
        const before = ctx.before(plan.table);
        if (plan.ifNotExists && before) return { table: before };
        const like = ctx.before(plan.like);
        if (!like) return { why: `CREATE TABLE ... LIKE ${plan.like.db}.${plan.like.table}, whose definition is not known here` };
        return { table: { ...like, db: plan.table.db, name: plan.table.table } };
      }
      case 'create': {
        const before = ctx.before(plan.table);
        if (plan.ifNotExists && before) return { table: before };
        const t = new Editing({ db: plan.table.db, name: plan.table.table, columns: [], primaryKey: [] }, ctx, plan.charset ?? ctx.charset);
        for (const def of plan.columns) t.add(def, null);
        if (plan.primaryKey.length > 0) t.setPrimaryKey(plan.primaryKey);
        return { table: t.result() };
      }
      case 'alter': {
        const before = ctx.before(plan.from);
        if (before === undefined) return { why: `the definition of ${plan.from.db}.${plan.from.table} before the statement is not known` };
        if (before === null) return { why: `${plan.from.db}.${plan.from.table} did not exist before the statement` };
        const t = new Editing({ ...before, db: plan.table.db, name: plan.table.table }, ctx, ctx.charset);
        for (const e of plan.edits) t.apply(e);
        return { table: t.result() };
      }
    }
  } catch (e) {
    if (e instanceof Refused) return { why: e.message };
    throw e;
  }
}

class Editing {
  private columns: MySqlColumn[];
  private primaryKey: string[];
  private readonly db: string;
  private readonly name: string;

  constructor(from: MySqlTable, private readonly ctx: ApplyContext, private charset: string | null) {
    this.columns = [...from.columns];
    this.primaryKey = [...from.primaryKey];
    this.db = from.db;
    this.name = from.name;
  }

  apply(e: ColumnEdit): void {
    switch (e.kind) {
      case 'add': {
        if (this.index(e.def.name) >= 0) {
          if (e.ifNotExists) return;
          throw new Refused(`ADD COLUMN ${e.def.name}, which exists`);
        }
        this.add(e.def, e.place);
        return;
      }
      case 'modify': {
        const at = this.index(e.from);
        if (at < 0) {
          if (e.ifExists) return;
          throw new Refused(`MODIFY/CHANGE of column ${e.from}, which does not exist`);
        }
        const old = this.columns[at]!;
        const col = this.column(e.def, old);
        this.columns[at] = col;
        if (e.place !== null) { this.columns.splice(at, 1); this.insert(col, e.place); }
        this.primaryKey = this.primaryKey.map((k) => (eq(k, e.from) ? col.name : k));
        if (e.def.primaryKey) this.setPrimaryKey([col.name]);
        return;
      }
      case 'drop': {
        const at = this.index(e.name);
        if (at < 0) {
          if (e.ifExists) return;
          throw new Refused(`DROP COLUMN ${e.name}, which does not exist`);
        }
        this.columns.splice(at, 1);
        this.primaryKey = this.primaryKey.filter((k) => !eq(k, e.name));
        return;
      }
      case 'rename': {
        const at = this.index(e.from);
        if (at < 0) throw new Refused(`RENAME COLUMN ${e.from}, which does not exist`);
        this.columns[at] = { ...this.columns[at]!, name: e.to };
        this.primaryKey = this.primaryKey.map((k) => (eq(k, e.from) ? e.to : k));
        return;
      }
      case 'default': {
        const at = this.index(e.name);
        if (at < 0) throw new Refused(`ALTER COLUMN ${e.name}, which does not exist`);
        const col = this.columns[at]!;
        this.columns[at] = { ...col, ...defaultFacts(e.value, col, col, this.ctx.flavor) };
        return;
      }
      case 'add-pk': this.setPrimaryKey(e.columns); return;
      case 'drop-pk': this.primaryKey = []; return;
      case 'charset': this.charset = e.charset; return;
    }
  }

  add(def: ColumnDef, place: Place): void {
    const col = this.column(def, undefined);
    this.insert(col, place);
    if (def.primaryKey) this.setPrimaryKey([col.name]);
  }

  setPrimaryKey(names: readonly string[]): void {
    const out: string[] = [];
    for (const n of names) {
      const at = this.index(n);
      if (at < 0) throw new Refused(`PRIMARY KEY on column ${n}, which does not exist`);
      const col = this.columns[at]!;
      // Key columns are NOT NULL; a NULL default goes with it.
      this.columns[at] = { ...col, nullable: false };
      out.push(col.name);
    }
    this.primaryKey = out;
  }

  result(): MySqlTable {
    return { db: this.db, name: this.name, columns: this.columns.map((c, i) => ({ ...c, position: i + 1 })), primaryKey: this.primaryKey };
  }

  private insert(col: MySqlColumn, place: Place): void {
    if (place === null) { this.columns.push(col); return; }
    if (place === 'first') { this.columns.unshift(col); return; }
    const at = this.index(place.after);
    if (at < 0) throw new Refused(`AFTER ${place.after}, which does not exist`);
    this.columns.splice(at + 1, 0, col);
  }

  private index(name: string): number {
    return this.columns.findIndex((c) => eq(c.name, name));
  }

  /** The column `def` defines; `old` is the column it replaces (MODIFY/CHANGE). */
  private column(def: ColumnDef, old: MySqlColumn | undefined): MySqlColumn {
    const declared = declaredType(def, this.ctx.flavor);
    const nowCol = this.ctx.now?.columns.find((c) => eq(c.name, def.name));
    // A column the server spelled with the declared type (and charset: a redefinition without one takes the table's).
    const spelled = [old, nowCol].find((c) => c !== undefined && sameType(declared, c, this.ctx.flavor, def.charset ?? this.charset));
    const base = spelled ?? built(def, declared, this.ctx.flavor, def.charset ?? this.charset);
    const isSerial = def.typeName === 'SERIAL';
    const keyed = def.primaryKey || isSerial || def.serialDefault;
    // Unstated nullability is NULL, except a key column, and a TIMESTAMP whose server rule (explicit_defaults_for_timestamp) only the server knows.
    const nullable = def.nullable ?? (keyed ? false : declared.dataType === 'timestamp' && spelled !== undefined && spelled === nowCol ? nowCol.nullable : true);
    const fromDefault = defaultFacts(def.default ?? null, base, spelled, this.ctx.flavor);
    return {
      ...base,
      name: def.name,
      nullable,
      ...fromDefault,
      autoIncrement: def.autoIncrement || isSerial || def.serialDefault,
      generated: def.generated,
      comment: def.comment ?? '',
    };
  }
}

const eq = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();
