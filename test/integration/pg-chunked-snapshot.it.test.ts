/**
 * The chunked initial snapshot (snapshot.strategy=chunked, the default) against
 * the real stack: several tables (composite key, a text key under a
 * case- and accent-sensitive ICU collation, a partitioned table, a table without
 * a primary key keyed by message.key.columns) read in small chunks while a
 * writer inserts, updates and deletes; every key's last event must equal the
 * final row (deleted rows: a delete last) and every row must appear. A table
 * without any key stops the connector with the fix. A SIGKILL mid-snapshot and
 * a restart write no committed chunk again and miss nothing, records are
 * visible to read_committed consumers long before the snapshot ends, and each
 * chunk is committed in its own Kafka transaction.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { stackEnv, SKIP_REASON } from '../helpers/stack-env.ts';
import { PgFixture } from '../helpers/pg-fixture.ts';
import { Daemon, writeConfig } from '../helpers/daemon.ts';
import { kafkaFor, readToEnd, readUntil, waitForTopics, type ReadRecord } from '../helpers/kafka-reader.ts';
import { readConnectorOffsets } from '../../src/offsets/offset-reader.ts';
import { decodeSnapshotOffset } from '../../src/snapshot/offset-codec.ts';

const env = stackEnv();
const skip = env ? false : SKIP_REASON;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function withDb<T>(prefix: string, fn: (db: PgFixture, name: string) => Promise<T>): Promise<T> {
  const db = await PgFixture.create(env!, prefix);
  try {
    return await fn(db, `${prefix}_${db.database.slice(-8)}`);
  } finally {
    await db.drop();
  }
}

type Row = Record<string, unknown>;
const value = (r: ReadRecord) => r.value as { op: string; after: Row | null; before: Row | null; source: { snapshot: string } } | null;

/** Last event per key (JSON of the key): the row after it, or null after a delete or tombstone. */
function lastByKey(records: readonly ReadRecord[]): Map<string, Row | null> {
  const m = new Map<string, Row | null>();
  for (const r of records) m.set(JSON.stringify(r.key, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)), value(r)?.after ?? null);
  return m;
}

const norm = (o: unknown) => JSON.stringify(o, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));

/** Every row of the table is some key's last event, and every other key's last event is a delete. */
async function assertFinalState(db: PgFixture, table: string, keyCols: readonly string[], records: readonly ReadRecord[]): Promise<void> {
  const rows = (await db.query(`SELECT * FROM ${table}`)).rows as Row[];
  const last = lastByKey(records);
  const want = new Map(rows.map((r) => [norm(Object.fromEntries(keyCols.map((k) => [k, r[k]]))), r]));
  const missing: string[] = [], wrong: string[] = [], stale: string[] = [];
  for (const [k, row] of want) {
    if (!last.has(k)) { missing.push(k); continue; }
    const got = last.get(k);
    if (!got || Object.keys(row).some((c) => norm(got[c]) !== norm(row[c]))) wrong.push(`${k}: db ${norm(row)} last event ${norm(got)}`);
  }
  for (const [k, got] of last) if (!want.has(k) && got !== null) stale.push(`${k}: ${norm(got)}`);
  assert.deepEqual({ missing: missing.slice(0, 5), wrong: wrong.slice(0, 5), stale: stale.slice(0, 5) }, { missing: [], wrong: [], stale: [] }, `${table}: ${missing.length} missing, ${wrong.length} wrong, ${stale.length} deleted rows alive`);
}

