/**
 * The subset of Java's object serialisation stream format (Java Object
 * Serialization Specification, chapter 6 "Object Serialization Stream
 * Protocol") that Debezium uses for incremental_snapshot_primary_key and
 * incremental_snapshot_maximum_key: ObjectOutputStream.writeObject of an
 * Object[] (or of null), rendered as lower-case hex.
 *
 * Written: null, and Object[] whose elements are java.lang.Integer (a number
 * that fits 32 bits), java.lang.Long (a bigint, or a larger whole number),
 * java.lang.String, or null; byte for byte what a JVM writes, so Debezium reads
 * our offsets and we read its offsets.
 * Read: the same, plus java.lang.Short and java.lang.Byte (read as numbers),
 * back-references (TC_REFERENCE) to class descriptors and strings, and long
 * strings. Anything else (BigDecimal, UUID, timestamps...) is refused with
 * UnsupportedJavaValue: the caller turns it into an error naming the offset.
 */
import type { KeyValue, KeyValues } from './contracts.ts';

const MAGIC = 0xaced;
const VERSION = 5;
const TC_NULL = 0x70;
const TC_REFERENCE = 0x71;
const TC_CLASSDESC = 0x72;
const TC_OBJECT = 0x73;
const TC_STRING = 0x74;
const TC_ARRAY = 0x75;
const TC_ENDBLOCKDATA = 0x78;
const TC_LONGSTRING = 0x7c;
const BASE_HANDLE = 0x7e0000;
const SC_SERIALIZABLE = 0x02;

/** Class name and serialVersionUID of every class this module writes, as the JDK declares them. */
const OBJECT_ARRAY = { name: '[Ljava.lang.Object;', uid: 0x90ce589f1073296cn };
const NUMBER = { name: 'java.lang.Number', uid: 0x86ac951d0b94e08bn };
const INTEGER = { name: 'java.lang.Integer', uid: 0x12e2a0a4f7818738n, field: 'I' };
const LONG = { name: 'java.lang.Long', uid: 0x3b8be490cc8f23dfn, field: 'J' };

const READABLE_CLASSES = new Set([OBJECT_ARRAY.name, NUMBER.name, INTEGER.name, LONG.name, 'java.lang.Short', 'java.lang.Byte']);

/** A stored value uses a Java class (or stream feature) outside the subset above. */
export class UnsupportedJavaValue extends Error {}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

/** Encodes null or a key as Debezium stores it; returns lower-case hex. */
export function encodeJavaKey(key: KeyValues | null): string {
  const w = new Writer();
  w.u16(MAGIC); w.u16(VERSION);
  if (key === null) { w.u8(TC_NULL); return w.hex(); }
  w.u8(TC_ARRAY);
  w.classDesc(OBJECT_ARRAY.name, OBJECT_ARRAY.uid, []);
  w.handle();
  w.i32(key.length);
  for (const v of key) w.value(v);
  return w.hex();
}

/** Decodes hex written by encodeJavaKey or by a JVM; null for a serialised null. */
export function decodeJavaKey(hex: string): KeyValues | null {
  if (!/^(?:[0-9a-fA-F]{2})+$/.test(hex)) throw new UnsupportedJavaValue('the value is not hexadecimal');
  const r = new Reader(Buffer.from(hex, 'hex'));
  if (r.u16() !== MAGIC || r.u16() !== VERSION) throw new UnsupportedJavaValue('the value does not start with the Java serialisation header aced0005');
  const v = r.content();
  if (!r.atEnd()) throw new UnsupportedJavaValue('bytes follow the serialised value');
  if (v === null) return null;
  if (!Array.isArray(v)) throw new UnsupportedJavaValue('the serialised value is not an Object[]');
  return v;
}

class Writer {
  private readonly parts: number[] = [];
  private nextHandle = BASE_HANDLE;
  /** class name -> handle of its descriptor, for back-references as ObjectOutputStream writes them */
  private readonly classHandles = new Map<string, number>();

  u8(b: number): void { this.parts.push(b & 0xff); }
  u16(n: number): void { this.u8(n >>> 8); this.u8(n); }
  i32(n: number): void { this.u16((n >>> 16) & 0xffff); this.u16(n & 0xffff); }
  i64(n: bigint): void { const u = BigInt.asUintN(64, n); this.i32(Number(u >> 32n)); this.i32(Number(u & 0xffffffffn)); }
  handle(): number { return this.nextHandle++; }
  hex(): string { return Buffer.from(this.parts).toString('hex'); }

