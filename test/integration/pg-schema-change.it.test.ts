/**
 * Schema changes mid-stream against the real registry: an added and a dropped
 * column each produce a new schema version; an incompatible type change stops
 * the connector in FAILED with a message naming the table, the change and the
 * ways out, and once the user relaxes the subject's compatibility and restarts,
 * the change arrives exactly once: nothing lost, nothing doubled.
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
  db = await PgFixture.create(env, 'ddl');
  await db.query(`CREATE TABLE t (id int PRIMARY KEY, n int NOT NULL, gone text); INSERT INTO t VALUES (1, 1, 'g')`);
});

after(async () => { if (db) await db.drop(); });

async function setCompatibility(subject: string, level: string): Promise<void> {
  const res = await fetch(`${env!.registry}/config/${encodeURIComponent(subject)}`, {
    method: 'PUT', headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' }, body: JSON.stringify({ compatibility: level }),
  });
  assert.ok(res.ok, `PUT /config/${subject}: ${res.status} ${await res.text()}`);
}

const after_ = (r: ReadRecord) => (r.value as { after: Record<string, unknown> | null } | null)?.after ?? null;

test('add column, drop column, incompatible type change', { skip: env ? false : SKIP_REASON, timeout: 300_000 }, async () => {
  const name = `ddl_${db.database.slice(-8)}`;
  const topic = `${name}.public.t`;
  const subject = `${topic}-value`;
  const config = writeConfig({ env: env!, name, database: db.database, connector: { 'table.include.list': 'public\\.t' } });
  let daemon = new Daemon(config, env!).start();
  try {
    await daemon.withLog(async () => {
      await waitForTopics(env!, [topic]);
      await setCompatibility(subject, 'BACKWARD');
      await daemon.waitForLog(/replication stream started/);
      await db.query(`ALTER TABLE t ADD COLUMN note text`);
      await db.query(`INSERT INTO t VALUES (2, 2, 'g', 'hello')`);
      await db.query(`ALTER TABLE t DROP COLUMN gone`);
      await db.query(`INSERT INTO t VALUES (3, 3, 'bye')`);
      const rs = await readUntil(env!, [topic], (r) => r.length >= 3, 60_000);
      assert.deepEqual(after_(rs[0]!), { id: 1, n: 1, gone: 'g' });
      assert.deepEqual(after_(rs[1]!), { id: 2, n: 2, gone: 'g', note: 'hello' });
      assert.deepEqual(after_(rs[2]!), { id: 3, n: 3, note: 'bye' });
      const ids = new Set(rs.map((r) => r.valueSchemaId));
      assert.equal(ids.size, 3, 'each shape is its own registered schema version');
      const versions = await fetch(`${env!.registry}/subjects/${subject}/versions`).then((r) => r.json()) as number[];
      assert.equal(versions.length, 3);

      // Incompatible under BACKWARD: int -> text changes the field's type.
      await db.query(`ALTER TABLE t ALTER COLUMN n TYPE text USING n::text`);
      await db.query(`INSERT INTO t VALUES (4, 'four', 'x')`);
      await daemon.waitForLog(/task failed; fix the cause/, 60_000);
      assert.match(daemon.output, /CDC_SCHEMA_INCOMPATIBLE/);
      assert.match(daemon.output, /CDC_SCHEMA_INCOMPATIBLE/);
      assert.match(daemon.output, new RegExp(`subject ${subject.replace(/\./g, '\\.')}`), 'names the subject (topic and table)');
      assert.match(daemon.output, /\bn\b.*(int|type)/, 'names the column change');
      assert.match(daemon.output, /compatibility/i, 'says how to get out');
    });

    // The way out the message offers: relax the subject, restart. The row arrives once.
    await daemon.stop();
    await setCompatibility(subject, 'NONE');
    daemon = new Daemon(config, env!).start();
    await daemon.withLog(async () => {
      await db.query(`INSERT INTO t VALUES (5, 'five', 'y')`);
      const rs = await readUntil(env!, [topic], (r) => r.some((x) => (after_(x)?.id) === 5), 60_000);
      const ids = rs.map((r) => after_(r)?.id);
      assert.deepEqual(ids, [1, 2, 3, 4, 5], 'nothing lost, nothing doubled');
      assert.deepEqual(after_(rs[3]!), { id: 4, n: 'four', note: 'x' });
    });
  } finally {
    await daemon.stop();
  }
});
