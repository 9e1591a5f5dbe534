/**
 * Java's hashCode of the values Connect hands a transform, and Debezium's MurmurHash3
 * (io.debezium.util.MurmurHash3, an Infinispan-derived x64 variant, seed 9001), so that
 * PartitionRouting picks the partitions Debezium picks for the same values.
 *
 * Which Java object a value is follows from its Connect schema: INT8/16/32 -> Byte/Short/
 * Integer (hash = value), INT64 -> Long, FLOAT32 -> Float, FLOAT64 -> Double, BOOLEAN ->
 * Boolean, STRING -> String, Connect Decimal -> BigDecimal, Connect Date/Time/Timestamp ->
 * java.util.Date. Murmur hashes strings by their UTF-8 bytes and byte arrays directly;
 * other objects by Murmur of their hashCode.
 */
import type { ConnectSchema } from '../../events/schema.ts';

const M64 = (1n << 64n) - 1n;
const u64 = (x: bigint): bigint => x & M64;
const i32 = (x: number | bigint): number => Number(BigInt.asIntN(32, BigInt(x)));

/** String.hashCode over UTF-16 code units. */
export function javaStringHash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/** Long.hashCode: (int)(v ^ (v >>> 32)). */
export function javaLongHash(v: bigint): number {
  const x = BigInt.asUintN(64, v);
  return i32(x ^ (x >> 32n));
}

function doubleHash(v: number): number {
  const b = Buffer.alloc(8);
  b.writeDoubleBE(Number.isNaN(v) ? NaN : v);
  return javaLongHash(b.readBigUInt64BE());
}

function floatHash(v: number): number {
  const b = Buffer.alloc(4);
  b.writeFloatBE(Number.isNaN(v) ? NaN : v);
  return b.readInt32BE();
}

/** BigInteger.hashCode: over the 32-bit words of the magnitude, most significant first, times the sign. */
function bigIntegerHash(v: bigint): number {
  const sign = v < 0n ? -1 : v > 0n ? 1 : 0;
  let mag = v < 0n ? -v : v;
  const words: number[] = [];
  while (mag > 0n) {
    words.unshift(Number(mag & 0xffffffffn));
    mag >>= 32n;
  }
  let h = 0;
  for (const w of words) h = (Math.imul(31, h) + w) | 0;
  return Math.imul(h, sign);
}

/** BigDecimal.hashCode = 31 * unscaledValue.hashCode() + scale; the Connect Decimal value is the unscaled two's-complement bytes. */
function decimalHash(value: unknown, schema: ConnectSchema): number {
  const scale = Number(schema.parameters?.['scale'] ?? 0);
  let unscaled: bigint;
  if (Buffer.isBuffer(value)) unscaled = value.length === 0 ? 0n : BigInt.asIntN(value.length * 8, BigInt(`0x${value.toString('hex')}`));
  else unscaled = BigInt(value as number | bigint);
  return (Math.imul(31, bigIntegerHash(unscaled)) + scale) | 0;
}

/** The Java hashCode of a Connect value of the given schema. */
export function javaHashCode(value: unknown, schema: ConnectSchema): number {
  switch (schema.name) {
    case 'org.apache.kafka.connect.data.Decimal': return decimalHash(value, schema);
    // java.util.Date holds epoch ms: Date (days) and Time (ms of day) become that first.
    case 'org.apache.kafka.connect.data.Date': return javaLongHash(BigInt(value as number) * 86_400_000n);
    case 'org.apache.kafka.connect.data.Time':
    case 'org.apache.kafka.connect.data.Timestamp': return javaLongHash(BigInt(value as number | bigint));
    default: break;
  }
  switch (schema.type) {
    case 'int8': case 'int16': case 'int32': return i32(value as number);
    case 'int64': return javaLongHash(BigInt(value as number | bigint));
    case 'float32': return floatHash(value as number);
    case 'float64': return doubleHash(value as number);
    case 'boolean': return value ? 1231 : 1237;
    case 'string': return javaStringHash(String(value));
    case 'bytes': return arraysHash(value as Buffer);
    default:
      throw new Error(`cannot compute the Java hashCode of a ${schema.type} value; name a primitive field`);
  }
}

/**
 * Java byte[] has an identity hashCode (differs per JVM run), so Debezium's java mode is not
 * reproducible for bytes; Arrays.hashCode is used here as a stable stand-in.
 */
function arraysHash(b: Buffer): number {
  let h = 1;
  for (const x of b) h = (Math.imul(31, h) + ((x << 24) >> 24)) | 0;
  return h;
}

