/**
 * Kafka Connect's schema model, as Debezium builds it and converters consume it.
 * Values that travel with these schemas use one representation everywhere:
 *   int8/int16/int32/float32/float64 -> number, int64 -> bigint | number,
 *   boolean -> boolean, string -> string, bytes -> Buffer (Decimal: unscaled
 *   two's-complement big-endian bytes, as Connect's Decimal logical type),
 *   array -> unknown[], map -> Map<unknown, unknown> | Record<string, unknown>,
 *   struct -> Record<string, unknown> keyed by field name.
 * Converters (src/serde) turn schema + value into bytes; nothing else does.
 */

export type SchemaType =
  | 'int8' | 'int16' | 'int32' | 'int64'
  | 'float32' | 'float64'
  | 'boolean' | 'string' | 'bytes'
  | 'array' | 'map' | 'struct';

export interface ConnectField {
  readonly name: string;
  readonly schema: ConnectSchema;
}

export interface ConnectSchema {
  readonly type: SchemaType;
  readonly optional: boolean;
  /** Logical or record name, e.g. io.debezium.time.MicroTimestamp or shop.public.orders.Value. */
  readonly name?: string;
  readonly version?: number;
  readonly doc?: string;
  readonly parameters?: Readonly<Record<string, string>>;
  /** Connect default value (same representation as values). undefined = no default. */
  readonly defaultValue?: unknown;
  /** struct only, in declaration order (order is part of the Avro identity). */
  readonly fields?: readonly ConnectField[];
  /** array only */
  readonly items?: ConnectSchema;
  /** map only */
  readonly keys?: ConnectSchema;
  readonly values?: ConnectSchema;
}

type Extra = Omit<ConnectSchema, 'type' | 'optional' | 'fields' | 'items' | 'keys' | 'values'>;

function prim(type: SchemaType) {
  return (extra: Extra = {}): ConnectSchema => ({ type, optional: false, ...extra });
}

/** Small builders so schema declarations read like Connect's SchemaBuilder. */
export const S = {
  int8: prim('int8'),
  int16: prim('int16'),
  int32: prim('int32'),
  int64: prim('int64'),
  float32: prim('float32'),
  float64: prim('float64'),
  boolean: prim('boolean'),
  string: prim('string'),
  bytes: prim('bytes'),
  array: (items: ConnectSchema, extra: Extra = {}): ConnectSchema => ({ type: 'array', optional: false, items, ...extra }),
  map: (keys: ConnectSchema, values: ConnectSchema, extra: Extra = {}): ConnectSchema => ({ type: 'map', optional: false, keys, values, ...extra }),
  struct: (name: string | undefined, fields: readonly ConnectField[], extra: Omit<Extra, 'name'> = {}): ConnectSchema => ({
    type: 'struct', optional: false, ...(name !== undefined ? { name } : {}), fields, ...extra,
  }),
  field: (name: string, schema: ConnectSchema): ConnectField => ({ name, schema }),
  optional: (s: ConnectSchema): ConnectSchema => ({ ...s, optional: true }),
  required: (s: ConnectSchema): ConnectSchema => ({ ...s, optional: false }),
  withDefault: (s: ConnectSchema, defaultValue: unknown): ConnectSchema => ({ ...s, defaultValue }),
} as const;

/** Structural equality, used to decide whether a table's schema changed. */
export function schemaEquals(a: ConnectSchema | null | undefined, b: ConnectSchema | null | undefined): boolean {
  return stableStringify(a ?? null) === stableStringify(b ?? null);
}

function stableStringify(v: unknown): string {
  return JSON.stringify(v, (_k, x) => {
    if (typeof x === 'bigint') return `${x.toString()}n`;
    if (Buffer.isBuffer(x)) return `buf:${x.toString('hex')}`;
    if (x && typeof x === 'object' && (x as { type?: string }).type === 'Buffer' && Array.isArray((x as { data?: unknown }).data)) {
      return `buf:${Buffer.from((x as { data: number[] }).data).toString('hex')}`;
    }
    return x;
  });
}
