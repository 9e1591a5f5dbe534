/**
 * PostgreSQL connector settings that used to be accepted and ignored, against the real server:
 * slot.max.retries / slot.retry.delay.ms (a slot held by another connection), message.key.columns
 * outside the replica identity, filters that capture nothing, database.initial.statements,
 * snapshot.select.statement.overrides, include.schema.comments (default off), an include
 * pattern that matches nothing shown in the task status, and POST /connectors refusing a
 * config with every source problem listed.
 * Task-level tests run the task in process (no Kafka needed); the last one runs the daemon.
 */
import { InMemoryInternalTopics } from '../doubles/in-memory-internal-topics.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LogicalReplicationService, PgoutputPlugin } from 'pg-logical-replication';
import { stackEnv, SKIP_REASON } from '../helpers/stack-env.ts';
import { PgFixture } from '../helpers/pg-fixture.ts';
import { Daemon, connectorConfig, writeConfig } from '../helpers/daemon.ts';
import { Rest, freePort } from '../helpers/rest-client.ts';
import { readUntil, waitForTopics } from '../helpers/kafka-reader.ts';
import { createPostgresPlugin } from '../../sources/postgres/connector.ts';
import { PostgresSourceTask } from '../../sources/postgres/task.ts';
import { CdcError } from '../../src/errors/cdc-error.ts';
import { silentLogger } from '../../src/log/logger.ts';
import { noopTaskMetrics } from '../../src/metrics/task-metrics.ts';

const env = stackEnv();
const skip = env ? false : SKIP_REASON;
const plugin = createPostgresPlugin();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function withDb<T>(prefix: string, fn: (db: PgFixture) => Promise<T>): Promise<T> {
  const db = await PgFixture.create(env!, prefix);
  try { return await fn(db); } finally { await db.drop(); }
}

function parsed(db: PgFixture, extra: Record<string, string>) {
  const name = `set_${db.database.slice(-8)}`;
  return plugin.configDef.parse({
    name, 'connector.class': 'PostgresConnector', 'database.hostname': env!.pg.host, 'database.port': String(env!.pg.port),
    'database.user': env!.pg.user, 'database.password': env!.pg.password, 'database.dbname': db.database, 'topic.prefix': name,
    'slot.name': name, 'publication.name': `pub_${name}`, ...extra,
  }, 'test');
}

/** Starts the task in process as the runtime would; returns it started, or the error start threw. */
async function startTask(db: PgFixture, extra: Record<string, string>): Promise<{ task: PostgresSourceTask; error: CdcError | null }> {
  const task = new PostgresSourceTask();
  try {
    await task.start({ connectorName: 'c', taskId: 0, config: parsed(db, extra), offsets: { get: () => null }, log: silentLogger(), metrics: noopTaskMetrics(), internalTopics: new InMemoryInternalTopics() });
    return { task, error: null };
  } catch (err) {
    await task.stop();
    if (err instanceof CdcError) return { task, error: err };
    throw err;
  }
}

/** Another consumer holding the slot through a replication connection of its own. */
async function holdSlot(db: PgFixture, slot: string): Promise<() => Promise<void>> {
  await db.query(`CREATE PUBLICATION holder_pub FOR TABLE items`);
  await db.query(`SELECT pg_create_logical_replication_slot($1, 'pgoutput')`, [slot]);
  const holder = new LogicalReplicationService({ ...env!.pg, database: db.database, application_name: 'someone-else' } as never, { acknowledge: { auto: false, timeoutSeconds: 0 } });
  holder.on('error', () => undefined);
  void holder.subscribe(new PgoutputPlugin({ protoVersion: 1, publicationNames: ['holder_pub'] }), slot).catch(() => undefined);
  for (let i = 0; i < 100 && !(await db.slot(slot))?.active; i++) await sleep(100);
  assert.equal((await db.slot(slot))?.active, true, 'the other consumer holds the slot');
  return async () => { await holder.destroy(); };
}

