import { test } from 'node:test';
import assert from 'node:assert/strict';
import { S, type ConnectSchema } from '../events/schema.ts';
import { copyStructSchema, fieldValue, requireField, requireMap, requireStruct, SchemaCache, schemaBasics, withSide } from './schema-util.ts';

const row: ConnectSchema = { ...S.struct('shop.public.orders.Value', [S.field('id', S.int32()), S.field('n', S.withDefault(S.optional(S.string()), 'x'))], { version: 3, doc: 'd' }), optional: true, defaultValue: null };

test('copied structs keep name, version, doc and parameters but are required and lose the default', () => {
  assert.deepEqual(schemaBasics(row), { name: 'shop.public.orders.Value', version: 3, doc: 'd' });
  const copy = copyStructSchema(row, [row.fields![0]!]);
  assert.equal(copy.optional, false);
  assert.equal('defaultValue' in copy, false);
  assert.deepEqual(copy.fields!.map((f) => f.name), ['id']);
});

test('field values follow Struct.get and getWithoutDefault', () => {
  const n = requireField(row, 'n');
  assert.equal(fieldValue({ id: 1, n: null }, n), 'x');
  assert.equal(fieldValue({ id: 1, n: null }, n, false), null);
  assert.throws(() => requireField(row, 'zz'), /Unknown field: zz/);
});

test('requireStruct and requireMap say what they found, as Connect does', () => {
  assert.throws(() => requireStruct(null, 'field extraction'), /Only Struct objects supported for \[field extraction\], found: null/);
  assert.throws(() => requireMap(null, 'masking'), /Only Map objects supported in absence of schema for \[masking\], found: null/);
  assert.deepEqual(requireMap(new Map([['a', 1]]), 'x'), { a: 1 });
});

test('the schema cache returns the same output object per input object', () => {
  const cache = new SchemaCache();
  let builds = 0;
  const build = (s: ConnectSchema) => { builds++; return copyStructSchema(s, s.fields!); };
  assert.equal(cache.get(row, build), cache.get(row, build));
  assert.equal(builds, 1);
});

test('withSide replaces only the key or the value', () => {
  const r = { topic: 't', keySchema: null, key: 'k', valueSchema: null, value: 'v', timestamp: 5 };
  assert.deepEqual(withSide(r, 'key', S.string(), 'k2'), { ...r, keySchema: S.string(), key: 'k2' });
  assert.deepEqual(withSide(r, 'value', null, null), { ...r, value: null });
});
