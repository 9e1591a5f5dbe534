/**
 * Reads one tokenized statement for ddl-parse.ts: its leading words say what kind of statement
 * it is, and MySQL's identifier rules give the table names it changes. Throws Unreadable for
 * what it does not know, so that nothing is guessed.
 */
import type { DdlChange, DdlParse, TableName } from './ddl-parse.ts';
import type { Token } from './ddl-tokens.ts';

export class Unreadable extends Error {}

/** Objects other than tables whose CREATE/ALTER/DROP changes no table. */
const NON_TABLE_OBJECTS = new Set([
  'VIEW', 'PROCEDURE', 'FUNCTION', 'TRIGGER', 'EVENT', 'USER', 'ROLE', 'SERVER', 'TABLESPACE', 'LOGFILE',
  'SPATIAL', 'REFERENCE', 'RESOURCE', 'SEQUENCE', 'PACKAGE', 'UNDO', 'INSTANCE', 'SYNONYM',
]);
/** Leading words of statements that change no table. */
const NO_TABLE_CHANGE = new Set([
  'GRANT', 'REVOKE', 'SET', 'FLUSH', 'ANALYZE', 'OPTIMIZE', 'REPAIR', 'CHECK', 'CHECKSUM', 'INSTALL', 'UNINSTALL',
  'SAVEPOINT', 'RELEASE', 'ROLLBACK', 'COMMIT', 'BEGIN', 'START', 'XA', 'DO', 'CALL', 'LOCK', 'UNLOCK', 'PURGE', 'RESET',
  'CHANGE', 'KILL', 'SHUTDOWN', 'USE', 'BINLOG', 'HANDLER', 'PREPARE', 'EXECUTE', 'DEALLOCATE', 'CACHE', 'LOAD',
]);
const DML = new Set(['INSERT', 'UPDATE', 'DELETE', 'REPLACE', 'SELECT', 'WITH', 'VALUES', 'TABLE']);

export class StatementReader {
  private i = 0;

  constructor(private readonly tok: readonly Token[], private readonly defaultDb: string) {}

  read(): DdlParse {
    // MariaDB: SET STATEMENT var=value[, ...] FOR <statement>
    if (this.isWord(0, 'SET') && this.isWord(1, 'STATEMENT')) {
      const at = this.tok.findIndex((t) => t.t === 'word' && t.upper === 'FOR');
      if (at < 0) throw new Unreadable('SET STATEMENT without FOR');
      this.i = at + 1;
    }
    const verb = this.word();
    const statement = verb;
    switch (verb) {
      case 'CREATE': return this.create();
      case 'ALTER': return this.alter();
      case 'DROP': return this.drop();
      case 'RENAME': return this.rename();
      case 'TRUNCATE':
        this.acceptWord('TABLE');
        return changes([{ kind: 'truncate', table: this.tableName() }]);
      default:
        if (DML.has(verb)) return { kind: 'dml', statement };
        if (NO_TABLE_CHANGE.has(verb)) return { kind: 'none', statement };
        throw new Unreadable(`statements starting with ${verb} are not known`);
    }
  }

  private create(): DdlParse {
    if (this.acceptWord('OR')) this.expectWord('REPLACE');
    this.skipWords('DEFINER', 'ALGORITHM', 'SQL');
    if (this.acceptWord('TEMPORARY')) return { kind: 'none', statement: 'CREATE TEMPORARY TABLE' };
    if (this.acceptWord('DATABASE') || this.acceptWord('SCHEMA')) {
      this.ifExistsOrNot();
      return changes([{ kind: 'create-database', db: this.name() }]);
    }
    if (this.acceptWord('TABLE')) {
      this.ifExistsOrNot();
      const table = this.tableName();
      // CREATE TABLE t LIKE s, or CREATE TABLE t (LIKE s)
      const paren = this.peekPunct('(');
      if (this.isWord(paren ? 1 : 0, 'LIKE')) {
        this.i += paren ? 2 : 1;
        return changes([{ kind: 'create', table, like: this.tableName() }]);
      }
      return changes([{ kind: 'create', table, like: null }]);
    }
    this.acceptAny('UNIQUE', 'FULLTEXT', 'SPATIAL');
    this.acceptAny('ONLINE', 'OFFLINE');
    if (this.acceptWord('INDEX') || this.acceptWord('KEY')) return this.indexOn();
    return this.nonTableObject('CREATE');
  }

