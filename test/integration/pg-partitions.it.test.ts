/**
 * Partitioned tables against the real PostgreSQL and Kafka: range and list partitioning,
 * a sub-partitioned (multi-level) table, the snapshot reading each row once, streamed changes
 * of every partition on the root table's topic (publish.via.partition.root=true, the default),
 * the include list naming the root, ATTACH / DETACH PARTITION while a writer inserts, an
 * existing publication without publish_via_partition_root refused with its fix (and WAL written
 * before the fix still reaching the root topic), a partition named in table.include.list refused,
 * and publish.via.partition.root=false giving each partition its own topic, as in Debezium.
 * Each test has its own database, connector name, slot and topics.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import pg from 'pg';
import { stackEnv, SKIP_REASON, type StackEnv } from '../helpers/stack-env.ts';
import { PgFixture } from '../helpers/pg-fixture.ts';
import { Daemon, writeConfig } from '../helpers/daemon.ts';
import { readToEnd, readUntil, topicsWithPrefix, waitForTopics, type ReadRecord } from '../helpers/kafka-reader.ts';

const env = stackEnv();
const skip = env ? false : SKIP_REASON;
const ROOT = new URL('../../', import.meta.url).pathname;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Connector = Readonly<Record<string, string | number | boolean>>;

async function withDb<T>(prefix: string, fn: (db: PgFixture, name: string) => Promise<T>): Promise<T> {
  const db = await PgFixture.create(env!, prefix);
  try {
    return await fn(db, `${prefix}_${db.database.slice(-8)}`);
  } finally {
    await db.drop();
  }
}

function daemonFor(e: StackEnv, db: PgFixture, name: string, connector: Connector): Daemon {
  return new Daemon(writeConfig({ env: e, name, database: db.database, connector }), e);
}

function validate(db: PgFixture, name: string, connector: Connector, command: 'validate' | 'migrate' = 'validate'): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, ['bin/cdc.mjs', command, '--config', writeConfig({ env: env!, name, database: db.database, connector })], {
    cwd: ROOT, encoding: 'utf8', timeout: 90_000, env: { ...process.env, CDC_TEST_PGPASSWORD: env!.pg.password },
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

const op = (r: ReadRecord) => (r.value as { op?: string } | null)?.op ?? (r.rawValue === null ? 'tombstone' : '?');
const after = (r: ReadRecord) => (r.value as { after: Record<string, unknown> | null }).after;
const source = (r: ReadRecord) => (r.value as { source: Record<string, unknown> }).source;
const ids = (rs: readonly ReadRecord[], o: string) => rs.filter((r) => op(r) === o).map((r) => Number((r.key as { id: number }).id)).sort((a, b) => a - b);

/** orders: RANGE by id, its second range sub-partitioned by LIST (region); events: LIST by kind. */
const SCHEMA = `
  CREATE TABLE orders (id int NOT NULL, region text NOT NULL, amount int, PRIMARY KEY (id, region)) PARTITION BY RANGE (id);
  CREATE TABLE orders_p1 PARTITION OF orders FOR VALUES FROM (1) TO (1000);
  CREATE TABLE orders_p2 PARTITION OF orders FOR VALUES FROM (1000) TO (2000) PARTITION BY LIST (region);
  CREATE TABLE orders_p2_eu PARTITION OF orders_p2 FOR VALUES IN ('eu');
  CREATE TABLE orders_p2_us PARTITION OF orders_p2 FOR VALUES IN ('us');
  CREATE TABLE events (id int NOT NULL, kind text NOT NULL, note text, PRIMARY KEY (id, kind)) PARTITION BY LIST (kind);
  CREATE TABLE events_a PARTITION OF events FOR VALUES IN ('a');
  CREATE TABLE events_b PARTITION OF events FOR VALUES IN ('b');
  CREATE TABLE plain (id int PRIMARY KEY);
  INSERT INTO orders VALUES (1, 'eu', 10), (2, 'us', 20), (3, 'eu', 30), (1001, 'eu', 40), (1002, 'us', 50), (1003, 'us', 60);
  INSERT INTO events VALUES (1, 'a', 'x'), (2, 'b', 'y'), (3, 'b', 'z');
  INSERT INTO plain VALUES (1);`;

