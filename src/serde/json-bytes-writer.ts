/**
 * The JSON converter's hot path: a Connect value written as UTF-8 JSON straight into a shared
 * slab, without building the text as a string first (one string per field value, a
 * concatenation per field, and a UTF-8 encode of the whole at the end).
 *
 * Compiled once per schema beside connect-json.ts's string writer, which stays the definition
 * of the text. Contract: the bytes written for a value are exactly
 * Buffer.from(compileJsonPayloadWriter(schema, opts)(value), 'utf8'), and it throws where that
 * throws. Structs, integers, booleans, strings and bytes (base64, BASE64 decimals included) are
 * written here; every other type (floats, NUMERIC decimals, arrays, maps) writes the string
 * writer's text of its value.
 *
 * Output goes into the converters' shared slab (slab.ts), as avro-writer.ts's: each record is a
 * view of its own bytes (no copy). Single-threaded and synchronous.
 */
import type { ConnectSchema } from '../events/schema.ts';
import { compileNonNull, jsonString, type ConnectJsonOptions } from './connect-json.ts';
import { ValueMismatchError } from './value-mismatch.ts';
import { abortRecord, asciiAt, beginRecord, endRecord, ensure, slab } from './slab.ts';

/** Writes one value (null included: the writer applies the default, or writes null, or throws). */
export type JsonBytesWrite = (v: unknown) => void;

/** Bytes known in advance (a field's `,"name":`, a default's text). */
function copy(b: Uint8Array): void {
  const n = b.length;
  ensure(n);
  const out = slab.buf;
  const at = slab.pos;
  if (n > 32) out.set(b, at);
  else for (let i = 0; i < n; i++) out[at + i] = b[i]!;
  slab.pos = at + n;
}

/** A string's UTF-8 bytes: ASCII by a loop, anything else by Buffer#write (the same UTF-8 as Buffer.from). */
function text(s: string): void {
  const n = s.length;
  ensure(n);
  if (asciiAt(s, slab.pos) === n) {
    slab.pos += n;
    return;
  }
  const len = Buffer.byteLength(s, 'utf8');
  ensure(len);
  slab.buf.write(s, slab.pos, len, 'utf8');
  slab.pos += len;
}

/**
 * A JSON string: ASCII in one pass, `"` and `\` escaped on the way (Debezium's source.sequence
 * is a JSON array as text, quotes in every event); control characters and anything past ASCII
 * through jsonString's text, from the start of the string.
 */
function stringValue(s: string): void {
  const n = s.length;
  ensure(2 * n + 2);
  const out = slab.buf;
  const start = slab.pos;
  let p = start;
  out[p++] = 0x22;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c >= 0x80) {
      slab.pos = start;
      text(jsonString(s));
      return;
    }
    if (c === 0x22 || c === 0x5c) out[p++] = 0x5c;
    out[p++] = c;
  }
  out[p++] = 0x22;
  slab.pos = p;
}

const B64 = Buffer.from('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/', 'latin1');

/** `"` + standard base64 with padding + `"`, as connect-json.ts's base64 text. */
function base64Value(b: Uint8Array): void {
  const n = b.length;
  ensure(4 * Math.ceil(n / 3) + 2);
  const out = slab.buf;
  let p = slab.pos;
  out[p++] = 0x22;
  let i = 0;
  for (; i + 2 < n; i += 3) {
    const x = (b[i]! << 16) | (b[i + 1]! << 8) | b[i + 2]!;
    out[p] = B64[x >> 18]!;
    out[p + 1] = B64[(x >> 12) & 63]!;
    out[p + 2] = B64[(x >> 6) & 63]!;
    out[p + 3] = B64[x & 63]!;
    p += 4;
  }
  if (i < n) {
    const x = (b[i]! << 16) | (i + 1 < n ? b[i + 1]! << 8 : 0);
    out[p] = B64[x >> 18]!;
    out[p + 1] = B64[(x >> 12) & 63]!;
    out[p + 2] = i + 1 < n ? B64[(x >> 6) & 63]! : 0x3d;
    out[p + 3] = 0x3d;
    p += 4;
  }
  out[p++] = 0x22;
  slab.pos = p;
}

/** "00".."99": two digits per division. */
const PAIRS = (() => {
  const t = new Uint8Array(200);
  for (let i = 0; i < 100; i++) {
    t[2 * i] = 48 + ((i / 10) | 0);
    t[2 * i + 1] = 48 + (i % 10);
  }
  return t;
})();

/** The digits of 0 <= x < 10^9 (no leading zeros) at `p`; returns the position after them. */
function digits9(out: Buffer, p: number, x: number): number {
  const n = x < 10 ? 1 : x < 100 ? 2 : x < 1000 ? 3 : x < 10000 ? 4 : x < 100000 ? 5 : x < 1000000 ? 6 : x < 10000000 ? 7 : x < 100000000 ? 8 : 9;
  let at = p + n;
  while (x >= 100) {
    const q = (x / 100) | 0;
    const r = (x - q * 100) << 1;
    out[--at] = PAIRS[r + 1]!;
    out[--at] = PAIRS[r]!;
    x = q;
  }
  if (x >= 10) {
    out[--at] = PAIRS[(x << 1) + 1]!;
    out[--at] = PAIRS[x << 1]!;
  } else {
    out[--at] = 48 + x;
  }
  return p + n;
}