  utf(s: string): void {
    const b = modifiedUtf8(s);
    if (b.length > 0xffff) throw new RangeError('class or field name too long');
    this.u16(b.length);
    for (const x of b) this.u8(x);
  }

  /** A class descriptor, or a back-reference to one written before. */
  classDesc(name: string, uid: bigint, fields: readonly { type: string; name: string }[], superWrite?: () => void): void {
    const seen = this.classHandles.get(name);
    if (seen !== undefined) { this.u8(TC_REFERENCE); this.i32(seen); return; }
    this.u8(TC_CLASSDESC); this.utf(name); this.i64(uid);
    this.classHandles.set(name, this.handle());
    this.u8(SC_SERIALIZABLE);
    this.u16(fields.length);
    for (const f of fields) { this.u8(f.type.charCodeAt(0)); this.utf(f.name); }
    this.u8(TC_ENDBLOCKDATA);
    if (superWrite) superWrite(); else this.u8(TC_NULL);
  }

  value(v: KeyValue): void {
    if (v === null) { this.u8(TC_NULL); return; }
    if (typeof v === 'string') {
      const b = modifiedUtf8(v);
      if (b.length <= 0xffff) { this.u8(TC_STRING); this.handle(); this.u16(b.length); }
      else { this.u8(TC_LONGSTRING); this.handle(); this.i64(BigInt(b.length)); }
      for (const x of b) this.u8(x);
      return;
    }
    if (typeof v === 'number' && !Number.isInteger(v)) throw new TypeError(`snapshot key value ${v} is not a whole number; keys are written as java.lang.Integer, java.lang.Long or java.lang.String`);
    const asInt = typeof v === 'number' && v >= INT32_MIN && v <= INT32_MAX;
    const cls = asInt ? INTEGER : LONG;
    this.u8(TC_OBJECT);
    this.classDesc(cls.name, cls.uid, [{ type: cls.field, name: 'value' }], () => this.classDesc(NUMBER.name, NUMBER.uid, []));
    this.handle();
    if (asInt) this.i32(v as number); else this.i64(BigInt(v));
  }
}

interface ClassDesc {
  readonly name: string;
  readonly fields: readonly { type: string; name: string }[];
  readonly superDesc: ClassDesc | null;
}

class Reader {
  private pos = 0;
  private readonly handles: unknown[] = [];
  constructor(private readonly b: Buffer) {}

  atEnd(): boolean { return this.pos === this.b.length; }
  private need(n: number): void { if (this.pos + n > this.b.length) throw new UnsupportedJavaValue('the value ends early'); }
  u8(): number { this.need(1); return this.b[this.pos++]!; }
  u16(): number { this.need(2); const v = this.b.readUInt16BE(this.pos); this.pos += 2; return v; }
  i32(): number { this.need(4); const v = this.b.readInt32BE(this.pos); this.pos += 4; return v; }
  i64(): bigint { this.need(8); const v = this.b.readBigInt64BE(this.pos); this.pos += 8; return v; }
  bytes(n: number): Buffer { this.need(n); const v = this.b.subarray(this.pos, this.pos + n); this.pos += n; return v; }
  utf(): string { return fromModifiedUtf8(this.bytes(this.u16())); }

  private ref(): unknown {
    const h = this.i32() - BASE_HANDLE;
    if (h < 0 || h >= this.handles.length) throw new UnsupportedJavaValue('a back-reference points nowhere');
    return this.handles[h];
  }

  content(): KeyValue | KeyValue[] {
    const tc = this.u8();
    switch (tc) {
      case TC_NULL: return null;
      case TC_REFERENCE: {
        const v = this.ref();
        if (typeof v === 'string') return v;
        throw new UnsupportedJavaValue('a back-reference to an object other than a string');
      }
      case TC_STRING: case TC_LONGSTRING: {
        const h = this.handles.push(undefined) - 1;
        const len = tc === TC_STRING ? this.u16() : Number(this.i64());
        const s = fromModifiedUtf8(this.bytes(len));
        this.handles[h] = s;
        return s;
      }
      case TC_ARRAY: {
        const desc = this.classDesc();
        if (desc?.name !== OBJECT_ARRAY.name) throw new UnsupportedJavaValue(`an array of class ${desc?.name ?? 'null'}`);
        const out: KeyValue[] = [];
        this.handles.push(out);
        const n = this.i32();
        for (let i = 0; i < n; i++) {
          const v = this.content();
          if (Array.isArray(v)) throw new UnsupportedJavaValue('a nested array');
          out.push(v);
        }
        return out;
      }
      case TC_OBJECT: return this.object();
      default: throw new UnsupportedJavaValue(`stream element 0x${tc.toString(16)} is outside the supported subset`);
    }
  }