  private alter(): DdlParse {
    this.acceptWord('ONLINE');
    this.acceptWord('IGNORE');
    if (this.acceptWord('DATABASE') || this.acceptWord('SCHEMA')) {
      // ALTER DATABASE [name] options: no name = the default database
      const db = this.peekName() && !this.isOption() ? this.name() : this.defaultDb;
      if (db === '') throw new Unreadable('ALTER DATABASE without a name and without a default database');
      return changes([{ kind: 'alter-database', db }]);
    }
    if (this.acceptWord('TABLE')) {
      this.ifExistsOrNot();
      const table = this.tableName();
      const to = this.renameInAlter();
      return changes([to ? { kind: 'rename', from: table, to } : { kind: 'alter', table }]);
    }
    if (this.acceptWord('INDEX')) return this.indexOn();
    this.skipWords('DEFINER', 'ALGORITHM', 'SQL');
    return this.nonTableObject('ALTER');
  }

  private drop(): DdlParse {
    if (this.acceptWord('TEMPORARY')) return { kind: 'none', statement: 'DROP TEMPORARY TABLE' };
    if (this.acceptWord('DATABASE') || this.acceptWord('SCHEMA')) {
      this.ifExistsOrNot();
      return changes([{ kind: 'drop-database', db: this.name() }]);
    }
    if (this.acceptWord('TABLE') || this.acceptWord('TABLES')) {
      this.ifExistsOrNot();
      const out: DdlChange[] = [{ kind: 'drop', table: this.tableName() }];
      while (this.acceptPunct(',')) out.push({ kind: 'drop', table: this.tableName() });
      return changes(out);
    }
    this.acceptAny('ONLINE', 'OFFLINE');
    if (this.acceptWord('INDEX') || this.acceptWord('KEY')) return this.indexOn();
    return this.nonTableObject('DROP');
  }

  private rename(): DdlParse {
    if (this.acceptWord('USER')) return { kind: 'none', statement: 'RENAME USER' };
    if (!this.acceptWord('TABLE') && !this.acceptWord('TABLES')) throw new Unreadable('RENAME of something other than TABLE or USER');
    this.ifExistsOrNot();
    const out: DdlChange[] = [];
    do {
      const from = this.tableName();
      this.waitOption();
      this.expectWord('TO');
      out.push({ kind: 'rename', from, to: this.tableName() });
    } while (this.acceptPunct(','));
    return changes(out);
  }

  /** [IF NOT EXISTS] name [USING ...] ON table (CREATE/ALTER/DROP INDEX) */
  private indexOn(): DdlParse {
    this.ifExistsOrNot();
    this.name();
    const on = this.tok.findIndex((t, k) => k >= this.i && t.t === 'word' && t.upper === 'ON');
    if (on < 0) throw new Unreadable('an INDEX statement without ON <table>');
    this.i = on + 1;
    return changes([{ kind: 'alter', table: this.tableName() }]);
  }

  private nonTableObject(verb: string): DdlParse {
    const what = this.peek();
    if (what?.t === 'word') {
      // CREATE DEFINER=x TRIGGER / AGGREGATE FUNCTION / [NO] FORCE VIEW ...: the first known object word
      const obj = this.tok.slice(this.i).find((t) => t.t === 'word' && NON_TABLE_OBJECTS.has(t.upper));
      if (obj && obj.t === 'word') return { kind: 'none', statement: `${verb} ${obj.upper}` };
    }
    throw new Unreadable(`${verb} ${what ? what.v : '(end)'} is not a known statement`);
  }

  /** ALTER TABLE t ... RENAME [TO|AS] new: the new name, or null (RENAME COLUMN/INDEX/KEY are not). */
  private renameInAlter(): TableName | null {
    let depth = 0;
    let result: TableName | null = null;
    while (this.i < this.tok.length) {
      const t = this.tok[this.i]!;
      if (t.t === 'punct' && t.v === '(') depth++;
      else if (t.t === 'punct' && t.v === ')') depth--;
      else if (depth === 0 && t.t === 'word' && t.upper === 'RENAME' && this.atSpecStart()) {
        this.i++;
        const next = this.peek();
        if (next?.t === 'word' && ['COLUMN', 'INDEX', 'KEY', 'CONSTRAINT'].includes(next.upper)) continue;
        if (!this.acceptWord('TO')) this.acceptWord('AS');
        result = this.tableName();
        continue;
      }
      this.i++;
    }
    return result;
  }

