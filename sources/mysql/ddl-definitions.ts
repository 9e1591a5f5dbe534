/**
 * What a DDL statement does to a table's columns, read from its text: the column definitions of
 * CREATE TABLE, the ADD/DROP/MODIFY/CHANGE/ALTER/RENAME COLUMN and PRIMARY KEY specifications of
 * ALTER TABLE, and RENAME TABLE. ddl-apply.ts applies these edits to the definition the table
 * had before the statement, so the schema history records the table as the statement left it,
 * even when the connector reads the statement long after later ALTERs (information_schema only
 * shows the table as it is now). ddl-parse.ts says which tables a statement touches; this file
 * says how, for the statements that change columns. What it cannot read becomes `opaque`, and
 * the caller then takes the definition from information_schema as before: nothing is guessed.
 */
import { splitStatements, tokenize, TokenizeError, type Token } from './ddl-tokens.ts';
import type { TableName } from './ddl-parse.ts';
import { charsetOption, closingParen, columnDefinition, DefReader, isTypeStart, primaryKeyOf, splitTop, Unread, type ColumnDef, type DefaultClause } from './ddl-column-def.ts';

export type { ColumnDef, DefaultClause } from './ddl-column-def.ts';

export type Place = null | 'first' | { readonly after: string };

export type ColumnEdit =
  | { readonly kind: 'add'; readonly def: ColumnDef; readonly place: Place; readonly ifNotExists: boolean }
  /** MODIFY (from = def.name) and CHANGE old new */
  | { readonly kind: 'modify'; readonly from: string; readonly def: ColumnDef; readonly place: Place; readonly ifExists: boolean }
  | { readonly kind: 'drop'; readonly name: string; readonly ifExists: boolean }
  | { readonly kind: 'rename'; readonly from: string; readonly to: string }
  | { readonly kind: 'default'; readonly name: string; readonly value: DefaultClause | null }
  | { readonly kind: 'add-pk'; readonly columns: readonly string[] }
  | { readonly kind: 'drop-pk' }
  /** [DEFAULT] CHARACTER SET x: the charset of columns added later without one */
  | { readonly kind: 'charset'; readonly charset: string };

/** How one statement changes one table's definition. */
export type DefinitionPlan =
  /** charset: the table's default charset when the statement names one (CHARSET=, or COLLATE= alone) */
  | { readonly kind: 'create'; readonly table: TableName; readonly ifNotExists: boolean; readonly columns: readonly ColumnDef[]; readonly primaryKey: readonly string[]; readonly charset: string | null }
  | { readonly kind: 'create-like'; readonly table: TableName; readonly ifNotExists: boolean; readonly like: TableName }
  /** ALTER TABLE (from = table unless it renames too) and RENAME TABLE (no edits) */
  | { readonly kind: 'alter'; readonly from: TableName; readonly table: TableName; readonly edits: readonly ColumnEdit[] }
  /** a statement on this table whose effect on columns is not read (CREATE ... SELECT, CONVERT TO, an unknown clause) */
  | { readonly kind: 'opaque'; readonly table: TableName; readonly why: string };


/** The definition plans of one binlog QUERY event, in statement order; [] when it changes no columns. */
export function definitionPlans(sql: string, defaultDb: string): DefinitionPlan[] {
  let statements: Token[][];
  try {
    statements = splitStatements(tokenize(sql));
  } catch (e) {
    if (e instanceof TokenizeError) return [];
    throw e;
  }
  const out: DefinitionPlan[] = [];
  for (const tokens of statements) out.push(...new PlanReader(tokens, defaultDb).read());
  return out;
}

const TABLE_CONSTRAINT_WORDS = new Set(['INDEX', 'KEY', 'UNIQUE', 'FULLTEXT', 'SPATIAL', 'FOREIGN', 'CHECK', 'PERIOD', 'CONSTRAINT', 'PRIMARY', 'SYSTEM']);

class PlanReader {
  private i = 0;

  constructor(private readonly tok: readonly Token[], private readonly defaultDb: string) {}

  read(): DefinitionPlan[] {
    if (this.isWord(0, 'SET') && this.isWord(1, 'STATEMENT')) {
      const at = this.tok.findIndex((t) => t.t === 'word' && t.upper === 'FOR');
      if (at < 0) return [];
      this.i = at + 1;
    }
    try {
      if (this.acceptWord('CREATE')) return this.create();
      if (this.acceptWord('ALTER')) return this.alter();
      if (this.acceptWord('RENAME')) return this.rename();
      if (this.acceptWord('DROP')) {
        this.acceptWord('ONLINE') || this.acceptWord('OFFLINE');
        return this.acceptWord('INDEX') ? this.indexOn(true) : [];
      }
    } catch (e) {
      if (e instanceof Unread) return [];
      throw e;
    }
    return [];
  }