test('slot.max.retries: a slot held by another connection is asked for again, then the task fails with the fix', { skip, timeout: 90_000 }, async () => {
  await withDb('slotretry', async (db) => {
    await db.query(`CREATE TABLE items (id int PRIMARY KEY)`);
    const slot = `set_${db.database.slice(-8)}`;
    const release = await holdSlot(db, slot);
    try {
      const t0 = Date.now();
      const { error } = await startTask(db, { 'snapshot.mode': 'no_data', 'slot.max.retries': '2', 'slot.retry.delay.ms': '400' });
      assert.ok(error, 'start fails while the slot stays held');
      assert.equal(error.code, 'CDC_PG_SLOT_IN_USE');
      assert.match(error.message, /after 2 retries 400 ms apart/);
      assert.match(error.message, /slot\.max\.retries/);
      assert.equal(error.retriable, false);
      assert.ok(Date.now() - t0 >= 800, 'it waited the two delays');
      // Released while the task waits: the next attempt gets it.
      setTimeout(() => void release(), 1200);
      const { task, error: none } = await startTask(db, { 'snapshot.mode': 'no_data', 'slot.max.retries': '30', 'slot.retry.delay.ms': '200' });
      assert.equal(none, null, String(none));
      await task.stop();
    } finally {
      await release();
    }
  });
});

test('message.key.columns outside the replica identity is refused at validate and at start, with the ALTER TABLE', { skip, timeout: 90_000 }, async () => {
  await withDb('keycols', async (db) => {
    await db.query(`CREATE TABLE k (id int PRIMARY KEY, code text NOT NULL)`);
    const cfg = { 'table.include.list': 'public\\.k', 'message.key.columns': 'public.k:code', 'snapshot.mode': 'no_data' };
    const problems = await plugin.validateEnvironment(parsed(db, cfg), silentLogger());
    const key = problems.filter((p) => p.code === 'CDC_PG_KEY_COLUMNS');
    assert.equal(key.length, 1, JSON.stringify(problems));
    assert.equal(key[0]!.property, 'message.key.columns');
    assert.match(key[0]!.fix, /ALTER TABLE "public"\."k" REPLICA IDENTITY FULL;/);
    const { error } = await startTask(db, cfg);
    assert.equal(error?.code, 'CDC_PG_KEY_COLUMNS');
    assert.equal((await db.slot(`set_${db.database.slice(-8)}`)), null, 'refused before any slot was made');
    // A column that does not exist is named too.
    const missing = await plugin.validateEnvironment(parsed(db, { ...cfg, 'message.key.columns': 'public.k:nope' }), silentLogger());
    assert.match(missing.find((p) => p.code === 'CDC_PG_KEY_COLUMNS')?.what ?? '', /"nope", which table public\.k does not have/);
    // The fix works; and with deletes skipped the identity does not matter.
    assert.deepEqual((await plugin.validateEnvironment(parsed(db, { ...cfg, 'skipped.operations': 'd,t' }), silentLogger())).map((p) => p.code), []);
    await db.query(`ALTER TABLE k REPLICA IDENTITY FULL`);
    assert.deepEqual((await plugin.validateEnvironment(parsed(db, cfg), silentLogger())).map((p) => p.code), []);
  });
});

test('filters that capture no table: validate lists each pattern, start fails instead of running silently', { skip, timeout: 90_000 }, async () => {
  await withDb('nomatch', async (db) => {
    await db.query(`CREATE TABLE present (id int PRIMARY KEY)`);
    const cfg = { 'table.include.list': 'public\\.absent,public\\.Present', 'snapshot.mode': 'no_data' };
    const problems = await plugin.validateEnvironment(parsed(db, cfg), silentLogger());
    assert.deepEqual(problems.map((p) => p.code).sort(), ['CDC_PG_NO_TABLES', 'CDC_PG_TABLE_MISSING', 'CDC_PG_TABLE_MISSING']);
    const { error } = await startTask(db, cfg);
    assert.equal(error?.code, 'CDC_PG_NO_TABLES');
    assert.match(error!.message, /table\.include\.list/);
    // One pattern matching: the task runs and its status carries the warning.
    const { task, error: none } = await startTask(db, { ...cfg, 'table.include.list': 'public\\.present,public\\.absent' });
    assert.equal(none, null, String(none));
    try {
      assert.match(task.health().catchingUp ?? '', /table\.include\.list entry "public\\\.absent" matches no table/);
    } finally {
      await task.stop();
    }
  });
});

