/**
 * MySQL/MariaDB column -> Connect field schema + value converter, with Debezium 3.6's binlog
 * connector semantics (BinlogValueConverters, BinlogDefaultValueConverter; debezium-events.md §11).
 *
 * Input values are what the binlog reader hands out (zongji with dateStrings, timezone 'Z',
 * jsonStrings) and what a snapshot query with the same mysql2 options returns:
 *   null      -> SQL NULL: null for a nullable column, else the schema default or the type's
 *                zero value (Debezium's fallback, e.g. for NOT NULL columns in non-strict mode);
 *   otherwise -> the family's converter; a converter answering `undefined` (zero dates) is read
 *                as NULL the same way, as Debezium's row deserializers turn zero dates into null.
 * mapColumn returns a reason instead of a mapping for types left out (geometry: zongji drops
 * their SRID and WKB, so Debezium's Geometry struct cannot be filled).
 */
import type { ConnectSchema } from '../../src/events/schema.ts';
import { CdcError, SourceError } from '../../src/errors/cdc-error.ts';
import type { MySqlColumn } from './column-info.ts';
import { parseColumnDefault } from './type-defaults.ts';
import { bitMapping, decimalMapping, floatMapping, integerMapping, yearMapping } from './type-numeric.ts';
import type { MySqlScalarMapping, MySqlTypeContext, MySqlTypeOptions } from './type-options.ts';
import { dateMapping, dateTimeMapping, timeMapping, timestampMapping } from './type-temporal.ts';
import { binaryMapping, enumMapping, jsonMapping, setMapping, stringMapping } from './type-textual.ts';

export { DEFAULT_MYSQL_TYPE_OPTIONS } from './type-options.ts';
export type { BigIntUnsignedHandlingMode, BinaryHandlingMode, DecimalHandlingMode, MySqlTypeOptions, TimePrecisionMode } from './type-options.ts';

export interface MySqlColumnMapping {
  /** Field schema: optional iff the column is nullable; default and doc when known. */
  readonly schema: ConnectSchema;
  /** Reader/snapshot value -> Connect value (src/events/schema.ts representation). */
  readonly convert: (value: unknown) => unknown;
}

const GEOMETRY_TYPES = new Set(['geometry', 'point', 'linestring', 'polygon', 'multipoint', 'multilinestring', 'multipolygon', 'geometrycollection', 'geomcollection']);

/** The family for a column, or why there is none. */
export function scalarMappingFor(ctx: MySqlTypeContext): MySqlScalarMapping | string {
  const t = ctx.column.dataType;
  switch (t) {
    case 'tinyint': case 'smallint': case 'mediumint': case 'int': case 'integer': case 'bigint':
      return integerMapping(ctx);
    case 'decimal': case 'numeric': case 'dec': case 'fixed':
      return decimalMapping(ctx);
    case 'float': case 'double': case 'real': case 'double precision':
      return floatMapping(ctx);
    case 'bit': return bitMapping(ctx);
    case 'year': return yearMapping(ctx);
    case 'date': return dateMapping(ctx);
    case 'datetime': return dateTimeMapping(ctx);
    case 'timestamp': return timestampMapping(ctx);
    case 'time': return timeMapping(ctx);
    case 'char': case 'varchar': case 'tinytext': case 'text': case 'mediumtext': case 'longtext':
    case 'uuid': case 'inet4': case 'inet6':
      return stringMapping();
    case 'binary': case 'varbinary': case 'tinyblob': case 'blob': case 'mediumblob': case 'longblob':
      return binaryMapping(ctx);
    case 'json': return jsonMapping(ctx);
    case 'enum': return enumMapping(ctx);
    case 'set': return setMapping(ctx);
    default:
      if (GEOMETRY_TYPES.has(t)) return `${t} is left out: the binlog decoder drops the SRID and WKB that Debezium's io.debezium.data.geometry struct carries`;
      return `type ${ctx.column.columnType} has no Debezium mapping`;
  }
}

function freshCopy(v: unknown): unknown {
  return Buffer.isBuffer(v) ? Buffer.from(v) : v;
}

export function mapColumn(col: MySqlColumn, opts: MySqlTypeOptions, table = ''): MySqlColumnMapping | { readonly skipped: string } {
  const where = `column ${table ? `${table}.` : ''}${col.name} (${col.columnType})`;
  const ctx: MySqlTypeContext = { column: col, opts, where };
  const mapping = scalarMappingFor(ctx);
  if (typeof mapping === 'string') return { skipped: mapping };

  const defaultValue = parseColumnDefault(col, mapping);
  const withDoc = opts.includeSchemaComments && col.comment !== '';
  const schema: ConnectSchema = {
    ...mapping.schema,
    optional: col.nullable,
    ...(withDoc ? { doc: col.comment } : {}),
    ...(defaultValue !== undefined ? { defaultValue } : {}),
  };
  const whenNull = col.nullable ? null : defaultValue !== undefined ? defaultValue : mapping.zero;

  return {
    schema,
    convert: (value) => {
      if (value === null) return freshCopy(whenNull);
      let out: unknown;
      try {
        out = mapping.convert(value);
      } catch (cause) {
        if (cause instanceof CdcError) throw cause;
        throw new SourceError({
          code: 'CDC_MYSQL_VALUE_PARSE',
          what: `a value does not read as ${col.columnType}: ${cause instanceof Error ? cause.message : String(cause)}`,
          where,
          fix: 'check that binlog_row_image=FULL and binlog_row_metadata=FULL (cdc validate checks both); report the value if it persists',
          cause,
        });
      }
      return out === undefined ? freshCopy(whenNull) : out;
    },
  };
}

/** Type guard for mapColumn's answer. */
export function isSkipped(m: MySqlColumnMapping | { readonly skipped: string }): m is { readonly skipped: string } {
  return 'skipped' in m;
}
