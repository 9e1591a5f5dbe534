/**
 * Modes of running against the real stack: snapshot.mode initial_only, never,
 * no_data and when_needed (a dropped slot is re-snapshotted, while initial
 * refuses with CDC_PG_SLOT_MISSING), heartbeats advancing the slot while the
 * captured table is quiet, Connect JSON output instead of Avro, and a graceful
 * SIGTERM under load followed by a restart without duplicates or gaps.
 * Each test has its own database, connector name, slot and topics.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { stackEnv, SKIP_REASON, type StackEnv } from '../helpers/stack-env.ts';
import { PgFixture } from '../helpers/pg-fixture.ts';
import { Daemon, writeConfig } from '../helpers/daemon.ts';
import { readToEnd, readUntil, topicsWithPrefix, waitForTopics, type ReadRecord } from '../helpers/kafka-reader.ts';

const env = stackEnv();
const skip = env ? false : SKIP_REASON;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Connector = Readonly<Record<string, string | number | boolean>>;

/** A fresh database for one test, dropped at the end whatever happens. */
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

/** Runs fn with a started daemon, stopping it afterwards (its log tail is added to a failure). */
async function withDaemon<T>(daemon: Daemon, fn: (d: Daemon) => Promise<T>): Promise<T> {
  daemon.start();
  try {
    return await daemon.withLog(() => fn(daemon));
  } finally {
    await daemon.stop();
  }
}

/**
 * Waits until the daemon's only connector ended on its own: 0 when its task
 * finished its work, 1 when it failed (the worker itself keeps serving its
 * REST API, as a Kafka Connect worker does).
 */
async function exited(daemon: Daemon, timeoutMs: number): Promise<number | null> {
  const t0 = Date.now();
  for (;;) {
    if (/task finished: snapshot complete/.test(daemon.output)) return 0;
    if (/task failed; fix the cause/.test(daemon.output)) return 1;
    if (!daemon.running && daemon.exitCode !== undefined) return daemon.exitCode;
    if (Date.now() - t0 > timeoutMs) throw new Error(`connector still running after ${timeoutMs} ms:\n${daemon.output.slice(-4000)}`);
    await sleep(100);
  }
}

const op = (r: ReadRecord) => (r.value as { op?: string } | null)?.op ?? (r.rawValue === null ? 'tombstone' : '?');
const after = (r: ReadRecord) => (r.value as { after: Record<string, unknown> | null }).after;
const source = (r: ReadRecord) => (r.value as { source: Record<string, unknown> }).source;

test('snapshot.mode=initial_only: snapshot rows arrive, the connector finishes, later inserts are not streamed',
  { skip, timeout: 120_000 }, async (t: TestContext) => {
    await withDb('mo_only', async (db, name) => {
      await db.query(`CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL);
        INSERT INTO items SELECT g, 'row ' || g FROM generate_series(1, 3) g;`);
      const topic = `${name}.public.items`;
      // Debezium's markers and "read completely": the single-transaction path (the chunked one: pg-chunked-snapshot).
      const connector = { 'table.include.list': 'public\\.items', 'snapshot.mode': 'initial_only', 'snapshot.strategy': 'single_transaction' };

      const first = daemonFor(env!, db, name, connector).start();
      try {
        await first.withLog(async () => {
          assert.equal(await exited(first, 60_000), 0, 'the daemon ends by itself, successfully, once its only connector finished');
          assert.match(first.output, /initial snapshot read completely/);
          const rs = await readUntil(env!, await waitForTopics(env!, [topic]), (r) => r.length >= 3, 30_000);
          assert.deepEqual(rs.map(op), ['r', 'r', 'r']);
          assert.deepEqual(rs.map((r) => (r.key as { id: number }).id), [1, 2, 3]);
          assert.deepEqual(rs.map((r) => source(r).snapshot), ['first', 'true', 'last']);
        });
      } finally {
        await first.stop();
      }

      // Debezium takes no slot when it will not stream (the snapshotter's shouldStream() is false):
      // a slot nobody reads holds WAL on the server forever.
      await t.test('leaves no replication slot behind', async () => {
        assert.equal(await db.slot(name), null);
      });

      // A restart with the stored "snapshot done" offset does nothing and finishes again.
      await db.query(`INSERT INTO items VALUES (4, 'later'); UPDATE items SET name = 'changed' WHERE id = 1`);
      const second = daemonFor(env!, db, name, connector).start();
      try {
        await second.withLog(async () => {
          assert.equal(await exited(second, 60_000), 0);
          assert.doesNotMatch(second.output, /snapshotting table|replication stream started/);
          const rs = await readToEnd(env!, [topic]); // the daemon has exited: this is all it wrote
          assert.deepEqual(rs.map(op), ['r', 'r', 'r'], 'nothing streamed after the snapshot');
        });
      } finally {
        await second.stop();
      }
    });
  });

