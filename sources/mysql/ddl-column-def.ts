/**
 * One column definition of CREATE TABLE or ALTER TABLE read from its tokens (name, type, attributes),
 * and the token helpers the statement reader (ddl-definitions.ts) shares with it: parentheses,
 * top-level commas, PRIMARY KEY parts, charset and collation names. Throws Unread for what it does
 * not know, so that nothing is guessed.
 */
import type { Token } from './ddl-tokens.ts';

/** A part of a statement this reader does not know. */
export class Unread extends Error {}

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

/** One column definition (`name type attributes`) read from its tokens; throws when it cannot be read. */
export function columnDefinition(tokens: readonly Token[]): ColumnDef {
  return new DefReader(tokens, 0).column();
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
export function isTypeStart(t: Token): boolean {
  return t.t === 'word' && TYPE_WORDS.has(t.upper);
}

/** Reads one column definition from `tok` starting at `at`. */
export class DefReader {
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
export function charsetName(n: string): string {
  const l = n.toLowerCase();
  return l === 'utf8' ? 'utf8mb3' : l;
}

/** A collation's charset: utf8mb4_general_ci is utf8mb4, binary is binary. */
export function collationCharset(c: string): string {
  const l = c.toLowerCase();
  return charsetName(l === 'binary' ? 'binary' : l.split('_')[0]!);
}

/** The table charset of `[DEFAULT] {CHARACTER SET|CHARSET} [=] x` or `[DEFAULT] COLLATE [=] x` among table options. */
export function charsetOption(tok: readonly Token[]): string | null {
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
export function primaryKeyOf(part: readonly Token[]): string[] | null {
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
export function closingParen(tok: readonly Token[], open: number): number {
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
export function splitTop(tok: readonly Token[]): Token[][] {
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