/** Random inserts, updates and deletes on every table until stopped. */
class Writer {
  private stopped = false;
  private loop: Promise<void> | null = null;
  txns = 0;
  constructor(private readonly client: pg.Client, private readonly words: readonly string[]) {}
  start(): void {
    this.loop = (async () => {
      let n = 100_000;
      while (!this.stopped) {
        const a = Math.floor(Math.random() * 40), w = this.words[Math.floor(Math.random() * this.words.length)]!;
        const id = Math.floor(Math.random() * 3000);
        n++;
        await this.client.query(`BEGIN;
          UPDATE comp SET v = v + 1 WHERE a = ${a} AND b = 'b${id % 50}';
          DELETE FROM comp WHERE a = ${(a + 7) % 40} AND b = 'b${(id + 3) % 50}';
          INSERT INTO comp VALUES (${a}, 'n${n}', 0);
          UPDATE words SET v = v + 1 WHERE w = '${w}${id % 30}';
          ${n % 3 === 0 ? `DELETE FROM words WHERE w = '${w}${(id + 1) % 30}';` : `INSERT INTO words VALUES ('${w}x${n}', 0) ON CONFLICT DO NOTHING;`}
          UPDATE parted SET v = v + 1 WHERE id = ${id};
          ${n % 4 === 0 ? `DELETE FROM parted WHERE id = ${id + 1};` : `INSERT INTO parted VALUES (${n}, '${n % 2 ? 'east' : 'west'}', 0);`}
          UPDATE nokey SET v = v + 1 WHERE x = ${id};
          COMMIT;`);
        this.txns++;
        await sleep(2); // a steady writer, not a flood: the snapshot must end on a loaded machine too
      }
    })();
  }
  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }
}

const WORD_STEMS = ['a', 'A', 'á', 'Á', 'b', 'B', 'e', 'é', 'É', 'z', 'Z', 'ö', 'o', 'O'];

test('chunked snapshot of several tables under concurrent writes, two at a time (snapshot.max.threads=2): every row appears, every key ends in its final state', { skip, timeout: 600_000 }, async () => {
  await withDb('chunked', async (db, name) => {
    await db.query(`
      CREATE TABLE comp (a int NOT NULL, b text NOT NULL, v int NOT NULL, PRIMARY KEY (a, b));
      INSERT INTO comp SELECT g % 40, 'b' || (g / 40), 0 FROM generate_series(0, 1999) g;
      CREATE TABLE words (w text COLLATE "en-US-x-icu" PRIMARY KEY, v int NOT NULL);
      INSERT INTO words SELECT s || n, 0 FROM unnest(ARRAY['${WORD_STEMS.join("','")}']) s, generate_series(0, 29) n;
      CREATE TABLE parted (id int NOT NULL, region text NOT NULL, v int NOT NULL, PRIMARY KEY (id, region)) PARTITION BY LIST (region);
      CREATE TABLE parted_east PARTITION OF parted FOR VALUES IN ('east');
      CREATE TABLE parted_west PARTITION OF parted FOR VALUES IN ('west');
      INSERT INTO parted SELECT g, CASE WHEN g % 2 = 0 THEN 'east' ELSE 'west' END, 0 FROM generate_series(0, 2999) g;
      CREATE TABLE nokey (x int NOT NULL, v int NOT NULL);
      ALTER TABLE nokey REPLICA IDENTITY FULL;
      INSERT INTO nokey SELECT g, 0 FROM generate_series(0, 2999) g;`);
    const daemon = new Daemon(writeConfig({ env: env!, name, database: db.database, connector: {
      'table.include.list': 'public\\.(comp|words|parted|nokey)', 'snapshot.fetch.size': 97,
      'message.key.columns': 'public.nokey:x',
      // Two tables read at once, each over its own SQL session, with their windows interleaved in the stream.
      'snapshot.max.threads': 2,
    } }), env!);
    const client = new pg.Client({ ...env!.pg, database: db.database });
    await client.connect();
    const writer = new Writer(client, WORD_STEMS);
    daemon.start();
    try {
      await daemon.withLog(async () => {
        await daemon.waitForLog(/replication stream started/, 120_000);
        writer.start();
        await daemon.waitForLog(/initial snapshot complete/, 300_000);
        await writer.stop();
        const topics = await waitForTopics(env!, ['comp', 'words', 'parted', 'nokey'].map((t) => `${name}.public.${t}`), 60_000);
        const total = Number((await db.query(`SELECT (SELECT count(*) FROM comp) + (SELECT count(*) FROM words) + (SELECT count(*) FROM parted) + (SELECT count(*) FROM nokey) AS n`)).rows[0].n);
        const marker = await db.query(`INSERT INTO comp VALUES (999, 'end', 0)`).then(() => `{"a":999,"b":"end"}`);
        const records = await readUntil(env!, topics, (rs) => rs.some((r) => norm(r.key) === marker), 240_000);
        assert.ok(records.length >= total, `${records.length} records for ${total} rows`);
        const by = (t: string) => records.filter((r) => r.topic === `${name}.public.${t}`);
        await assertFinalState(db, 'comp', ['a', 'b'], by('comp'));
        await assertFinalState(db, 'words', ['w'], by('words'));
        await assertFinalState(db, 'parted', ['id', 'region'], by('parted'));
        await assertFinalState(db, 'nokey', ['x'], by('nokey'));
        const reads = records.filter((r) => value(r)?.op === 'r');
        assert.ok(reads.length > 0 && reads.every((r) => value(r)!.source.snapshot === 'incremental'), 'reads are marked incremental');
        const streamed = records.filter((r) => value(r) && value(r)!.op !== 'r');
        assert.ok(streamed.every((r) => value(r)!.source.snapshot === 'false'), 'changes are not snapshot records');
        assert.ok(writer.txns > 20, `the writer ran during the snapshot (${writer.txns} transactions)`);
        // Each partitioned row is read through the root, once.
        assert.ok(!records.some((r) => r.topic.includes('parted_')), 'no partition topics');
        process.stdout.write(`# chunked: ${reads.length} reads, ${streamed.length} changes, writer ${writer.txns} transactions\n`);
      });
    } finally {
      await writer.stop();
      await client.end();
      await daemon.stop();
    }
  });
});

