/**
 * Tokens of a MySQL/MariaDB statement as the binlog's QUERY event carries it (the client's text,
 * comments included). Only what ddl-parse.ts needs to find table names: words, identifiers
 * (backticked or double-quoted, whose content is a name even when it looks like a keyword),
 * string literals (kept apart so a name in a COMMENT '...' is never taken for a table),
 * numbers and punctuation.
 *
 * Comments: `-- `, `#` and `/* ... *\/` are dropped, optimizer hints `/*+ ... *\/` too. Executable
 * comments `/*!NNNNN ... *\/` (MySQL and MariaDB) and `/*M!NNNNNN ... *\/` (MariaDB only) are read as
 * code: the server that wrote the statement to its binlog executed them (a version number above
 * its own would have made it skip them; the binlog does not say which, and such comments carry
 * table options, not table names, in practice).
 */

export type Token =
  | { readonly t: 'word'; readonly v: string; readonly upper: string }
  | { readonly t: 'ident'; readonly v: string }
  | { readonly t: 'string'; readonly v: string }
  | { readonly t: 'number'; readonly v: string }
  | { readonly t: 'punct'; readonly v: string };

export class TokenizeError extends Error {}

const WORD = /[A-Za-z0-9_$\u0080-\uffff]/;

/** Splits `sql` into tokens; throws TokenizeError on an unterminated quote or comment. */
export function tokenize(sql: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i]!;
    if (/\s/.test(c)) { i++; continue; }
    if (c === '#' || (c === '-' && sql[i + 1] === '-' && (i + 2 >= n || /\s/.test(sql[i + 2]!)))) {
      while (i < n && sql[i] !== '\n') i++;
      continue;
    }
    if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      if (end < 0) throw new TokenizeError('a /* comment is not closed');
      const exec = /^\/\*M?!(\d{5,6})?/.exec(sql.slice(i, i + 10));
      if (exec) {
        // The body of an executable comment is code; it cannot nest another comment.
        out.push(...tokenize(sql.slice(i + exec[0].length, end)));
      }
      i = end + 2;
      continue;
    }
    if (c === '`' || c === '"' || c === "'") {
      const { text, next } = quoted(sql, i, c);
      out.push(c === "'" ? { t: 'string', v: text } : { t: 'ident', v: text });
      i = next;
      continue;
    }
    if (WORD.test(c)) {
      let j = i;
      while (j < n && WORD.test(sql[j]!)) j++;
      const v = sql.slice(i, j);
      out.push(/^\d+(\.\d*)?$/.test(v) && !/^\d+[eE]/.test(v) ? { t: 'number', v } : { t: 'word', v, upper: v.toUpperCase() });
      i = j;
      continue;
    }
    out.push({ t: 'punct', v: c });
    i++;
  }
  return out;
}

/** A quoted run starting at `start`: the quote doubled inside is one quote; in strings, backslash escapes. */
function quoted(sql: string, start: number, q: string): { text: string; next: number } {
  let text = '';
  let i = start + 1;
  while (i < sql.length) {
    const c = sql[i]!;
    if (c === q) {
      if (sql[i + 1] === q) { text += q; i += 2; continue; }
      return { text, next: i + 1 };
    }
    if (c === '\\' && q !== '`' && i + 1 < sql.length) { text += sql[i + 1]; i += 2; continue; }
    text += c;
    i++;
  }
  throw new TokenizeError(`a ${q} quote is not closed`);
}

/** Splits tokens on top-level `;` (statement separators), dropping empty statements. */
export function splitStatements(tokens: readonly Token[]): Token[][] {
  const out: Token[][] = [];
  let cur: Token[] = [];
  for (const tok of tokens) {
    if (tok.t === 'punct' && tok.v === ';') {
      if (cur.length > 0) out.push(cur);
      cur = [];
    } else cur.push(tok);
  }
  if (cur.length > 0) out.push(cur);
  return out;
}
