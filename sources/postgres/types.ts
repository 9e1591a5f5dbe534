/**
 * PostgreSQL column -> Connect field schema + value converter, with Debezium 3.6's semantics
 * (debezium-events.md §10; PostgresValueConverter, PostgresDefaultValueConverter).
 *
 * Every value arrives as PostgreSQL's text output: pgoutput 't' columns while streaming and the
 * snapshot SELECT (run with raw-string type parsers), so one converter serves both. Its input:
 *   string    -> the value's text;
 *   null      -> SQL NULL: null for nullable columns, else the schema default or the type's zero
 *                value (Debezium's fallback, seen in DELETE before-images under REPLICA IDENTITY DEFAULT);
 *   undefined -> pgoutput "unchanged TOAST": unavailable.value.placeholder shaped for the column
 *                (type-toast.ts, §6.4).
 * mapColumn returns null for a type Debezium would not emit; the caller leaves the column out
 * and logs once. Families: type-numeric, type-temporal, type-interval, type-textual,
 * type-binary, type-hstore; defaults in type-defaults.
 */
import type { ConnectSchema } from '../../src/events/schema.ts';
import { CdcError, SourceError } from '../../src/errors/cdc-error.ts';
import type { PgColumn } from './catalog.ts';
import { unknownMapping } from './type-binary.ts';
import { parseColumnDefault } from './type-defaults.ts';
import type { PgTypeOptions, ScalarContext, ScalarMapping } from './type-options.ts';
import { NEVER_UNKNOWN, arrayMapping, scalarMapping } from './type-scalar.ts';
import { enumMapping } from './type-textual.ts';
import { toastPlaceholder, toastValueFor } from './type-toast.ts';
import { OddValue, type OddValueReport } from './odd-values.ts';

export { DEFAULT_PG_TYPE_OPTIONS } from './type-options.ts';
export type {
  BinaryHandlingMode, DecimalHandlingMode, HstoreHandlingMode, IntervalHandlingMode, PgTypeOptions, TimePrecisionMode,
} from './type-options.ts';
/** Alias used by the task configuration. */
export type TypeOptions = PgTypeOptions;

/** The PgColumn fields the mapping reads (a pgoutput Relation plus catalog data can build one). */
export type MappableColumn = Pick<PgColumn,
  'name' | 'typeName' | 'baseTypeName' | 'typeMod' | 'elementTypeName' | 'enumLabels' | 'nullable' | 'defaultExpr' | 'comment'>;

export interface ColumnMapping {
  /** Field schema: optional iff the column is nullable; default and doc when known. */
  readonly schema: ConnectSchema;
  /** Text (or null / undefined, see above) -> the value in src/events/schema.ts representation. */
  readonly convert: (text: string | null | undefined) => unknown;
}

/** Zero values and defaults are shared: hand out copies of the mutable ones. */
function freshCopy(v: unknown): unknown {
  if (Buffer.isBuffer(v)) return Buffer.from(v);
  if (Array.isArray(v)) return v.map(freshCopy);
  if (v instanceof Map) return new Map(v);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, freshCopy(x)]));
  return v;
}

function baseMapping(col: MappableColumn, ctx: ScalarContext): ScalarMapping | null {
  if (col.elementTypeName !== undefined) return arrayMapping(col.elementTypeName, ctx);
  if (col.enumLabels) return enumMapping(col.enumLabels);
  const known = scalarMapping(col.baseTypeName, ctx);
  if (known) return known;
  return ctx.opts.includeUnknownDatatypes && !NEVER_UNKNOWN.has(col.baseTypeName) ? unknownMapping(ctx) : null;
}

export function mapColumn(col: MappableColumn, opts: PgTypeOptions, odd?: OddValueReport): ColumnMapping | null {
  const where = `column "${col.name}" (${col.typeName})`;
  const ctx: ScalarContext = { opts, typeMod: col.typeMod, where, ...(col.enumLabels ? { enumLabels: col.enumLabels } : {}) };
  const mapping = baseMapping(col, ctx);
  if (!mapping) return null;

  const defaultValue = parseColumnDefault({
    baseTypeName: col.baseTypeName,
    defaultExpr: col.defaultExpr,
    isArray: col.elementTypeName !== undefined,
    isEnum: col.enumLabels !== undefined,
  }, mapping);
  const withDoc = opts.includeSchemaComments && col.comment !== null && col.comment !== '';
  // Spread keeps the builder's key order, so equal columns give structurally equal schemas.
  const schema: ConnectSchema = {
    ...mapping.schema,
    optional: col.nullable,
    ...(withDoc ? { doc: col.comment as string } : {}),
    ...(defaultValue !== undefined ? { defaultValue } : {}),
  };
  const toast = toastValueFor(mapping.schema, toastPlaceholder(opts.unavailableValuePlaceholder), mapping.toastValue, where);
  const whenNull = col.nullable ? null : defaultValue !== undefined ? defaultValue : mapping.zero;

  return {
    schema,
    convert: (text) => {
      if (text === undefined) return toast();
      if (text === null) return freshCopy(whenNull);
      try {
        return mapping.parse(text);
      } catch (cause) {
        if (cause instanceof OddValue) {
          // Debezium's value for it; a NOT NULL column gets its fallback instead of a null it cannot hold.
          odd?.(cause.detail, cause.keepWith);
          return cause.replacement === null ? freshCopy(whenNull) : cause.replacement;
        }
        if (cause instanceof CdcError) throw cause;
        throw new SourceError({
          code: 'CDC_PG_VALUE_PARSE',
          what: `PostgreSQL sent a value that does not read as ${col.typeName}: ${cause instanceof Error ? cause.message : String(cause)}`,
          where,
          fix: 'keep the server defaults DateStyle=ISO, IntervalStyle=postgres and bytea_output=hex on the replication and snapshot connections',
          cause,
        });
      }
    },
  };
}