test('database.initial.statements: a failing statement is named by validate', { skip, timeout: 60_000 }, async () => {
  await withDb('initst', async (db) => {
    await db.query(`CREATE TABLE t (id int PRIMARY KEY)`);
    const problems = await plugin.validateEnvironment(parsed(db, { 'database.initial.statements': 'SET statement_timeout = 0;SELEC 1' }), silentLogger());
    assert.equal(problems.length, 1, JSON.stringify(problems));
    assert.equal(problems[0]!.code, 'CDC_PG_INITIAL_STATEMENT');
    assert.equal(problems[0]!.property, 'database.initial.statements');
    assert.match(problems[0]!.what, /"SELEC 1"/);
  });
});

test('daemon: snapshot override, initial statements on SQL sessions, comments off by default, unmatched include in status, POST lists every problem',
  { skip, timeout: 180_000 }, async () => {
    await withDb('setd', async (db) => {
      await db.query(`CREATE TABLE items (id int PRIMARY KEY, name text NOT NULL);
        INSERT INTO items SELECT g, 'row ' || g FROM generate_series(1, 3) g;
        COMMENT ON COLUMN items.name IS 'what the item is called';
        CREATE TABLE hb (v text)`);
      const name = `setd_${db.database.slice(-8)}`;
      const topic = `${name}.public.items`;
      const port = await freePort();
      const daemon = new Daemon(writeConfig({
        env: env!, name, database: db.database, restPort: port, connector: {
          'table.include.list': 'public\\.items,public\\.nosuch',
          'snapshot.select.statement.overrides': 'public.items',
          'snapshot.select.statement.overrides.public.items': 'SELECT * FROM public.items WHERE id >= 2',
          // ";;" is a literal ";" inside the value; the heartbeat query runs on the task's SQL session.
          'database.initial.statements': "SET statement_timeout = 0;SET cdc.marker = 'a;;b'",
          'heartbeat.interval.ms': 300, 'heartbeat.action.query': "INSERT INTO hb VALUES (current_setting('cdc.marker'))",
          'slot.drop.on.stop': true,
        },
      }), env!).start();
      const api = new Rest(`http://127.0.0.1:${port}`);
      try {
        await daemon.withLog(async () => {
          await daemon.waitForLog(/initial snapshot complete/, 90_000);
          await db.query(`INSERT INTO items VALUES (4, 'streamed')`);
          const rs = await readUntil(env!, await waitForTopics(env!, [topic]), (r) => r.length >= 3, 60_000);
          assert.deepEqual(rs.map((r) => (r.value as { after: { id: number } }).after.id), [2, 3, 4], 'the override left row 1 out of the snapshot; streaming is not filtered');
          for (let i = 0; i < 50 && (await db.query('SELECT 1 FROM hb')).rows.length === 0; i++) await sleep(200);
          assert.deepEqual([...new Set((await db.query('SELECT v FROM hb')).rows.map((r: { v: string }) => r.v))], ['a;b']);
          const schema = await (await fetch(`${env!.registry}/subjects/${topic}-value/versions/latest`)).json() as { schema: string };
          assert.ok(schema.schema.includes('"name"') && !schema.schema.includes('what the item is called'), 'include.schema.comments defaults to false');
          assert.match(daemon.output, /public\\\\\.nosuch.*matches no table/);
          const status = await api.waitFor(`/connectors/${name}/status`, (b) => /nosuch/.test(b?.tasks?.[0]?.reason ?? ''), 30_000);
          assert.equal(status.tasks[0].state, 'RUNNING');

          const other = `${name}_x`;
          const bad = await api.post('/connectors', { name: other, config: { ...connectorConfig({ env: env!, name: other, database: db.database, connector: {
            'table.include.list': 'public\\.items,public\\.nope', 'message.key.columns': 'public.items:name',
            'snapshot.select.statement.overrides': 'public.items', 'snapshot.select.statement.overrides.public.items': 'SELECT nope FROM public.items',
          } }), 'database.password': env!.pg.password } });
          assert.equal(bad.status, 400, JSON.stringify(bad.body));
          const msg = String(bad.body.message);
          assert.match(msg, /contains the following 3 error\(s\)/);
          for (const code of ['CDC_PG_TABLE_MISSING', 'CDC_PG_KEY_COLUMNS', 'CDC_PG_SNAPSHOT_OVERRIDE']) assert.match(msg, new RegExp(code));
          assert.ok(!msg.includes(env!.pg.password) || env!.pg.password === 'postgres');
          assert.equal((await api.get(`/connectors/${other}`)).status, 404, 'nothing was created');
        });
      } finally {
        await daemon.stop();
      }
    });
  });
