/**
 * The Avro converter's hot path: a Connect value straight to the Confluent wire format
 * (magic byte 0, 4-byte big-endian schema id, Avro binary body) in one pass, without building
 * the intermediate avsc datum (avro-datum.ts) and without a second buffer for the header.
 *
 * Compiled once per (Connect schema, avsc type) by walking both together: the Connect schema
 * gives the value semantics of avro-datum.ts (null -> default / null / error, Date -> int,
 * Uint8Array -> bytes, int64 as bigint or integral number), the avsc type gives what avsc
 * would write (field order, union branch indexes, exact vs built-in long). Contract: whenever
 * `encode` returns, its bytes are exactly those of
 *   header + type.toBuffer(compileDatumConverter(schema)(value));
 * whenever that path would throw, `encode` throws too (it may also throw where that path
 * would not: the caller then runs that path, which writes the record or reports the error).
 * Maps, and anything the walk does not recognise, are written by avsc itself from the datum
 * (Type#encode into the same buffer), so they keep avsc's semantics exactly.
 *
 * Output goes into the converters' shared slab (slab.ts): each record is a view of its own
 * bytes (no copy). Single-threaded and synchronous: nothing else writes between the start and
 * the end of one `encode`.
 */
import avro from 'avsc';
import { endianness } from 'node:os';
import type { ConnectSchema } from '../events/schema.ts';
import { compileDatumConverter, dateToInt, type DatumOptions } from './avro-datum.ts';
import { abortRecord, asciiAt, beginRecord, endRecord, ensure, grow, slab } from './slab.ts';

/** Writes one non-undefined value (the caller has dealt with null when the schema allows it). */
type Write = (v: unknown) => void;

export interface FramedWriter {
  /** Magic byte, schema id, Avro body; throws if the value does not fit (see above). */
  encode(value: unknown, schemaId: number): Buffer;
}

// ---- primitives (zig-zag varints as avsc's Tap writes them) ----

/** A long that is a non-negative small count or index, already zig-zagged (2n). */
function writeSmallUnsigned(z: number): void {
  ensure(5);
  while (z > 0x7f) {
    slab.buf[slab.pos++] = (z & 0x7f) | 0x80;
    z >>>= 7;
  }
  slab.buf[slab.pos++] = z;
}

/** A length or block count (a long in Avro). */
function writeCount(n: number): void {
  if (n < 0x40000000) writeSmallUnsigned(n * 2);
  else writeLongNumber(n);
}

/**
 * Tap#writeLong for a number, same arithmetic (so also the same bytes where avsc's float
 * arithmetic rounds: negative values below -2^52 with the built-in long).
 */
function writeLongNumber(n: number): void {
  ensure(10);
  if (n >= -1073741824 && n < 1073741824) {
    let m = n >= 0 ? n << 1 : (~n << 1) | 1;
    while (m > 0x7f) {
      slab.buf[slab.pos++] = (m & 0x7f) | 0x80;
      m >>>= 7;
    }
    slab.buf[slab.pos++] = m;
  } else {
    let f = n >= 0 ? n * 2 : -n * 2 - 1;
    while (f >= 128) {
      slab.buf[slab.pos++] = (f % 128) | 0x80;
      f = Math.floor(f / 128);
    }
    slab.buf[slab.pos++] = f;
  }
}

const I64 = new BigInt64Array(1);
const U32 = new Uint32Array(I64.buffer);
const LO = endianness() === 'LE' ? 0 : 1;
const HI = 1 - LO;

/** Exact zig-zag varint of an int64 (the caller checked the range), without allocating. */
function writeLongBig(v: bigint): void {
  I64[0] = v;
  const lo = U32[LO]!;
  const hi = U32[HI]!;
  const sign = hi >> 31; // 0 or -1: v >> 63
  let zlo = ((lo << 1) ^ sign) >>> 0;
  let zhi = (((hi << 1) | (lo >>> 31)) ^ sign) >>> 0;
  ensure(10);
  while (zhi !== 0 || zlo > 0x7f) {
    slab.buf[slab.pos++] = (zlo & 0x7f) | 0x80;
    zlo = ((zlo >>> 7) | (zhi << 25)) >>> 0;
    zhi >>>= 7;
  }
  slab.buf[slab.pos++] = zlo;
}

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
const TWO_52 = 2 ** 52;
const TWO_63 = 2 ** 63;