/** Exactly nine digits of 0 <= x < 10^9, zeros in front. */
function pad9(out: Buffer, p: number, x: number): number {
  let at = p + 9;
  for (let i = 0; i < 4; i++) {
    const q = (x / 100) | 0;
    const r = (x - q * 100) << 1;
    out[--at] = PAIRS[r + 1]!;
    out[--at] = PAIRS[r]!;
    x = q;
  }
  out[--at] = 48 + x;
  return p + 9;
}

/** The decimal digits of an integral number within ±2^53, as String() writes it. */
function integer(v: number): void {
  ensure(17);
  const out = slab.buf;
  let p = slab.pos;
  if (v < 0) {
    out[p++] = 0x2d;
    v = -v;
  }
  if (v < 1e9) {
    slab.pos = digits9(out, p, v);
    return;
  }
  const hi = Math.floor(v / 1e9); // < 2^53 / 10^9: nine digits or fewer
  slab.pos = pad9(out, digits9(out, p, hi), v - hi * 1e9);
}

const I64 = new BigInt64Array(1);
const W32 = new Int32Array(I64.buffer);
const LO = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 0 : 1;
const HI = 1 - LO;
const TWO_32 = 2 ** 32;

/**
 * A bigint's digits, as toString() writes them, without making the string where the value is
 * an int64 (timestamps in nanoseconds are past 2^53): the value is split into its two 32-bit
 * words, and above 2^53 divided by 10^9 in doubles with the remainder made exact mod 2^32.
 */