  private create(): DefinitionPlan[] {
    if (this.acceptWord('OR')) this.expectWord('REPLACE');
    this.acceptWord('UNIQUE') || this.acceptWord('FULLTEXT') || this.acceptWord('SPATIAL');
    this.acceptWord('ONLINE') || this.acceptWord('OFFLINE');
    if (this.acceptWord('INDEX')) return this.indexOn(false);
    if (!this.acceptWord('TABLE')) return [];
    const ifNotExists = this.ifExists();
    const table = this.tableName();
    const paren = this.isPunct(0, '(');
    if (this.isWord(paren ? 1 : 0, 'LIKE')) {
      this.i += paren ? 2 : 1;
      return [{ kind: 'create-like', table, ifNotExists, like: this.tableName() }];
    }
    if (!paren) return [{ kind: 'opaque', table, why: 'CREATE TABLE without a column list (CREATE ... SELECT)' }];
    try {
      const body = this.parenthesized();
      const rest = this.tok.slice(this.i);
      if (rest.some((t) => t.t === 'word' && t.upper === 'SELECT')) {
        return [{ kind: 'opaque', table, why: 'CREATE TABLE ... SELECT: its columns come from a query' }];
      }
      if (rest.some((t) => t.t === 'word' && t.upper === 'VERSIONING')) {
        return [{ kind: 'opaque', table, why: 'WITH SYSTEM VERSIONING adds hidden row_start/row_end columns' }];
      }
      const columns: ColumnDef[] = [];
      let primaryKey: string[] = [];
      for (const part of splitTop(body)) {
        const first = part[0];
        if (first?.t === 'word' && TABLE_CONSTRAINT_WORDS.has(first.upper) && !(part[1]?.t === 'word' && isTypeStart(part[1]))) {
          const pk = primaryKeyOf(part);
          if (pk) primaryKey = pk;
          continue;
        }
        const def = columnDefinition(part);
        columns.push(def);
        if (def.primaryKey) primaryKey = [def.name];
      }
      return [{ kind: 'create', table, ifNotExists, columns, primaryKey, charset: charsetOption(rest) }];
    } catch (e) {
      if (e instanceof Unread) return [{ kind: 'opaque', table, why: e.message }];
      throw e;
    }
  }

  /** CREATE/DROP INDEX [IF [NOT] EXISTS] name ... ON t: no column changes, except DROP INDEX `PRIMARY`. */
  private indexOn(drop: boolean): DefinitionPlan[] {
    this.ifExists();
    const name = this.name();
    const on = this.tok.findIndex((t, k) => k >= this.i && t.t === 'word' && t.upper === 'ON');
    if (on < 0) return [];
    this.i = on + 1;
    const table = this.tableName();
    return [{ kind: 'alter', from: table, table, edits: drop && name.toUpperCase() === 'PRIMARY' ? [{ kind: 'drop-pk' }] : [] }];
  }

  private alter(): DefinitionPlan[] {
    this.acceptWord('ONLINE');
    this.acceptWord('IGNORE');
    if (!this.acceptWord('TABLE')) return [];
    this.ifExists();
    const from = this.tableName();
    if (this.acceptWord('NOWAIT')) { /* MariaDB lock wait option */ } else if (this.acceptWord('WAIT')) this.i++;
    let table = from;
    const edits: ColumnEdit[] = [];
    try {
      for (const spec of splitTop(this.tok.slice(this.i))) {
        const r = new SpecReader(spec, this);
        const renamed = r.read(edits);
        if (renamed) table = renamed;
      }
    } catch (e) {
      if (e instanceof Unread) return [{ kind: 'opaque', table, why: e.message }];
      throw e;
    }
    return [{ kind: 'alter', from, table, edits }];
  }

  private rename(): DefinitionPlan[] {
    if (!this.acceptWord('TABLE') && !this.acceptWord('TABLES')) return [];
    this.ifExists();
    const out: DefinitionPlan[] = [];
    do {
      const from = this.tableName();
      if (this.acceptWord('NOWAIT')) { /* */ } else if (this.acceptWord('WAIT')) this.i++;
      this.expectWord('TO');
      out.push({ kind: 'alter', from, table: this.tableName(), edits: [] });
    } while (this.acceptPunct(','));
    return out;
  }