  /** Whether the token at i begins an ALTER TABLE specification (after the name or a comma). */
  private atSpecStart(): boolean {
    const prev = this.tok[this.i - 1];
    return prev !== undefined && (prev.t === 'ident' || (prev.t === 'word') || (prev.t === 'punct' && prev.v === ','));
  }

  private tableName(): TableName {
    const first = this.name();
    if (this.peekPunct('.')) {
      this.i++;
      return { db: first, table: this.name() };
    }
    if (this.defaultDb === '') throw new Unreadable(`table ${first} has no database and the event names no default database`);
    return { db: this.defaultDb, table: first };
  }

  private name(): string {
    const t = this.tok[this.i];
    if (t === undefined || (t.t !== 'ident' && t.t !== 'word' && t.t !== 'number')) throw new Unreadable(`a name was expected at ${t ? JSON.stringify(t.v) : 'the end'}`);
    this.i++;
    return t.v;
  }

  private peekName(): boolean {
    const t = this.tok[this.i];
    return t !== undefined && (t.t === 'ident' || t.t === 'word');
  }

  /** ALTER DATABASE's options start with these words, not with a name. */
  private isOption(): boolean {
    const t = this.tok[this.i];
    return t?.t === 'word' && ['DEFAULT', 'CHARACTER', 'CHARSET', 'COLLATE', 'ENCRYPTION', 'READ', 'COMMENT', 'UPGRADE'].includes(t.upper);
  }

  private ifExistsOrNot(): void {
    if (this.isWord(0, 'IF')) {
      this.i++;
      this.acceptWord('NOT');
      this.expectWord('EXISTS');
    }
  }

  /** MariaDB: RENAME TABLE t WAIT n | NOWAIT TO ... */
  private waitOption(): void {
    if (this.acceptWord('NOWAIT')) return;
    if (this.acceptWord('WAIT')) this.i++;
  }

  /** Skips DEFINER = x, ALGORITHM = x, SQL SECURITY x before the object word. */
  private skipWords(...words: string[]): void {
    for (;;) {
      const t = this.peek();
      if (t?.t !== 'word' || !words.includes(t.upper)) return;
      this.i++;
      if (t.upper === 'SQL') { this.i += 2; continue; }
      if (this.acceptPunct('=')) {
        // DEFINER = `u`@`h` | CURRENT_USER[()]
        this.i++;
        if (this.peekPunct('@')) this.i += 2;
        if (this.peekPunct('(')) this.i += 2;
      }
    }
  }

  private peek(): Token | undefined { return this.tok[this.i]; }
  private isWord(ahead: number, w: string): boolean {
    const t = this.tok[this.i + ahead];
    return t?.t === 'word' && t.upper === w;
  }
  private peekPunct(p: string): boolean {
    const t = this.tok[this.i];
    return t?.t === 'punct' && t.v === p;
  }
  private acceptWord(w: string): boolean {
    if (!this.isWord(0, w)) return false;
    this.i++;
    return true;
  }
  /** Accepts the first of `words` found at the cursor, if any. */
  private acceptAny(...words: string[]): void {
    for (const w of words) if (this.acceptWord(w)) return;
  }
  private acceptPunct(p: string): boolean {
    if (!this.peekPunct(p)) return false;
    this.i++;
    return true;
  }
  private expectWord(w: string): true {
    if (!this.acceptWord(w)) throw new Unreadable(`${w} was expected at ${this.peek() ? JSON.stringify(this.peek()!.v) : 'the end'}`);
    return true;
  }
  private word(): string {
    const t = this.tok[this.i++];
    if (t?.t !== 'word') throw new Unreadable(`a statement starts with ${t ? JSON.stringify(t.v) : 'nothing'}`);
    return t.upper;
  }
}

function changes(list: DdlChange[]): DdlParse {
  return { kind: 'changes', changes: list };
}
