/**
 * Which family handles a PostgreSQL type (by pg_type.typname after resolving domains), and
 * arrays of those types. Mirrors the type switch in Debezium's PostgresValueConverter:
 * arrays are supported when their element is, except money[], name[], interval[], varbit[],
 * xml[], point[] and refcursor[] which Debezium leaves out; bit[] is left out as well because
 * Debezium declares it as Bits (not an array) and then cannot convert its values.
 */
import { S } from '../../src/events/schema.ts';
import { multiDimOuterLength, parseArrayLiteral } from './pg-text.ts';
import { OddValue } from './odd-values.ts';
import { bitMapping, byteaMapping, pointMapping, unknownMapping } from './type-binary.ts';
import { hstoreMapping } from './type-hstore.ts';
import { intervalMapping } from './type-interval.ts';
import {
  boolMapping, float4Mapping, float8Mapping, int2Mapping, int4Mapping, int8Mapping, moneyMapping, numericMapping, oidMapping,
} from './type-numeric.ts';
import type { ScalarContext, ScalarMapping } from './type-options.ts';
import { dateMapping, timeMapping, timestampMapping, timestamptzMapping, timetzMapping } from './type-temporal.ts';
import { enumMapping, textualMapping } from './type-textual.ts';
import { vectorMapping } from './type-vector.ts';

/** A type with a known mapping (not counting enums, which are recognised by their labels). */
export function scalarMapping(typeName: string, ctx: ScalarContext): ScalarMapping | null {
  switch (typeName) {
    case 'bool': return boolMapping;
    case 'int2': return int2Mapping;
    case 'int4': return int4Mapping;
    case 'int8': return int8Mapping;
    case 'oid': return oidMapping;
    case 'float4': return float4Mapping;
    case 'float8': return float8Mapping;
    case 'numeric': return numericMapping(ctx);
    case 'money': return moneyMapping(ctx);
    case 'bytea': return byteaMapping(ctx);
    case 'bit':
    case 'varbit': return bitMapping(typeName, ctx);
    case 'date': return dateMapping(ctx);
    case 'time': return timeMapping(ctx);
    case 'timetz': return timetzMapping();
    case 'timestamp': return timestampMapping(ctx);
    case 'timestamptz': return timestamptzMapping(ctx);
    case 'interval': return intervalMapping(ctx);
    case 'hstore': return hstoreMapping(ctx);
    case 'point': return pointMapping;
    case 'vector':
    case 'halfvec':
    case 'sparsevec': return vectorMapping(typeName);
    default: return textualMapping(typeName);
  }
}

/**
 * Types Debezium maps to something we do not implement (PostGIS), and pgvector types as array
 * elements (which Debezium leaves out): never fall back to opaque bytes for them, the result
 * would contradict Debezium's schema.
 */
export const NEVER_UNKNOWN = new Set(['geometry', 'geography', 'vector', 'halfvec', 'sparsevec']);

const UNSUPPORTED_ARRAY_ELEMENTS = new Set(['money', 'name', 'interval', 'varbit', 'bit', 'xml', 'point', 'refcursor']);

/**
 * `elementTypeName[]`. Elements are optional, except enum elements which Debezium declares
 * required (SchemaBuilder.array(Enum.builder(...)) without optional()).
 */
export function arrayMapping(elementTypeName: string, ctx: ScalarContext): ScalarMapping | null {
  if (UNSUPPORTED_ARRAY_ELEMENTS.has(elementTypeName) || NEVER_UNKNOWN.has(elementTypeName)) return null;
  let element: ScalarMapping | null;
  let optionalElements = true;
  if (ctx.enumLabels) {
    element = enumMapping(ctx.enumLabels);
    optionalElements = false;
  } else {
    element = scalarMapping(elementTypeName, ctx) ?? (ctx.opts.includeUnknownDatatypes ? unknownMapping(ctx) : null);
  }
  if (!element) return null;
  const el = element;
  return {
    schema: S.array(optionalElements ? S.optional(el.schema) : el.schema),
    parse: (text) => parseArray(text, el),
    zero: [],
  };
}

/**
 * A one-dimensional array, element by element. Connect arrays here are one-dimensional: for a
 * multi-dimensional value Debezium fails to convert each top-level sub-array and writes null
 * for it ({{1,2},{3,4}} -> [null, null]); an element Debezium writes as null (numeric NaN in
 * precise mode) is null in the list. Either is reported as an odd value with the whole list.
 */
function parseArray(text: string, el: ScalarMapping): unknown[] {
  const outer = multiDimOuterLength(text);
  if (outer !== null) {
    throw new OddValue(new Array<null>(outer).fill(null), 'multi-dimensional array written as a list of nulls (one per sub-array)', null);
  }
  let odd: OddValue | null = null;
  const out = parseArrayLiteral(text).map((e) => {
    if (e === null) return null;
    try {
      return el.parse(e);
    } catch (err) {
      if (!(err instanceof OddValue)) throw err;
      odd = err;
      return err.replacement;
    }
  });
  const found = odd as OddValue | null;
  if (found) throw new OddValue(out, `array element: ${found.detail}`, found.keepWith);
  return out;
}
