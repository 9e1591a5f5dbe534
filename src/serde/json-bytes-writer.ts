/**
 * The JSON converter's hot path: a Connect value written as UTF-8 JSON straight into a shared
 * slab, without building the text as a string first (one string per field value, a
 * concatenation per field, and a UTF-8 encode of the whole at the end).
 *
 * Compiled once per schema beside connect-json.ts's string writer, which stays the definition
 * of the text. Contract: the bytes written for a value are exactly
 * Buffer.from(compileJsonPayloadWriter(schema, opts)(value), 'utf8'), and it throws where that
 * throws. Structs, integers, booleans and strings are written here; every other type (floats,
 * bytes and decimals, arrays, maps) writes the string writer's text of its value.
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

/** A JSON string: quoted ASCII in one pass; escapes and other characters through jsonString's text. */
function stringValue(s: string): void {
  const n = s.length;
  ensure(n + 2);
  const out = slab.buf;
  let p = slab.pos;
  out[p++] = 0x22;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || c >= 0x80) {
      text(jsonString(s));
      return;
    }
    out[p++] = c;
  }
  out[p++] = 0x22;
  slab.pos = p;
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
  let digits = 1;
  for (let t = 10; t <= v; t *= 10) digits++;
  p += digits;
  slab.pos = p;
  if (v < 2147483648) {
    let x = v | 0;
    do {
      const q = (x / 10) | 0;
      out[--p] = 48 + x - q * 10;
      x = q;
    } while (x > 0);
    return;
  }
  do {
    const q = Math.floor(v / 10);
    out[--p] = 48 + (v - q * 10);
    v = q;
  } while (v > 0);
}

const TWO_53 = 2 ** 53;
const BIG_53 = 2n ** 53n;
const TRUE = Buffer.from('true');
const FALSE = Buffer.from('false');
const NULL = Buffer.from('null');

/** The writer of a value of `schema` (null handled as connect-json.ts's compile does). */
export function compileJsonBytesWriter(schema: ConnectSchema, opts: ConnectJsonOptions, path = ''): JsonBytesWrite {
  const write = nonNull(schema, path, opts);
  const hasDefault = schema.defaultValue !== undefined && schema.defaultValue !== null && opts.replaceNullWithDefault;
  const defaultBytes = hasDefault ? Buffer.from(compileNonNull(schema, path, opts)(schema.defaultValue), 'utf8') : null;
  const optional = schema.optional;
  return (v) => {
    if (v !== null && v !== undefined) write(v);
    else if (defaultBytes !== null) copy(defaultBytes);
    else if (optional) copy(NULL);
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
        if (typeof v === 'bigint') {
          if (v > -BIG_53 && v < BIG_53) integer(Number(v));
          else text(v.toString());
        }
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
      const heads = fields.map((f, i) => Buffer.from(`${i === 0 ? '{' : ','}${JSON.stringify(f.name)}:`, 'utf8'));
      const writers = fields.map((f) => compileJsonBytesWriter(f.schema, opts, path ? `${path}.${f.name}` : f.name));
      return structWriter(fields.map((f) => f.name), heads, writers, bad);
    }
    default: {
      const write = compileNonNull(schema, path, opts);
      return (v) => text(write(v));
    }
  }
}

function notAStruct(v: unknown): boolean {
  return typeof v !== 'object' || v === null || Array.isArray(v) || Buffer.isBuffer(v);
}

function closeStruct(): void {
  ensure(1);
  slab.buf[slab.pos++] = 0x7d;
}

/**
 * One function per struct with the field names as literals (as avro-writer.ts builds its
 * struct writers): each field read is a monomorphic named load, where a loop over the names
 * makes one keyed load that sees every name. Names are JSON string literals, safe in the source.
 */
function structWriter(names: readonly string[], heads: readonly Buffer[], writers: readonly JsonBytesWrite[], bad: (v: unknown) => Error): JsonBytesWrite {
  const body = [
    'return function writeStruct(v) {',
    '  if (notAStruct(v)) throw bad(v);',
    ...names.map((name, i) => `  copy(h${i}); w${i}(v[${JSON.stringify(name)}]);`),
    '  closeStruct();',
    '};',
  ].join('\n');
  const make = new Function('notAStruct', 'bad', 'copy', 'closeStruct', ...heads.map((_, i) => `h${i}`), ...writers.map((_, i) => `w${i}`), body) as (...args: unknown[]) => JsonBytesWrite;
  return make(notAStruct, bad, copy, closeStruct, ...heads, ...writers);
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

