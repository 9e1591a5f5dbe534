import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JsonMap } from '../../src/events/record.ts';
import { InMemoryInternalTopics } from '../../test/doubles/in-memory-internal-topics.ts';
import { ORDERS, ORDERS_ALTERED } from '../../test/helpers/mysql-tables.ts';
import { parseDdl, type DdlChange, type TableName } from './ddl-parse.ts';
import { encodeMySqlPosition, positionAfter, positionInTransaction } from './offsets.ts';
import {
  decodeHistoryRecord, encodeHistoryRecord, historyTableChanges, historyTopicSpec, HistoryReplay, snapshotHistoryEntry, tablesToRead, type TableAfter,
} from './schema-history.ts';
import type { MySqlTable } from './table-schema.ts';

const TOPIC = 'schema-history.shop';
const SERVER = 'shop';

/** The offset after a DDL at `pos` of mariadb-bin.000002 with GTID 0-1-<seq>. */
const after = (pos: number, seq: number) => encodeMySqlPosition(positionAfter({ file: 'mariadb-bin.000002', nextPos: pos, gtidsAfter: `0-1-${seq}`, timestampMs: 1_700_000_000_000 + seq }, 1));

function changes(sql: string): readonly DdlChange[] {
  const p = parseDdl(sql, 'shop');
  assert.equal(p.kind, 'changes');
  return (p as { changes: readonly DdlChange[] }).changes;
}

function record(sql: string, pos: number, seq: number, defs: Record<string, MySqlTable | null>, tablesOfDb: (db: string) => TableName[] = () => []) {
  const read = (t: TableName): TableAfter | null => {
    const d = defs[`${t.db}.${t.table}`];
    return d ? { table: d, options: { defaultCharsetName: 'utf8mb4', comment: null } } : null;
  };
  return encodeHistoryRecord(TOPIC, {
    server: SERVER, position: after(pos, seq), tsMs: 1_700_000_000_500, databaseName: 'shop', ddl: sql,
    tableChanges: historyTableChanges(changes(sql), read, tablesOfDb),
  });
}

test('the history topic: one partition, delete policy, unlimited retention as Debezium creates it', () => {
  assert.deepEqual(historyTopicSpec(TOPIC), { name: TOPIC, cleanupPolicy: 'delete', partitions: 1, configs: { 'retention.ms': '9223372036854775807', 'retention.bytes': '-1' } });
});

test('a record has Debezium\'s HistoryRecord shape: key null, value JSON in field order', () => {
  const r = record('CREATE TABLE orders (id BIGINT UNSIGNED PRIMARY KEY)', 1000, 100, { 'shop.orders': ORDERS });
  assert.deepEqual([r.topic, r.partition, r.key], [TOPIC, 0, null]);
  const v = JSON.parse(r.value as string);
  assert.deepEqual(Object.keys(v), ['source', 'position', 'ts_ms', 'databaseName', 'ddl', 'tableChanges']);
  assert.deepEqual(v.source, { server: 'shop' });
  assert.deepEqual([v.position.file, v.position.pos, v.position.gtids], ['mariadb-bin.000002', 1000, '0-1-100']);
  assert.deepEqual([v.tableChanges[0].type, v.tableChanges[0].id], ['CREATE', '"shop"."orders"']);
  assert.equal(v.tableChanges[0].table.columns[0].typeName, 'BIGINT UNSIGNED');
  const d = decodeHistoryRecord(r.value, 'here');
  assert.deepEqual([d.databaseName, d.schemaName, d.ddl, d.tsMs], ['shop', null, 'CREATE TABLE orders (id BIGINT UNSIGNED PRIMARY KEY)', 1_700_000_000_500]);
});

test('recovery: definitions as of an offset before and after an ALTER, through the internal topic', async () => {
  const topics = new InMemoryInternalTopics();
  const topic = await topics.declare(historyTopicSpec(TOPIC));
  topics.commit([record('CREATE TABLE orders (...)', 1000, 100, { 'shop.orders': ORDERS })]);
  topics.commit([record('ALTER TABLE orders ADD COLUMN extra INT NOT NULL DEFAULT 7', 2000, 101, { 'shop.orders': ORDERS_ALTERED })]);
  const replayAt = async (desired: JsonMap | null) => {
    const r = new HistoryReplay(SERVER, desired);
    await topic.readAll((rec) => r.apply(rec.value, `${TOPIC}@${rec.offset}`));
    return r;
  };
  // resumed between the CREATE and the ALTER (a row transaction in progress after the CREATE)
  const before = await replayAt(encodeMySqlPosition(positionInTransaction({ file: 'mariadb-bin.000002', pos: 1500, gtid: '0-1-101', gtidsBefore: '0-1-100', timestampMs: 0 }, 1, 1, 3)));
  assert.deepEqual(before.table('shop', 'orders'), ORDERS);
  assert.deepEqual(before.counts, { applied: 1, later: 1, otherServer: 0 });
  // resumed exactly at the offset committed with the ALTER
  const at = await replayAt(after(2000, 101));
  assert.deepEqual(at.table('shop', 'orders'), ORDERS_ALTERED);
  // later, and on first start (no offset): everything applies
  assert.deepEqual((await replayAt(after(5000, 150))).table('shop', 'orders'), ORDERS_ALTERED);
  assert.deepEqual((await replayAt(null)).counts.applied, 2);
  // before everything: nothing known
  assert.equal((await replayAt(after(500, 99))).table('shop', 'orders'), undefined);
});

