/**
 * Connect's Values.parseString (connect/api .../data/Values.java, Kafka 4.x): the text of
 * InsertHeader's value.literal as a typed Connect value (shared/reference/transforms.md §5).
 *
 * - `true` / `false` (exact case) -> BOOLEAN; `null` -> no value.
 * - A number -> the smallest of INT8/INT16/INT32/INT64 holding it when it is whole and within
 *   1e19 (1.0 and 1e3 count as whole), else FLOAT32 when it has a fraction or exponent and
 *   fits a float, else FLOAT64 likewise, else a Connect Decimal (e.g. a 20-digit integer).
 * - `yyyy-MM-dd` -> Date, `HH:mm:ss.SSS'Z'` -> Time, `yyyy-MM-dd'T'HH:mm:ss.SSS'Z'` ->
 *   Timestamp (Connect's logical types; values are JS Dates, as java.util.Date in Connect;
 *   read in UTC, leniently as SimpleDateFormat reads them: 2024-02-30 is March 1st).
 * - `[...]` -> ARRAY and `{...}` -> MAP of embedded values: numbers, booleans, null, dates,
 *   nested arrays and maps, and "quoted" strings; element types are widened to a common
 *   numeric type. An array or map Connect cannot parse (an unquoted word, an empty element,
 *   a null beside numbers) stays a STRING of the whole text.
 * - Anything else -> STRING, the text unchanged.
 * Connect's quirks are kept, since they decide what a header holds: the text is cut into
 * tokens at unescaped `: , { } [ ] "`, and a literal starting with a number that is not a
 * time stops at the first such delimiter (`10:30` is the INT8 10, `1,5` the INT8 1).
 */
import type { ConnectSchema } from '../../events/schema.ts';
import { bigIntBytes } from './number-text.ts';
import { DATE, parseTemporal, TIME, TIMESTAMP } from './iso-date-parse.ts';

export interface SchemaAndValue {
  readonly schema: ConnectSchema | null;
  readonly value: unknown;
}

/** Connect's DataException inside the parser: an array or map that is not one falls back to text. */
class NotParsable extends Error {}

const DELIMITERS = new Set([':', ',', '{', '}', '[', ']', '"']);
const req = (type: ConnectSchema['type'], extra: Partial<ConnectSchema> = {}): ConnectSchema => ({ type, optional: false, ...extra });
const STRING = req('string');
const BOOLEAN = req('boolean');
const DECIMAL = 'org.apache.kafka.connect.data.Decimal';
const decimalSchema = (scale: number): ConnectSchema => req('bytes', { name: DECIMAL, version: 1, parameters: { scale: String(scale) } });

/** Java's String.trim: strips characters up to U+0020 only. */
function javaTrim(s: string): string {
  let a = 0, b = s.length;
  while (a < b && s.charCodeAt(a) <= 0x20) a++;
  while (b > a && s.charCodeAt(b - 1) <= 0x20) b--;
  return s.slice(a, b);
}
const isBlank = (s: string): boolean => javaTrim(s) === '';

/** Connect's Values.Parser: tokens are runs between unescaped delimiters, and each delimiter alone. */
class Tokens {
  #pos = 0;
  #next: string | null = null;
  #previous: string | null = null;
  constructor(readonly original: string) {}

