/** Java's number parsing (Integer.parseInt, Double.parseDouble, new BigDecimal) for transform values. */
import { TransformError } from '../contracts.ts';

const RANGES: Record<string, readonly [bigint, bigint]> = {
  int8: [-128n, 127n], int16: [-32768n, 32767n], int32: [-2147483648n, 2147483647n], int64: [-(2n ** 63n), 2n ** 63n - 1n],
};

/** The number `text` denotes for a Connect numeric type; TransformError as Java's NumberFormatException would. */
export function parseJavaNumber(text: string, type: string): number | bigint {
  const range = RANGES[type];
  if (range) {
    if (!/^[+-]?\d+$/.test(text)) throw new TransformError(`For input string: "${text}" (not a valid ${type})`);
    const n = BigInt(text);
    if (n < range[0] || n > range[1]) throw new TransformError(`Value out of range. Value:"${text}" (${type})`);
    return type === 'int64' && (n > BigInt(Number.MAX_SAFE_INTEGER) || n < BigInt(Number.MIN_SAFE_INTEGER)) ? n : Number(n);
  }
  const t = text.trim();
  if (!/^[+-]?(NaN|Infinity|(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)[fFdD]?$/.test(t)) throw new TransformError(`For input string: "${text}" (not a valid ${type})`);
  const v = Number(t.replace(/[fFdD]$/, ''));
  return type === 'float32' ? Math.fround(v) : v;
}

/** A decimal text as Connect Decimal bytes (unscaled two's complement, big-endian) at `scale`. */
export function decimalFromText(text: string, scale: number): Buffer {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text.trim());
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw new TransformError(`Character array is missing "exponent" mark 'e' or 'E'. ("${text}" is not a decimal)`);
  const frac = m[3] ?? '';
  if (frac.length > scale && /[1-9]/.test(frac.slice(scale))) throw new TransformError(`${text} has more than ${scale} decimal places (the field's Decimal scale)`);
  const digits = `${m[2] || '0'}${frac.slice(0, scale).padEnd(scale, '0')}`;
  return bigIntBytes((m[1] === '-' ? -1n : 1n) * BigInt(digits));
}

export function bigIntBytes(v: bigint): Buffer {
  const bytes = Math.floor(bitLength(v) / 8) + 1;
  const u = v < 0n ? (1n << BigInt(8 * bytes)) + v : v;
  return Buffer.from(u.toString(16).padStart(bytes * 2, '0'), 'hex');
}

function bitLength(v: bigint): number {
  const a = v < 0n ? -v - 1n : v;
  return a === 0n ? 0 : a.toString(2).length;
}