test('recovery: renames move the definition, drops and DROP DATABASE remove it, other servers are skipped', () => {
  const r = new HistoryReplay(SERVER, null);
  const ORDERS2 = { ...ORDERS, name: 'orders2' };
  r.apply(record('CREATE TABLE orders (...)', 1000, 100, { 'shop.orders': ORDERS }).value, 'h');
  r.apply(record('CREATE TABLE items (...)', 1100, 101, { 'shop.items': { ...ORDERS, name: 'items' } }).value, 'h');
  r.apply(record('RENAME TABLE orders TO orders2', 1200, 102, { 'shop.orders2': ORDERS2 }).value, 'h');
  assert.equal(r.table('shop', 'orders'), undefined);
  assert.deepEqual(r.table('shop', 'orders2'), ORDERS2);
  const renameValue = JSON.parse(record('RENAME TABLE orders TO orders2', 1200, 102, { 'shop.orders2': ORDERS2 }).value as string);
  assert.deepEqual([renameValue.tableChanges[0].type, renameValue.tableChanges[0].id, renameValue.tableChanges[0].previousId], ['ALTER', '"shop"."orders2"', '"shop"."orders"']);
  r.apply(record('DROP TABLE orders2', 1300, 103, {}).value, 'h');
  assert.equal(r.table('shop', 'orders2'), undefined);
  r.apply(record('DROP DATABASE shop', 1400, 104, {}, () => [{ db: 'shop', table: 'items' }]).value, 'h');
  assert.equal(r.tables.size, 0);
  r.apply(JSON.stringify({ source: { server: 'other' }, position: { file: 'x.000001', pos: 4 }, tableChanges: [] }), 'h');
  assert.deepEqual(r.counts, { applied: 5, later: 0, otherServer: 1 });
});

test('a CREATE whose table is gone again when read is recorded without a definition, and forgets an older one', () => {
  const r = new HistoryReplay(SERVER, null);
  r.apply(record('CREATE TABLE orders (...)', 1000, 100, { 'shop.orders': ORDERS }).value, 'h');
  const rec = record('CREATE OR REPLACE TABLE orders (x INT)', 1100, 101, {});
  assert.deepEqual(JSON.parse(rec.value as string).tableChanges, [{ type: 'CREATE', id: '"shop"."orders"' }]);
  r.apply(rec.value, 'h');
  assert.equal(r.table('shop', 'orders'), undefined);
});

test('tablesToRead: created, altered and renamed-to tables once each; TRUNCATE and CREATE DATABASE change no definition', () => {
  assert.deepEqual(tablesToRead(changes('RENAME TABLE a TO b, b TO c')), [{ db: 'shop', table: 'b' }, { db: 'shop', table: 'c' }]);
  assert.deepEqual(tablesToRead(changes('DROP TABLE a, b')), []);
  assert.deepEqual(historyTableChanges(changes('TRUNCATE orders'), () => null, () => []), []);
  assert.deepEqual(historyTableChanges(changes('CREATE DATABASE x'), () => null, () => []), []);
});

test('damaged records are refused with what, where and how to fix', () => {
  const bad: Array<[string | null, RegExp]> = [
    [null, /no value/], ['{not json', /not JSON/], ['[1]', /not a JSON object/], ['{"position":{}}', /source.server/],
    ['{"source":{"server":"s"}}', /position is missing/], ['{"source":{"server":"s"},"position":{},"tableChanges":{}}', /not an array/],
    ['{"source":{"server":"s"},"position":{},"tableChanges":[{"type":"MERGE","id":"\\"a\\".\\"b\\""}]}', /CREATE\|ALTER\|DROP/],
    ['{"source":{"server":"s"},"position":{},"tableChanges":[{"type":"DROP","id":"a.b.c"}]}', /is not "database"."table"/],
  ];
  for (const [v, re] of bad) {
    assert.throws(() => decodeHistoryRecord(v, 'topic h, offset 7'), (e: Error & { code?: string; where?: string }) => {
      assert.equal(e.code, 'CDC_MYSQL_HISTORY_RECORD_INVALID');
      assert.match(e.message, re);
      assert.equal(e.where, 'topic h, offset 7');
      return true;
    }, String(v));
  }
});

test('a snapshot seeds each table with a CREATE at the snapshot position; DDL after it replays on top', () => {
  const seed = encodeHistoryRecord(TOPIC, snapshotHistoryEntry(SERVER, after(800, 99), 1, ORDERS, null, 'CREATE TABLE `orders` (...)'));
  const v = JSON.parse(seed.value as string);
  assert.deepEqual([v.databaseName, v.ddl, v.tableChanges[0].type, v.tableChanges[0].id], ['shop', 'CREATE TABLE `orders` (...)', 'CREATE', '"shop"."orders"']);
  const r = new HistoryReplay(SERVER, after(2000, 101));
  r.apply(seed.value, 'h');
  r.apply(record('ALTER TABLE orders ADD COLUMN extra INT NOT NULL DEFAULT 7', 2000, 101, { 'shop.orders': ORDERS_ALTERED }).value, 'h');
  assert.deepEqual(r.table('shop', 'orders'), ORDERS_ALTERED);
});
