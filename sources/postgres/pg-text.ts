/**
 * Parsers for PostgreSQL text output formats that are not date/time related:
 * array literals, bytea (hex and escape), hstore.
 * Every value we convert arrives as text (pgoutput 't' columns and snapshot SELECTs
 * run with raw-string type parsers), so these parsers are the only decoding step.
 * Reference: https://www.postgresql.org/docs/15/arrays.html#ARRAYS-IO,
 * https://www.postgresql.org/docs/15/datatype-binary.html, https://www.postgresql.org/docs/15/hstore.html
 */

/** Thrown for text that does not have the expected PostgreSQL output form. */
export class PgTextFormatError extends Error {
  constructor(kind: string, text: string, detail?: string) {
    super(`cannot parse ${kind} from PostgreSQL text ${JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text)}${detail ? `: ${detail}` : ''}`);
    this.name = 'PgTextFormatError';
  }
}

/**
 * For a multi-dimensional array literal (`{{1,2},{3,4}}`, `[1:2][1:2]={{1,2},{3,4}}`), the number
 * of its top-level sub-arrays; null for a one-dimensional (or malformed) literal.
 */
export function multiDimOuterLength(text: string): number | null {
  let i = 0;
  if (text[0] === '[') {
    const eq = text.indexOf('=');
    if (eq < 0) return null;
    i = eq + 1;
  }
  while (i < text.length && isSpace(text[i]!)) i++;
  if (text[i] !== '{') return null;
  let j = i + 1;
  while (j < text.length && isSpace(text[j]!)) j++;
  if (text[j] !== '{') return null;
  let depth = 0, count = 0, quoted = false;
  for (let k = i; k < text.length; k++) {
    const c = text[k];
    if (quoted) {
      if (c === '\\') k++;
      else if (c === '"') quoted = false;
      continue;
    }
    if (c === '"') quoted = true;
    else if (c === '{') { depth++; if (depth === 2) count++; }
    else if (c === '}') depth--;
  }
  return count;
}

/**
 * Parses a one-dimensional array literal (`{1,2,NULL}`, `{"a b","c\"d"}`, `[0:1]={x,y}`)
 * into element texts; unquoted NULL is SQL NULL, quoted "NULL" is the string.
 * `delimiter` is the element type's typdelim (',' for everything but box).
 * Multi-dimensional arrays are rejected: Connect schemas here are one-dimensional.
 */
export function parseArrayLiteral(text: string, delimiter = ','): (string | null)[] {
  let i = 0;
  const n = text.length;
  // Optional dimension decoration, present when a lower bound is not 1.
  if (text[0] === '[') {
    const eq = text.indexOf('=');
    if (eq < 0) throw new PgTextFormatError('array', text, 'dimension decoration without "="');
    if (/\]\[/.test(text.slice(0, eq))) throw new PgTextFormatError('array', text, 'multi-dimensional arrays are not supported');
    i = eq + 1;
  }
  while (i < n && isSpace(text[i]!)) i++;
  if (text[i] !== '{') throw new PgTextFormatError('array', text, 'expected "{"');
  i++;
  const out: (string | null)[] = [];
  while (i < n && isSpace(text[i]!)) i++;
  if (text[i] === '}') {
    i++;
    assertTrailing(text, i);
    return out;
  }
  for (;;) {
    while (i < n && isSpace(text[i]!)) i++;
    if (i >= n) throw new PgTextFormatError('array', text, 'unterminated');
    const c = text[i]!;
    if (c === '{') throw new PgTextFormatError('array', text, 'multi-dimensional arrays are not supported');
    if (c === '"') {
      let s = '';
      i++;
      for (;;) {
        if (i >= n) throw new PgTextFormatError('array', text, 'unterminated quoted element');
        const ch = text[i]!;
        if (ch === '\\') {
          if (i + 1 >= n) throw new PgTextFormatError('array', text, 'dangling backslash');
          s += text[i + 1];
          i += 2;
        } else if (ch === '"') {
          i++;
          break;
        } else {
          s += ch;
          i++;
        }
      }
      out.push(s);
      while (i < n && isSpace(text[i]!)) i++;
    } else {
      let s = '';
      let sawEscape = false;
      while (i < n && text[i] !== delimiter && text[i] !== '}') {
        const ch = text[i]!;
        if (ch === '\\') {
          if (i + 1 >= n) throw new PgTextFormatError('array', text, 'dangling backslash');
          s += text[i + 1];
          sawEscape = true;
          i += 2;
        } else {
          s += ch;
          i++;
        }
      }
      const trimmed = sawEscape ? s : s.replace(/^\s+|\s+$/g, '');
      out.push(!sawEscape && trimmed.toUpperCase() === 'NULL' ? null : trimmed);
    }
    if (text[i] === delimiter) {
      i++;
      continue;
    }
    if (text[i] === '}') {
      i++;
      assertTrailing(text, i);
      return out;
    }
    throw new PgTextFormatError('array', text, `unexpected character at ${i}`);
  }
}