/**
 * Chunks are read with COPY (SELECT ...) TO STDOUT, whose text format escapes values and takes
 * no parameters (the next chunk's lower bound is a literal): keys and values with quotes,
 * backslashes, tabs, newlines, carriage returns, the text "\\N", NULL and non-ASCII letters,
 * two rows per chunk, each exactly once and exactly as stored.
 */
test('chunks of 2 rows over text keys and values COPY must escape: every row once, every value as stored', { skip, timeout: 180_000 }, async () => {
  await withDb('chunkescape', async (db, name) => {
    const texts = ["it's", 'back\\slash', 'tab\there', 'new\nline', 'cr\rhere', '\\N', 'N', '', ' lead', 'é𝄞', "q'\\'q", 'z\\', '\\x41', '\\101', 'a\tb\nc\\d'];
    await db.query('CREATE TABLE esc (k text COLLATE "C" PRIMARY KEY, v text, arr text[], b bytea)');
    for (const [i, t] of texts.entries()) {
      await db.query('INSERT INTO esc VALUES ($1, $2, $3, $4)', [t, i % 4 === 0 ? null : `${t}|${i}`, [t, null, '{x}'], Buffer.from(t, 'utf8')]);
    }
    const daemon = new Daemon(writeConfig({ env: env!, name, database: db.database, connector: { 'table.include.list': 'public\\.esc', 'snapshot.fetch.size': '2' } }), env!);
    daemon.start();
    try {
      await daemon.withLog(async () => {
        await daemon.waitForLog(/initial snapshot complete/, 120_000);
        const topic = `${name}.public.esc`;
        const records = await readToEnd(env!, await waitForTopics(env!, [topic]));
        const reads = records.filter((r) => value(r)?.op === 'r');
        assert.equal(reads.length, texts.length, `one read per row: ${reads.map((r) => norm(r.key)).join(' ')}`);
        const byKey = new Map(reads.map((r) => [(r.key as { k: string }).k, value(r)!.after!]));
        for (const [i, t] of texts.entries()) {
          const after = byKey.get(t);
          assert.ok(after, `row ${JSON.stringify(t)} read`);
          assert.equal(after.v, i % 4 === 0 ? null : `${t}|${i}`, `v of ${JSON.stringify(t)}`);
          assert.deepEqual(after.arr, [t, null, '{x}'], `arr of ${JSON.stringify(t)}`);
          assert.ok(Buffer.isBuffer(after.b), 'bytea as bytes');
          assert.equal((after.b as Buffer).toString('utf8'), t, `b of ${JSON.stringify(t)}`);
        }
      });
    } finally {
      await daemon.stop();
    }
  });
});

