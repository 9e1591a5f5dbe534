/**
 * An avsc `long` that is exact over the whole int64 range. avsc's built-in long
 * refuses values beyond 2^53 (and would lose precision on read); Debezium
 * longs such as LSNs, xids and MicroTimestamp infinities do not fit a double.
 * Writes accept bigint or an integral number; reads always yield bigint.
 * Use one instance per Type.forSchema registry (avsc freezes it, so sharing is
 * safe, but a fresh registry object is needed per call since avsc adds names).
 */
import avro from 'avsc';

const MIN = -(1n << 63n);
const MAX = (1n << 63n) - 1n;

function toBigInt(v: unknown): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return BigInt(v);
  throw new Error(`not an int64: ${String(v)}`);
}

function isLong(v: unknown): boolean {
  if (typeof v === 'bigint') return v >= MIN && v <= MAX;
  return typeof v === 'number' && Number.isInteger(v) && v >= -(2 ** 63) && v < 2 ** 63;
}

export function createExactLongType(): avro.types.LongType {
  return avro.types.LongType.__with({
    // avsc hands us / expects 8 little-endian two's-complement bytes and does the zig-zag varint itself.
    fromBuffer: (buf: Buffer): bigint => buf.readBigInt64LE(0),
    toBuffer: (v: bigint | number): Buffer => {
      const buf = Buffer.allocUnsafe(8); // fresh each time: avsc inverts it in place for negatives
      buf.writeBigInt64LE(toBigInt(v), 0);
      return buf;
    },
    // JSON forms are only used for schema defaults and debugging: keep them exact.
    fromJSON: (v: unknown): bigint => toBigInt(v),
    toJSON: (v: bigint | number): number | string => {
      const b = toBigInt(v);
      return b >= BigInt(Number.MIN_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b.toString();
    },
    isValid: isLong,
    compare: (a: bigint | number, b: bigint | number): number => {
      const x = toBigInt(a);
      const y = toBigInt(b);
      return x < y ? -1 : x > y ? 1 : 0;
    },
  });
}

/**
 * avsc options that make every `long` in the schema exact. The registry entry
 * covers the bare name "long"; the type hook covers `{"type": "long", ...}`
 * objects carrying properties (connect.name etc.), which avsc would otherwise
 * build as its own double-backed long.
 */
export function exactLongOptions(): { registry: Record<string, avro.Type>; typeHook: (schema: unknown) => avro.Type | undefined } {
  const long = createExactLongType();
  return {
    registry: { long },
    typeHook: (schema) => (schema !== null && typeof schema === 'object' && (schema as { type?: unknown }).type === 'long'
      && (schema as { logicalType?: unknown }).logicalType === undefined ? long : undefined),
  };
}