test('snapshot.mode=never and no_data: no read events; later inserts stream', { skip, timeout: 120_000 }, async () => {
  await withDb('mo_nosnap', async (db, base) => {
    await db.query(`CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL);
      INSERT INTO items SELECT g, 'old ' || g FROM generate_series(1, 3) g;`);
    const runs = (['never', 'no_data'] as const).map((mode) => {
      const name = `${base}_${mode.replace('_', '')}`;
      return { mode, name, daemon: daemonFor(env!, db, name, { 'table.include.list': 'public\\.items', 'snapshot.mode': mode }).start() };
    });
    try {
      await Promise.all(runs.map(({ daemon }) => daemon.withLog(() => daemon.waitForLog(/replication stream started/, 60_000))));
      for (const { daemon } of runs) assert.doesNotMatch(daemon.output, /snapshotting table/);
      await db.query(`INSERT INTO items VALUES (4, 'new'), (5, 'new')`);
      await db.query(`UPDATE items SET name = 'upd' WHERE id = 2`);
      await Promise.all(runs.map(async ({ mode, name, daemon }) => daemon.withLog(async () => {
        const topic = `${name}.public.items`;
        await readUntil(env!, await waitForTopics(env!, [topic]), (r) => r.length >= 3, 30_000);
        await sleep(500); // anything emitted beyond the three would show up now
        const all = await readToEnd(env!, [topic]);
        assert.deepEqual(all.map(op), ['c', 'c', 'u'], `${mode}: only streamed changes`);
        assert.deepEqual(all.map((r) => (r.key as { id: number }).id), [4, 5, 2]);
        assert.ok(all.every((r) => source(r).snapshot === 'false'));
      })));
    } finally {
      await Promise.all(runs.map(({ daemon }) => daemon.stop()));
    }
  });
});

test('a dropped slot: when_needed takes a new snapshot, initial refuses with CDC_PG_SLOT_MISSING', { skip, timeout: 150_000 }, async () => {
  await withDb('mo_slot', async (db, name) => {
    await db.query(`CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL);
      INSERT INTO items SELECT g, 'row ' || g FROM generate_series(1, 3) g;`);
    const topic = `${name}.public.items`;
    const slot = name; // writeConfig: slot.name = the connector name (already lowercase)
    const config = (mode: string) => ({ 'table.include.list': 'public\\.items', 'snapshot.mode': mode });
    const dropSlot = async () => {
      await db.waitForSlot(slot, (s) => !s?.active);
      await db.query('SELECT pg_drop_replication_slot($1)', [slot]);
    };

    await withDaemon(daemonFor(env!, db, name, config('when_needed')), async (d) => {
      await d.waitForLog(/replication stream started/, 60_000);
      const rs = await readUntil(env!, await waitForTopics(env!, [topic]), (r) => r.length >= 3, 30_000);
      assert.deepEqual(rs.map(op), ['r', 'r', 'r']);
    });
    await dropSlot();
    await db.query(`INSERT INTO items VALUES (4, 'while the slot was gone')`);

    // initial: the stored offset cannot be resumed without the slot; fail clearly, create nothing.
    const refused = daemonFor(env!, db, name, config('initial')).start();
    try {
      const code = await exited(refused, 60_000);
      assert.equal(code, 1, refused.output.slice(-3000));
      assert.match(refused.output, /CDC_PG_SLOT_MISSING/);
      // The log line is JSON, so quotes arrive escaped.
      assert.match(refused.output, new RegExp(`replication slot \\\\?"${slot}\\\\?" does not exist, but offsets at LSN [0-9A-F]+/[0-9A-F]+ do`));
      assert.match(refused.output, /fix: set snapshot\.mode=when_needed/);
      assert.equal(await db.slot(slot), null, 'no slot created by the refused start');
    } finally {
      await refused.stop();
    }

    // when_needed: a new slot and a new snapshot (which includes the row written while the slot was gone), then streaming.
    await withDaemon(daemonFor(env!, db, name, config('when_needed')), async (d) => {
      await d.waitForLog(/replication stream started/, 60_000);
      assert.ok(await db.slot(slot), 'slot re-created');
      // The chunked snapshot runs beside the stream: write after it ended, so the insert is not also read.
      await d.waitForLog(/initial snapshot complete/, 60_000);
      await db.query(`INSERT INTO items VALUES (5, 'after')`);
      const rs = await readUntil(env!, [topic], (r) => r.length >= 3 + 4 + 1, 30_000);
      assert.deepEqual(rs.map(op), ['r', 'r', 'r', 'r', 'r', 'r', 'r', 'c']);
      assert.deepEqual(rs.slice(3).map((r) => (r.key as { id: number }).id), [1, 2, 3, 4, 5]);
      assert.equal(after(rs[6]!)!.name, 'while the slot was gone');
    });
  });
});