/** avro-long-type.ts's exact long: bigint or integral number within int64. */
function writeExactLong(v: unknown): void {
  if (typeof v === 'bigint') {
    if (v < INT64_MIN || v > INT64_MAX) throw new RangeError('not an int64');
    writeLongBig(v);
  } else if (typeof v === 'number' && Number.isInteger(v) && v >= -TWO_63 && v < TWO_63) {
    if (v >= -TWO_52 && v <= TWO_52) writeLongNumber(v);
    else writeLongBig(BigInt(v));
  } else {
    throw new TypeError('not an int64');
  }
}

/** avsc's built-in long: an integral number within its isSafeLong bounds. */
function writeBuiltinLong(v: unknown): void {
  if (typeof v !== 'number' || v % 1 !== 0 || !(v >= -9007199254740990 && v <= 9007199254740990)) throw new TypeError('not a safe long');
  writeLongNumber(v);
}

function writeInt(v: number): void {
  if (typeof v !== 'number' || v !== (v | 0)) throw new TypeError('not an int');
  writeLongNumber(v);
}

/** Tap#writeString: byte length, then UTF-8 (avsc's own loop up to 64 bytes, Buffer#write above). */
function writeString(s: string): void {
  const n = s.length;
  if (n < 64) {
    // Fast path: ASCII, one length byte (2n <= 126).
    ensure(n + 1);
    if (asciiAt(s, slab.pos + 1) === n) {
      slab.buf[slab.pos] = n * 2;
      slab.pos += n + 1;
      return;
    }
  }
  const len = Buffer.byteLength(s);
  writeCount(len);
  ensure(len);
  if (len > 64) {
    slab.buf.write(s, slab.pos, len, 'utf8');
    slab.pos += len;
    return;
  }
  // Tap#writeString's loop, byte for byte (it encodes a lone surrogate as such, unlike Buffer#write).
  const out = slab.buf;
  let p = slab.pos;
  for (let i = 0; i < n; i++) {
    let c1 = s.charCodeAt(i);
    let c2: number;
    if (c1 < 0x80) {
      out[p++] = c1;
    } else if (c1 < 0x800) {
      out[p++] = (c1 >> 6) | 0xc0;
      out[p++] = (c1 & 0x3f) | 0x80;
    } else if ((c1 & 0xfc00) === 0xd800 && ((c2 = s.charCodeAt(i + 1)) & 0xfc00) === 0xdc00) {
      c1 = 0x10000 + ((c1 & 0x03ff) << 10) + (c2 & 0x03ff);
      i++;
      out[p++] = (c1 >> 18) | 0xf0;
      out[p++] = ((c1 >> 12) & 0x3f) | 0x80;
      out[p++] = ((c1 >> 6) & 0x3f) | 0x80;
      out[p++] = (c1 & 0x3f) | 0x80;
    } else {
      out[p++] = (c1 >> 12) | 0xe0;
      out[p++] = ((c1 >> 6) & 0x3f) | 0x80;
      out[p++] = (c1 & 0x3f) | 0x80;
    }
  }
  slab.pos += len;
}

function writeBytes(b: Uint8Array): void {
  const n = b.length;
  writeCount(n);
  ensure(n);
  if (n <= 16) {
    for (let i = 0; i < n; i++) slab.buf[slab.pos + i] = b[i]!;
  } else {
    slab.buf.set(b, slab.pos);
  }
  slab.pos += n;
}

// ---- compilation ----

interface AvscUnion extends avro.Type { readonly types: readonly avro.Type[] }
interface AvscRecord extends avro.Type { readonly fields: ReadonlyArray<{ readonly name: string; readonly type: avro.Type }> }
interface AvscArray extends avro.Type { readonly itemsType: avro.Type }

