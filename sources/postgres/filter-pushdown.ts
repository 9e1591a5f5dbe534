/**
 * schema/table include and exclude lists as a WHERE clause for the catalog queries, so a
 * database with thousands of tables is narrowed by PostgreSQL, not by reading every column of
 * every table into JavaScript first.
 *
 * The lists are JavaScript regular expressions (table-filter.ts, Debezium's semantics); the
 * server speaks ARE (PostgreSQL's dialect), and the two differ (\d, \w, \b, lookarounds,
 * backreferences, bracket ranges, UTF-16 units versus code points). So the pushed-down clause is
 * only ever a prefilter: every name the JavaScript filter accepts must pass it, and the caller
 * re-checks every row with the JavaScript filter. Two kinds of pushdown keep that promise:
 * - an include list, when every pattern translates into an ARE that matches at least what the
 *   JavaScript pattern matches (translateSuperset); one pattern that does not translate drops
 *   the whole list from the SQL (its patterns are OR-ed);
 * - an exclude list's plain names (patterns without any operator), compared with <>, which both
 *   sides agree on exactly; patterns with operators are left to JavaScript.
 */

export interface TablePushdown {
  /** ARE patterns (anchored); the schema must match one. null = not pushed down. */
  readonly schemaInclude: readonly string[] | null;
  /** Exact schema names to leave out. */
  readonly schemaExcludeNames: readonly string[];
  /** ARE patterns (anchored) for "schema.table"; null = not pushed down. */
  readonly tableInclude: readonly string[] | null;
  /** Exact "schema.table" names to leave out. */
  readonly tableExcludeNames: readonly string[];
}

export const NO_PUSHDOWN: TablePushdown = { schemaInclude: null, schemaExcludeNames: [], tableInclude: null, tableExcludeNames: [] };

const META = new Set(['\\', '^', '$', '.', '|', '?', '*', '+', '(', ')', '[', ']', '{', '}']);
const isAsciiAlnum = (c: string) => /^[A-Za-z0-9]$/.test(c);
const CLASS_LITERAL = /^[A-Za-z0-9_ .$]$/;

/**
 * A JavaScript pattern -> an ARE that matches every string the JavaScript one matches (both
 * anchored at both ends), or null when the pattern uses something outside the portable subset:
 * literals, escaped punctuation, ".", groups "(" "(?:" ")", "|", "^", "$", the quantifiers
 * * + ? {n} {n,} {n,m} (greedy or lazy) and bracket classes of ASCII letters, digits, "_", " ",
 * ".", "$" and ASCII ranges. "." and negated classes consume one UTF-16 unit in JavaScript but
 * one code point in ARE; a character outside the BMP is two units, so in ARE they may also match
 * nothing ("(?:.?)"), which keeps the superset without changing any other match.
 */
export function translateSuperset(pattern: string): string | null {
  let out = '';
  let i = 0;
  let depth = 0;
  let canQuantify = false;
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (!META.has(c)) {
      // Lone surrogates cannot be sent to the server as text.
      if (/[\uD800-\uDFFF]/.test(c) && !/[\uD800-\uDBFF][\uDC00-\uDFFF]/.test(pattern.slice(i, i + 2))) return null;
      const len = /[\uD800-\uDBFF]/.test(c) ? 2 : 1;
      out += pattern.slice(i, i + len);
      i += len;
      canQuantify = len === 1; // a quantifier after an astral literal applies to half of it in JavaScript
      continue;
    }
    switch (c) {
      case '\\': {
        const n = pattern[i + 1];
        if (n === undefined || isAsciiAlnum(n) || /[^\x20-\x7e]/.test(n)) return null;
        out += `\\${n}`;
        i += 2;
        canQuantify = true;
        continue;
      }
      case '.':
        out += '(?:.?)';
        i++;
        canQuantify = true;
        continue;
      case '^': case '$':
        out += c;
        i++;
        canQuantify = false;
        continue;
      case '|':
        out += '|';
        i++;
        canQuantify = false;
        continue;
      case '(': {
        if (pattern.startsWith('(?:', i)) { out += '(?:'; i += 3; } else if (pattern[i + 1] === '?') return null; else { out += '('; i++; }
        depth++;
        canQuantify = false;
        continue;
      }
      case ')':
        if (depth === 0) return null;
        depth--;
        out += ')';
        i++;
        canQuantify = true;
        continue;
      case '*': case '+': case '?': {
        if (!canQuantify) return null;
        out += c;
        i++;
        if (pattern[i] === '?') { out += '?'; i++; }
        canQuantify = false;
        continue;
      }
      case '{': {
        const m = /^\{(\d{1,3})(,(\d{1,3})?)?\}/.exec(pattern.slice(i));
        if (!m || !canQuantify) return null;
        // ARE refuses bounds above 255 (DUPMAX).
        if (Number(m[1]) > 255 || (m[3] !== undefined && (Number(m[3]) > 255 || Number(m[3]) < Number(m[1])))) return null;
        out += m[0];
        i += m[0].length;
        if (pattern[i] === '?') { out += '?'; i++; }
        canQuantify = false;
        continue;
      }
      case '[': {
        const end = pattern.indexOf(']', i + 1);
        if (end < 0) return null;
        let body = pattern.slice(i + 1, end);
        const negated = body.startsWith('^');
        if (negated) body = body.slice(1);
        if (body === '' || !classBodyIsPortable(body)) return null;
        out += negated ? `(?:[^${body}]?)` : `[${body}]`;
        i = end + 1;
        canQuantify = true;
        continue;
      }
      default:
        return null; // "]" or "}" outside a class or bound
    }
  }
  if (depth !== 0) return null;
  return out;
}