test('heartbeats: records on __debezium-heartbeat.<prefix> and the slot keeps advancing while the captured table is quiet',
  { skip, timeout: 120_000 }, async () => {
    await withDb('mo_hb', async (db, name) => {
      const pub = `pub_${name}`;
      await db.query(`CREATE TABLE items (id int PRIMARY KEY);
        CREATE TABLE hb (id int PRIMARY KEY, ts timestamptz NOT NULL);
        CREATE TABLE noise (id bigserial PRIMARY KEY, pad text NOT NULL);
        CREATE PUBLICATION ${pub} FOR TABLE items, hb;`); // the heartbeat table is published, the noisy one is not
      const noise = new pg.Client({ ...env!.pg, database: db.database });
      await noise.connect();
      let writing = true;
      const writer = (async () => {
        while (writing) { await noise.query(`INSERT INTO noise (pad) SELECT repeat('n', 200) FROM generate_series(1, 20)`); await sleep(50); }
      })();
      try {
        await withDaemon(daemonFor(env!, db, name, {
          'table.include.list': 'public\\.items',
          'publication.name': pub,
          'publication.autocreate.mode': 'disabled',
          'snapshot.mode': 'no_data',
          'heartbeat.interval.ms': 1000,
          'heartbeat.action.query': 'INSERT INTO hb (id, ts) VALUES (1, now()) ON CONFLICT (id) DO UPDATE SET ts = EXCLUDED.ts',
        }), async (d) => {
          await d.waitForLog(/replication stream started/, 60_000);
          const walNow = async () => BigInt((await db.query(`SELECT (pg_current_wal_insert_lsn() - '0/0')::text AS n`)).rows[0].n);
          /** Waits until the slot confirmed at least `lsn`; returns the confirmed position. */
          const confirmedPast = async (lsn: bigint) => {
            const s = await db.waitForSlot(name, (x) => x !== null && x.confirmedFlush >= lsn);
            if (!s || s.confirmedFlush < lsn) throw new Error(`slot never confirmed ${lsn}; at ${s?.confirmedFlush}`);
            return s.confirmedFlush;
          };
          /** The WAL head once it is past `lsn`: the noisy table writes, but not necessarily between two queries. */
          const walPast = async (lsn: bigint) => {
            for (const t0 = Date.now(); Date.now() - t0 < 60_000; await sleep(50)) {
              const w = await walNow();
              if (w > lsn) return w;
            }
            throw new Error(`the noisy table wrote no WAL past ${lsn} in 60 s`);
          };
          // Each step waits for WAL beyond the last confirmed position, so every advance is strict.
          const start = (await db.slot(name))!.confirmedFlush;
          const c1 = await confirmedPast(await walPast(start));
          const c2 = await confirmedPast(await walPast(c1));
          assert.ok(start < c1 && c1 < c2, `confirmed_flush_lsn advanced: ${start} -> ${c1} -> ${c2}`);

          const topic = `__debezium-heartbeat.${name}`;
          const hb = await readUntil(env!, await waitForTopics(env!, [topic]), (r) => r.length >= 2, 30_000);
          assert.ok(hb.length >= 2);
          for (const r of hb) {
            assert.deepEqual(r.key, { serverName: name });
            assert.equal(typeof (r.value as { ts_ms: unknown }).ts_ms, 'bigint');
          }
          const ts = hb.map((r) => (r.value as { ts_ms: bigint }).ts_ms);
          assert.ok(ts.every((x, i) => i === 0 || x >= ts[i - 1]!), 'heartbeat times never go back');
          // the heartbeat table is not captured and the quiet table produced nothing: no data topic at all
          assert.deepEqual(await topicsWithPrefix(env!, `${name}.`), []);
        });
      } finally {
        writing = false;
        await writer;
        await noise.end();
      }
    });
  });