/** A field (or the root): null handling as avro-datum.ts's compile(), union branch as avsc picks it. */
function compileField(schema: ConnectSchema, type: avro.Type, opts: DatumOptions): Write {
  if (schema.type === 'map') return viaAvsc(schema, type, opts);
  let base = type;
  let nullIndex = -1;
  let valueIndex = -1;
  if (type.typeName === 'union:unwrapped') {
    const branches = (type as AvscUnion).types;
    if (branches.length !== 2) return viaAvsc(schema, type, opts);
    nullIndex = branches.findIndex((t) => t.typeName === 'null');
    valueIndex = 1 - nullIndex;
    if (nullIndex < 0) return viaAvsc(schema, type, opts);
    base = branches[valueIndex]!;
  }
  const write = compileNonNull(schema, base, opts);
  if (write === null) return viaAvsc(schema, type, opts);
  const useDefault = schema.defaultValue !== undefined && schema.defaultValue !== null && !(opts.ignoreDefaultForNullables && schema.optional);
  const defaultValue = schema.defaultValue;
  const optional = schema.optional;
  if (nullIndex < 0) {
    return (v) => {
      if (v !== null && v !== undefined) write(v);
      else if (useDefault) write(defaultValue);
      else throw new TypeError('null for a required value'); // avro-datum.ts reports it
    };
  }
  const nullTag = nullIndex * 2;
  const valueTag = valueIndex * 2;
  return (v) => {
    if (v !== null && v !== undefined) {
      ensure(1);
      slab.buf[slab.pos++] = valueTag;
      write(v);
    } else if (useDefault) {
      ensure(1);
      slab.buf[slab.pos++] = valueTag;
      write(defaultValue);
    } else if (optional) {
      ensure(1);
      slab.buf[slab.pos++] = nullTag;
    } else {
      throw new TypeError('null for a required value');
    }
  };
}

/** The non-null value of `schema` as avsc writes `type`; null when the pair is not one we know. */
function compileNonNull(schema: ConnectSchema, type: avro.Type, opts: DatumOptions): Write | null {
  const t = type.typeName;
  switch (schema.type) {
    case 'int8': case 'int16': case 'int32': {
      if (t !== 'int') return null;
      const logical = schema.name;
      return (v) => writeInt((v instanceof Date ? dateToInt(logical, v) : v) as number);
    }
    case 'int64': {
      const write = t === 'abstract:long' ? writeExactLong : t === 'long' ? writeBuiltinLong : null;
      if (write === null) return null;
      return (v) => {
        if (typeof v === 'bigint' || typeof v === 'number') write(v); // a non-integral number fails in write
        else if (v instanceof Date) write(v.getTime());
        else throw new TypeError('not an int64');
      };
    }
    case 'float32': case 'float64': {
      const float = t === 'float';
      if (!float && t !== 'double') return null;
      return (v) => {
        if (typeof v !== 'number') throw new TypeError('not a number');
        if (float) {
          ensure(4);
          slab.buf.writeFloatLE(v, slab.pos);
          slab.pos += 4;
        } else {
          ensure(8);
          slab.buf.writeDoubleLE(v, slab.pos);
          slab.pos += 8;
        }
      };
    }
    case 'boolean':
      if (t !== 'boolean') return null;
      return (v) => {
        if (typeof v !== 'boolean') throw new TypeError('not a boolean');
        ensure(1);
        slab.buf[slab.pos++] = v ? 1 : 0;
      };
    case 'string':
      if (t !== 'string') return null;
      return (v) => {
        if (typeof v !== 'string') throw new TypeError('not a string');
        writeString(v);
      };
    case 'bytes':
      if (t !== 'bytes') return null;
      return (v) => {
        if (!(v instanceof Uint8Array)) throw new TypeError('not bytes'); // Buffer is one too
        writeBytes(v);
      };
    case 'array': {
      if (t !== 'array' || schema.items === undefined) return null;
      const item = compileField(schema.items, (type as AvscArray).itemsType, opts);
      return (v) => {
        if (!Array.isArray(v)) throw new TypeError('not an array');
        const n = v.length;
        if (n > 0) {
          writeCount(n);
          for (let i = 0; i < n; i++) item(v[i]);
        }
        ensure(1);
        slab.buf[slab.pos++] = 0;
      };
    }
    case 'struct': {
      if (t !== 'record') return null;
      const connectFields = schema.fields ?? [];
      const avroFields = (type as AvscRecord).fields;
      // The record must be this struct's (a reused record name could carry another shape).
      if (avroFields.length !== connectFields.length || avroFields.some((f, i) => f.name !== connectFields[i]!.name)) return null;
      const writers = connectFields.map((f, i) => compileField(f.schema, avroFields[i]!.type, opts));
      return structWriter(connectFields.map((f) => f.name), writers);
    }
    default:
      return null;
  }
}

