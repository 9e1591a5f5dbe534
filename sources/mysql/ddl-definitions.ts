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

/** A DEFAULT clause: a literal's text (unquoted, NULL as null) or an expression's text. */
export interface DefaultClause {
  readonly value: string | null;
  readonly expression: boolean;
}

/** One column definition as written. */
export interface ColumnDef {
  readonly name: string;
  /** the type words as written, upper case, aliases not resolved: INT, DOUBLE PRECISION, SERIAL */
  readonly typeName: string;
  /** the type's arguments: numbers as text, ENUM/SET members unquoted */
  readonly typeArgs: readonly string[];
  readonly unsigned: boolean;
  readonly zerofill: boolean;
  readonly charset: string | null;
  /** NULL / NOT NULL when stated */
  readonly nullable: boolean | null;
  /** undefined when the definition has no DEFAULT clause */
  readonly default: DefaultClause | undefined;
  readonly autoIncrement: boolean;
  readonly primaryKey: boolean;
  readonly generated: boolean;
  readonly comment: string | null;
  /** SERIAL DEFAULT VALUE on an integer type */
  readonly serialDefault: boolean;
}

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

class Unread extends Error {}

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

/** One column definition (`name type attributes`) read from its tokens; throws when it cannot be read. */
export function columnDefinition(tokens: readonly Token[]): ColumnDef {
  return new DefReader(tokens, 0).column();
}

const TABLE_CONSTRAINT_WORDS = new Set(['INDEX', 'KEY', 'UNIQUE', 'FULLTEXT', 'SPATIAL', 'FOREIGN', 'CHECK', 'PERIOD', 'CONSTRAINT', 'PRIMARY', 'SYSTEM']);
/** Words that end a column definition's type and start its attributes, or end the definition. */
const ATTRIBUTE_WORDS = new Set([
  'NULL', 'NOT', 'DEFAULT', 'AUTO_INCREMENT', 'UNIQUE', 'PRIMARY', 'KEY', 'COMMENT', 'COLUMN_FORMAT', 'STORAGE', 'GENERATED', 'AS',
  'ON', 'INVISIBLE', 'VISIBLE', 'CHECK', 'REFERENCES', 'COMPRESSED', 'WITH', 'WITHOUT', 'SRID', 'CONSTRAINT', 'COLLATE', 'CHARACTER',
  'CHARSET', 'FIRST', 'AFTER', 'SERIAL', 'ENGINE_ATTRIBUTE', 'SECONDARY_ENGINE_ATTRIBUTE', 'VIRTUAL', 'STORED', 'PERSISTENT', 'BINARY',
  'UNSIGNED', 'SIGNED', 'ZEROFILL', 'ASCII', 'UNICODE', 'BYTE', 'REF_SYSTEM_ID',
]);

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
        const def = new DefReader(part, 0).column();
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
        const def = new DefReader(part, 0).column();
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

/** Type words a column definition may start with after its name (to tell `KEY INT` from `KEY (a)`). */
const TYPE_WORDS = new Set([
  'BIT', 'TINYINT', 'SMALLINT', 'MEDIUMINT', 'INT', 'INTEGER', 'BIGINT', 'INT1', 'INT2', 'INT3', 'INT4', 'INT8', 'MIDDLEINT',
  'BOOL', 'BOOLEAN', 'SERIAL', 'DECIMAL', 'DEC', 'NUMERIC', 'FIXED', 'FLOAT', 'FLOAT4', 'FLOAT8', 'DOUBLE', 'REAL',
  'DATE', 'DATETIME', 'TIMESTAMP', 'TIME', 'YEAR', 'CHAR', 'CHARACTER', 'NCHAR', 'NATIONAL', 'VARCHAR', 'VARCHAR2', 'NVARCHAR',
  'VARCHARACTER', 'BINARY', 'VARBINARY', 'TINYBLOB', 'BLOB', 'MEDIUMBLOB', 'LONGBLOB', 'TINYTEXT', 'TEXT', 'MEDIUMTEXT', 'LONGTEXT',
  'LONG', 'ENUM', 'SET', 'JSON', 'GEOMETRY', 'POINT', 'LINESTRING', 'POLYGON', 'MULTIPOINT', 'MULTILINESTRING', 'MULTIPOLYGON',
  'GEOMETRYCOLLECTION', 'GEOMCOLLECTION', 'UUID', 'INET4', 'INET6', 'CLOB', 'RAW', 'NUMBER',
]);
function isTypeStart(t: Token): boolean {
  return t.t === 'word' && TYPE_WORDS.has(t.upper);
}

