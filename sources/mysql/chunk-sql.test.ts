import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chunkQuery, keyKindOf, keyParam, keyValue, maxKeySql, quoteId, rowKey, type ChunkTable, type KeyColumnInfo } from './chunk-sql.ts';

const id: KeyColumnInfo = { name: 'id', kind: 'int', decimalType: null, notNull: true };
const name: KeyColumnInfo = { name: 'na`me', kind: 'text', decimalType: null, notNull: true };
const single: ChunkTable = { from: '`shop`.`orders`', columns: ['`id`', '`v`'], key: [id] };
const composite: ChunkTable = { from: '`shop`.`lines`', columns: ['`id`', '`na``me`', '`v`'], key: [id, name] };

test('identifiers are quoted with backticks, a backtick doubled', () => {
  assert.equal(quoteId('a`b'), '`a``b`');
});

test('one key column: keyset on the column, ordered by it, cast to its kind, LIMIT n', () => {
  const first = chunkQuery(single, null, [100], 50, null);
  assert.equal(first.sql, 'SELECT `id`, `v` FROM `shop`.`orders` WHERE `id` <= CAST(? AS SIGNED) ORDER BY `id` LIMIT 50');
  assert.deepEqual(first.params, ['100']);
  const next = chunkQuery(single, [7], [100], 50, 'v > 3');
  assert.equal(next.sql, 'SELECT `id`, `v` FROM `shop`.`orders` WHERE `id` > CAST(? AS SIGNED) AND `id` <= CAST(? AS SIGNED) AND (v > 3) ORDER BY `id` LIMIT 50');
  assert.deepEqual(next.params, ['7', '100']);
});

test('a composite key: row-value comparison with a bound on the leading column (index range on MariaDB)', () => {
  const q = chunkQuery(composite, [3, 'b'], [9, 'z'], 10, null);
  assert.equal(q.sql, 'SELECT `id`, `na``me`, `v` FROM `shop`.`lines` WHERE `id` >= CAST(? AS SIGNED) AND (`id`, `na``me`) > (CAST(? AS SIGNED), ?)'
    + ' AND `id` <= CAST(? AS SIGNED) AND (`id`, `na``me`) <= (CAST(? AS SIGNED), ?) ORDER BY `id`, `na``me` LIMIT 10');
  assert.deepEqual(q.params, ['3', '3', 'b', '9', '9', 'z']);
});

test('the largest key: every key column descending, LIMIT 1, with the filter', () => {
  assert.equal(maxKeySql(composite, 'v IS NOT NULL'), 'SELECT `id`, `na``me` FROM `shop`.`lines` WHERE (v IS NOT NULL) ORDER BY `id` DESC, `na``me` DESC LIMIT 1');
});

test('key kinds from information_schema: unsigned widens, decimals keep precision, inexact types are refused', () => {
  const k = (dataType: string, columnType = dataType, precision: number | null = null, scale: number | null = null) => keyKindOf({ dataType, columnType, precision, scale });
  assert.deepEqual(k('int'), { kind: 'int', decimalType: null });
  assert.deepEqual(k('int', 'int(10) unsigned'), { kind: 'long', decimalType: null });
  assert.deepEqual(k('bigint'), { kind: 'long', decimalType: null });
  assert.deepEqual(k('bigint', 'bigint(20) unsigned'), { kind: 'ubig', decimalType: null });
  assert.deepEqual(k('decimal', 'decimal(10,2)', 10, 2), { kind: 'decimal', decimalType: 'DECIMAL(10,2)' });
  assert.deepEqual(k('varbinary'), { kind: 'binary', decimalType: null });
  assert.deepEqual(k('datetime'), { kind: 'temporal', decimalType: null });
  assert.deepEqual(k('varchar'), { kind: 'text', decimalType: null });
  assert.ok('refused' in k('double'));
  assert.ok('refused' in k('float'));
});

test('key values: equal keys compare equal whatever form the binlog or a select gave them', () => {
  const long: KeyColumnInfo = { name: 'b', kind: 'long', decimalType: null, notNull: true };
  const ubig: KeyColumnInfo = { name: 'u', kind: 'ubig', decimalType: null, notNull: true };
  const dec: KeyColumnInfo = { name: 'd', kind: 'decimal', decimalType: 'DECIMAL(10,3)', notNull: true };
  const bin: KeyColumnInfo = { name: 'x', kind: 'binary', decimalType: null, notNull: true };
  const ts: KeyColumnInfo = { name: 't', kind: 'temporal', decimalType: null, notNull: true };
  assert.equal(keyValue(long, '9007199254740993'), 9007199254740993n);
  assert.equal(keyValue(long, 5), 5n);
  assert.equal(keyValue(ubig, '18446744073709551615'), '18446744073709551615');
  assert.equal(keyValue(dec, '1.500'), '1.5');
  assert.equal(keyValue(dec, '2.000'), '2');
  assert.equal(keyValue(dec, '-0.000'), '0');
  assert.equal(keyValue(bin, Buffer.from([0, 255])), '00ff');
  assert.deepEqual(keyParam(bin, '00ff'), Buffer.from([0, 255]));
  assert.equal(keyValue(ts, '2024-01-02 03:04:05.120000'), '2024-01-02 03:04:05.12');
  assert.equal(keyValue(ts, '2024-01-02 03:04:05.000000'), '2024-01-02 03:04:05');
  assert.equal(keyValue(ts, '2024-01-02'), '2024-01-02');
  // text keys are kept exactly: "1.50" is not "1.5"
  assert.equal(keyValue(name, '1.50'), '1.50');
  assert.deepEqual(rowKey([id, name], { id: 3, 'na`me': 'b', v: 1 }), [3, 'b']);
  assert.equal(rowKey([id, name], { id: 3 }), null);
});
