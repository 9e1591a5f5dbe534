/**
 * Exact decimals for MySQL DECIMAL(M,D) (M up to 65, D up to 30): zongji and the snapshot's
 * mysql2 connection hand DECIMAL values over as exact text ('-12.340'), which this module turns
 * into what Connect's Decimal logical type carries (the unscaled value as minimal two's-complement
 * big-endian bytes, as java.math.BigInteger.toByteArray) or into BigDecimal.toPlainString text
 * (decimal.handling.mode=string). The bytes themselves are src/events/decimal-bytes.ts's, shared
 * with every source.
 */

export interface ExactDecimal {
  readonly unscaled: bigint;
  readonly scale: number;
}

const DECIMAL_TEXT = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** Parses '123', '-1.50', '1e3' keeping the written scale (new BigDecimal(text)). */
export function parseExactDecimal(text: string): ExactDecimal {
  const m = DECIMAL_TEXT.exec(text.trim());
  if (!m || ((m[2] ?? '') === '' && (m[3] ?? '') === '')) throw new RangeError(`not a decimal number: ${JSON.stringify(text)}`);
  const frac = m[3] ?? '';
  const exp = m[4] ? Number(m[4]) : 0;
  const digits = BigInt(`${m[2] || '0'}${frac}`);
  return { unscaled: m[1] === '-' ? -digits : digits, scale: frac.length - exp };
}

/** BigDecimal.setScale(scale, HALF_UP): exact when growing, rounds half away from zero when shrinking. */
export function withScale(d: ExactDecimal, scale: number): ExactDecimal {
  if (scale === d.scale) return d;
  if (scale > d.scale) return { unscaled: d.unscaled * 10n ** BigInt(scale - d.scale), scale };
  const div = 10n ** BigInt(d.scale - scale);
  const q = d.unscaled / div;
  const r = d.unscaled % div;
  const abs = r < 0n ? -r : r;
  const up = abs * 2n >= div;
  return { unscaled: up ? q + (d.unscaled < 0n ? -1n : 1n) : q, scale };
}

/** Connect Decimal bytes (src/events/decimal-bytes.ts). */
export { unscaledBytes, plainDecimalBytes, bytesToUnscaled } from '../../src/events/decimal-bytes.ts';

/** BigDecimal.toPlainString. */
export function toPlainString(d: ExactDecimal): string {
  const neg = d.unscaled < 0n;
  const digits = (neg ? -d.unscaled : d.unscaled).toString();
  let body: string;
  if (d.scale <= 0) body = d.unscaled === 0n ? '0' : digits + '0'.repeat(-d.scale);
  else {
    const padded = digits.padStart(d.scale + 1, '0');
    body = `${padded.slice(0, padded.length - d.scale)}.${padded.slice(padded.length - d.scale)}`;
  }
  return neg ? `-${body}` : body;
}