  mark(): number { return this.#pos - (this.#next?.length ?? 0); }
  rewindTo(p: number): void { this.#pos = p; this.#next = null; this.#previous = null; }
  hasNext(): boolean { return this.#next !== null || this.#pos < this.original.length; }
  previous(): string | null { return this.#previous; }

  next(): string {
    if (this.#next !== null) { this.#previous = this.#next; this.#next = null; } else this.#previous = this.#consume();
    return this.#previous;
  }

  /** The raw text of the next n tokens, or null (nothing consumed) when fewer remain. */
  nextN(n: number): string | null {
    const start = this.mark();
    for (let i = 0; i < n; i++) {
      if (!this.hasNext()) { this.rewindTo(start); return null; }
      this.next();
    }
    return this.original.slice(start, this.#pos);
  }

  /** Consumes the next token if, trimmed, it is `expected`; blank tokens before it are skipped either way. */
  canConsume(expected: string): boolean {
    if (this.#next === null) {
      if (!this.hasNext()) return false;
      this.#next = this.#consume();
    }
    while (isBlank(this.#next) && this.#pos < this.original.length) this.#next = this.#consume();
    if (javaTrim(this.#next) !== expected) return false;
    this.#next = null;
    return true;
  }

  #consume(): string {
    const s = this.original;
    const start = this.#pos;
    let escaped = false;
    for (; this.#pos < s.length; this.#pos++) {
      const c = s[this.#pos]!;
      if (c === '\\') { escaped = !escaped; continue; }
      if (DELIMITERS.has(c) && !escaped) {
        if (start < this.#pos) return s.slice(start, this.#pos);
        this.#pos++;
        return c;
      }
      escaped = false;
    }
    return s.slice(start, this.#pos);
  }
}

/** Values.parseString: null for the literal `null` (Connect's null SchemaAndValue). */
export function parseString(text: string): SchemaAndValue | null {
  if (text === '') return { schema: STRING, value: text };
  const r = parse(new Tokens(text), false);
  return r === null ? null : { schema: r.schema, value: finished(r.value) };
}

/**
 * A decimal while parsing: Connect's BigDecimal keeps its own scale, and elements of an array
 * are rescaled to the common one only when aligned; the Connect value (bytes) comes at the end.
 */
class Dec {
  constructor(readonly unscaled: bigint, readonly scale: number) {}
}

/** The Connect representation: Decimals as their unscaled bytes, inside arrays and maps too. */
function finished(v: unknown): unknown {
  if (v instanceof Dec) return bigIntBytes(v.unscaled);
  if (Array.isArray(v)) return v.map(finished);
  if (v instanceof Map) return new Map([...v].map(([k, x]) => [finished(k), finished(x)]));
  return v;
}

function parse(p: Tokens, embedded: boolean): SchemaAndValue | null {
  if (!p.hasNext()) return null;
  if (embedded && p.canConsume('"')) return quoted(p);
  if (singleToken(p, embedded, 'null')) return null;
  if (singleToken(p, embedded, 'true')) return { schema: BOOLEAN, value: true };
  if (singleToken(p, embedded, 'false')) return { schema: BOOLEAN, value: false };
  const start = p.mark();
  try {
    if (p.canConsume('[')) return array(p);
    if (p.canConsume('{')) return map(p);
  } catch (err) {
    if (!(err instanceof NotParsable)) throw err;
    p.rewindTo(start);
  }
  const token = p.next();
  if (isBlank(token)) return { schema: STRING, value: token };
  return nextToken(p, embedded, javaTrim(token));
}

/** A literal token; at the top level only when nothing follows it (`true}` is text). */
function singleToken(p: Tokens, embedded: boolean, literal: string): boolean {
  const start = p.mark();
  if (p.canConsume(literal) && (embedded || !p.hasNext())) return true;
  p.rewindTo(start);
  return false;
}

function nextToken(p: Tokens, embedded: boolean, token: string): SchemaAndValue {
  const first = token[0]!;
  const digit = first >= '0' && first <= '9';
  if (digit) {
    // A time or timestamp is split by its unescaped colons into 5 tokens: try those first.
    const at = p.mark();
    const rest = p.nextN(4);
    const five = rest === null ? null : parseTemporal(token + rest);
    if (five) return five;
    p.rewindTo(at);
    const one = parseTemporal(token);
    if (one) return one;
  }
  if (digit || first === '+' || first === '-') {
    const n = parseNumber(token);
    if (n) return n;
  }
  if (embedded) throw new NotParsable('Failed to parse embedded value');
  return { schema: STRING, value: p.original };
}

function quoted(p: Tokens): SchemaAndValue {
  let content = '';
  while (p.hasNext()) {
    if (p.canConsume('"')) break;
    content += p.next();
  }
  return parseTemporal(content) ?? { schema: STRING, value: content };
}

function array(p: Tokens): SchemaAndValue {
  const out: unknown[] = [];
  const common = new CommonSchema();
  while (p.hasNext()) {
    if (p.canConsume(']')) {
      if (common.schema === null) return { schema: req('array'), value: out }; // every element null, or no common type
      return { schema: req('array', { items: common.schema }), value: out.map((v) => aligned(common.schema!, v)) };
    }
    if (p.canConsume(',')) throw new NotParsable('empty array element');
    const e = parse(p, true);
    common.merge(e);
    out.push(e ? e.value : null);
    const at = p.mark();
    if (p.canConsume(']')) p.rewindTo(at);
    else if (!p.canConsume(',')) throw new NotParsable('array elements missing ","');
  }
  throw new NotParsable('array without "]"');
}

function map(p: Tokens): SchemaAndValue {
  const out = new Map<unknown, unknown>();
  const keys = new CommonSchema();
  const values = new CommonSchema();
  while (p.hasNext()) {
    if (p.canConsume('}')) {
      if (keys.schema === null) return { schema: req('map'), value: out };
      const k = keys.schema, v = values.schema;
      const entries = [...out].map(([key, value]) => [aligned(k, key), v === null ? value : aligned(v, value)] as const);
      return { schema: req('map', { keys: k, ...(v !== null ? { values: v } : {}) }), value: new Map(entries) };
    }
    if (p.canConsume(',')) throw new NotParsable('map entry with no key or value');
    const key = parse(p, true);
    if (key === null || key.value === null) throw new NotParsable('map entry with a null key');
    if (!p.canConsume(':')) throw new NotParsable('map entry missing ":"');
    const value = parse(p, true);
    out.set(key.value, value ? value.value : null);
    p.canConsume(',');
    keys.merge(key);
    values.merge(value);
  }
  throw new NotParsable('map without "}"');
}

/** Values.SchemaMerger: the schema all elements fit, numbers widened; null once two do not fit. */
class CommonSchema {
  schema: ConnectSchema | null = null;
  #compatible = true;
  merge(e: SchemaAndValue | null): void {
    if (!e || !e.schema || !this.#compatible) return;
    this.schema = this.schema === null ? e.schema : widened(this.schema, e.schema);
    this.#compatible = this.schema !== null;
  }
}

const NUMERIC: readonly ConnectSchema['type'][] = ['int8', 'int16', 'int32', 'int64', 'float32', 'float64'];

/** Connect compares the types only (a Date is an INT32 here); same type: the newer schema. */
function widened(a: ConnectSchema, b: ConnectSchema): ConnectSchema | null {
  if (a.type === b.type) return a.optional === b.optional ? (a.optional ? a : b) : null;
  const ia = NUMERIC.indexOf(a.type), ib = NUMERIC.indexOf(b.type);
  if (ia < 0 || ib < 0) return null;
  return ib > ia ? b : a;
}

/** Values.convertTo for what the parser produces, so every element has the common schema's representation. */
function aligned(schema: ConnectSchema, v: unknown): unknown {
  if (v === null || v === undefined) {
    if (schema.optional) return null;
    throw new NotParsable('null element among typed ones'); // Connect: "Unable to convert a null value to a schema that requires a value"
  }
  if (schema.name === DATE.name || schema.name === TIME.name || schema.name === TIMESTAMP.name) {
    if (v instanceof Date) return v;
    const n = Number(v);
    return new Date(schema.name === DATE.name ? n * 86_400_000 : n);
  }
  if (schema.name === DECIMAL) return v instanceof Dec ? rescaled(v, Number(schema.parameters!['scale'])) : v;
  // Connect converts no date to a plain number without its schema ("Unable to convert ... to a number").
  if (v instanceof Date && NUMERIC.includes(schema.type)) throw new NotParsable('a date among numbers');
  switch (schema.type) {
    case 'int8': case 'int16': case 'int32': return Number(v);
    case 'int64': return BigInt(v as number | bigint);
    case 'float32': return Math.fround(Number(v));
    case 'float64': return Number(v);
    default: return v; // strings, booleans, lists and maps are taken as they are
  }
}

/** A decimal at the common schema's scale (Connect keeps each BigDecimal's own; bytes follow the schema's). */
function rescaled(v: Dec, scale: number): Dec {
  if (v.scale === scale) return v;
  if (scale > v.scale) return new Dec(v.unscaled * 10n ** BigInt(scale - v.scale), scale);
  const f = 10n ** BigInt(v.scale - scale);
  if (v.unscaled % f !== 0n) throw new NotParsable('decimals of different scales');
  return new Dec(v.unscaled / f, scale);
}

const LONG_MIN = -(2n ** 63n);
const LONG_MAX = 2n ** 63n - 1n;

/** Values.parseAsNumber on Java's BigDecimal grammar; null where BigDecimal refuses the text. */
function parseNumber(token: string): SchemaAndValue | null {
  const m = /^([+-]?)([0-9]*)(?:\.([0-9]*))?(?:[eE]([+-]?[0-9]+))?$/.exec(token);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return null;
  const exp = m[4] === undefined ? 0 : Number(m[4]);
  if (!Number.isSafeInteger(exp) || Math.abs(exp) > 2 ** 31 - 1) return null;
  const frac = m[3] ?? '';
  const unscaled = (m[1] === '-' ? -1n : 1n) * BigInt(`${m[2]}${frac}` || '0');
  const scale = frac.length - exp;
  const exact = exactInteger(unscaled, scale);
  if (exact) return exact;
  const d = Number(`${unscaled}e${-scale}`);
  const f = Math.fround(d);
  if (Number.isFinite(f) && scale !== 0) return { schema: req('float32'), value: f };
  if (Number.isFinite(d) && scale !== 0) return { schema: req('float64'), value: d };
  return { schema: decimalSchema(scale), value: new Dec(unscaled, scale) };
}

/** The smallest integer type of a whole number within 1e19 and the long range, else null (Values.parseAsExactDecimal). */
function exactInteger(unscaled: bigint, scale: number): SchemaAndValue | null {
  if (unscaled === 0n) return { schema: req('int8'), value: 0 };
  const digits = (unscaled < 0n ? -unscaled : unscaled).toString().length;
  // |v| = |unscaled| * 10^-scale; refuse |v| > 1e19 and 0 < |v| < 1, comparing digit counts before any power is built.
  if (digits - scale > 20 || (digits - scale === 20 && (unscaled < 0n ? -unscaled : unscaled) !== 10n ** BigInt(digits - 1))) return null;
  if (digits <= scale) return null;
  let n: bigint;
  if (scale <= 0) n = unscaled * 10n ** BigInt(-scale);
  else {
    const f = 10n ** BigInt(scale);
    if (unscaled % f !== 0n) return null;
    n = unscaled / f;
  }
  if (n < LONG_MIN || n > LONG_MAX) return null;
  if (n >= -128n && n <= 127n) return { schema: req('int8'), value: Number(n) };
  if (n >= -32768n && n <= 32767n) return { schema: req('int16'), value: Number(n) };
  if (n >= -2147483648n && n <= 2147483647n) return { schema: req('int32'), value: Number(n) };
  return { schema: req('int64'), value: n };
}