  /** A table name read from `tokens` at `at` (for RENAME TO inside ALTER TABLE). */
  tableNameIn(tokens: readonly Token[], at: number): TableName {
    const saved = new PlanReader(tokens, this.defaultDb);
    saved.i = at;
    return saved.tableName();
  }

  private tableName(): TableName {
    const first = this.name();
    if (this.acceptPunct('.')) return { db: first, table: this.name() };
    if (this.defaultDb === '') throw new Unread(`table ${first} has no database`);
    return { db: this.defaultDb, table: first };
  }

  private name(): string {
    const t = this.tok[this.i];
    if (t === undefined || (t.t !== 'ident' && t.t !== 'word' && t.t !== 'number')) throw new Unread('a name was expected');
    this.i++;
    return t.v;
  }

  private ifExists(): boolean {
    if (!this.isWord(0, 'IF')) return false;
    this.i++;
    this.acceptWord('NOT');
    this.expectWord('EXISTS');
    return true;
  }

  /** The tokens inside the parentheses at the cursor; the cursor moves past the closing one. */
  private parenthesized(): Token[] {
    const end = closingParen(this.tok, this.i);
    const inner = this.tok.slice(this.i + 1, end);
    this.i = end + 1;
    return inner;
  }

  private isWord(ahead: number, w: string): boolean {
    const t = this.tok[this.i + ahead];
    return t?.t === 'word' && t.upper === w;
  }
  private isPunct(ahead: number, p: string): boolean {
    const t = this.tok[this.i + ahead];
    return t?.t === 'punct' && t.v === p;
  }
  private acceptWord(w: string): boolean {
    if (!this.isWord(0, w)) return false;
    this.i++;
    return true;
  }
  private acceptPunct(p: string): boolean {
    if (!this.isPunct(0, p)) return false;
    this.i++;
    return true;
  }
  private expectWord(w: string): void {
    if (!this.acceptWord(w)) throw new Unread(`${w} was expected`);
  }
}

/** One ALTER TABLE specification. */
class SpecReader {
  private i = 0;

  constructor(private readonly tok: readonly Token[], private readonly plan: PlanReader) {}

  /** Appends the spec's column edits; returns the new table name of RENAME [TO|AS] t. */
  read(edits: ColumnEdit[]): TableName | null {
    const w = this.word();
    switch (w) {
      case 'ADD': return this.add(edits);
      case 'DROP': return this.drop(edits);
      case 'MODIFY': {
        this.acceptWord('COLUMN');
        const ifExists = this.ifExists();
        const def = this.def();
        edits.push({ kind: 'modify', from: def.name, def, place: this.place(), ifExists });
        return null;
      }
      case 'CHANGE': {
        this.acceptWord('COLUMN');
        const ifExists = this.ifExists();
        const from = this.name();
        const def = this.def();
        edits.push({ kind: 'modify', from, def, place: this.place(), ifExists });
        return null;
      }
      case 'ALTER': {
        if (this.isWordAt(0, 'INDEX', 'KEY', 'CHECK', 'CONSTRAINT')) return null;
        this.acceptWord('COLUMN');
        this.ifExists();
        const name = this.name();
        if (this.acceptWord('DROP')) { this.expectWord('DEFAULT'); edits.push({ kind: 'default', name, value: null }); return null; }
        if (this.acceptWord('SET')) {
          if (this.acceptWord('DEFAULT')) { edits.push({ kind: 'default', name, value: new DefReader(this.tok, this.i).defaultClause().clause }); return null; }
          if (this.isWordAt(0, 'VISIBLE', 'INVISIBLE')) return null;
        }
        throw new Unread(`ALTER COLUMN ${name} with a clause not read`);
      }
      case 'RENAME': {
        if (this.acceptWord('COLUMN')) {
          const from = this.name();
          this.expectWord('TO');
          edits.push({ kind: 'rename', from, to: this.name() });
          return null;
        }
        if (this.isWordAt(0, 'INDEX', 'KEY', 'CONSTRAINT')) return null;
        if (!this.acceptWord('TO')) this.acceptWord('AS');
        return this.plan.tableNameIn(this.tok, this.i);
      }
      case 'CONVERT': throw new Unread('CONVERT TO CHARACTER SET changes the text columns\' charsets and types');
      case 'DEFAULT': case 'CHARACTER': case 'CHARSET': case 'COLLATE': {
        const cs = charsetOption(this.tok);
        if (cs) edits.push({ kind: 'charset', charset: cs });
        return null;
      }
      default:
        // Table options, ALGORITHM/LOCK, FORCE, partitioning, ORDER BY, keys on/off: no column changes.
        return null;
    }
  }

