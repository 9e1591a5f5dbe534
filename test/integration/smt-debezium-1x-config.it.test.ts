/**
 * Issue 9 §4, first bullet: a Debezium-1.x-era production config runs unchanged except for
 * hosts and secrets (1.x names database.server.name with a hyphen, heartbeat.topics.prefix,
 * RegexRouter to cdc.<table>, ExtractNewRecordState with drop.tombstones=false and
 * delete.handling.mode=rewrite, Avro converters, 1.x tuning and error properties). A reader
 * that decodes Avro with the registry's schemas (@kafkajs/confluent-schema-registry, not the
 * daemon's code) must see cdc.orders, cdc.order_items and cdc.payments carrying flat rows
 * with __op, __source_ts_ms, __source_db and __deleted, deletes as rewrite mode emits them
 * (old row + __deleted "true", then a tombstone), every change exactly once across a SIGKILL
 * in the middle of the load.
 *
 * Note: add.fields=source.db names its field __source_db (Debezium's FieldReference:
 * prefix + struct + "_" + field for a qualified name); the "__db" is what the
 * unqualified entry db would give.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import pg from 'pg';
import { stackEnv, SKIP_REASON } from '../helpers/stack-env.ts';
import { PgFixture } from '../helpers/pg-fixture.ts';
import { Daemon, writeConfig } from '../helpers/daemon.ts';
import { kafkaFor, readUntil, waitForTopics, type ReadRecord } from '../helpers/kafka-reader.ts';

const env = stackEnv();
let db: PgFixture;
const TOPICS = ['cdc.orders', 'cdc.order_items', 'cdc.payments'];
const PRE_EXISTING = 20;
/** Rounds after the restart (the first run does as many as it can before the kill). */
const ROUNDS = 120;

before(async () => {
  if (!env) return;
  db = await PgFixture.create(env, 'smt1x');
  await db.query(`CREATE TABLE orders (id int PRIMARY KEY, customer text NOT NULL, ver int NOT NULL);
    CREATE TABLE order_items (id int PRIMARY KEY, order_id int NOT NULL, sku text NOT NULL, ver int NOT NULL);
    CREATE TABLE payments (id int PRIMARY KEY, order_id int NOT NULL, amount numeric(10,2) NOT NULL, ver int NOT NULL);
    CREATE TABLE unrelated (id int PRIMARY KEY);
    INSERT INTO orders SELECT g, 'c' || g, 0 FROM generate_series(1, ${PRE_EXISTING}) g;`);
  // The cdc.* names are fixed by the config under test: start from empty topics.
  const admin = kafkaFor(env).admin();
  await admin.connect();
  try {
    const existing = (await admin.listTopics()).filter((t) => TOPICS.includes(t));
    if (existing.length > 0) await admin.deleteTopics({ topics: existing });
  } finally {
    await admin.disconnect();
  }
});

after(async () => { if (db) await db.drop(); });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One expected event: table, id, and ver for c/u/r, or 'd' for a delete. */
type Expected = string;
const ev = (table: string, id: number, what: number | 'd', op: string) => `${table}:${id}:${what}:${op}`;