function assertTrailing(text: string, i: number): void {
  if (text.slice(i).trim() !== '') throw new PgTextFormatError('array', text, 'trailing characters');
}

function isSpace(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\v' || c === '\f';
}

/** bytea text: hex format (`\x0102`, bytea_output=hex, the default) or the legacy escape format. */
export function parseBytea(text: string): Buffer {
  if (text.startsWith('\\x')) {
    const hex = text.slice(2);
    if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) throw new PgTextFormatError('bytea', text, 'bad hex digits');
    return Buffer.from(hex, 'hex');
  }
  const bytes: number[] = [];
  for (let i = 0; i < text.length;) {
    const c = text.charCodeAt(i);
    if (c !== 0x5c) {
      // Escape format prints printable ASCII as itself; anything else arrives as \ooo.
      if (c > 0x7f) {
        for (const b of Buffer.from(text[i]!, 'utf8')) bytes.push(b);
      } else {
        bytes.push(c);
      }
      i++;
      continue;
    }
    if (text[i + 1] === '\\') {
      bytes.push(0x5c);
      i += 2;
      continue;
    }
    const oct = text.slice(i + 1, i + 4);
    if (!/^[0-3][0-7]{2}$/.test(oct)) throw new PgTextFormatError('bytea', text, `bad escape at ${i}`);
    bytes.push(parseInt(oct, 8));
    i += 4;
  }
  return Buffer.from(bytes);
}

/**
 * hstore text (`"a"=>"1", "b"=>NULL`) into entries in textual order.
 * Keys are never NULL; values may be.
 */
export function parseHstore(text: string): [string, string | null][] {
  const out: [string, string | null][] = [];
  let i = 0;
  const n = text.length;
  const skip = () => {
    while (i < n && isSpace(text[i]!)) i++;
  };
  const token = (allowNull: boolean): string | null => {
    skip();
    if (text[i] === '"') {
      i++;
      let s = '';
      for (;;) {
        if (i >= n) throw new PgTextFormatError('hstore', text, 'unterminated string');
        const ch = text[i]!;
        if (ch === '\\' && i + 1 < n) {
          s += text[i + 1];
          i += 2;
        } else if (ch === '"') {
          i++;
          return s;
        } else {
          s += ch;
          i++;
        }
      }
    }
    let s = '';
    while (i < n && !isSpace(text[i]!) && text[i] !== ',' && text[i] !== '=') {
      s += text[i];
      i++;
    }
    if (s === '') throw new PgTextFormatError('hstore', text, `empty token at ${i}`);
    if (allowNull && s.toUpperCase() === 'NULL') return null;
    return s;
  };
  skip();
  if (i >= n) return out;
  for (;;) {
    const key = token(false) as string;
    skip();
    if (text.slice(i, i + 2) !== '=>') throw new PgTextFormatError('hstore', text, `expected "=>" at ${i}`);
    i += 2;
    const value = token(true);
    out.push([key, value]);
    skip();
    if (i >= n) return out;
    if (text[i] !== ',') throw new PgTextFormatError('hstore', text, `expected "," at ${i}`);
    i++;
  }
}