test('range, list and sub-partitioned tables: each row once in the snapshot, every partition\'s changes on the root topic',
  { skip, timeout: 180_000 }, async () => {
    await withDb('pt_root', async (db, name) => {
      await db.query(SCHEMA);
      // Patterns matching the partitions too: the root is captured once. filtered: the publication
      // lists the roots, created WITH publish_via_partition_root.
      const daemon = daemonFor(env!, db, name, { 'table.include.list': 'public\\.orders.*,public\\.events.*', 'publication.autocreate.mode': 'filtered' }).start();
      try {
        await daemon.withLog(async () => {
          await daemon.waitForLog(/initial snapshot complete/, 90_000);
          const pub = await db.query(`SELECT pubviaroot::text AS via FROM pg_publication WHERE pubname = $1`, [`pub_${name}`]);
          assert.equal(pub.rows[0]?.via, 'true', 'the publication the connector created is via partition root');
          // Streamed: inserts into three different leaves (two levels), an update, a delete, a write straight into a partition.
          await db.query(`INSERT INTO orders VALUES (4, 'us', 70), (1004, 'eu', 80), (1005, 'us', 90)`);
          await db.query(`UPDATE orders SET amount = 41 WHERE id = 1001`);
          await db.query(`DELETE FROM orders WHERE id = 2`);
          await db.query(`INSERT INTO orders_p2_us VALUES (1006, 'us', 100)`);
          await db.query(`INSERT INTO events VALUES (4, 'a', 'w'), (5, 'b', 'v')`);
          const orders = `${name}.public.orders`, events = `${name}.public.events`;
          await waitForTopics(env!, [orders, events]);
          await readUntil(env!, [orders], (r) => r.filter((x) => op(x) === 'c').length >= 4 && r.some((x) => op(x) === 'd'), 60_000);
          const ev = await readUntil(env!, [events], (r) => r.filter((x) => op(x) === 'c').length >= 2, 60_000);
          await sleep(1000);
          const all = await readToEnd(env!, [orders]);
          assert.deepEqual(ids(all, 'r'), [1, 2, 3, 1001, 1002, 1003], 'the snapshot reads each row once, through the root');
          assert.deepEqual(ids(all, 'c'), [4, 1004, 1005, 1006], 'inserts into every leaf, and into a partition directly, arrive on the root topic');
          assert.deepEqual(ids(all, 'u'), [1001]);
          assert.deepEqual(ids(all, 'd'), [2]);
          assert.ok(all.every((r) => op(r) === 'tombstone' || source(r).table === 'orders'), 'source.table is the root');
          assert.deepEqual(after(all.find((r) => op(r) === 'u')!), { id: 1001, region: 'eu', amount: 41 });
          assert.deepEqual(ids(await readToEnd(env!, [events]), 'r'), [1, 2, 3]);
          assert.deepEqual(ids(ev, 'c'), [4, 5]);
          const topics = await topicsWithPrefix(env!, `${name}.`);
          assert.deepEqual(topics.sort(), [events, orders].sort(), 'no topic for any partition (nor the table outside the include list)');
          assert.doesNotMatch(daemon.output, /changes of a partition arrive under its own name/, 'changes came through the root, not the fallback');
        });
      } finally {
        await daemon.stop();
      }
    });
  });