function classBodyIsPortable(body: string): boolean {
  for (let k = 0; k < body.length; k++) {
    const c = body[k]!;
    if (body[k + 1] === '-' && k + 2 < body.length) {
      const to = body[k + 2]!;
      const sameKind = (/[a-z]/.test(c) && /[a-z]/.test(to)) || (/[A-Z]/.test(c) && /[A-Z]/.test(to)) || (/[0-9]/.test(c) && /[0-9]/.test(to));
      if (!sameKind || c > to) return false;
      k += 2;
      continue;
    }
    if (!CLASS_LITERAL.test(c)) return false;
  }
  return true;
}

/** A pattern that is one exact name (literals and escaped punctuation only), unescaped; else null. */
export function plainName(pattern: string): string | null {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      const n = pattern[i + 1];
      if (n === undefined || isAsciiAlnum(n) || /[^\x20-\x7e]/.test(n)) return null;
      out += n;
      i++;
    } else if (META.has(c)) {
      return null;
    } else {
      out += c;
    }
  }
  return out;
}

function includeList(patterns: readonly string[]): string[] | null {
  if (patterns.length === 0) return null;
  const out: string[] = [];
  for (const p of patterns) {
    const t = translateSuperset(p);
    if (t === null) return null;
    out.push(`^(?:${t})$`);
  }
  return out;
}

function excludeNames(patterns: readonly string[]): string[] {
  return patterns.map(plainName).filter((n): n is string => n !== null);
}

/** Debezium's precedence: an include list makes the exclude list of the same level unused. */
export function buildPushdown(l: { schemaInclude: readonly string[]; schemaExclude: readonly string[]; tableInclude: readonly string[]; tableExclude: readonly string[] }): TablePushdown {
  return {
    schemaInclude: includeList(l.schemaInclude),
    schemaExcludeNames: l.schemaInclude.length > 0 ? [] : excludeNames(l.schemaExclude),
    tableInclude: includeList(l.tableInclude),
    tableExcludeNames: l.tableInclude.length > 0 ? [] : excludeNames(l.tableExclude),
  };
}

/**
 * The WHERE fragment over `n.nspname` and `c.relname`, with its parameters numbered from
 * `firstParam`. Arrays are passed as parameters, never spliced into the text.
 */
export function pushdownSql(p: TablePushdown, firstParam: number): { sql: string; params: unknown[] } {
  const parts: string[] = [];
  const params: unknown[] = [];
  const param = (v: unknown) => { params.push(v); return `$${firstParam + params.length - 1}::text[]`; };
  if (p.schemaInclude) parts.push(`n.nspname::text ~ ANY (${param(p.schemaInclude)})`);
  if (p.schemaExcludeNames.length > 0) parts.push(`n.nspname::text <> ALL (${param(p.schemaExcludeNames)})`);
  if (p.tableInclude) parts.push(`(n.nspname::text || '.' || c.relname::text) ~ ANY (${param(p.tableInclude)})`);
  if (p.tableExcludeNames.length > 0) parts.push(`(n.nspname::text || '.' || c.relname::text) <> ALL (${param(p.tableExcludeNames)})`);
  return { sql: parts.length > 0 ? parts.join(' AND ') : 'true', params };
}