test('a Debezium 1.x production config runs unchanged: flat Avro rows on cdc.*, rewrite deletes, exactly once across SIGKILL', { skip: env ? false : SKIP_REASON, timeout: 600_000 }, async () => {
  const name = `smt1x_${db.database.slice(-8)}`;
  const file = writeConfig({
    env: env!, name, database: db.database, connector: {
      'database.server.name': 'orders-db',
      // No schema.name.adjustment.mode: a config that names database.server.name gets Debezium 1.x's
      // default (avro), so the record name orders-db.public.orders.Key becomes orders_db... (a registry
      // on Java Avro 1.12 refuses the hyphen).
      'heartbeat.interval.ms': 1000,
      'heartbeat.topics.prefix': `hb-${name}`,
      'table.include.list': 'public.orders,public.order_items,public.payments',
      'tasks.max': 1,
      'max.batch.size': 512,
      'max.queue.size': 2048,
      'poll.interval.ms': 200,
      'key.converter': 'io.confluent.connect.avro.AvroConverter',
      'key.converter.schema.registry.url': env!.registry,
      'value.converter': 'io.confluent.connect.avro.AvroConverter',
      'value.converter.schema.registry.url': env!.registry,
      'errors.tolerance': 'none',
      'errors.log.enable': true,
      'errors.log.include.messages': true,
      transforms: 'route,unwrap',
      'transforms.route.type': 'org.apache.kafka.connect.transforms.RegexRouter',
      'transforms.route.regex': '([^.]+)\\.([^.]+)\\.([^.]+)',
      'transforms.route.replacement': 'cdc.$3',
      'transforms.unwrap.type': 'io.debezium.transforms.ExtractNewRecordState',
      'transforms.unwrap.drop.tombstones': false,
      'transforms.unwrap.delete.handling.mode': 'rewrite',
      'transforms.unwrap.add.fields': 'op,source.ts_ms,source.db',
    },
  });
  // The config under test names the server with database.server.name only (1.x): no topic.prefix.
  const cfg = JSON.parse(readFileSync(file, 'utf8')) as { connectors: { config: Record<string, unknown> }[] };
  delete cfg.connectors[0]!.config['topic.prefix'];
  writeFileSync(file, JSON.stringify(cfg, null, 2));

  const expected: Expected[] = [];
  for (let i = 1; i <= PRE_EXISTING; i++) expected.push(ev('orders', i, 0, 'r'));
  const client = new pg.Client({ ...env!.pg, database: db.database });
  await client.connect();

  let stopLoad = false;
  let rounds = 0;
  /** Each round is one source transaction touching the three tables; its events are expected once it committed. */
  async function round(i: number): Promise<void> {
    const id = PRE_EXISTING + i;
    const events: Expected[] = [ev('orders', id, 0, 'c'), ev('order_items', id, 0, 'c'), ev('payments', id, 0, 'c')];
    let sql = `BEGIN; INSERT INTO orders VALUES (${id}, 'c${id}', 0); INSERT INTO order_items VALUES (${id}, ${id}, 'sku${id}', 0);
      INSERT INTO payments VALUES (${id}, ${id}, ${i}.25, 0);`;
    if (i % 3 === 0) { sql += `UPDATE orders SET ver = 1 WHERE id = ${id};`; events.push(ev('orders', id, 1, 'u')); }
    if (i % 4 === 0) { sql += `UPDATE order_items SET ver = 1, sku = 'x' WHERE id = ${id};`; events.push(ev('order_items', id, 1, 'u')); }
    if (i % 5 === 0) { sql += `DELETE FROM payments WHERE id = ${id};`; events.push(ev('payments', id, 'd', 'd')); }
    if (i % 7 === 0 && i <= PRE_EXISTING) { sql += `DELETE FROM orders WHERE id = ${i};`; events.push(ev('orders', i, 'd', 'd')); }
    sql += 'INSERT INTO unrelated VALUES (' + id + '); COMMIT;';
    await client.query(sql);
    expected.push(...events);
  }

  let daemon = new Daemon(file, env!).start();
  try {
    await daemon.withLog(async () => {
      await daemon.waitForLog(/replication stream started/, 180_000);
      assert.match(daemon.output, /record names are adjusted for Avro \(avro\), as Debezium 1\.x did by default/, 'the 1.x default is announced');
      // The load runs until the kill; the kill comes once the daemon is visibly delivering it.
      const load = (async () => { while (!stopLoad) { rounds++; await round(rounds); } })();
      await readUntil(env!, await waitForTopics(env!, ['cdc.payments'], 120_000), (rs) => rs.length >= 20, 180_000);
      const before = rounds;
      await daemon.kill('SIGKILL');
      // The load goes on after the kill (changes the daemon never saw are read after the restart).
      for (const t0 = Date.now(); rounds === before && Date.now() - t0 < 60_000;) await sleep(20);
      stopLoad = true;
      await load;
      assert.ok(rounds > before, 'the load was still running when the daemon was killed');
    });
    stopLoad = false;
    daemon = new Daemon(file, env!).start();
    await daemon.withLog(async () => {
      for (const end = rounds + ROUNDS; rounds < end;) { rounds++; await round(rounds); }
      const topics = await waitForTopics(env!, TOPICS, 120_000);
      const data = (rs: ReadRecord[]) => rs.filter((r) => r.value !== null);
      const eventOf = (r: ReadRecord) => {
        const v = r.value as Record<string, unknown>;
        const table = r.topic.slice('cdc.'.length);
        return v['__deleted'] === 'true' ? ev(table, Number(v['id']), 'd', String(v['__op'])) : ev(table, Number(v['id']), Number(v['ver']), String(v['__op']));
      };
      // The chunked initial snapshot runs beside the stream (docs/snapshots.md): a pre-existing row deleted
      // before its chunk was read has no read, and a row the load inserted may be read too, with the state
      // its transaction left (rows here never change after it). So: every change exactly once; every
      // pre-existing row still there read once; any other read is of a row's final state or of a
      // pre-existing row's original one, and none twice.
      const isRead = (e: Expected) => e.endsWith(':r');
      const finalRows = new Set<Expected>();
      for (const t of ['orders', 'order_items', 'payments']) {
        for (const row of (await db.query(`SELECT id, ver FROM ${t}`)).rows as { id: number; ver: number }[]) finalRows.add(ev(t, row.id, row.ver, 'r'));
      }
      const changes = expected.filter((e) => !isRead(e));
      const requiredReads = expected.filter((e) => isRead(e) && finalRows.has(e));
      const allowedReads = new Set([...finalRows, ...expected.filter(isRead)]);
      const records = await readUntil(env!, topics, (rs) => {
        const got = new Set(data(rs).map(eventOf));
        return changes.every((e) => got.has(e)) && requiredReads.every((e) => got.has(e));
      }, 300_000);

      const seen = data(records).map(eventOf);
      const counts = new Map<string, number>();
      for (const e of seen) counts.set(e, (counts.get(e) ?? 0) + 1);
      const dups = [...counts].filter(([, n]) => n > 1).map(([k]) => k);
      const missing = [...changes, ...requiredReads].filter((e) => !counts.has(e));
      const unexpected = [...counts.keys()].filter((k) => (isRead(k) ? !allowedReads.has(k) : !changes.includes(k)));
      assert.deepEqual({ dups, missing, unexpected }, { dups: [], missing: [], unexpected: [] });

      // Flat rows with the added fields; deletes as rewrite mode emits them, followed by their tombstone.
      const upd = data(records).find((r) => r.topic === 'cdc.orders' && (r.value as Record<string, unknown>)['__op'] === 'u')!;
      const v = upd.value as Record<string, unknown>;
      assert.deepEqual(Object.keys(v), ['id', 'customer', 'ver', '__deleted', '__op', '__source_ts_ms', '__source_db']);
      assert.equal(v['__deleted'], 'false');
      assert.equal(v['__source_db'], db.database);
      assert.equal(typeof v['__source_ts_ms'], 'bigint');
      assert.deepEqual(upd.key, { id: v['id'] });
      const deletes = records.filter((r) => r.topic === 'cdc.payments' && r.value !== null && (r.value as Record<string, unknown>)['__deleted'] === 'true');
      assert.ok(deletes.length > 0);
      for (const d of deletes) {
        assert.equal((d.value as Record<string, unknown>)['__op'], 'd');
        const next = records.find((r) => r.topic === d.topic && r.partition === d.partition && BigInt(r.offset) === BigInt(d.offset) + 1n);
        assert.ok(next && next.value === null && next.rawValue === null, 'a tombstone follows each rewritten delete (drop.tombstones=false)');
        assert.deepEqual(next.key, d.key);
      }

      // The registry holds what Connect + AvroConverter register for the unwrapped rows.
      const res = await fetch(`${env!.registry}/subjects/cdc.orders-value/versions/latest`);
      const schema = JSON.parse(((await res.json()) as { schema: string }).schema) as { type: string; name: string; fields: { name: string; type: unknown }[] };
      assert.equal(schema.type, 'record');
      const types = Object.fromEntries(schema.fields.map((f) => [f.name, f.type]));
      assert.deepEqual(types['__deleted'], ['null', 'string']);
      assert.deepEqual(types['__op'], ['null', 'string']);
      assert.deepEqual(types['__source_ts_ms'], ['null', 'long']);
      assert.ok(!TOPICS.some((t) => t.includes('orders-db')), 'no orders-db.* data topic is written');
    });
  } finally {
    stopLoad = true;
    await daemon.stop();
    await client.end();
  }
});
