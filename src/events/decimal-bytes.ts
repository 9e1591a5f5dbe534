/**
 * The bytes of Connect's Decimal logical type (and Debezium's VariableScaleDecimal value): the
 * unscaled value as java.math.BigInteger.toByteArray writes it, minimal two's-complement
 * big-endian, zero as one 0x00 byte. Shared by every source, with a path without bigints for
 * the common case (an unscaled value within ±2^53) and one for the plain decimal text databases
 * print (`-1234.50`).
 */

/** BigInteger.toByteArray of v. */
export function unscaledBytes(v: bigint): Buffer {
  let len = 1;
  while (v >= 1n << BigInt(8 * len - 1) || v < -(1n << BigInt(8 * len - 1))) len++;
  let u = v < 0n ? (1n << BigInt(8 * len)) + v : v;
  const out = Buffer.alloc(len);
  for (let i = len - 1; i >= 0; i--) {
    out[i] = Number(u & 0xffn);
    u >>= 8n;
  }
  return out;
}

/** unscaledBytes for an integral number within ±2^53, without bigints. */
export function unscaledBytesOfNumber(v: number): Buffer {
  let len = 1;
  while (v >= 2 ** (8 * len - 1) || v < -(2 ** (8 * len - 1))) len++;
  // v = hi * 2^32 + lo with 0 <= lo < 2^32: both exact below 2^53.
  let lo = v % 4294967296;
  let hi = (v - lo) / 4294967296;
  if (lo < 0) {
    lo += 4294967296;
    hi -= 1;
  }
  const out = Buffer.allocUnsafe(len);
  for (let i = len - 1, k = 0; i >= 0; i--, k++) out[i] = k < 4 ? (lo >>> (8 * k)) & 0xff : (hi >> (8 * (k - 4))) & 0xff;
  return out;
}

/**
 * The Decimal bytes at `scale` of plain decimal text (`-1234.50`: an optional minus, digits, an
 * optional point and digits) with at most `scale` fraction digits and at most 15 digits once
 * scaled, so a double holds the unscaled value exactly; undefined for any other text (a caller
 * then takes the exact path, which also rounds).
 */
export function plainDecimalBytes(text: string, scale: number): Buffer | undefined {
  const n = text.length;
  let i = text.charCodeAt(0) === 45 ? 1 : 0; // '-'
  let v = 0;
  let digits = 0;
  let frac = -1; // digits after the point, -1 without a point
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 46 && frac < 0) { frac = 0; continue; }
    const d = c - 48;
    if (d < 0 || d > 9) return undefined;
    v = v * 10 + d;
    digits++;
    if (frac >= 0) frac++;
  }
  if (frac < 0) frac = 0;
  if (digits === 0 || frac > scale || digits + (scale - frac) > 15) return undefined;
  v *= 10 ** (scale - frac);
  return unscaledBytesOfNumber(text.charCodeAt(0) === 45 ? -v : v);
}

/** The inverse of unscaledBytes (tests, defaults). */
export function bytesToUnscaled(b: Buffer): bigint {
  if (b.length === 0) return 0n;
  let v = 0n;
  for (const x of b) v = (v << 8n) | BigInt(x);
  return (b[0]! & 0x80) !== 0 ? v - (1n << BigInt(8 * b.length)) : v;
}