test('ATTACH and DETACH PARTITION while a writer inserts: every row written through the root arrives once, nothing else',
  { skip, timeout: 240_000 }, async () => {
    await withDb('pt_attach', async (db, name) => {
      await db.query(`CREATE TABLE m (id int PRIMARY KEY, v text) PARTITION BY RANGE (id);
        CREATE TABLE m1 PARTITION OF m FOR VALUES FROM (0) TO (100000);
        INSERT INTO m SELECT g, 'snap' FROM generate_series(1, 20) g;
        CREATE TABLE m2 (id int PRIMARY KEY, v text);
        INSERT INTO m2 SELECT g, 'before attach' FROM generate_series(100001, 100005) g;`);
      // The default publication mode (all_tables) with the include list naming the root.
      const daemon = daemonFor(env!, db, name, { 'table.include.list': 'public\\.m' }).start();
      const writer = new pg.Client({ ...env!.pg, database: db.database });
      await writer.connect();
      const written = new Set<number>();
      let phase: 'm1' | 'both' | 'm2' = 'm1';
      let stop = false;
      let n1 = 100, n2 = 100100;
      let writing: Promise<void> = Promise.resolve();
      const startWriter = () => { writing = (async () => {
        while (!stop) {
          const id = phase === 'm1' || (phase === 'both' && n1 % 2 === 0) ? n1++ : n2++;
          try {
            await writer.query('INSERT INTO m VALUES ($1, $2)', [id, 'live']);
            written.add(id);
          } catch (err) {
            // Between DETACH and the phase change, the m1 range has no partition: that row is not written.
            if ((err as { code?: string }).code !== '23514') throw err;
          }
          await sleep(5);
        }
      })(); };
      try {
        await daemon.withLog(async () => {
          await daemon.waitForStreaming(90_000);
          startWriter(); // after the snapshot: every row it writes is a streamed insert
          await sleep(1500);
          await db.query(`ALTER TABLE m ATTACH PARTITION m2 FOR VALUES FROM (100000) TO (200000)`);
          phase = 'both';
          await sleep(1500);
          await db.query(`INSERT INTO m2 VALUES (150000, 'into the partition')`);
          written.add(150000);
          // PostgreSQL 14's pgoutput keeps a detached partition's root cached for the walsender's life
          // (15 drops it on the relcache invalidation): rows written into m1 after the DETACH would
          // still arrive as changes of m. The documented fix on 14 is to change the publication in the
          // same transaction, which makes the walsender forget every cached route (docs/postgres.md).
          const major = Number((await db.query(`SELECT current_setting('server_version_num') AS v`)).rows[0].v) / 10000 | 0;
          await db.query(major < 15
            ? `BEGIN; ALTER TABLE m DETACH PARTITION m1; ALTER PUBLICATION ${JSON.stringify(`pub_${name}`)} SET (publish_via_partition_root = true); COMMIT`
            : `ALTER TABLE m DETACH PARTITION m1`);
          phase = 'm2';
          await sleep(1500);
          // m1 is a table of its own now, outside the include list.
          await db.query(`INSERT INTO m1 VALUES (99999, 'after detach')`);
          stop = true;
          await writing;
          const topic = `${name}.public.m`;
          const expected = written.size;
          const rs = await readUntil(env!, await waitForTopics(env!, [topic]), (r) => r.filter((x) => op(x) === 'c').length >= expected, 90_000);
          await sleep(1500);
          const all = await readToEnd(env!, [topic]);
          assert.deepEqual(ids(all, 'r'), Array.from({ length: 20 }, (_, i) => i + 1));
          const created = ids(all, 'c');
          assert.equal(created.length, new Set(created).size, 'no row twice');
          assert.deepEqual(created, [...written].sort((a, b) => a - b), 'every row written through the root (before, during and after ATTACH/DETACH) once');
          assert.ok(rs.length > 0 && !created.includes(99999) && !created.some((id) => id >= 100001 && id <= 100005),
            'rows m2 held before ATTACH and rows written into the detached m1 are not changes of m');
          assert.ok(written.size > 50, `the writer wrote during the whole test (${written.size} rows)`);
          assert.deepEqual(await topicsWithPrefix(env!, `${name}.`), [topic]);
          const pub = await db.query(`SELECT pubviaroot::text AS via, puballtables::text AS alltables FROM pg_publication WHERE pubname = $1`, [`pub_${name}`]);
          assert.deepEqual(pub.rows[0], { via: 'true', alltables: 'true' }, 'all_tables creates FOR ALL TABLES via partition root');
          assert.doesNotMatch(daemon.output, /changes of a partition arrive under its own name/, 'changes came through the root, not the fallback');
        });
      } finally {
        stop = true;
        await writing.catch(() => undefined);
        await writer.end().catch(() => undefined);
        await daemon.stop();
      }
    });
  });

