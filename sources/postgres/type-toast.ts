/**
 * Unchanged TOAST values (pgoutput 'u', our `undefined`): Debezium never re-reads them and emits
 * unavailable.value.placeholder instead, shaped to fit the column (debezium-events.md §6.4):
 *   STRING            -> the placeholder text (Uuid: the name-based UUID of the placeholder bytes);
 *   BYTES             -> the placeholder bytes;
 *   ARRAY of STRING   -> [placeholder] ([uuid] for uuid[]);
 *   ARRAY of numbers  -> one element per placeholder byte (signed, as Java bytes), e.g. int[] and bigint[];
 *   ARRAY of BYTES    -> [placeholder bytes]; of Decimal / VariableScaleDecimal -> one per byte;
 *   hstore            -> {placeholder: placeholder} (map) or its JSON.
 * A value starting with `hex:` is decoded from hex into the placeholder bytes.
 * Columns whose schema cannot hold the placeholder (numeric in precise/double mode, fixed-width
 * types that are never TOASTed) are refused with an error rather than emitted invalid, which is
 * what Debezium would produce.
 */
import { createHash } from 'node:crypto';
import type { ConnectSchema } from '../../src/events/schema.ts';
import { CdcError, ConfigError } from '../../src/errors/cdc-error.ts';
import { twosComplementBytes } from './type-decimal.ts';
import { DECIMAL_NAME, VSD_NAME } from './type-numeric.ts';
import { UUID_SCHEMA_NAME } from './type-textual.ts';

export interface ToastPlaceholder {
  readonly bytes: Buffer;
  readonly text: string;
  /** java.util.UUID.nameUUIDFromBytes(bytes): MD5-based, version 3. */
  readonly uuid: string;
}

export function toastPlaceholder(configured: string): ToastPlaceholder {
  let bytes: Buffer;
  if (configured.startsWith('hex:')) {
    const hex = configured.slice(4);
    if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) {
      throw new ConfigError({
        code: 'CDC_CONFIG_PLACEHOLDER_HEX',
        what: `unavailable.value.placeholder "${configured}" starts with hex: but is not an even run of hex digits`,
        where: 'property unavailable.value.placeholder',
        fix: 'write the bytes as hex after the prefix, e.g. hex:5f5f756e617661696c61626c65',
      });
    }
    bytes = Buffer.from(hex, 'hex');
  } else {
    bytes = Buffer.from(configured, 'utf8');
  }
  const md5 = createHash('md5').update(bytes).digest();
  md5[6] = (md5[6]! & 0x0f) | 0x30;
  md5[8] = (md5[8]! & 0x3f) | 0x80;
  const h = md5.toString('hex');
  const uuid = `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  return { bytes, text: bytes.toString('utf8'), uuid };
}

const UNREPRESENTABLE = Symbol('unrepresentable');

function scalarPlaceholder(schema: ConnectSchema, ph: ToastPlaceholder): unknown {
  switch (schema.type) {
    case 'string':
      return schema.name === UUID_SCHEMA_NAME ? ph.uuid : ph.text;
    case 'bytes':
      return schema.name === DECIMAL_NAME ? UNREPRESENTABLE : Buffer.from(ph.bytes);
    case 'array':
      return arrayPlaceholder(schema.items!, ph);
    default:
      return UNREPRESENTABLE;
  }
}

function arrayPlaceholder(element: ConnectSchema, ph: ToastPlaceholder): unknown {
  const perByte = (f: (b: number) => unknown) => [...ph.bytes].map((u) => f(u > 127 ? u - 256 : u));
  switch (element.type) {
    case 'string':
      return [element.name === UUID_SCHEMA_NAME ? ph.uuid : ph.text];
    case 'bytes':
      return element.name === DECIMAL_NAME ? perByte((b) => twosComplementBytes(BigInt(b))) : [Buffer.from(ph.bytes)];
    case 'int8':
    case 'int16':
    case 'int32':
    case 'float32':
    case 'float64':
      return perByte((b) => b);
    case 'int64':
      return perByte((b) => BigInt(b));
    case 'boolean':
      return perByte((b) => b !== 0);
    case 'struct':
      return element.name === VSD_NAME ? perByte((b) => ({ scale: 0, value: twosComplementBytes(BigInt(b)) })) : UNREPRESENTABLE;
    default:
      return UNREPRESENTABLE;
  }
}

/**
 * Builds the function convert(undefined) calls for a column: the placeholder shaped for `schema`,
 * or an error naming the column when the schema cannot carry it.
 */
export function toastValueFor(
  schema: ConnectSchema,
  ph: ToastPlaceholder,
  override: ((placeholder: string) => unknown) | undefined,
  where: string,
): () => unknown {
  // Built on every call so callers never share (and mutate) one Buffer, array or Map.
  const build = (): unknown => (override ? override(ph.text) : scalarPlaceholder(schema, ph));
  if (build() !== UNREPRESENTABLE) return build;
  return () => {
    throw new CdcError({
      code: 'CDC_PG_TOAST_UNREPRESENTABLE',
      what: `an unchanged TOASTed value arrived without its content and the column's ${schema.name ?? schema.type} schema cannot hold the unavailable-value placeholder`,
      where,
      fix: 'run ALTER TABLE ... REPLICA IDENTITY FULL so PostgreSQL sends the old value, or use decimal.handling.mode=string for large numerics',
    });
  };
}