test('Connect JSON: value with schema + payload in Debezium\'s envelope, key without schema', { skip, timeout: 120_000 }, async () => {
  await withDb('mo_json', async (db, name) => {
    await db.query(`CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL, price numeric(10,2));
      INSERT INTO items VALUES (1, 'snap', 12.34);`);
    await withDaemon(daemonFor(env!, db, name, {
      'table.include.list': 'public\\.items',
      'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'key.converter.schemas.enable': false,
      'value.converter': 'org.apache.kafka.connect.json.JsonConverter',
      'value.converter.schemas.enable': true,
    }), async (d) => {
      await d.waitForLog(/initial snapshot complete/, 60_000);
      await db.query(`INSERT INTO items VALUES (2, 'new', NULL)`);
      await db.query(`UPDATE items SET name = 'changed' WHERE id = 2`);
      await db.query(`DELETE FROM items WHERE id = 1`);
      const topic = `${name}.public.items`;
      const rs = await readUntil(env!, await waitForTopics(env!, [topic]), (r) => r.length >= 5, 30_000, false);
      assert.equal(rs.length, 5);
      assert.equal(rs[4]!.rawValue, null, 'tombstone: null value');
      assert.equal(rs[4]!.rawKey!.toString(), '{"id":1}');
      assert.deepEqual(rs.map((r) => r.rawKey!.toString()), ['{"id":1}', '{"id":2}', '{"id":2}', '{"id":1}', '{"id":1}']);

      type Field = { type: string; optional: boolean; name?: string; field: string; fields?: Field[]; version?: number };
      const values = rs.slice(0, 4).map((r) => JSON.parse(r.rawValue!.toString()) as { schema: Field; payload: Record<string, any> });
      for (const v of values) assert.deepEqual(Object.keys(v), ['schema', 'payload']);
      const schema = values[0]!.schema;
      assert.equal(schema.type, 'struct');
      assert.equal(schema.name, `${topic}.Envelope`);
      assert.equal(schema.version, 2);
      assert.equal(schema.optional, false);
      assert.deepEqual(schema.fields!.map((f) => f.field), ['before', 'after', 'source', 'transaction', 'op', 'ts_ms', 'ts_us', 'ts_ns']);
      const row = schema.fields![0]!;
      assert.equal(row.name, `${topic}.Value`);
      assert.equal(row.optional, true);
      assert.deepEqual(row.fields!.map((f) => [f.field, f.type, f.optional]), [['id', 'int32', false], ['name', 'string', false], ['price', 'bytes', true]]);
      assert.equal(row.fields![2]!.name, 'org.apache.kafka.connect.data.Decimal');
      assert.equal(schema.fields![2]!.name, 'io.debezium.connector.postgresql.Source');
      assert.equal(schema.fields![3]!.name, 'event.block');

      assert.deepEqual(values.map((v) => v.payload.op), ['r', 'c', 'u', 'd']);
      // numeric(10,2) 12.34 -> unscaled 1234 = 0x04d2, base64 (decimal.format=BASE64, Connect's default)
      assert.deepEqual(values[0]!.payload.after, { id: 1, name: 'snap', price: 'BNI=' });
      assert.equal(values[0]!.payload.before, null);
      assert.equal(values[0]!.payload.source.snapshot, 'incremental', 'a chunked snapshot read (single-transaction markers: pg-modes initial_only, pg-fidelity)');
      assert.equal(values[0]!.payload.source.connector, 'postgresql');
      assert.equal(values[0]!.payload.source.db, db.database);
      assert.deepEqual(values[1]!.payload.after, { id: 2, name: 'new', price: null });
      assert.equal(values[1]!.payload.source.snapshot, 'false');
      assert.equal(typeof values[1]!.payload.source.lsn, 'number');
      assert.equal(typeof values[1]!.payload.ts_ms, 'number');
      assert.deepEqual(values[2]!.payload.after, { id: 2, name: 'changed', price: null });
      assert.equal(values[2]!.payload.before, null);
      assert.deepEqual(values[3]!.payload.before, { id: 1, name: '', price: null });
      assert.equal(values[3]!.payload.after, null);
      assert.equal(values[3]!.payload.transaction, null);
      // the same schema text in every record of the topic
      assert.ok(values.every((v) => JSON.stringify(v.schema) === JSON.stringify(schema)));
    });
  });
});

