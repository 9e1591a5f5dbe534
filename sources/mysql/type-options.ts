/**
 * The connector options that change how MySQL/MariaDB values become Connect values (Debezium
 * 3.6's MySqlConnector / MariaDbConnector defaults), and the contract each type family
 * implements. Families live in type-*.ts; types.ts adds optionality, defaults and NULL handling.
 */
import type { ConnectSchema } from '../../src/events/schema.ts';
import type { MySqlColumn } from './column-info.ts';

export type DecimalHandlingMode = 'precise' | 'double' | 'string';
/**
 * Debezium's binlog connectors document adaptive_time_microseconds (default) and connect; they also
 * accept microseconds and nanoseconds (the generic JDBC converters handle them), implemented here too.
 */
export type TimePrecisionMode = 'adaptive_time_microseconds' | 'connect' | 'microseconds' | 'nanoseconds';
export type BigIntUnsignedHandlingMode = 'long' | 'precise';
export type BinaryHandlingMode = 'bytes' | 'base64' | 'base64-url-safe' | 'hex';

export interface MySqlTypeOptions {
  readonly decimalHandlingMode: DecimalHandlingMode;
  readonly timePrecisionMode: TimePrecisionMode;
  readonly bigintUnsignedHandlingMode: BigIntUnsignedHandlingMode;
  readonly binaryHandlingMode: BinaryHandlingMode;
  /** include.schema.comments: column comments become the field schema `doc` (default false). */
  readonly includeSchemaComments: boolean;
}

export const DEFAULT_MYSQL_TYPE_OPTIONS: MySqlTypeOptions = Object.freeze({
  decimalHandlingMode: 'precise',
  timePrecisionMode: 'adaptive_time_microseconds',
  bigintUnsignedHandlingMode: 'long',
  binaryHandlingMode: 'bytes',
  includeSchemaComments: false,
});

/**
 * One column type under one set of options.
 * `schema`: the required form, without default or doc.
 * `convert`: a non-null value as zongji (dateStrings, timezone 'Z', jsonStrings) or a mysql2
 *   snapshot query with the same options yields it -> the Connect value; `undefined` means
 *   "Debezium reads this as NULL" (zero dates), which types.ts resolves like a SQL NULL.
 * `zero`: Debezium's fallback when a NOT NULL column without default receives NULL.
 */
export interface MySqlScalarMapping {
  readonly schema: ConnectSchema;
  readonly convert: (value: unknown) => unknown;
  readonly zero: unknown;
}

export interface MySqlTypeContext {
  readonly column: MySqlColumn;
  readonly opts: MySqlTypeOptions;
  /** "db.table.column (type)", for error messages. */
  readonly where: string;
}