test('a table without a key stops the chunked snapshot with the fix', { skip, timeout: 180_000 }, async () => {
  await withDb('chunknokey', async (db, name) => {
    await db.query(`CREATE TABLE loose (x int, v int); INSERT INTO loose VALUES (1, 1);`);
    const daemon = new Daemon(writeConfig({ env: env!, name, database: db.database, connector: { 'table.include.list': 'public\\.loose' } }), env!);
    daemon.start();
    try {
      await daemon.withLog(async () => {
        await daemon.waitForLog(/CDC_SNAPSHOT_NO_KEY/, 120_000);
        // The task's FAILED status line (the reason) may come before the error line that carries the fix.
        await daemon.waitForLog(/message\.key\.columns/, 30_000);
        await daemon.waitForLog(/snapshot\.strategy=single_transaction/, 30_000);
      });
    } finally {
      await daemon.stop();
    }
  });
});

test('SIGKILL mid-snapshot: after the restart no committed chunk is written again and nothing is missing; records are visible long before the end', { skip, timeout: 600_000 }, async () => {
  await withDb('chunkkill', async (db, name) => {
    // Enough chunks that the snapshot is still running when 2,000 records are visible: at 40,000
    // rows in chunks of 500 the faster daemon could finish before the reader saw them (CI, 20f03db).
    const ROWS = 120_000, CHUNK = 250;
    await db.query(`CREATE TABLE big (id int PRIMARY KEY, pad text NOT NULL);
      INSERT INTO big SELECT g, repeat('x', 200) FROM generate_series(1, ${ROWS}) g;`);
    const config = writeConfig({ env: env!, name, database: db.database, connector: { 'table.include.list': 'public\\.big', 'snapshot.fetch.size': CHUNK } });
    const kafka = kafkaFor(env!);
    const topic = `${name}.public.big`;
    let daemon = new Daemon(config, env!).start();
    let committedLast = 0;
    try {
      await daemon.withLog(async () => {
        await waitForTopics(env!, [topic], 120_000);
        // Visible to read_committed readers while the snapshot is still running.
        const early = await readUntil(env!, [topic], (rs) => rs.length >= 2000, 120_000);
        assert.ok(!/initial snapshot complete/.test(daemon.output), `records became visible only after the snapshot ended (${early.length})`);
        await daemon.kill('SIGKILL');
        const off = (await readConnectorOffsets(kafka, `offsets-${name}`, name)).get({ server: name });
        assert.ok(off && off.snapshot_completed === false && typeof off.incremental_snapshot_primary_key === 'string', `an unfinished snapshot is recorded: ${JSON.stringify(off)}`);
        committedLast = Number(decodeSnapshotOffset(off, 'test')!.collections[0]!.lastKey![0]);
      });
      const before = await readToEnd(env!, [topic], { timeoutMs: 60_000 });
      assert.ok(before.length > 0 && before.length < ROWS, `killed mid-snapshot (${before.length} of ${ROWS} visible)`);
      assert.equal(Math.max(...before.map((r) => Number((r.key as { id: number }).id))), committedLast, 'visible rows end at the committed chunk key');
      daemon = new Daemon(config, env!).start();
      await daemon.withLog(async () => {
        await daemon.waitForLog(/initial snapshot complete/, 300_000);
        const all = await readUntil(env!, [topic], (rs) => rs.length >= ROWS, 120_000);
        await sleep(1000);
        const final = await readToEnd(env!, [topic], { timeoutMs: 60_000 });
        const ids = final.map((r) => Number((r.key as { id: number }).id));
        const seen = new Map<number, number>();
        for (const id of ids) seen.set(id, (seen.get(id) ?? 0) + 1);
        const dup = [...seen].filter(([, n]) => n > 1);
        assert.deepEqual(dup.slice(0, 5), [], `${dup.length} rows written twice (committed chunks ended at ${committedLast})`);
        assert.equal(seen.size, ROWS, 'every row read');
        assert.ok(all.length >= ROWS);
        // One chunk per Kafka transaction: every transaction writes the offset of its chunk, so the
        // offsets topic holds the last key of every chunk (a transaction of several chunks would
        // record only its last one).
        const offsetRecords = await readToEnd(env!, [`offsets-${name}`], { timeoutMs: 60_000, decodeAvro: false });
        const chunkEnds = new Set<number>();
        for (const r of offsetRecords) {
          if (!r.rawValue) continue;
          const snap = decodeSnapshotOffset(JSON.parse(r.rawValue.toString('utf8')), 'test');
          const lastKey = snap?.collections[0]?.lastKey?.[0];
          if (lastKey !== undefined) chunkEnds.add(Number(lastKey));
        }
        const missing: number[] = [];
        for (let k = CHUNK; k < ROWS; k += CHUNK) if (!chunkEnds.has(k)) missing.push(k);
        assert.deepEqual(missing.slice(0, 10), [], `${missing.length} chunks committed in a transaction with another chunk (their end keys have no offset record)`);
        assert.ok([...chunkEnds].every((k) => k % CHUNK === 0), `offsets only at chunk ends: ${[...chunkEnds].filter((k) => k % CHUNK !== 0).slice(0, 5)}`);
      });
    } finally {
      await daemon.stop();
    }
  });
});

