/**
 * Arbitrary-precision decimals as (unscaled bigint, scale), with the few java.math.BigDecimal
 * behaviours Debezium's output depends on: setScale, stripTrailingZeros, toString (which
 * switches to E-notation), BigInteger.toByteArray (Connect Decimal / VariableScaleDecimal bytes),
 * and Double.toString (used where Debezium goes through a double, e.g. money).
 */
import { PgTextFormatError } from './pg-text.ts';

export interface BigDec {
  readonly unscaled: bigint;
  readonly scale: number;
}

const DECIMAL_RE = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** Parses a plain or E-notation decimal (not NaN/Infinity) keeping its scale, as new BigDecimal(text). */
export function parseDecimal(text: string): BigDec {
  const m = DECIMAL_RE.exec(text);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) throw new PgTextFormatError('numeric', text);
  const frac = m[3] ?? '';
  const exp = m[4] ? Number(m[4]) : 0;
  let unscaled = BigInt(`${m[2] || '0'}${frac}`);
  if (m[1] === '-') unscaled = -unscaled;
  return { unscaled, scale: frac.length - exp };
}

export type Rounding = 'unnecessary' | 'half-up' | 'half-even' | 'down';

/** BigDecimal.setScale: exact when growing; rounds (or refuses, for 'unnecessary') when shrinking. */
export function setScale(d: BigDec, scale: number, rounding: Rounding = 'unnecessary'): BigDec {
  if (scale === d.scale) return d;
  if (scale > d.scale) return { unscaled: d.unscaled * 10n ** BigInt(scale - d.scale), scale };
  const div = 10n ** BigInt(d.scale - scale);
  const q = d.unscaled / div; // truncates toward zero
  const r = d.unscaled % div;
  if (r === 0n) return { unscaled: q, scale };
  const sign = d.unscaled < 0n ? -1n : 1n;
  const twice = (r < 0n ? -r : r) * 2n;
  let up: boolean;
  switch (rounding) {
    case 'unnecessary':
      throw new RangeError(`rounding necessary to reduce scale ${d.scale} to ${scale}`);
    case 'down':
      up = false;
      break;
    case 'half-up':
      up = twice >= div;
      break;
    case 'half-even':
      up = twice > div || (twice === div && (q & 1n) !== 0n);
      break;
  }
  return { unscaled: up ? q + sign : q, scale };
}

/** BigDecimal.stripTrailingZeros (zero becomes scale 0, as since Java 8). */
export function stripTrailingZeros(d: BigDec): BigDec {
  if (d.unscaled === 0n) return { unscaled: 0n, scale: 0 };
  let { unscaled, scale } = d;
  while (unscaled % 10n === 0n) {
    unscaled /= 10n;
    scale -= 1;
  }
  return { unscaled, scale };
}

/** BigDecimal.toString: plain unless scale < 0 or the adjusted exponent is below -6. */
export function bigDecToJavaString(d: BigDec): string {
  const neg = d.unscaled < 0n;
  const digits = (neg ? -d.unscaled : d.unscaled).toString();
  const adjusted = digits.length - 1 - d.scale;
  let body: string;
  if (d.scale >= 0 && adjusted >= -6) {
    body = plain(digits, d.scale);
  } else {
    const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    body = `${mant}E${adjusted >= 0 ? '+' : ''}${adjusted}`;
  }
  return neg ? `-${body}` : body;
}

/** BigDecimal.toPlainString. */
export function bigDecToPlainString(d: BigDec): string {
  const neg = d.unscaled < 0n;
  const digits = (neg ? -d.unscaled : d.unscaled).toString();
  const body = d.scale <= 0 ? (d.unscaled === 0n ? '0' : digits + '0'.repeat(-d.scale)) : plain(digits, d.scale);
  return neg ? `-${body}` : body;
}

function plain(digits: string, scale: number): string {
  if (scale === 0) return digits;
  const padded = digits.padStart(scale + 1, '0');
  return `${padded.slice(0, padded.length - scale)}.${padded.slice(padded.length - scale)}`;
}

/** Connect Decimal bytes (src/events/decimal-bytes.ts), under the names this plugin uses. */
export {
  unscaledBytes as twosComplementBytes, unscaledBytesOfNumber as twosComplementBytesOfNumber, plainDecimalBytes, bytesToUnscaled as bytesToBigInt,
} from '../../src/events/decimal-bytes.ts';

/**
 * Java's Double.toString (shortest round-trip digits, as JDK 19+): plain with at least one
 * fractional digit for 1e-3 <= |d| < 1e7, otherwise d.dddE[-]n.
 */
export function javaDoubleToString(d: number): string {
  if (Number.isNaN(d)) return 'NaN';
  if (d === Infinity) return 'Infinity';
  if (d === -Infinity) return '-Infinity';
  if (d === 0) return Object.is(d, -0) ? '-0.0' : '0.0';
  const neg = d < 0;
  const [mant, expText] = Math.abs(d).toExponential().split('e') as [string, string];
  const digits = mant.replace('.', '');
  const exp = Number(expText);
  const abs = Math.abs(d);
  let body: string;
  if (abs >= 1e-3 && abs < 1e7) {
    if (exp >= 0) {
      const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
      const fracPart = digits.slice(exp + 1) || '0';
      body = `${intPart}.${fracPart}`;
    } else {
      body = `0.${'0'.repeat(-exp - 1)}${digits}`;
    }
  } else {
    body = `${digits[0]}.${digits.slice(1) || '0'}E${exp}`;
  }
  return neg ? `-${body}` : body;
}

/** BigDecimal.valueOf(double): the decimal of Double.toString(d). */
export function bigDecFromDouble(d: number): BigDec {
  return parseDecimal(javaDoubleToString(d));
}