test('a publication without publish_via_partition_root is refused with its fix; WAL written before the fix still reaches the root topic',
  { skip, timeout: 240_000 }, async () => {
    await withDb('pt_pub', async (db, name) => {
      await db.query(SCHEMA);
      const pub = `pub_${name}`;
      await db.query(`CREATE PUBLICATION ${pub} FOR TABLE orders`);
      const connector = { 'table.include.list': 'public\\.orders', 'publication.autocreate.mode': 'disabled' };

      const v = validate(db, name, connector);
      assert.notEqual(v.code, 0, v.out);
      assert.match(v.out, /CDC_PG_PUBLICATION_VIA_ROOT/);
      assert.match(v.out, new RegExp(`ALTER PUBLICATION "?${pub}"? SET \\(publish_via_partition_root = true\\)`));

      // A partition named without its root: refused, naming the root.
      const p = validate(db, `${name}_p`, { 'table.include.list': 'public\\.orders_p1' });
      assert.match(p.out, /CDC_PG_PARTITION_FILTER/);
      assert.match(p.out, /name the root table public\.orders/);

      const refused = daemonFor(env!, db, name, connector).start();
      try {
        await refused.withLog(() => refused.waitForLog(/CDC_PG_PUBLICATION_VIA_ROOT/, 60_000));
      } finally {
        await refused.stop();
      }

      await db.query(`ALTER PUBLICATION ${pub} SET (publish_via_partition_root = true)`);
      const topic = `${name}.public.orders`;
      let daemon = daemonFor(env!, db, name, connector).start();
      try {
        await daemon.withLog(async () => {
          await daemon.waitForStreaming(90_000);
          await readUntil(env!, await waitForTopics(env!, [topic]), (r) => r.length >= 6, 60_000);
        });
      } finally {
        await daemon.stop();
      }
      // While the connector is stopped the publication goes back and forth: the first rows are
      // written (and decoded) under their partitions' names, the later ones under the root's.
      await db.query(`ALTER PUBLICATION ${pub} SET (publish_via_partition_root = false)`);
      await db.query(`INSERT INTO orders VALUES (10, 'eu', 1), (1010, 'us', 2)`);
      await db.query(`ALTER PUBLICATION ${pub} SET (publish_via_partition_root = true)`);
      await db.query(`INSERT INTO orders VALUES (11, 'eu', 3), (1011, 'eu', 4)`);
      daemon = daemonFor(env!, db, name, connector).start();
      try {
        await daemon.withLog(async () => {
          await readUntil(env!, [topic], (r) => r.filter((x) => op(x) === 'c').length >= 4, 90_000);
          await sleep(1000);
          const all = await readToEnd(env!, [topic]);
          assert.deepEqual(ids(all, 'c'), [10, 11, 1010, 1011], 'changes decoded under the partitions\' names are emitted as the root\'s, none dropped');
          assert.match(daemon.output, /changes of a partition arrive under its own name/);
          assert.deepEqual(await topicsWithPrefix(env!, `${name}.`), [topic]);
        });
      } finally {
        await daemon.stop();
      }
    });
  });

test('publish.via.partition.root=false: each leaf partition is a table and topic of its own (Debezium\'s default)',
  { skip, timeout: 180_000 }, async () => {
    await withDb('pt_leaf', async (db, name) => {
      await db.query(SCHEMA);
      const daemon = daemonFor(env!, db, name, { 'table.include.list': 'public\\.events_.*', 'publish.via.partition.root': false }).start();
      try {
        await daemon.withLog(async () => {
          await daemon.waitForLog(/initial snapshot complete/, 90_000);
          const pub = await db.query(`SELECT pubviaroot::text AS via FROM pg_publication WHERE pubname = $1`, [`pub_${name}`]);
          assert.equal(pub.rows[0]?.via, 'false');
          await db.query(`INSERT INTO events VALUES (4, 'a', 'w'), (5, 'b', 'v')`);
          const a = `${name}.public.events_a`, b = `${name}.public.events_b`;
          const rs = await readUntil(env!, await waitForTopics(env!, [a, b]), (r) => r.filter((x) => op(x) === 'c').length >= 2, 60_000);
          assert.deepEqual(ids(rs.filter((r) => r.topic === a), 'r'), [1]);
          assert.deepEqual(ids(rs.filter((r) => r.topic === b), 'r'), [2, 3]);
          assert.deepEqual(ids(rs.filter((r) => r.topic === a), 'c'), [4]);
          assert.deepEqual(ids(rs.filter((r) => r.topic === b), 'c'), [5]);
          assert.deepEqual((await topicsWithPrefix(env!, `${name}.`)).sort(), [a, b].sort(), 'no topic for the partitioned table itself');
        });
      } finally {
        await daemon.stop();
      }
    });
  });

