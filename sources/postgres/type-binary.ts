/**
 * Byte-shaped types: bytea under binary.handling.mode, bit/varbit (io.debezium.data.Bits, or
 * BOOLEAN for one bit), point (io.debezium.data.geometry.Point with its WKB), and the
 * include.unknown.datatypes fallback (the value's text as UTF-8 bytes).
 */
import { S, type ConnectSchema } from '../../src/events/schema.ts';
import { PgTextFormatError, parseBytea } from './pg-text.ts';
import type { BinaryHandlingMode, ScalarContext, ScalarMapping } from './type-options.ts';

/** Java's Base64.getUrlEncoder() keeps '=' padding; Node's base64url drops it. */
export function encodeBinary(buf: Buffer, mode: BinaryHandlingMode): Buffer | string {
  switch (mode) {
    case 'bytes':
      return buf;
    case 'base64':
      return buf.toString('base64');
    case 'base64-url-safe': {
      const s = buf.toString('base64url');
      return s + '='.repeat((4 - (s.length % 4)) % 4);
    }
    case 'hex':
      return buf.toString('hex');
  }
}

export function binarySchema(mode: BinaryHandlingMode): ConnectSchema {
  return mode === 'bytes' ? S.bytes() : S.string();
}

function binaryMapping(mode: BinaryHandlingMode, toBytes: (text: string) => Buffer): ScalarMapping {
  return {
    schema: binarySchema(mode),
    parse: (text) => encodeBinary(toBytes(text), mode),
    zero: mode === 'bytes' ? Buffer.alloc(0) : '',
  };
}

export function byteaMapping(ctx: ScalarContext): ScalarMapping {
  return binaryMapping(ctx.opts.binaryHandlingMode, parseBytea);
}

/** include.unknown.datatypes: Debezium hands over the value's text bytes. */
export function unknownMapping(ctx: ScalarContext): ScalarMapping {
  return binaryMapping(ctx.opts.binaryHandlingMode, (text) => Buffer.from(text, 'utf8'));
}

/** varbit without a length is reported with Integer.MAX_VALUE bits by the driver. */
const UNBOUNDED_BITS = 2147483647;

/**
 * A bit string as little-endian bytes sized to its highest set bit (Debezium recomputes the
 * length from the content: '00' -> no bytes, '1000000' (bit(7)) -> [0x40]).
 */
export function bitsToBytes(text: string): Buffer {
  if (!/^[01]*$/.test(text)) throw new PgTextFormatError('bit string', text);
  const n = text.length;
  const last = text.indexOf('1');
  if (last < 0) return Buffer.alloc(0);
  const highest = n - 1 - last;
  const out = Buffer.alloc(Math.floor(highest / 8) + 1);
  for (let i = 0; i <= highest; i++) {
    if (text[n - 1 - i] === '1') out[i >> 3] |= 1 << (i & 7);
  }
  return out;
}

export function bitMapping(typeName: 'bit' | 'varbit', ctx: ScalarContext): ScalarMapping {
  const length = ctx.typeMod > 0 ? ctx.typeMod : typeName === 'varbit' ? UNBOUNDED_BITS : 1;
  if (length <= 1) {
    return {
      schema: S.boolean(),
      parse: (text) => {
        if (!/^[01]+$/.test(text)) throw new PgTextFormatError('bit', text);
        return /1/.test(text);
      },
      zero: false,
    };
  }
  return {
    schema: S.bytes({ name: 'io.debezium.data.Bits', version: 1, parameters: { length: String(length) } }),
    parse: bitsToBytes,
    zero: Buffer.alloc(0),
  };
}

export const POINT_SCHEMA: ConnectSchema = S.struct('io.debezium.data.geometry.Point', [
  S.field('x', S.float64()),
  S.field('y', S.float64()),
  S.field('wkb', S.optional(S.bytes())),
  S.field('srid', S.optional(S.int32())),
], { version: 1, doc: 'Geometry (POINT)' });

/** Point.createValue: x, y and an OGC WKB point (little-endian), srid unset. */
export function pointValue(x: number, y: number): Record<string, unknown> {
  const wkb = Buffer.alloc(21);
  wkb.writeUInt8(1, 0);
  wkb.writeUInt32LE(1, 1);
  wkb.writeDoubleLE(x, 5);
  wkb.writeDoubleLE(y, 13);
  return { x, y, wkb, srid: null };
}

const POINT_RE = /^\(\s*([^,()\s]+)\s*,\s*([^,()\s]+)\s*\)$/;

export const pointMapping: ScalarMapping = {
  schema: POINT_SCHEMA,
  parse: (text) => {
    const m = POINT_RE.exec(text);
    const x = m ? Number(m[1]) : NaN;
    const y = m ? Number(m[2]) : NaN;
    if (!m || (Number.isNaN(x) && m[1] !== 'NaN') || (Number.isNaN(y) && m[2] !== 'NaN')) throw new PgTextFormatError('point', text);
    return pointValue(x, y);
  },
  zero: pointValue(0, 0),
};
