/**
 * Event shapes against the real stack: updates and deletes under REPLICA
 * IDENTITY DEFAULT and FULL, tombstones, primary-key changes, unchanged TOAST
 * placeholders, truncates (skipped by default), transaction metadata, filters
 * across schemas, excluded columns.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { stackEnv, SKIP_REASON } from '../helpers/stack-env.ts';
import { PgFixture } from '../helpers/pg-fixture.ts';
import { Daemon, writeConfig } from '../helpers/daemon.ts';
import { readUntil, waitForTopics, type ReadRecord } from '../helpers/kafka-reader.ts';

const env = stackEnv();
let db: PgFixture;

before(async () => {
  if (!env) return;
  db = await PgFixture.create(env, 'events');
  await db.query(`
    CREATE SCHEMA inv;
    CREATE TABLE public.items (id int PRIMARY KEY, name text NOT NULL, qty int NOT NULL DEFAULT 7, big text, secret text);
    CREATE TABLE public.full_items (id int PRIMARY KEY, name text, big text);
    ALTER TABLE public.full_items REPLICA IDENTITY FULL;
    CREATE TABLE inv.stock (sku text PRIMARY KEY, n int);
    CREATE TABLE public.ignored (id int PRIMARY KEY);
  `);
});

after(async () => { if (db) await db.drop(); });

const op = (r: ReadRecord) => (r.value as { op?: string } | null)?.op ?? (r.rawValue === null ? 'tombstone' : '?');
const val = (r: ReadRecord) => r.value as { before: Record<string, unknown> | null; after: Record<string, unknown> | null; transaction: { id: string; total_order: bigint; data_collection_order: bigint } | null; source: Record<string, unknown> };

test('updates, deletes, identity, tombstones, key changes, TOAST, truncate, transaction metadata, filters', { skip: env ? false : SKIP_REASON, timeout: 180_000 }, async () => {
  const name = `ev_${db.database.slice(-8)}`;
  const daemon = new Daemon(writeConfig({
    env: env!, name, database: db.database,
    connector: {
      'table.include.list': 'public\\.items,public\\.full_items,inv\\..*',
      'column.exclude.list': 'public\\.items\\.secret',
      'provide.transaction.metadata': true,
      'snapshot.mode': 'no_data',
    },
  }), env!).start();
  try {
    await daemon.withLog(async () => {
      await daemon.waitForStreaming();
      const big = 'x'.repeat(300_000); // compressed + out of line: TOASTed
      await db.query(`BEGIN;
        INSERT INTO items VALUES (1, 'one', 1, $$${big}$$, 's1'), (2, 'two', 2, NULL, 's2');
        INSERT INTO inv.stock VALUES ('A', 1);
        INSERT INTO ignored VALUES (1);
        COMMIT;`);
      await db.query(`UPDATE items SET qty = 10 WHERE id = 1`); // big unchanged: TOAST placeholder
      await db.query(`DELETE FROM items WHERE id = 2`);
      await db.query(`UPDATE items SET id = 100 WHERE id = 1`); // key change
      await db.query(`INSERT INTO full_items VALUES (1, 'f', 'small')`);
      await db.query(`UPDATE full_items SET name = 'g' WHERE id = 1`);
      await db.query(`DELETE FROM full_items WHERE id = 1`);
      await db.query(`TRUNCATE inv.stock`);
      await db.query(`INSERT INTO inv.stock VALUES ('B', 2)`);

      const topics = [`${name}.public.items`, `${name}.public.full_items`, `${name}.inv.stock`, `${name}.transaction`];
      await waitForTopics(env!, topics);
      // Topics are consumed in parallel: wait for the full expected count on each.
      const want: Record<string, number> = { [topics[0]!]: 8, [topics[1]!]: 4, [topics[2]!]: 2, [topics[3]!]: 16 };
      const all = await readUntil(env!, topics, (rs) => Object.entries(want).every(([t, n]) => rs.filter((r) => r.topic === t).length >= n), 60_000);
      const items = all.filter((r) => r.topic === `${name}.public.items`);
      assert.deepEqual(items.map(op), ['c', 'c', 'u', 'd', 'tombstone', 'd', 'tombstone', 'c']);

      // insert: excluded column absent from the row schema and value
      assert.equal('secret' in val(items[0]!).after!, false);
      assert.equal(val(items[0]!).after!.big, big);
      // update under DEFAULT identity: before is null; TOASTed unchanged column is the placeholder
      assert.equal(val(items[2]!).before, null);
      assert.equal(val(items[2]!).after!.qty, 10);
      assert.equal(val(items[2]!).after!.big, '__debezium_unavailable_value');
      // delete under DEFAULT identity: key filled, required non-key from default/zero, nullable null
      assert.deepEqual(val(items[3]!).before, { id: 2, name: '', qty: 7, big: null });
      assert.deepEqual(items[4]!.key, { id: 2 });
      // key change: delete(old) + tombstone + create(new) with the key headers
      assert.deepEqual(items[5]!.key, { id: 1 });
      assert.equal(items[5]!.headers['__debezium.newkey'], '{"id":100}');
      assert.deepEqual(items[7]!.key, { id: 100 });
      assert.equal(items[7]!.headers['__debezium.oldkey'], '{"id":1}');

      const full = all.filter((r) => r.topic === `${name}.public.full_items`);
      assert.deepEqual(full.map(op), ['c', 'u', 'd', 'tombstone']);
      assert.deepEqual(val(full[1]!).before, { id: 1, name: 'f', big: 'small' }, 'FULL identity gives the whole old row');
      assert.deepEqual(val(full[2]!).before, { id: 1, name: 'g', big: 'small' });

      // truncate is skipped by default (skipped.operations=t)
      const stock = all.filter((r) => r.topic === `${name}.inv.stock`);
      assert.deepEqual(stock.map(op), ['c', 'c']);
      assert.equal(all.some((r) => r.topic.includes('ignored')), false);

      // transaction metadata: BEGIN/END around each transaction, counts per table, blocks in events
      const tx = all.filter((r) => r.topic === `${name}.transaction`).map((r) => r.value as { status: string; id: string; event_count: bigint | null; data_collections: { data_collection: string; event_count: bigint }[] | null });
      const first = tx[0]!;
      assert.equal(first.status, 'BEGIN');
      // END's id carries the COMMIT message's LSN, so the transactions are matched by xid
      const end = tx.find((t) => t.status === 'END' && t.id.split(':')[0] === first.id.split(':')[0])!;
      assert.notEqual(end.id, first.id);
      assert.equal(end.event_count, 3n);
      assert.deepEqual(end.data_collections!.map((d) => [d.data_collection, d.event_count]).sort(), [['inv.stock', 1n], ['public.items', 2n]]);
      // Debezium's ids are "<xid>:<LSN>" at each record: the first event shares BEGIN's, later ones have their own LSN
      assert.equal(val(items[0]!).transaction!.id, first.id);
      assert.equal(val(items[1]!).transaction!.id.split(':')[0], first.id.split(':')[0]);
      assert.equal(val(items[1]!).transaction!.total_order, 2n);
      assert.equal(val(items[1]!).transaction!.data_collection_order, 2n);
      assert.match(first.id, /^\d+:\d+$/);
      // source block
      const src = val(items[0]!).source;
      assert.equal(src.connector, 'postgresql');
      assert.equal(src.db, db.database);
      assert.equal(src.schema, 'public');
      assert.equal(src.table, 'items');
      assert.equal(src.snapshot, 'false');
      assert.equal(typeof src.lsn, 'bigint');
    });
  } finally {
    await daemon.stop();
  }
});

test('truncate events when skipped.operations=none', { skip: env ? false : SKIP_REASON, timeout: 120_000 }, async () => {
  const name = `tr_${db.database.slice(-8)}`;
  await db.query(`CREATE TABLE public.trunc_me (id int PRIMARY KEY)`);
  const daemon = new Daemon(writeConfig({ env: env!, name, database: db.database, connector: { 'table.include.list': 'public\\.trunc_me', 'skipped.operations': 'none', 'snapshot.mode': 'no_data' } }), env!).start();
  try {
    await daemon.withLog(async () => {
      await daemon.waitForStreaming();
      await db.query(`INSERT INTO trunc_me VALUES (1)`);
      await db.query(`TRUNCATE trunc_me`);
      const topic = `${name}.public.trunc_me`;
      const rs = await readUntil(env!, await waitForTopics(env!, [topic]), (r) => r.length >= 2, 60_000);
      assert.deepEqual(rs.map(op), ['c', 't']);
      assert.equal(rs[1]!.key, null);
      assert.equal(val(rs[1]!).before, null);
      assert.equal(val(rs[1]!).after, null);
    });
  } finally {
    await daemon.stop();
  }
});
