/**
 * pgvector's types as Debezium 3.6 maps them (io.debezium.data.vector.*):
 *   vector    -> io.debezium.data.DoubleVector, ARRAY<FLOAT64> (elements required)
 *   halfvec   -> io.debezium.data.FloatVector,  ARRAY<FLOAT32>
 *   sparsevec -> io.debezium.data.SparseDoubleVector, STRUCT{dimensions INT16, vector MAP<INT16, FLOAT64>}
 * PostgreSQL prints a vector as "[1,2.5,3]" and a sparse vector as "{1:1.5,3:2}/5" (1-based
 * indexes, ascending). Debezium fills a java.util.HashMap<Short, Double> sized for the entries, so
 * the map's entry order is HashMap's: by index modulo the table size, then insertion order; the
 * same order is kept here so Avro's MapEntry arrays come out identical.
 */
import { S, type ConnectSchema } from '../../src/events/schema.ts';
import type { ScalarMapping } from './type-options.ts';

export const DOUBLE_VECTOR_SCHEMA: ConnectSchema = S.array(S.float64(), { name: 'io.debezium.data.DoubleVector', version: 1 });
export const FLOAT_VECTOR_SCHEMA: ConnectSchema = S.array(S.float32(), { name: 'io.debezium.data.FloatVector', version: 1 });
export const SPARSE_VECTOR_SCHEMA: ConnectSchema = S.struct('io.debezium.data.SparseDoubleVector', [
  S.field('dimensions', S.int16()),
  S.field('vector', S.map(S.int16(), S.float64())),
], { version: 1, doc: 'Sparse double vector' });

function number(text: string, what: string): number {
  const t = text.trim();
  const v = Number(t);
  if (t === '' || (Number.isNaN(v) && t !== 'NaN')) throw new TypeError(`"${text}" is not a ${what} element`);
  return v;
}

function parseDense(text: string): number[] {
  const t = text.trim();
  if (!t.startsWith('[') || !t.endsWith(']')) throw new TypeError(`"${text}" is not a vector literal [x,y,...]`);
  const body = t.slice(1, -1);
  return body.trim() === '' ? [] : body.split(',').map((e) => number(e, 'vector'));
}

function int16(text: string): number {
  const v = Number(text.trim());
  if (!Number.isInteger(v) || v < -32768 || v > 32767) throw new TypeError(`sparse vector index or dimension "${text}" does not fit INT16`);
  return v;
}

/** Table size of a java.util.HashMap created with initialCapacity n after n puts. */
function javaHashMapCapacity(n: number): number {
  let cap = 1;
  while (cap < n) cap *= 2;
  while (n > cap * 0.75) cap *= 2;
  return cap;
}

export function parseSparse(text: string): { dimensions: number; vector: Map<number, number> } {
  const parts = text.trim().split('/');
  if (parts.length !== 2) throw new TypeError(`"${text}" is not a sparse vector literal {i:x,...}/dimensions`);
  const dimensions = int16(parts[1]!);
  const body = parts[0]!.trim();
  if (!body.startsWith('{') || !body.endsWith('}')) throw new TypeError(`"${text}" is not a sparse vector literal {i:x,...}/dimensions`);
  const inner = body.slice(1, -1).trim();
  if (inner === '') return { dimensions, vector: new Map() };
  const entries = inner.split(',').map((e) => {
    const kv = e.split(':');
    if (kv.length !== 2) throw new TypeError(`"${text}" is not a sparse vector literal {i:x,...}/dimensions`);
    return [int16(kv[0]!), number(kv[1]!, 'sparse vector')] as const;
  });
  const mask = javaHashMapCapacity(entries.length) - 1;
  // Short.hashCode is the value; HashMap spreads h ^ (h >>> 16), which leaves non-negative shorts alone.
  const bucket = (k: number) => { const h = k & 0xffffffff; return (h ^ (h >>> 16)) & mask; };
  const ordered = entries.map((e, i) => ({ e, i })).sort((a, b) => bucket(a.e[0]) - bucket(b.e[0]) || a.i - b.i).map((x) => x.e);
  return { dimensions, vector: new Map(ordered) };
}

export function vectorMapping(typeName: string): ScalarMapping | null {
  switch (typeName) {
    case 'vector': return { schema: DOUBLE_VECTOR_SCHEMA, parse: parseDense, zero: [] };
    case 'halfvec': return { schema: FLOAT_VECTOR_SCHEMA, parse: parseDense, zero: [] };
    case 'sparsevec': return { schema: SPARSE_VECTOR_SCHEMA, parse: parseSparse, zero: { dimensions: 0, vector: new Map() } };
    default: return null;
  }
}