/** Reads one column definition from `tok` starting at `at`. */
class DefReader {
  constructor(private readonly tok: readonly Token[], public at: number) {}

  column(): ColumnDef {
    const name = this.name();
    const typeWords: string[] = [this.typeWord()];
    // DOUBLE PRECISION, CHARACTER VARYING, NATIONAL CHAR VARYING, LONG VARCHAR / LONG VARBINARY
    while (this.peekWord() && ['PRECISION', 'VARYING', 'CHAR', 'CHARACTER', 'VARCHAR', 'VARBINARY'].includes(this.peekWord()!)
      && !(this.peekWord() === 'CHARACTER' && this.wordAt(1) === 'SET')) {
      typeWords.push(this.typeWord());
    }
    const typeArgs = this.isPunct('(') ? this.args() : [];
    let unsigned = false, zerofill = false, charset: string | null = null, nullable: boolean | null = null;
    let def: DefaultClause | undefined, autoIncrement = false, primaryKey = false, generated = false;
    let comment: string | null = null, serialDefault = false;
    for (;;) {
      const w = this.peekWord();
      if (w === undefined) break;
      if (w === 'FIRST' || w === 'AFTER') break;
      this.at++;
      switch (w) {
        case 'UNSIGNED': unsigned = true; break;
        case 'SIGNED': break;
        case 'ZEROFILL': zerofill = true; unsigned = true; break;
        case 'BINARY': case 'ASCII': case 'UNICODE': case 'BYTE': break;
        case 'CHARACTER': this.expect('SET'); charset = charsetName(this.name()); break;
        case 'CHARSET': charset = charsetName(this.name()); break;
        case 'COLLATE': { const c = this.name(); charset ??= collationCharset(c); break; }
        case 'NULL': nullable = true; break;
        case 'NOT': this.expect('NULL'); nullable = false; break;
        case 'DEFAULT': def = this.defaultClause().clause; break;
        case 'AUTO_INCREMENT': autoIncrement = true; break;
        case 'UNIQUE': this.acceptWord('KEY'); break;
        case 'PRIMARY': this.expect('KEY'); primaryKey = true; break;
        case 'KEY': primaryKey = true; break; // a lone KEY in a column definition means PRIMARY KEY
        case 'COMMENT': comment = this.string(); break;
        case 'COLUMN_FORMAT': case 'STORAGE': case 'SRID': case 'REF_SYSTEM_ID': this.acceptPunct('='); this.at++; break;
        case 'ENGINE_ATTRIBUTE': case 'SECONDARY_ENGINE_ATTRIBUTE': this.acceptPunct('='); this.at++; break;
        case 'GENERATED': this.expect('ALWAYS'); this.expect('AS'); generated = true; this.skipParens(); break;
        case 'AS': generated = true; this.skipParens(); break;
        case 'VIRTUAL': case 'STORED': case 'PERSISTENT': break;
        case 'ON': this.expect('UPDATE'); this.at++; if (this.isPunct('(')) this.skipParens(); break;
        case 'INVISIBLE': case 'VISIBLE': break;
        case 'CHECK': this.skipParens(); break;
        case 'CONSTRAINT': if (this.peekWord() !== 'CHECK') this.at++; break;
        case 'COMPRESSED': if (this.acceptPunct('=')) this.at++; break;
        case 'WITH': case 'WITHOUT': throw new Unread(`column ${name}: system versioning is not read here`);
        case 'SERIAL': this.expect('DEFAULT'); this.expect('VALUE'); serialDefault = true; break;
        case 'REFERENCES': this.at = this.tok.length; break; // the rest is the reference's clauses
        default: throw new Unread(`column ${name}: ${w} is not a column attribute read here`);
      }
    }
    if (this.at < this.tok.length && !this.peekWord()) {
      const t = this.tok[this.at]!;
      throw new Unread(`column ${name}: ${JSON.stringify(t.v)} is not read here`);
    }
    return {
      name, typeName: typeWords.join(' '), typeArgs, unsigned, zerofill, charset, nullable, default: def,
      autoIncrement, primaryKey, generated, comment, serialDefault,
    };
  }