  private add(edits: ColumnEdit[]): null {
    if (this.isWordAt(0, 'SYSTEM') && this.isWordAt(1, 'VERSIONING')) throw new Unread('ADD SYSTEM VERSIONING adds hidden columns');
    if (this.isWordAt(0, 'INDEX', 'KEY', 'UNIQUE', 'FULLTEXT', 'SPATIAL', 'FOREIGN', 'CHECK', 'PERIOD', 'PARTITION') && !this.isTypeAt(1)) {
      return null;
    }
    if (this.isWordAt(0, 'CONSTRAINT', 'PRIMARY') && !this.isTypeAt(1)) {
      const pk = primaryKeyOf(this.tok.slice(this.i));
      if (pk) edits.push({ kind: 'add-pk', columns: pk });
      return null;
    }
    this.acceptWord('COLUMN');
    const ifNotExists = this.ifExists();
    if (this.isPunct('(')) {
      // ADD [COLUMN] (col def, col def, index def ...)
      const end = closingParen(this.tok, this.i);
      for (const part of splitTop(this.tok.slice(this.i + 1, end))) {
        const first = part[0];
        if (first?.t === 'word' && TABLE_CONSTRAINT_WORDS.has(first.upper) && !(part[1]?.t === 'word' && isTypeStart(part[1]))) {
          const pk = primaryKeyOf(part);
          if (pk) edits.push({ kind: 'add-pk', columns: pk });
          continue;
        }
        const def = columnDefinition(part);
        edits.push({ kind: 'add', def, place: null, ifNotExists });
      }
      return null;
    }
    const def = this.def();
    edits.push({ kind: 'add', def, place: this.place(), ifNotExists });
    return null;
  }

  private drop(edits: ColumnEdit[]): null {
    if (this.acceptWord('PRIMARY')) { this.expectWord('KEY'); edits.push({ kind: 'drop-pk' }); return null; }
    if (this.isWordAt(0, 'INDEX', 'KEY', 'FOREIGN', 'CHECK', 'CONSTRAINT', 'PARTITION', 'PERIOD')) return null;
    if (this.isWordAt(0, 'SYSTEM')) throw new Unread('DROP SYSTEM VERSIONING changes hidden columns');
    this.acceptWord('COLUMN');
    const ifExists = this.ifExists();
    edits.push({ kind: 'drop', name: this.name(), ifExists });
    return null;
  }

  /** A column definition at the cursor; the cursor moves past it. */
  private def(): ColumnDef {
    const r = new DefReader(this.tok, this.i);
    const def = r.column();
    this.i = r.at;
    return def;
  }

  private place(): Place {
    if (this.acceptWord('FIRST')) return 'first';
    if (this.acceptWord('AFTER')) return { after: this.name() };
    return null;
  }

  private ifExists(): boolean {
    if (!this.isWordAt(0, 'IF')) return false;
    this.i++;
    this.acceptWord('NOT');
    if (!this.acceptWord('EXISTS')) throw new Unread('EXISTS was expected');
    return true;
  }

  private isTypeAt(ahead: number): boolean {
    const t = this.tok[this.i + ahead];
    return t !== undefined && t.t === 'word' && isTypeStart(t);
  }
  private word(): string {
    const t = this.tok[this.i++];
    if (t?.t !== 'word') throw new Unread('an ALTER TABLE specification was expected');
    return t.upper;
  }
  private name(): string {
    const t = this.tok[this.i];
    if (t === undefined || (t.t !== 'ident' && t.t !== 'word' && t.t !== 'number')) throw new Unread('a column name was expected');
    this.i++;
    return t.v;
  }
  private isWordAt(ahead: number, ...words: string[]): boolean {
    const t = this.tok[this.i + ahead];
    return t?.t === 'word' && words.includes(t.upper);
  }
  private isPunct(p: string): boolean {
    const t = this.tok[this.i];
    return t?.t === 'punct' && t.v === p;
  }
  private acceptWord(w: string): boolean {
    if (!this.isWordAt(0, w)) return false;
    this.i++;
    return true;
  }
  private expectWord(w: string): void {
    if (!this.acceptWord(w)) throw new Unread(`${w} was expected`);
  }
}