test('SIGKILL mid-stream on a hash-partitioned table: every row once on the root topic after the restart',
  { skip, timeout: 240_000 }, async () => {
    await withDb('pt_kill', async (db, name) => {
      await db.query(`CREATE TABLE h (id int PRIMARY KEY, v text) PARTITION BY HASH (id);
        CREATE TABLE h0 PARTITION OF h FOR VALUES WITH (MODULUS 4, REMAINDER 0);
        CREATE TABLE h1 PARTITION OF h FOR VALUES WITH (MODULUS 4, REMAINDER 1);
        CREATE TABLE h2 PARTITION OF h FOR VALUES WITH (MODULUS 4, REMAINDER 2);
        CREATE TABLE h3 PARTITION OF h FOR VALUES WITH (MODULUS 4, REMAINDER 3);
        INSERT INTO h SELECT g, 'snap' FROM generate_series(1, 50) g;`);
      const connector = { 'table.include.list': 'public\\.h', 'max.batch.size': 200, 'max.queue.size': 1000 };
      const writer = new pg.Client({ ...env!.pg, database: db.database });
      await writer.connect();
      let next = 1000, stop = false;
      const written: number[] = [];
      let writing: Promise<void> = Promise.resolve();
      const startWriter = () => { writing = (async () => {
        while (!stop) {
          // Ten rows per transaction, spread over the four partitions by the hash.
          const batch = Array.from({ length: 10 }, () => next++);
          await writer.query('INSERT INTO h SELECT g, \'live\' FROM unnest($1::int[]) g', [batch]);
          written.push(...batch);
          await sleep(10);
        }
      })(); };
      const topic = `${name}.public.h`;
      let daemon = daemonFor(env!, db, name, connector).start();
      try {
        await daemon.withLog(async () => {
          await daemon.waitForStreaming(90_000);
          startWriter();
          await sleep(1500);
          // A large transaction over every partition, then the kill while it is being written to Kafka.
          const big = Array.from({ length: 5000 }, () => next++);
          await db.query('INSERT INTO h SELECT g, \'big\' FROM unnest($1::int[]) g', [big]);
          written.push(...big);
          await sleep(300);
          assert.ok(daemon.running);
          await daemon.kill('SIGKILL');
        });
        await sleep(1000);
        daemon = daemonFor(env!, db, name, connector).start();
        await daemon.withLog(async () => {
          await daemon.waitForStreaming(90_000);
          await sleep(1500);
          stop = true;
          await writing;
          const expected = written.length;
          await readUntil(env!, [topic], (r) => r.filter((x) => op(x) === 'c').length >= expected, 120_000);
          await sleep(1500);
          const all = await readToEnd(env!, [topic]);
          const created = ids(all, 'c');
          assert.equal(created.length, new Set(created).size, 'no row twice after the SIGKILL');
          assert.deepEqual(created, [...written].sort((a, b) => a - b), 'every committed row once');
          assert.deepEqual(ids(all, 'r'), Array.from({ length: 50 }, (_, i) => i + 1));
          assert.deepEqual(await topicsWithPrefix(env!, `${name}.`), [topic]);
        });
      } finally {
        stop = true;
        await writing.catch(() => undefined);
        await writer.end().catch(() => undefined);
        await daemon.stop();
      }
    });
  });

test('cdc migrate creates the publication through the roots, or through the partitions with publish.via.partition.root=false',
  { skip, timeout: 120_000 }, async () => {
    await withDb('pt_mig', async (db, name) => {
      await db.query(SCHEMA);
      const published = async (pub: string) => (await db.query(
        `SELECT p.pubviaroot::text AS via, string_agg(t.tablename, ',' ORDER BY t.tablename) AS tables
           FROM pg_publication p LEFT JOIN pg_publication_tables t ON t.pubname = p.pubname WHERE p.pubname = $1 GROUP BY 1`, [pub])).rows[0];
      const root = validate(db, `${name}_r`, { 'table.include.list': 'public\\.orders.*' }, 'migrate');
      assert.equal(root.code, 0, root.out);
      assert.deepEqual(await published(`pub_${name}_r`), { via: 'true', tables: 'cdc_heartbeat,orders' }, 'the root (and the heartbeat table), sending its name');
      const leaf = validate(db, `${name}_l`, { 'table.include.list': 'public\\.orders_.*', 'publish.via.partition.root': false }, 'migrate');
      assert.equal(leaf.code, 0, leaf.out);
      assert.deepEqual(await published(`pub_${name}_l`), { via: 'false', tables: 'cdc_heartbeat,orders_p1,orders_p2_eu,orders_p2_us' }, 'the leaves, each under its own name');
    });
  });