  /** The DEFAULT clause's value at the cursor. */
  defaultClause(): { clause: DefaultClause } {
    const t = this.tok[this.at];
    if (t === undefined) throw new Unread('DEFAULT without a value');
    if (t.t === 'punct' && t.v === '(') {
      const end = closingParen(this.tok, this.at);
      const text = this.tok.slice(this.at + 1, end).map((x) => (x.t === 'string' ? `'${x.v.replace(/'/g, "''")}'` : x.v)).join(' ');
      this.at = end + 1;
      return { clause: { value: text, expression: true } };
    }
    if (t.t === 'punct' && (t.v === '-' || t.v === '+')) {
      const n = this.tok[this.at + 1];
      if (n?.t !== 'number' && !(n?.t === 'word' && /^\d/.test(n.v))) throw new Unread('a signed DEFAULT that is not a number');
      this.at += 2;
      return { clause: { value: `${t.v === '-' ? '-' : ''}${n.v}${this.fraction()}`, expression: false } };
    }
    if (t.t === 'number' || (t.t === 'word' && /^\d/.test(t.v))) { this.at++; return { clause: { value: `${t.v}${this.fraction()}`, expression: false } }; }
    if (t.t === 'punct' && t.v === '.') { const f = this.fraction(); if (f) return { clause: { value: `0${f}`, expression: false } }; }
    if (t.t === 'string') { this.at++; return { clause: { value: this.concatenated(t.v), expression: false } }; }
    if (t.t === 'word') {
      this.at++;
      const u = t.upper;
      if (u === 'NULL') return { clause: { value: null, expression: false } };
      if (u === 'TRUE' || u === 'FALSE') return { clause: { value: u === 'TRUE' ? '1' : '0', expression: false } };
      // charset introducer _utf8mb4'x', bit b'01', hex x'ff' / X'FF'
      const next = this.tok[this.at];
      if (next?.t === 'string' && /^_[a-z0-9]+$/i.test(t.v)) { this.at++; return { clause: { value: this.concatenated(next.v), expression: false } }; }
      if (next?.t === 'string' && (u === 'B' || u === 'X')) { this.at++; return { clause: { value: `${u === 'B' ? 'b' : 'x'}'${next.v}'`, expression: false } }; }
      // a function: CURRENT_TIMESTAMP[(n)], NOW(), uuid(), nextval(s) ...
      let text = t.v.toLowerCase();
      if (this.isPunct('(')) {
        const end = closingParen(this.tok, this.at);
        text += `(${this.tok.slice(this.at + 1, end).map((x) => x.v).join('')})`;
        this.at = end + 1;
      }
      return { clause: { value: text, expression: true } };
    }
    throw new Unread(`DEFAULT ${JSON.stringify(t.v)} is not read here`);
  }

  /** The tokenizer splits 1.5 into 1, '.', 5 (and 1.5e3 into 1, '.', 5e3): the part after the point. */
  private fraction(): string {
    const dot = this.tok[this.at];
    const digits = this.tok[this.at + 1];
    if (dot?.t !== 'punct' || dot.v !== '.' || digits === undefined || !/^\d/.test(digits.v) || digits.t === 'string' || digits.t === 'punct') return '';
    this.at += 2;
    return `.${digits.v}`;
  }

  /** Adjacent string literals are one: 'a' 'b' is 'ab'. */
  private concatenated(first: string): string {
    let s = first;
    while (this.tok[this.at]?.t === 'string') s += this.tok[this.at++]!.v;
    return s;
  }

  private args(): string[] {
    const end = closingParen(this.tok, this.at);
    const out: string[] = [];
    for (const part of splitTop(this.tok.slice(this.at + 1, end))) {
      if (part.length === 1 && (part[0]!.t === 'string' || part[0]!.t === 'number' || part[0]!.t === 'word')) out.push(part[0]!.v);
      else if (part.length > 1 && part.every((p) => p.t === 'string')) out.push(part.map((p) => p.v).join(''));
      else throw new Unread('a type argument that is not a number or a string');
    }
    this.at = end + 1;
    return out;
  }

  private skipParens(): void {
    if (!this.isPunct('(')) throw new Unread('( was expected');
    this.at = closingParen(this.tok, this.at) + 1;
  }

