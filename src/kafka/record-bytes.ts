/**
 * The pieces of Kafka's record format (magic 2) shared by the produce request encoder
 * (produce-encoding.ts) and the record sets of a transaction (record-set.ts): varint sizes, header
 * bytes, and a writer of big-endian fields and varints into one buffer.
 */

/** Header keys and values repeat (Debezium's context headers): their bytes are kept, up to a bound. */
const headerBytes = new Map<string, Buffer>();
const HEADER_CACHE_MAX = 4096;
const HEADER_CACHE_LEN = 128;

export function stringBytes(s: string): Buffer {
  if (s.length > HEADER_CACHE_LEN) return Buffer.from(s, 'utf8');
  let b = headerBytes.get(s);
  if (b === undefined) {
    if (headerBytes.size >= HEADER_CACHE_MAX) headerBytes.clear();
    headerBytes.set(s, (b = Buffer.from(s, 'utf8')));
  }
  return b;
}

/** Size of an unsigned varint of a uint32. */
export function uvarintSize(u: number): number {
  return u < 0x80 ? 1 : u < 0x4000 ? 2 : u < 0x200000 ? 3 : u < 0x10000000 ? 4 : 5;
}

export function zigzag32(n: number): number {
  return ((n << 1) ^ (n >> 31)) >>> 0;
}

export function varintSize(n: number): number {
  return uvarintSize(zigzag32(n));
}

export function zigzag64(n: number): bigint {
  const v = BigInt.asIntN(64, BigInt(n));
  return BigInt.asUintN(64, (v << 1n) ^ (v >> 63n));
}

export function varlongSize(n: number): number {
  if (n >= -0x40000000 && n < 0x40000000) return varintSize(n);
  let v = zigzag64(n), size = 1;
  while (v >= 0x80n) { v >>= 7n; size++; }
  return size;
}

export function headerField(v: unknown): Buffer | undefined {
  if (Buffer.isBuffer(v)) return v;
  if (typeof v === 'string') return stringBytes(v);
  return undefined; // kafkajs cannot write a null header value either: its own encoder decides
}

/** Header bytes of a frozen header object (shared by many records: header-converter.ts), kept by identity. */
const frozenHeaders = new WeakMap<object, { readonly list: readonly Buffer[]; readonly size: number }>();

/** A header object as its bytes (key, value, key, value...) and their encoded size, or null when we cannot match kafkajs. */
export function headerList(h: object): { readonly list: readonly Buffer[]; readonly size: number } | null {
  const frozen = Object.isFrozen(h);
  if (frozen) {
    const known = frozenHeaders.get(h);
    if (known !== undefined) return known;
  }
  const list: Buffer[] = [];
  for (const k of Object.keys(h)) {
    const v = (h as Record<string, unknown>)[k];
    const kb = stringBytes(k);
    if (Array.isArray(v)) {
      for (const one of v) {
        const vb = headerField(one);
        if (vb === undefined) return null;
        list.push(kb, vb);
      }
    } else {
      const vb = headerField(v);
      if (vb === undefined) return null;
      list.push(kb, vb);
    }
  }
  let size = varintSize(list.length / 2);
  for (const b of list) size += varintSize(b.length) + b.length;
  const out = { list, size };
  if (frozen) frozenHeaders.set(h, out);
  return out;
}

export type Field = Buffer | null;

/** A record's size after its length field: attributes, deltas, key, value, then headers of `headersSize` bytes. */
export function recordBodySize(timestampDelta: number, offsetDelta: number, key: Field, value: Field, headersSize: number): number {
  return 1 + varlongSize(timestampDelta) + varintSize(offsetDelta)
    + (key === null ? 1 : varintSize(key.length) + key.length)
    + (value === null ? 1 : varintSize(value.length) + value.length)
    + headersSize;
}

export class Writer {
  offset = 0;
  constructor(public buf: Buffer) {}
  int8(v: number): void { this.buf.writeInt8(v, this.offset); this.offset += 1; }
  int16(v: number): void { this.buf.writeInt16BE(v, this.offset); this.offset += 2; }
  int32(v: number): void { this.buf.writeInt32BE(v, this.offset); this.offset += 4; }
  int64(v: bigint): void { this.buf.writeBigInt64BE(v, this.offset); this.offset += 8; }
  uvarint(u: number): void {
    const buf = this.buf;
    let o = this.offset;
    while (u >= 0x80) { buf[o++] = (u & 0x7f) | 0x80; u >>>= 7; }
    buf[o++] = u;
    this.offset = o;
  }
  varint(n: number): void { this.uvarint(zigzag32(n)); }
  varlong(n: number): void {
    if (n >= -0x40000000 && n < 0x40000000) { this.varint(n); return; }
    let v = zigzag64(n);
    while (v >= 0x80n) { this.buf[this.offset++] = Number(v & 0x7fn) | 0x80; v >>= 7n; }
    this.buf[this.offset++] = Number(v);
  }
  bytes(b: Buffer): void { b.copy(this.buf, this.offset); this.offset += b.length; }
  varBytes(b: Field): void {
    if (b === null) { this.varint(-1); return; }
    this.varint(b.length);
    this.bytes(b);
  }
  /** kafkajs's writeString: int16 length (-1 for null) and UTF-8 */
  string(s: string | null): void {
    if (s === null) { this.int16(-1); return; }
    const n = this.buf.write(s, this.offset + 2, 'utf8');
    this.int16(n);
    this.offset += n;
  }
}

export function stringSize(s: string | null): number {
  return s === null ? 2 : 2 + Buffer.byteLength(s, 'utf8');
}

