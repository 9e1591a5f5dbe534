import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_PG_TYPE_OPTIONS, mapColumn } from './types.ts';
import { parseSparse } from './type-vector.ts';

const col = (baseTypeName: string, extra: object = {}) => ({
  name: 'v', typeName: baseTypeName, baseTypeName, typeMod: -1, nullable: true, defaultExpr: null, comment: null, ...extra,
});

test('vector and halfvec: named arrays of required FLOAT64 / FLOAT32, as Debezium', () => {
  const v = mapColumn(col('vector'), DEFAULT_PG_TYPE_OPTIONS)!;
  assert.deepEqual(v.schema, { type: 'array', optional: true, items: { type: 'float64', optional: false }, name: 'io.debezium.data.DoubleVector', version: 1 });
  assert.deepEqual(v.convert('[1,2.5,-3e-05]'), [1, 2.5, -0.00003]);
  assert.deepEqual(v.convert(null), null);
  const h = mapColumn(col('halfvec'), DEFAULT_PG_TYPE_OPTIONS)!;
  assert.equal(h.schema.name, 'io.debezium.data.FloatVector');
  assert.equal(h.schema.items?.type, 'float32');
  assert.deepEqual(h.convert('[0.5,1]'), [0.5, 1]);
  assert.throws(() => v.convert('1,2'), /does not read as vector/);
});

test('sparsevec: SparseDoubleVector struct, map entries in java.util.HashMap order', () => {
  const s = mapColumn(col('sparsevec'), DEFAULT_PG_TYPE_OPTIONS)!;
  assert.equal(s.schema.name, 'io.debezium.data.SparseDoubleVector');
  assert.equal(s.schema.doc, 'Sparse double vector');
  assert.deepEqual(s.schema.fields?.map((f) => [f.name, f.schema.type, f.schema.keys?.type, f.schema.values?.type]), [['dimensions', 'int16', undefined, undefined], ['vector', 'map', 'int16', 'float64']]);
  assert.deepEqual(s.convert('{1:1.5,3:2}/5'), { dimensions: 5, vector: new Map([[1, 1.5], [3, 2]]) });
  assert.deepEqual(s.convert('{}/3'), { dimensions: 3, vector: new Map() });
  // Three entries: a HashMap of 4 slots; 5 & 3 = 1 lands before 2 and 3.
  assert.deepEqual([...parseSparse('{2:1,3:1,5:1}/9').vector.keys()], [5, 2, 3]);
  assert.deepEqual([...parseSparse('{1:1,17:1,2:1}/20').vector.keys()], [1, 17, 2]);
});

test('arrays of vectors are left out (Debezium has no element schema for them)', () => {
  assert.equal(mapColumn(col('_vector', { elementTypeName: 'vector' }), DEFAULT_PG_TYPE_OPTIONS), null);
});