// ---- Debezium's MurmurHash3 (x64, 64-bit result, upper 32 bits returned) ----

interface State { h1: bigint; h2: bigint; k1: bigint; k2: bigint; c1: bigint; c2: bigint }

const rotl = (x: bigint, r: bigint): bigint => u64((x << r) | (x >> (64n - r)));

function bmix(s: State): void {
  s.k1 = u64(s.k1 * s.c1); s.k1 = rotl(s.k1, 23n); s.k1 = u64(s.k1 * s.c2);
  s.h1 ^= s.k1; s.h1 = u64(s.h1 + s.h2);
  s.h2 = rotl(s.h2, 41n);
  s.k2 = u64(s.k2 * s.c2); s.k2 = rotl(s.k2, 23n); s.k2 = u64(s.k2 * s.c1);
  s.h2 ^= s.k2; s.h2 = u64(s.h2 + s.h1);
  s.h1 = u64(s.h1 * 3n + 0x52dce729n);
  s.h2 = u64(s.h2 * 3n + 0x38495ab5n);
  s.c1 = u64(s.c1 * 5n + 0x7b7d159cn);
  s.c2 = u64(s.c2 * 5n + 0x6bce6396n);
}

function fmix(k: bigint): bigint {
  k ^= k >> 33n; k = u64(k * 0xff51afd7ed558ccdn);
  k ^= k >> 33n; k = u64(k * 0xc4ceb9fe1a85ec53n);
  return k ^ (k >> 33n);
}

/** Sign-extended byte, as Java's (long) key[i] gives it (the variant's tail quirk). */
const sx = (b: number): bigint => BigInt.asUintN(64, BigInt((b << 24) >> 24));

function murmurBytes(key: Uint8Array, seed = 9001n): number {
  const s: State = { h1: 0x9368e53c2f6af274n ^ seed, h2: 0x586dcd208f7cd3fdn ^ seed, k1: 0n, k2: 0n, c1: 0x87c37b91114253d5n, c2: 0x4cf5ad432745937fn };
  const view = Buffer.from(key.buffer, key.byteOffset, key.byteLength);
  const blocks = Math.floor(key.length / 16);
  for (let i = 0; i < blocks; i++) {
    s.k1 = view.readBigUInt64LE(i * 16);
    s.k2 = view.readBigUInt64LE(i * 16 + 8);
    bmix(s);
  }
  s.k1 = 0n; s.k2 = 0n;
  const tail = blocks * 16;
  const rest = key.length & 15;
  if (rest > 0) {
    for (let j = rest - 1; j >= 8; j--) s.k2 ^= u64(sx(key[tail + j]!) << BigInt((j - 8) * 8));
    for (let j = Math.min(rest, 8) - 1; j >= 0; j--) s.k1 ^= u64(sx(key[tail + j]!) << BigInt(j * 8));
    bmix(s);
  }
  s.h2 ^= BigInt(key.length);
  s.h1 = u64(s.h1 + s.h2); s.h2 = u64(s.h2 + s.h1);
  s.h1 = fmix(s.h1); s.h2 = fmix(s.h2);
  s.h1 = u64(s.h1 + s.h2);
  return i32(s.h1 >> 32n);
}

/** Java's UTF-8 of a String as Debezium's Murmur walks it: an unpaired surrogate becomes '?'. */
function utf8LikeDebezium(s: string): Uint8Array {
  let fixed = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && s.charCodeAt(i + 1) >= 0xdc00 && s.charCodeAt(i + 1) <= 0xdfff) {
      fixed += s[i]! + s[i + 1]!;
      i++;
    } else if (c >= 0xd800 && c <= 0xdfff) fixed += '?';
    else fixed += s[i]!;
  }
  return Buffer.from(fixed, 'utf8');
}

/** Murmur of an int (Debezium's hash(int): the 4 little-endian bytes of the value). */
function murmurInt(h: number): number {
  const b = Buffer.alloc(4);
  b.writeInt32LE(h | 0);
  return murmurBytes(b);
}

/** Debezium's MurmurHash3.hash(Object) for a Connect value of the given schema. */
export function debeziumMurmurHash(value: unknown, schema: ConnectSchema): number {
  if (schema.type === 'string' && !schema.name?.startsWith('org.apache.kafka.connect.data.')) return murmurBytes(utf8LikeDebezium(String(value)));
  if (schema.type === 'bytes' && schema.name !== 'org.apache.kafka.connect.data.Decimal') return murmurBytes(value as Buffer);
  return murmurInt(javaHashCode(value, schema));
}

export { murmurBytes as murmurHash3x64Upper32 };
