/**
 * Number-to-text as the JVM writes it, so JSON we produce is byte-identical to
 * what Jackson emits inside Kafka Connect and Confluent's serializers.
 * Why it matters: the Schema Registry re-parses a schema and keys its id on the
 * re-printed text; `1` and `1.0` are different JSON nodes (IntNode vs
 * DoubleNode), so a float default written the JavaScript way would land on a
 * different schema id than Debezium's.
 *
 * Java rules (java.lang.Double#toString, Float#toString, BigDecimal#toString):
 *  - 1e-3 <= |x| < 1e7: plain digits with at least one digit after the point;
 *  - otherwise: d.dddE<exp> with at least one digit after the point;
 *  - digits are the shortest that round-trip (JDK 19+; older JDKs sometimes
 *    printed one more digit, which we do not imitate).
 */

/** Java's Double.toString(d). */
export function javaDoubleText(d: number): string {
  if (!Number.isFinite(d)) return nonFinite(d);
  // toExponential() without an argument yields the shortest round-trip digits.
  return formatJava(d, Math.abs(d).toExponential());
}

/** Java's Float.toString(f): the shortest digits that round-trip through float32. */
export function javaFloatText(value: number): string {
  const f = Math.fround(value);
  if (!Number.isFinite(f)) return nonFinite(f);
  const abs = Math.abs(f);
  let exp = abs.toExponential(8);
  for (let digits = 1; digits <= 9; digits++) {
    const candidate = abs.toExponential(digits - 1);
    if (Math.fround(Number(candidate)) === abs) {
      exp = candidate;
      break;
    }
  }
  return formatJava(f, exp);
}

/**
 * Java's BigDecimal#toString for unscaled * 10^-scale: plain when the scale is
 * not negative and the adjusted exponent is >= -6, scientific (E+n / E-n) otherwise.
 */
export function javaBigDecimalText(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  const coeff = (negative ? -unscaled : unscaled).toString();
  const adjusted = -scale + (coeff.length - 1);
  let body: string;
  if (scale >= 0 && adjusted >= -6) {
    if (scale === 0) body = coeff;
    else if (coeff.length > scale) body = `${coeff.slice(0, coeff.length - scale)}.${coeff.slice(coeff.length - scale)}`;
    else body = `0.${'0'.repeat(scale - coeff.length)}${coeff}`;
  } else {
    const mantissa = coeff.length > 1 ? `${coeff[0]}.${coeff.slice(1)}` : coeff;
    body = `${mantissa}E${adjusted >= 0 ? '+' : ''}${adjusted}`;
  }
  return negative ? `-${body}` : body;
}

function nonFinite(d: number): string {
  if (Number.isNaN(d)) return 'NaN';
  return d > 0 ? 'Infinity' : '-Infinity';
}

/** exponential: JS text of |value| like "1.2345e+21" carrying the digits to print. */
function formatJava(value: number, exponential: string): string {
  const sign = value < 0 || Object.is(value, -0) ? '-' : '';
  if (value === 0) return `${sign}0.0`;
  const [mant, expText] = exponential.split('e') as [string, string];
  const digits = mant.replace('.', '');
  const exp = Number(expText);
  const abs = Math.abs(value);
  if (abs >= 1e-3 && abs < 1e7) {
    if (exp >= 0) {
      const intPart = digits.length > exp + 1 ? digits.slice(0, exp + 1) : digits.padEnd(exp + 1, '0');
      const frac = digits.length > exp + 1 ? digits.slice(exp + 1) : '0';
      return `${sign}${intPart}.${frac}`;
    }
    return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  }
  const frac = digits.length > 1 ? digits.slice(1) : '0';
  return `${sign}${digits[0]}.${frac}E${exp}`;
}