test('snapshot.tables.order.by.row.count: tables are read largest first (descending) or smallest first (ascending), one at a time', { skip, timeout: 240_000 }, async () => {
  for (const order of ['descending', 'ascending'] as const) {
    await withDb(`order${order.slice(0, 3)}`, async (db, name) => {
      await db.query(`CREATE TABLE small (id int PRIMARY KEY); INSERT INTO small SELECT generate_series(1, 50);
        CREATE TABLE large (id int PRIMARY KEY); INSERT INTO large SELECT generate_series(1, 900);
        CREATE TABLE medium (id int PRIMARY KEY); INSERT INTO medium SELECT generate_series(1, 300);
        ANALYZE small; ANALYZE large; ANALYZE medium;`);
      const daemon = new Daemon(writeConfig({ env: env!, name, database: db.database, connector: {
        'table.include.list': 'public\\.(small|large|medium)', 'snapshot.fetch.size': 100,
        'snapshot.tables.order.by.row.count': order,
      } }), env!);
      daemon.start();
      try {
        await daemon.withLog(async () => {
          await daemon.waitForLog(/initial snapshot complete/, 120_000);
          const done = daemon.logLines().filter((l) => l.msg === 'table snapshot done').map((l) => l.table);
          const want = order === 'descending' ? ['public.large', 'public.medium', 'public.small'] : ['public.small', 'public.medium', 'public.large'];
          assert.deepEqual(done, want, `tables finished in ${order} order of their row counts`);
          const topics = await waitForTopics(env!, ['small', 'large', 'medium'].map((t) => `${name}.public.${t}`), 60_000);
          const rs = await readUntil(env!, topics, (r) => r.length >= 1250, 60_000);
          assert.equal(new Set(rs.map((r) => `${r.topic} ${norm(r.key)}`)).size, 1250, 'every row once');
        });
      } finally {
        await daemon.stop();
      }
    });
  }
});

test('snapshot.mode=initial_only with the chunked snapshot: reads arrive, the connector finishes and drops its slot', { skip, timeout: 180_000 }, async () => {
  await withDb('chunkonly', async (db, name) => {
    await db.query(`CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL); INSERT INTO items SELECT g, 'row ' || g FROM generate_series(1, 300) g;`);
    const daemon = new Daemon(writeConfig({ env: env!, name, database: db.database, connector: {
      'table.include.list': 'public\\.items', 'snapshot.mode': 'initial_only', 'snapshot.fetch.size': 100,
    } }), env!);
    daemon.start();
    try {
      await daemon.withLog(async () => {
        await daemon.waitForLog(/task finished: snapshot complete/, 120_000);
        const rs = await readUntil(env!, [`${name}.public.items`], (r) => r.length >= 300, 60_000);
        assert.equal(new Set(rs.map((r) => norm(r.key))).size, 300);
        assert.ok(rs.every((r) => value(r)!.op === 'r' && value(r)!.source.snapshot === 'incremental'));
        const slot = await db.waitForSlot(name, (s) => s === null, 30_000);
        assert.equal(slot, null, 'no slot left behind');
      });
    } finally {
      await daemon.stop();
    }
  });
});