  private name(): string {
    const t = this.tok[this.at];
    if (t === undefined || (t.t !== 'ident' && t.t !== 'word' && t.t !== 'number' && t.t !== 'string')) throw new Unread('a name was expected');
    this.at++;
    return t.v;
  }
  private typeWord(): string {
    const t = this.tok[this.at];
    if (t?.t !== 'word') throw new Unread('a column type was expected');
    this.at++;
    return t.upper;
  }
  private string(): string {
    const t = this.tok[this.at];
    if (t?.t !== 'string') throw new Unread('a string was expected');
    this.at++;
    return this.concatenated(t.v);
  }
  private peekWord(): string | undefined {
    const t = this.tok[this.at];
    return t?.t === 'word' ? t.upper : undefined;
  }
  private wordAt(ahead: number): string | undefined {
    const t = this.tok[this.at + ahead];
    return t?.t === 'word' ? t.upper : undefined;
  }
  private isPunct(p: string): boolean {
    const t = this.tok[this.at];
    return t?.t === 'punct' && t.v === p;
  }
  private acceptPunct(p: string): boolean {
    if (!this.isPunct(p)) return false;
    this.at++;
    return true;
  }
  private acceptWord(w: string): boolean {
    if (this.peekWord() !== w) return false;
    this.at++;
    return true;
  }
  private expect(w: string): void {
    if (!this.acceptWord(w)) throw new Unread(`${w} was expected`);
  }
}

/** utf8 is utf8mb3 on the servers read (MariaDB 10.6+, MySQL 8 name it so in information_schema). */
function charsetName(n: string): string {
  const l = n.toLowerCase();
  return l === 'utf8' ? 'utf8mb3' : l;
}

/** A collation's charset: utf8mb4_general_ci is utf8mb4, binary is binary. */
function collationCharset(c: string): string {
  const l = c.toLowerCase();
  return charsetName(l === 'binary' ? 'binary' : l.split('_')[0]!);
}

/** The table charset of `[DEFAULT] {CHARACTER SET|CHARSET} [=] x` or `[DEFAULT] COLLATE [=] x` among table options. */
function charsetOption(tok: readonly Token[]): string | null {
  let collate: string | null = null;
  for (let k = 0; k < tok.length; k++) {
    const t = tok[k]!;
    if (t.t !== 'word') continue;
    let at = -1;
    if (t.upper === 'CHARSET') at = k + 1;
    else if (t.upper === 'CHARACTER' && tok[k + 1]?.t === 'word' && (tok[k + 1] as { upper: string }).upper === 'SET') at = k + 2;
    else if (t.upper === 'COLLATE') {
      let c = k + 1;
      if (tok[c]?.t === 'punct' && tok[c]!.v === '=') c++;
      if (tok[c]) collate = collationCharset(tok[c]!.v);
      continue;
    } else continue;
    if (tok[at]?.t === 'punct' && tok[at]!.v === '=') at++;
    const n = tok[at];
    if (n) return charsetName(n.v);
  }
  return collate;
}

/** The key columns of `[CONSTRAINT [name]] PRIMARY KEY [USING x] (a, b(10) DESC)`, or null for another constraint. */
function primaryKeyOf(part: readonly Token[]): string[] | null {
  let i = 0;
  const w = (k: number) => (part[k]?.t === 'word' ? (part[k] as { upper: string }).upper : undefined);
  if (w(i) === 'CONSTRAINT') { i++; if (w(i) !== 'PRIMARY') i++; }
  if (w(i) !== 'PRIMARY' || w(i + 1) !== 'KEY') return null;
  const open = part.findIndex((t, k) => k > i && t.t === 'punct' && t.v === '(');
  if (open < 0) throw new Unread('PRIMARY KEY without a column list');
  const end = closingParen(part, open);
  return splitTop(part.slice(open + 1, end)).map((p) => {
    const first = p[0];
    if (first === undefined || first.t === 'punct') throw new Unread('a PRIMARY KEY part that is not a column');
    return first.v;
  });
}

/** Index of the `)` matching the `(` at `open`. */
function closingParen(tok: readonly Token[], open: number): number {
  let depth = 0;
  for (let k = open; k < tok.length; k++) {
    const t = tok[k]!;
    if (t.t !== 'punct') continue;
    if (t.v === '(') depth++;
    else if (t.v === ')' && --depth === 0) return k;
  }
  throw new Unread('a ( is not closed');
}

/** Splits on top-level commas. */
function splitTop(tok: readonly Token[]): Token[][] {
  const out: Token[][] = [];
  let cur: Token[] = [];
  let depth = 0;
  for (const t of tok) {
    if (t.t === 'punct' && t.v === '(') depth++;
    if (t.t === 'punct' && t.v === ')') depth--;
    if (depth === 0 && t.t === 'punct' && t.v === ',') { out.push(cur); cur = []; continue; }
    cur.push(t);
  }
  if (cur.length > 0) out.push(cur);
  return out;
}