test('graceful stop: SIGTERM under load exits 0 within 30 s; a restart continues without duplicates or gaps', { skip, timeout: 150_000 }, async () => {
  await withDb('mo_term', async (db, name) => {
    await db.query(`CREATE TABLE ledger (id bigserial PRIMARY KEY, pad text NOT NULL);
      INSERT INTO ledger (pad) SELECT 'snap' FROM generate_series(1, 500);`);
    const topic = `${name}.public.ledger`;
    // The load writes while the snapshot runs; the single-transaction snapshot keeps reads and creates apart (each id once).
    const connector = { 'table.include.list': 'public\\.ledger', 'snapshot.strategy': 'single_transaction' };
    const load = new pg.Client({ ...env!.pg, database: db.database });
    await load.connect();
    let writing = true;
    let txns = 0;
    const writer = (async () => {
      while (writing) {
        await load.query(`INSERT INTO ledger (pad) SELECT 'load' FROM generate_series(1, ${1 + (txns % 3)})`);
        txns++;
        await sleep(2);
      }
    })();
    try {
      const first = daemonFor(env!, db, name, connector).start();
      let stopMs = 0;
      try {
        await first.withLog(async () => {
          await first.waitForLog(/replication stream started/, 60_000);
          await readUntil(env!, await waitForTopics(env!, [topic]), (r) => r.some((x) => op(x) === 'c'), 30_000);
          await sleep(1500); // streaming under load
          const t0 = Date.now();
          const code = await Promise.race([first.kill('SIGTERM'), sleep(30_000).then(() => 'timeout' as const)]);
          stopMs = Date.now() - t0;
          assert.equal(code, 0, `exit code after SIGTERM (${stopMs} ms)`);
          assert.ok(stopMs < 30_000);
          assert.match(first.output, /stopping: committing or aborting in-flight transactions/);
        });
      } finally {
        await first.stop();
      }
      await sleep(1000); // the load goes on while the daemon is down
      writing = false;
      await writer;
      const rows = Number((await db.query('SELECT count(*)::int AS n, max(id)::int AS m FROM ledger')).rows[0].n);

      await withDaemon(daemonFor(env!, db, name, connector), async (d) => {
        await d.waitForLog(/replication stream started/, 60_000);
        assert.doesNotMatch(d.output, /snapshotting table/, 'the restart streams on from the stored offset');
        await readUntil(env!, [topic], (r) => r.length >= rows, 120_000);
        // Stopped, it writes nothing more: one read to the end offsets holds every event, late duplicates included.
        await d.stop();
        const all = await readToEnd(env!, [topic], { timeoutMs: 120_000 });
        const ids = all.map((r) => Number((r.key as { id: bigint | number }).id));
        assert.equal(new Set(ids).size, ids.length, `duplicates: ${ids.length - new Set(ids).size}`);
        assert.equal(ids.length, rows, `${rows} rows, ${ids.length} events`);
        assert.deepEqual([...ids].sort((a, b) => a - b), Array.from({ length: rows }, (_, i) => i + 1), 'no gap');
        // the snapshot (the 500 rows and whatever the load wrote before the slot existed), then creates only
        const reads = all.findIndex((r) => op(r) !== 'r');
        assert.ok(reads >= 500, `${reads} snapshot reads`);
        assert.deepEqual(all.slice(reads).filter((r) => op(r) !== 'c').map(op), []);
        process.stdout.write(`# graceful stop: ${txns} load transactions, SIGTERM to exit ${stopMs} ms, ${rows} rows\n`);
      });
    } finally {
      writing = false;
      await writer;
      await load.end();
    }
  });
});