function bigInteger(v: bigint): void {
  if (v < INT64_MIN || v > INT64_MAX) {
    text(v.toString());
    return;
  }
  I64[0] = v;
  const hi = W32[HI]!;
  const lo = W32[LO]! >>> 0;
  if (hi >= -0x200000 && hi < 0x200000) {
    integer(hi * TWO_32 + lo); // within ±2^53: exact
    return;
  }
  if (hi < 0) {
    text(v.toString());
    return;
  }
  // 2^53 <= v < 2^63: q = floor(v / 10^9) < 2^34, r = v - q * 10^9.
  let q = Math.floor((hi * TWO_32 + lo) / 1e9); // off by at most one: the double is within 2^10 of v
  let r = (lo - Math.imul(q % TWO_32, 1e9)) | 0; // exact mod 2^32, and |r| < 2^31
  if (r < 0) {
    q -= 1;
    r += 1e9;
  } else if (r >= 1e9) {
    q += 1;
    r -= 1e9;
  }
  ensure(20);
  const out = slab.buf;
  const p = slab.pos;
  const hq = Math.floor(q / 1e9); // q < 2^34: at most two more digits in front
  slab.pos = pad9(out, hq > 0 ? pad9(out, digits9(out, p, hq), q - hq * 1e9) : digits9(out, p, q), r);
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const TWO_53 = 2 ** 53;
const DECIMAL = 'org.apache.kafka.connect.data.Decimal';
const TRUE = Buffer.from('true');
const FALSE = Buffer.from('false');
const NULL = Buffer.from('null');

/** What a null of `schema` writes: its default's text, `null` when optional, or nothing (it throws). */
function nullBytes(schema: ConnectSchema, path: string, opts: ConnectJsonOptions): Buffer | null {
  const hasDefault = schema.defaultValue !== undefined && schema.defaultValue !== null && opts.replaceNullWithDefault;
  if (hasDefault) return Buffer.from(compileNonNull(schema, path, opts)(schema.defaultValue), 'utf8');
  return schema.optional ? NULL : null;
}

/** The writer of a value of `schema` (null handled as connect-json.ts's compile does). */
export function compileJsonBytesWriter(schema: ConnectSchema, opts: ConnectJsonOptions, path = ''): JsonBytesWrite {
  const write = nonNull(schema, path, opts);
  const ifNull = nullBytes(schema, path, opts);
  return (v) => {
    if (v !== null && v !== undefined) write(v);
    else if (ifNull !== null) copy(ifNull);
    else throw ValueMismatchError.requiredNull(path);
  };
}

function nonNull(schema: ConnectSchema, path: string, opts: ConnectJsonOptions): JsonBytesWrite {
  const bad = (v: unknown) => ValueMismatchError.of(path, schema, v);
  switch (schema.type) {
    case 'int8': case 'int16': case 'int32':
      return (v) => {
        if (typeof v !== 'number' || !Number.isInteger(v)) throw bad(v);
        if (v > -TWO_53 && v < TWO_53) integer(v);
        else text(String(v));
      };
    case 'int64':
      return (v) => {
        if (typeof v === 'bigint') bigInteger(v);
        else if (typeof v === 'number' && Number.isInteger(v)) {
          if (v > -TWO_53 && v < TWO_53) integer(v);
          else text(Number.isSafeInteger(v) ? String(v) : BigInt(v).toString());
        } else throw bad(v);
      };
    case 'boolean':
      return (v) => {
        if (typeof v !== 'boolean') throw bad(v);
        copy(v ? TRUE : FALSE);
      };
    case 'string':
      return (v) => {
        if (typeof v !== 'string') throw bad(v);
        stringValue(v);
      };
    case 'struct': {
      const fields = schema.fields ?? [];
      if (fields.length === 0) {
        return (v) => {
          if (notAStruct(v)) throw bad(v);
          ensure(2);
          slab.buf[slab.pos++] = 0x7b;
          slab.buf[slab.pos++] = 0x7d;
        };
      }
      return structWriter(fields.map((f, i) => {
        const at = path ? `${path}.${f.name}` : f.name;
        return {
          name: f.name,
          head: Buffer.from(`${i === 0 ? '{' : ','}${JSON.stringify(f.name)}:`, 'utf8'),
          write: nonNull(f.schema, at, opts),
          ifNull: nullBytes(f.schema, at, opts),
          path: at,
        };
      }), bad);
    }
    case 'bytes':
      if (schema.name === DECIMAL && opts.decimalFormat === 'NUMERIC') break;
      return (v) => {
        if (!(v instanceof Uint8Array)) throw bad(v);
        base64Value(v);
      };
    default:
      break;
  }
  const write = compileNonNull(schema, path, opts);
  return (v) => text(write(v));
}

function notAStruct(v: unknown): boolean {
  return typeof v !== 'object' || v === null || Array.isArray(v) || Buffer.isBuffer(v);
}

function closeStruct(): void {
  ensure(1);
  slab.buf[slab.pos++] = 0x7d;
}

interface StructField {
  readonly name: string;
  /** `{"name":` for the first field, `,"name":` after it */
  readonly head: Buffer;
  readonly write: JsonBytesWrite;
  /** the text of a null (default or `null`), or null when a null must throw */
  readonly ifNull: Buffer | null;
  readonly path: string;
}

/** Heads up to this length are stored byte by byte in the generated code, longer ones copied. */
const INLINE_HEAD = 40;

/**
 * One function per struct with the field names as literals (as avro-writer.ts builds its
 * struct writers): each field read is a monomorphic named load, where a loop over the names
 * makes one keyed load that sees every name. Each field's `,"name":` is stored byte by byte
 * in the code, and its null case is decided there, so that every call to a field's writer is
 * a call site of its own (one target, which the compiler can inline). Names are JSON string
 * literals, safe in the source; the stored bytes are numbers.
 */
function structWriter(fields: readonly StructField[], bad: (v: unknown) => Error): JsonBytesWrite {
  const lines = ['return function writeStruct(v) {', '  if (notAStruct(v)) throw bad(v);', '  let o, p, x;'];
  fields.forEach((f, i) => {
    const n = f.head.length;
    if (n <= INLINE_HEAD) {
      lines.push(`  ensure(${n}); o = slab.buf; p = slab.pos;`);
      lines.push(`  ${Array.from(f.head, (c, k) => `o[p${k ? ` + ${k}` : ''}] = ${c};`).join(' ')} slab.pos = p + ${n};`);
    } else {
      lines.push(`  copy(h${i});`);
    }
    lines.push(`  x = v[${JSON.stringify(f.name)}];`);
    lines.push(`  if (x !== null && x !== undefined) w${i}(x); else ${f.ifNull !== null ? `copy(d${i})` : `throw requiredNull(p${i})`};`);
  });
  lines.push('  closeStruct();', '};');
  const names = fields.flatMap((_, i) => [`h${i}`, `w${i}`, `d${i}`, `p${i}`]);
  const make = new Function('notAStruct', 'bad', 'copy', 'closeStruct', 'ensure', 'slab', 'requiredNull', ...names, lines.join('\n')) as (...args: unknown[]) => JsonBytesWrite;
  return make(notAStruct, bad, copy, closeStruct, ensure, slab, (path: string) => ValueMismatchError.requiredNull(path),
    ...fields.flatMap((f) => [f.head, f.write, f.ifNull, f.path]));
}

/**
 * One record: `head` (the envelope's schema half, or nothing), the value, and `}` after a head.
 * Returns a view of the record's bytes; a throw gives back the room the record had written.
 */
export function writeJsonRecord(head: Buffer | null, write: JsonBytesWrite, value: unknown): Buffer {
  beginRecord();
  try {
    if (head !== null) copy(head);
    write(value);
    if (head !== null) closeStruct();
  } catch (err) {
    abortRecord();
    throw err;
  }
  return endRecord();
}

