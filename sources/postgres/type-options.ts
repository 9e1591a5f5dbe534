/**
 * The connector options that change how PostgreSQL values become Connect values,
 * and the small contract every type family implements (ScalarMapping).
 * Families live in type-*.ts; types.ts turns a ScalarMapping into a column mapping
 * (optionality, default, doc, NULL and unchanged-TOAST handling).
 */
import type { ConnectSchema } from '../../src/events/schema.ts';

export type DecimalHandlingMode = 'precise' | 'double' | 'string';
export type TimePrecisionMode =
  | 'adaptive' | 'adaptive_time_microseconds' | 'connect' | 'isostring' | 'microseconds' | 'nanoseconds';
export type IntervalHandlingMode = 'numeric' | 'string';
export type BinaryHandlingMode = 'bytes' | 'base64' | 'base64-url-safe' | 'hex';
export type HstoreHandlingMode = 'json' | 'map';

export interface PgTypeOptions {
  readonly decimalHandlingMode: DecimalHandlingMode;
  readonly timePrecisionMode: TimePrecisionMode;
  readonly intervalHandlingMode: IntervalHandlingMode;
  readonly binaryHandlingMode: BinaryHandlingMode;
  readonly hstoreHandlingMode: HstoreHandlingMode;
  /** money.fraction.digits: scale of money values (default 2). */
  readonly moneyFractionDigits: number;
  /** unavailable.value.placeholder; a value starting with `hex:` is decoded as raw bytes. */
  readonly unavailableValuePlaceholder: string;
  /** include.unknown.datatypes: unknown types become BYTES (binary mode) instead of being left out. */
  readonly includeUnknownDatatypes: boolean;
  /**
   * Copy column comments into the field schema `doc`. Omitted = false, as Debezium 3.6's
   * PostgreSQL connector emits: its JDBC column reader never reads comments, so no
   * include.schema.comments value puts them in its schemas (and a doc changes the schema
   * text, so the registry id). No config sets it: include.schema.comments is declared
   * "accepted, no effect" (config-spec.ts).
   */
  readonly includeSchemaComments?: boolean;
}

/** Debezium 3.6 defaults for the PostgreSQL connector. */
export const DEFAULT_PG_TYPE_OPTIONS: PgTypeOptions = Object.freeze({
  decimalHandlingMode: 'precise',
  timePrecisionMode: 'adaptive',
  intervalHandlingMode: 'numeric',
  binaryHandlingMode: 'bytes',
  hstoreHandlingMode: 'json',
  moneyFractionDigits: 2,
  unavailableValuePlaceholder: '__debezium_unavailable_value',
  includeUnknownDatatypes: false,
  includeSchemaComments: false,
});

/** What a family needs to know about the (element) type besides its name. */
export interface ScalarContext {
  readonly opts: PgTypeOptions;
  /** Effective type modifier (column's, else the domain's), -1 when none. */
  readonly typeMod: number;
  /** Labels in enumsortorder when the type is an enum. */
  readonly enumLabels?: readonly string[];
  /** Column name, for error messages only. */
  readonly where: string;
}

/**
 * One PostgreSQL type under one set of options.
 * `schema` is the required (non-optional) form without default or doc.
 * `parse` turns PostgreSQL's text output into the Connect value (throws on malformed input).
 * `zero` is what a NOT NULL column without a default yields when it receives NULL
 * (Debezium's per-type fallback, e.g. for DELETE before-images under REPLICA IDENTITY DEFAULT).
 */
export interface ScalarMapping {
  readonly schema: ConnectSchema;
  readonly parse: (text: string) => unknown;
  readonly zero: unknown;
  /** Value for an unchanged TOAST column when the schema-based rule (type-toast.ts) does not fit. */
  readonly toastValue?: (placeholder: string) => unknown;
}

/** Schema of an INT64 value: the project's representation is always bigint for these. */
export const INT64_MAX = (1n << 63n) - 1n;
export const INT64_MIN = -(1n << 63n);