  private classDesc(): ClassDesc | null {
    const tc = this.u8();
    if (tc === TC_NULL) return null;
    if (tc === TC_REFERENCE) {
      const d = this.ref();
      if (d && typeof d === 'object' && 'fields' in d) return d as ClassDesc;
      throw new UnsupportedJavaValue('a back-reference to something that is not a class');
    }
    if (tc !== TC_CLASSDESC) throw new UnsupportedJavaValue(`class descriptor 0x${tc.toString(16)} is outside the supported subset (proxy classes are not)`);
    const name = this.utf();
    // Refuse at the name: the rest of an unknown class's description is not worth parsing.
    if (!READABLE_CLASSES.has(name)) throw new UnsupportedJavaValue(`a value of Java class ${name}`);
    this.i64(); // serialVersionUID: the JDK's own classes never change it
    const h = this.handles.push(undefined) - 1;
    const flags = this.u8();
    const fields: { type: string; name: string }[] = [];
    const count = this.u16();
    for (let i = 0; i < count; i++) {
      const type = String.fromCharCode(this.u8());
      const fname = this.utf();
      if (type === 'L' || type === '[') this.content(); // the field's class name, as a string object
      fields.push({ type, name: fname });
    }
    if (this.u8() !== TC_ENDBLOCKDATA) throw new UnsupportedJavaValue(`class ${name} carries annotations`);
    const desc: ClassDesc = { name, fields, superDesc: null };
    this.handles[h] = desc;
    (desc as { superDesc: ClassDesc | null }).superDesc = this.classDesc();
    if ((flags & SC_SERIALIZABLE) === 0) throw new UnsupportedJavaValue(`class ${name} is not plainly Serializable`);
    return desc;
  }

  private object(): KeyValue {
    const desc = this.classDesc();
    if (!desc) throw new UnsupportedJavaValue('an object without class');
    this.handles.push(undefined);
    const supported: Record<string, string> = { 'java.lang.Integer': 'I', 'java.lang.Long': 'J', 'java.lang.Short': 'S', 'java.lang.Byte': 'B' };
    const field = supported[desc.name];
    if (!field || desc.fields.length !== 1 || desc.fields[0]!.type !== field || desc.superDesc?.name !== NUMBER.name || desc.superDesc.fields.length !== 0) {
      throw new UnsupportedJavaValue(`a value of Java class ${desc.name}`);
    }
    switch (field) {
      case 'I': return this.i32();
      case 'J': return this.i64();
      case 'S': this.need(2); { const v = this.b.readInt16BE(this.pos); this.pos += 2; return v; }
      default: this.need(1); { const v = this.b.readInt8(this.pos); this.pos += 1; return v; }
    }
  }
}

/** Java's "modified UTF-8" (DataOutput.writeUTF): NUL as two bytes, other chars by UTF-16 code unit. */
function modifiedUtf8(s: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x01 && c <= 0x7f) out.push(c);
    else if (c <= 0x7ff) out.push(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
    else out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
  }
  return out;
}

function fromModifiedUtf8(b: Uint8Array): string {
  const units: number[] = [];
  for (let i = 0; i < b.length;) {
    const x = b[i]!;
    if (x < 0x80) { units.push(x); i += 1; }
    else if ((x & 0xe0) === 0xc0 && i + 1 < b.length) { units.push(((x & 0x1f) << 6) | (b[i + 1]! & 0x3f)); i += 2; }
    else if ((x & 0xf0) === 0xe0 && i + 2 < b.length) { units.push(((x & 0x0f) << 12) | ((b[i + 1]! & 0x3f) << 6) | (b[i + 2]! & 0x3f)); i += 3; }
    else throw new UnsupportedJavaValue('a string is not valid modified UTF-8');
  }
  let s = '';
  for (let i = 0; i < units.length; i += 4096) s += String.fromCharCode(...units.slice(i, i + 4096));
  return s;
}