function notAStruct(v: unknown): boolean {
  return typeof v !== 'object' || v === null || Array.isArray(v) || Buffer.isBuffer(v);
}

/**
 * One function per struct with the field names as literals, as avsc's own record writers are
 * built: each field read is then a monomorphic named load instead of a keyed load that sees
 * every field name. Names are JSON string literals, so any name is safe in the source text.
 */
function structWriter(names: readonly string[], writers: readonly Write[]): Write {
  const body = [
    'return function writeStruct(v) {',
    '  if (notAStruct(v)) throw new TypeError("not a struct");',
    ...names.map((name, i) => `  w${i}(v[${JSON.stringify(name)}]);`),
    '};',
  ].join('\n');
  const make = new Function('notAStruct', ...writers.map((_, i) => `w${i}`), body) as (...args: unknown[]) => Write;
  return make(notAStruct, ...writers);
}

/** The datum of avro-datum.ts, written by avsc into our buffer: for the rare shapes (maps). */
function viaAvsc(schema: ConnectSchema, type: avro.Type, opts: DatumOptions): Write {
  const toDatum = compileDatumConverter(schema, opts);
  return (v) => {
    const datum = toDatum(v);
    let end = type.encode(datum, slab.buf, slab.pos);
    if (end < 0) {
      grow(-end);
      end = type.encode(datum, slab.buf, slab.pos);
      if (end < 0) throw new RangeError('avsc could not encode into the space it asked for');
    }
    slab.pos = end;
  };
}

/** Starts a record: magic byte and schema id. */
function beginFramed(schemaId: number): void {
  ensure(5);
  beginRecord();
  slab.buf[slab.pos] = 0; // magic byte
  slab.buf.writeInt32BE(schemaId, slab.pos + 1);
  slab.pos += 5;
}

/**
 * The writer for values of `schema` encoded with `type` (the avsc type of the schema's own
 * Avro text), or null when the pair has a shape this module does not handle at all.
 */
export function compileFramedWriter(schema: ConnectSchema, type: avro.Type, opts: DatumOptions = {}): FramedWriter | null {
  let root: Write;
  try {
    root = compileField(schema, type, opts);
  } catch {
    return null;
  }
  return {
    encode(value, schemaId) {
      beginFramed(schemaId);
      try {
        root(value);
      } catch (err) {
        abortRecord();
        throw err;
      }
      return endRecord();
    },
  };
}

/** Header + `type.toBuffer(datum)`, written by avsc straight after the header (no second buffer). */
export function encodeFramedDatum(type: avro.Type, datum: unknown, schemaId: number): Buffer {
  beginFramed(schemaId);
  try {
    let end = type.encode(datum, slab.buf, slab.pos);
    if (end < 0) {
      grow(-end);
      end = type.encode(datum, slab.buf, slab.pos);
      if (end < 0) throw new RangeError('avsc could not encode into the space it asked for');
    }
    slab.pos = end;
  } catch (err) {
    abortRecord();
    throw err;
  }
  return endRecord();
}
