/**
 * snapshot.strategy=single_transaction reads each table with one `COPY (SELECT ...) TO STDOUT`
 * taken in pieces of snapshot.fetch.size rows, the connection paused while a piece waits
 * (sources/postgres/copy-stream.ts). Against the real stack:
 *  - text that COPY must escape (tab, newline, CR, backslash, the text `\N`, quotes, non-ASCII)
 *    and NULL, read in pieces of 3 rows, arrive as PostgreSQL holds them, with Debezium's markers;
 *  - a snapshot.select.statement.overrides SELECT with an alias and a filter: COPY sends no
 *    column names, so they come from planning the SELECT;
 *  - a SIGTERM while the COPY is paused mid-table: the daemon exits (a paused COPY would hold the
 *    session, and the snapshot's COMMIT behind it, for ever), nothing of the unfinished snapshot
 *    is visible, and the restart snapshots every row exactly once, under a database
 *    statement_timeout shorter than the table's read.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stackEnv, SKIP_REASON } from '../helpers/stack-env.ts';
import { PgFixture } from '../helpers/pg-fixture.ts';
import { Daemon, writeConfig } from '../helpers/daemon.ts';
import { readToEnd, readUntil, waitForTopics, type ReadRecord } from '../helpers/kafka-reader.ts';

const env = stackEnv();
const skip = env ? false : SKIP_REASON;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const TEXTS = ['plain', 'tab\there', 'line\nbreak', 'cr\rreturn', 'back\\slash', '\\N', 'ends with \\', 'quote \' and "', 'é ü 中文 😀', '\\x41 \\101', ''];

type Value = { after: Record<string, unknown>; source: { snapshot: string } };
const valueOf = (r: ReadRecord) => r.value as Value;

test('single_transaction: escaped text and NULL in pieces of 3 rows, an override with an alias, markers as Debezium', { skip, timeout: 180_000 }, async () => {
  const db = await PgFixture.create(env!, 'st_copy');
  const name = `st_copy_${db.database.slice(-8)}`;
  try {
    await db.query(`CREATE TABLE notes (id int PRIMARY KEY, body text, n numeric(8,2));
      CREATE TABLE tagged (id int PRIMARY KEY, tag text NOT NULL, hidden text)`);
    for (let i = 0; i < TEXTS.length; i++) await db.query('INSERT INTO notes VALUES ($1, $2, $3)', [i + 1, TEXTS[i], i % 3 === 0 ? null : `${i}.25`]);
    await db.query('INSERT INTO notes VALUES (100, NULL, NULL)');
    await db.query(`INSERT INTO tagged SELECT g, 'tag ' || g, 'secret' FROM generate_series(1, 10) g`);
    const daemon = new Daemon(writeConfig({
      env: env!, name, database: db.database, connector: {
        'table.include.list': 'public\\.(notes|tagged)', 'snapshot.strategy': 'single_transaction', 'snapshot.fetch.size': 3,
        'snapshot.select.statement.overrides': 'public.tagged',
        // Columns in another order, one renamed to the table's column name and one left out: rows by name.
        'snapshot.select.statement.overrides.public.tagged': `SELECT upper(tag) AS tag, id FROM public.tagged WHERE id % 2 = 0`,
      },
    }), env!).start();
    try {
      await daemon.withLog(async () => {
        await daemon.waitForLog(/replication stream started/, 90_000);
        const topics = await waitForTopics(env!, [`${name}.public.notes`, `${name}.public.tagged`]);
        const rs = await readUntil(env!, topics, (r) => r.length >= TEXTS.length + 1 + 5, 60_000);
        const notes = rs.filter((r) => r.topic.endsWith('.notes')).map(valueOf);
        const expected = (await db.query('SELECT id, body, n::text AS n FROM notes ORDER BY id')).rows as { id: number; body: string | null; n: string | null }[];
        assert.deepEqual(notes.map((v) => v.after.id), expected.map((r) => r.id), 'each row once, in table order');
        for (const [i, v] of notes.entries()) assert.equal(v.after.body, expected[i]!.body, `body of id ${expected[i]!.id}`);
        // numeric(8,2) is a Connect Decimal: its unscaled bytes; NULL stays null.
        for (const [i, v] of notes.entries()) assert.equal(v.after.n === null, expected[i]!.n === null, `n of id ${expected[i]!.id}`);
        const tagged = rs.filter((r) => r.topic.endsWith('.tagged')).map(valueOf);
        assert.deepEqual(tagged.map((v) => [v.after.id, v.after.tag, v.after.hidden]), [2, 4, 6, 8, 10].map((i) => [i, `TAG ${i}`, null]));
        const markers = [...notes, ...tagged].map((v) => v.source.snapshot);
        assert.equal(markers[0], 'first');
        assert.equal(markers.at(-1), 'last');
        assert.equal(markers[notes.length - 1], 'last_in_data_collection');
        assert.equal(markers[notes.length], 'first_in_data_collection');
        assert.ok(markers.slice(1, notes.length - 1).every((m) => m === 'true'));
      });
    } finally {
      await daemon.stop();
    }
  } finally {
    await db.drop();
  }
});

test('single_transaction: SIGTERM while a table\'s COPY is paused exits at once, shows nothing, and the restart reads every row once under a statement_timeout shorter than the read', { skip, timeout: 240_000 }, async () => {
  const db = await PgFixture.create(env!, 'st_stop');
  const name = `st_stop_${db.database.slice(-8)}`;
  const ROWS = 400_000;
  try {
    await db.query(`CREATE TABLE big (id int PRIMARY KEY, pad text NOT NULL);
      INSERT INTO big SELECT g, repeat('p', 40) FROM generate_series(1, ${ROWS}) g; ANALYZE big`);
    const config = writeConfig({
      env: env!, name, database: db.database,
      connector: { 'table.include.list': 'public\\.big', 'snapshot.strategy': 'single_transaction', 'snapshot.fetch.size': 500 },
    });
    const topic = `${name}.public.big`;
    const first = new Daemon(config, env!).start();
    try {
      await first.withLog(async () => {
        await first.waitForLog(/snapshotting table/, 90_000);
        await sleep(1000); // well inside the table: the COPY is ahead of the records, so paused
        assert.doesNotMatch(first.output, /table snapshot read/, 'the stop must come while the table is being read');
        const t0 = Date.now();
        const code = await Promise.race([first.kill('SIGTERM'), sleep(30_000).then(() => 'timeout' as const)]);
        assert.equal(code, 0, `exit after SIGTERM in ${Date.now() - t0} ms`);
      });
    } finally {
      await first.stop();
    }
    const seen = await readToEnd(env!, [topic], { timeoutMs: 30_000 }).catch(() => [] as ReadRecord[]);
    assert.equal(seen.length, 0, 'nothing of the stopped snapshot is visible');

    // A statement_timeout on the database (new sessions take it) shorter than the table's read:
    // the COPY is one statement, which must not be cut by it (a cursor's FETCHes were short ones).
    await db.query(`ALTER DATABASE ${db.database} SET statement_timeout = '1500ms'`);
    const second = new Daemon(config, env!).start();
    try {
      await second.withLog(async () => {
        await second.waitForLog(/initial snapshot read completely/, 180_000);
        await readUntil(env!, await waitForTopics(env!, [topic]), (r) => r.length >= ROWS, 120_000);
        await second.stop();
        const all = await readToEnd(env!, [topic], { timeoutMs: 120_000 });
        const ids = all.map((r) => Number((r.key as { id: number }).id));
        assert.equal(ids.length, ROWS, `${ROWS} rows, ${ids.length} events`);
        assert.equal(new Set(ids).size, ROWS, 'each row once');
      });
    } finally {
      await second.stop();
    }
  } finally {
    await db.drop();
  }
});
