/**
 * The chunked snapshot's SQL and key conversions, pure. The ordering itself is
 * pinned against a real server (a collation-sensitive text key, composite keys)
 * in test/integration/pg-chunked-snapshot.it.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chunkCopySql, inProgress, keyValue, maxKeySql, parseSnapshot, rowKey, sqlTextLiteral, type ChunkTable, type KeyColumnInfo } from './chunk-sql.ts';
import { isWatermark, RecentXids, watermarkWindow, WATERMARK_PREFIX } from './watermark.ts';

const id: KeyColumnInfo = { name: 'id', castType: 'integer', baseType: 'int4', collation: null, notNull: true };
const word: KeyColumnInfo = { name: 'Word', castType: 'text', baseType: 'text', collation: '"pg_catalog"."en-US-x-icu"', notNull: true };
const big: KeyColumnInfo = { name: 'n', castType: 'bigint', baseType: 'int8', collation: null, notNull: true };

const single: ChunkTable = { from: 'ONLY "public"."t"', columns: ['"id"', '"v"'], key: [id] };
const composite: ChunkTable = { from: '"public"."p"', columns: ['"id"', '"Word"'], key: [id, word] };

test('first chunk: no lower bound, upper bound inclusive, key order, limit, as COPY with the bound as a literal', () => {
  assert.equal(chunkCopySql(single, null, [500], 1024, null),
    'COPY (SELECT (SELECT pg_current_snapshot()::text) AS "__cdc_chunk_snapshot", "id", "v" FROM ONLY "public"."t" WHERE "id" <= E\'500\'::text::integer ORDER BY "id" LIMIT 1024) TO STDOUT');
});

test('later chunks of a composite key: ROW comparisons under the column collation, filter in parentheses', () => {
  assert.equal(chunkCopySql(composite, [1, 'a'], [9, 'Z'], 10, "color = 'blue' OR x"),
    'COPY (SELECT (SELECT pg_current_snapshot()::text) AS "__cdc_chunk_snapshot", "id", "Word" FROM "public"."p" WHERE '
    + 'ROW("id", "Word" COLLATE "pg_catalog"."en-US-x-icu") > ROW(E\'1\'::text::integer, E\'a\'::text::text COLLATE "pg_catalog"."en-US-x-icu") AND '
    + 'ROW("id", "Word" COLLATE "pg_catalog"."en-US-x-icu") <= ROW(E\'9\'::text::integer, E\'Z\'::text::text COLLATE "pg_catalog"."en-US-x-icu") AND '
    + "(color = 'blue' OR x) ORDER BY \"id\", \"Word\" COLLATE \"pg_catalog\".\"en-US-x-icu\" LIMIT 10) TO STDOUT");
  assert.match(chunkCopySql({ ...single, key: [big] }, [9007199254740993n], [9007199254740999n], 5, null), /"n" > E'9007199254740993'::text::bigint AND "n" <= E'9007199254740999'::text::bigint/);
});

test('key literals: quotes and backslashes escaped so they mean the same under either standard_conforming_strings', () => {
  assert.equal(sqlTextLiteral("it's"), "E'it''s'");
  assert.equal(sqlTextLiteral('a\\b\\\'c'), "E'a\\\\b\\\\''c'");
  assert.equal(sqlTextLiteral('tab\tnew\nline é'), "E'tab\tnew\nline é'");
  assert.equal(sqlTextLiteral(null), 'NULL');
  assert.throws(() => sqlTextLiteral('a\u0000b'), /NUL/);
});

test('max key: descending key order, output aliased so ORDER BY names the key, not its text', () => {
  assert.equal(maxKeySql(composite, 'x > 1'),
    'SELECT "id"::text AS cdc_k0, "Word"::text AS cdc_k1 FROM "public"."p" WHERE (x > 1) ORDER BY "id" DESC, "Word" COLLATE "pg_catalog"."en-US-x-icu" DESC LIMIT 1');
});

test('key values: int2/int4 as numbers, int8 as bigint, anything else as its text', () => {
  assert.equal(keyValue(id, '42'), 42);
  assert.equal(keyValue(big, '9007199254740993'), 9007199254740993n);
  assert.equal(keyValue(word, 'Ábc'), 'Ábc');
  assert.equal(keyValue({ ...id, baseType: 'numeric' }, '1.50'), '1.50');
  assert.deepEqual(rowKey([id, word], { id: '7', Word: 'é', other: 'x' }), [7, 'é']);
  assert.equal(rowKey([id, word], { id: '7' }), null, 'a key column pgoutput did not send');
});

test('visibility: an xid is in progress when listed or at/after xmax, across the 32-bit wrap', () => {
  const s = parseSnapshot('100:105:101,103');
  assert.deepEqual([99, 100, 101, 102, 103, 104, 105, 106].map((x) => inProgress(s, x)), [false, false, true, false, true, false, true, true]);
  // Epoch 1: xid8 4294967396 is 32-bit xid 100.
  const e = parseSnapshot('4294967390:4294967400:4294967395');
  assert.equal(inProgress(e, 4294967395 - 4294967296), true);
  assert.equal(inProgress(e, 90), false);
  assert.equal(inProgress(e, 104), true);
  // Just before a wrap: xmax 2^32 + 2 (xid 2), xid 4294967295 (epoch 0) is before it.
  const w = parseSnapshot('4294967290:4294967298:');
  assert.equal(inProgress(w, 4294967295), false);
  assert.equal(inProgress(w, 2), true);
});

test('watermark messages: reserved prefix, window id as content; recent xids remembered, newest last', () => {
  assert.ok(isWatermark(WATERMARK_PREFIX));
  assert.ok(!isWatermark('user-prefix'));
  assert.equal(watermarkWindow(Buffer.from('abc-123')), 'abc-123');
  const r = new RecentXids(3);
  for (const x of [1, 2, 3, 4, 4]) r.add(x);
  assert.deepEqual(r.list(), [3, 4]);
});
