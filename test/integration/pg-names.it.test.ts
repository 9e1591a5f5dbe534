/**
 * Names Avro refuses, through the real daemon, PostgreSQL, Kafka and Schema Registry:
 * a topic.prefix with "-", a table "my table", columns "order-id", "1st" and "prénom".
 * - Defaults (as Debezium 3.6 + AvroConverter): record names keep the prefix, so the
 *   namespace is "<prefix>.public.my_table" with its "-" (AvroData never checks a
 *   namespace), which this registry (Apicurio 3, Java Avro 1.12 parser) refuses: the
 *   task fails with the fix, and with schema.name.adjustment.mode=avro rows stream.
 *   Field names are adjusted as avro by default because the Avro converter is used.
 * - schema.name.adjustment.mode=avro, field.name.adjustment.mode=avro_unicode.
 * - Two columns that become one field name: the task fails with CDC_NAME_ADJUSTMENT_CONFLICT.
 * Subjects follow the topic (TopicNameStrategy), which no mode changes.
 */
import { test } from 'node:test';
import { spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { stackEnv, SKIP_REASON, type StackEnv } from '../helpers/stack-env.ts';
import { PgFixture } from '../helpers/pg-fixture.ts';
import { Daemon, writeConfig } from '../helpers/daemon.ts';
import { readUntil, waitForTopics, type ReadRecord } from '../helpers/kafka-reader.ts';

const env = stackEnv();
const ROOT = new URL('../../', import.meta.url).pathname;
const skip = env ? false : SKIP_REASON;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const TABLE = `CREATE TABLE "my table" ("order-id" int PRIMARY KEY, "1st" text, "prénom" text);
  INSERT INTO "my table" VALUES (1, 'one', 'Zoé'), (2, 'two', NULL);`;

async function withDb<T>(prefix: string, fn: (db: PgFixture, name: string) => Promise<T>): Promise<T> {
  const db = await PgFixture.create(env!, prefix);
  try {
    return await fn(db, `${prefix}_${db.database.slice(-8)}`);
  } finally {
    await db.drop();
  }
}

async function registry(e: StackEnv, path: string): Promise<unknown> {
  const res = await fetch(`${e.registry.replace(/\/+$/, '')}${path}`);
  assert.equal(res.status, 200, `GET ${path}: HTTP ${res.status} ${await res.clone().text()}`);
  return res.json();
}

interface AvroRecordSchema { name: string; namespace?: string; fields: { name: string; type: unknown }[] }

/** The latest value schema of a subject, parsed, with its row record (the "after" branch). */
async function valueSchema(e: StackEnv, subject: string): Promise<{ envelope: AvroRecordSchema; row: AvroRecordSchema; text: string }> {
  const latest = await registry(e, `/subjects/${encodeURIComponent(subject)}/versions/latest`) as { schema: string };
  const envelope = JSON.parse(latest.schema) as AvroRecordSchema;
  // The row record is defined where it first appears ("before"); "after" names it.
  const before = envelope.fields.find((f) => f.name === 'before')!.type as unknown[];
  return { envelope, row: before.find((b) => typeof b === 'object') as AvroRecordSchema, text: latest.schema };
}

async function exitedOrFailed(d: Daemon, timeoutMs: number): Promise<'finished' | 'failed'> {
  const t0 = Date.now();
  for (;;) {
    if (/task finished: snapshot complete/.test(d.output)) return 'finished';
    if (/task failed; fix the cause/.test(d.output)) return 'failed';
    if (Date.now() - t0 > timeoutMs) throw new Error(`connector neither finished nor failed in ${timeoutMs} ms`);
    await sleep(100);
  }
}

test('defaults: the prefix\'s "-" stays in the namespace, the registry refuses it with the working fix; schema.name.adjustment.mode=avro then streams',
  { skip, timeout: 180_000 }, async () => {
    await withDb('nm_default', async (db, name) => {
      await db.query(TABLE);
      const prefix = `${name}-db`;
      const topic = `${prefix}.public.my_table`;
      const base = { 'topic.prefix': prefix, 'table.include.list': 'public\\.my table' };

      // As Debezium + AvroConverter: the record is "Value" in namespace "<prefix>.public.my_table",
      // and a registry parsing with Java Avro 1.12 (Apicurio 3 here, Confluent 8.0.3+) refuses it.
      const first = new Daemon(writeConfig({ env: env!, name, database: db.database, connector: base }), env!).start();
      try {
        await first.withLog(async () => {
          assert.equal(await exitedOrFailed(first, 90_000), 'failed');
          assert.match(first.output, /CDC_SCHEMA_REGISTRY_REJECTED/);
          assert.match(first.output, /in the record name [^ ]*-db\.public\.my_table\.Key/);
          assert.match(first.output, /fix: set schema\.name\.adjustment\.mode=avro/);
        });
      } finally {
        await first.stop();
      }

      // The fix the error names works; field names are adjusted as avro by default (Avro converter).
      const second = new Daemon(writeConfig({ env: env!, name, database: db.database, connector: { ...base, 'schema.name.adjustment.mode': 'avro' } }), env!).start();
      try {
        await second.withLog(async () => {
          await waitForTopics(env!, [topic], 90_000);
          await second.waitForStreaming(60_000);
          await db.query(`INSERT INTO "my table" VALUES (3, 'three', 'Éloïse')`);
          const rs: ReadRecord[] = await readUntil(env!, [topic], (r) => r.length >= 3, 60_000);
          assert.equal(rs.length, 3);

          const subjects = await registry(env!, '/subjects') as string[];
          assert.ok(subjects.includes(`${topic}-key`) && subjects.includes(`${topic}-value`), `subjects follow the topic: ${subjects.join(', ')}`);
          const { envelope, row } = await valueSchema(env!, `${topic}-value`);
          assert.equal(`${envelope.namespace}.${envelope.name}`, `${prefix.replace('-', '_')}.public.my_table.Envelope`);
          assert.equal(row.name, 'Value');
          assert.deepEqual(row.fields.map((f) => f.name), ['order_id', '_1st', 'pr_nom']);

          const values = rs.map((r) => r.value as { op: string; after: unknown });
          assert.deepEqual(values.map((v) => v.op), ['r', 'r', 'c']);
          assert.deepEqual(values.map((v) => v.after), [
            { order_id: 1, _1st: 'one', pr_nom: 'Zoé' },
            { order_id: 2, _1st: 'two', pr_nom: null },
            { order_id: 3, _1st: 'three', pr_nom: 'Éloïse' },
          ]);
          assert.deepEqual(rs[2]!.key, { order_id: 3 });
          assert.match(second.output, /field name is not a valid Avro name; using the adjusted name/);
        });
      } finally {
        await second.stop();
      }
    });
  });

test('schema.name.adjustment.mode=avro and field.name.adjustment.mode=avro_unicode', { skip, timeout: 120_000 }, async () => {
  await withDb('nm_unicode', async (db, name) => {
    await db.query(TABLE);
    const prefix = `${name}-db`;
    const topic = `${prefix}.public.my_table`;
    const daemon = new Daemon(writeConfig({
      env: env!, name, database: db.database,
      connector: {
        'topic.prefix': prefix, 'table.include.list': 'public\\.my table', 'snapshot.mode': 'initial_only',
        'schema.name.adjustment.mode': 'avro', 'field.name.adjustment.mode': 'avro_unicode',
      },
    }), env!).start();
    try {
      await daemon.withLog(async () => {
        assert.equal(await exitedOrFailed(daemon, 90_000), 'finished');
        const rs = await readUntil(env!, await waitForTopics(env!, [topic]), (r) => r.length >= 2, 30_000);
        const { envelope, row } = await valueSchema(env!, `${topic}-value`);
        assert.equal(envelope.namespace, `${prefix.replace('-', '_')}.public.my_table`);
        assert.deepEqual(row.fields.map((f) => f.name), ['order_u002did', '_u0031st', 'pr_u00e9nom']);
        const keySubject = await registry(env!, `/subjects/${encodeURIComponent(`${topic}-key`)}/versions/latest`) as { schema: string };
        const key = JSON.parse(keySubject.schema) as AvroRecordSchema;
        assert.equal(`${key.namespace}.${key.name}`, `${prefix.replace('-', '_')}.public.my_table.Key`);
        assert.deepEqual(key.fields.map((f) => f.name), ['order_u002did']);
        assert.deepEqual((rs[0]!.value as { after: unknown }).after, { order_u002did: 1, _u0031st: 'one', pr_u00e9nom: 'Zoé' });
      });
    } finally {
      await daemon.stop();
    }
  });
});

test('two columns that become one field name: the task fails with CDC_NAME_ADJUSTMENT_CONFLICT and writes nothing',
  { skip, timeout: 120_000 }, async () => {
    await withDb('nm_clash', async (db, name) => {
      await db.query(`CREATE TABLE clash ("order-id" int PRIMARY KEY, order_id int); INSERT INTO clash VALUES (1, 1);`);
      const file = writeConfig({
        env: env!, name, database: db.database,
        connector: { 'table.include.list': 'public\\.clash', 'snapshot.mode': 'initial_only', 'field.name.adjustment.mode': 'avro' },
      });
      // cdc validate finds it before anything runs.
      const v = spawnSync(process.execPath, ['bin/cdc.mjs', 'validate', '--config', file], {
        cwd: ROOT, encoding: 'utf8', timeout: 90_000, env: { ...process.env, CDC_TEST_PGPASSWORD: env!.pg.password },
      });
      assert.notEqual(v.status, 0, `${v.stdout}${v.stderr}`);
      assert.match(`${v.stdout}${v.stderr}`, /CDC_NAME_ADJUSTMENT_CONFLICT[\s\S]*table public\.clash, column order_id/);

      const daemon = new Daemon(file, env!).start();
      try {
        await daemon.withLog(async () => {
          assert.equal(await exitedOrFailed(daemon, 90_000), 'failed');
          assert.match(daemon.output, /CDC_NAME_ADJUSTMENT_CONFLICT/);
          assert.match(daemon.output, /field names \\?"order-id\\?" and \\?"order_id\\?" both become \\?"order_id\\?"/);
          const subjects = await registry(env!, '/subjects') as string[];
          assert.ok(!subjects.some((s) => s.startsWith(`${name}.public.clash`)), 'no schema was registered');
        });
      } finally {
        await daemon.stop();
      }
    });
  });
