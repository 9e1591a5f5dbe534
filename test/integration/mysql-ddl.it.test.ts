/**
 * ALTER TABLE on a captured MariaDB table between writes (add, drop, rename and retype a column),
 * then the connector stopped, its offset moved back to a position before the ALTERs
 * (PATCH /connectors/<name>/offsets) and resumed: the replayed rows must be decoded and
 * emitted with the definitions of their own time, which only the schema history topic still
 * knows (information_schema shows the last ALTER). Schema change records reach <topic.prefix>.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type mysql from 'mysql2/promise';
import { stackEnv, SKIP_REASON } from '../helpers/stack-env.ts';
import { mariadbAdmin, mariadbSkip } from '../helpers/mariadb.ts';
import { Daemon, writeConfig } from '../helpers/daemon.ts';
import { readUntil, waitForTopics, type ReadRecord } from '../helpers/kafka-reader.ts';
import { freePort, Rest } from '../helpers/rest-client.ts';

const env = stackEnv();
const SKIP = env ? mariadbSkip() : SKIP_REASON;
const DB = `myddl_${process.pid}`;
let admin: mysql.Connection;

before(async () => {
  if (SKIP) return;
  admin = await mariadbAdmin();
  await admin.query(`DROP DATABASE IF EXISTS ${DB}; CREATE DATABASE ${DB};
    CREATE TABLE ${DB}.t (id INT PRIMARY KEY, a INT NOT NULL, b VARCHAR(10) NOT NULL DEFAULT 'bee')`);
});

after(async () => {
  if (!admin) return;
  await admin.query(`DROP DATABASE IF EXISTS ${DB}`).catch(() => undefined);
  await admin.end().catch(() => undefined);
});

/** The field names of a record's after image, sorted. */
const fieldsOf = (r: ReadRecord) => Object.keys((r.value as { after: Record<string, unknown> }).after).sort().join(',');

/** What each id's row looked like when written: the columns of its own time. */
const EXPECTED: Record<number, string> = { 1: 'a,b,id', 2: 'a,b,id', 3: 'a,b,c,id', 4: 'a,c,id', 5: 'a2,c,id' };

test('ALTER TABLE between writes, then a restart from before the ALTERs: every event carries the schema of its own time', { skip: SKIP, timeout: 300_000 }, async () => {
  const name = `myddl_${process.pid}`;
  const port = await freePort();
  const daemon = new Daemon(writeConfig({
    env: env!, name, database: DB, source: 'mariadb', restPort: port,
    connector: { 'snapshot.mode': 'no_data', 'include.schema.changes': true },
  }), env!).start();
  const api = new Rest(`http://127.0.0.1:${port}`);
  try {
    await daemon.withLog(async () => {
      await daemon.waitForStreaming();
      await admin.query(`INSERT INTO ${DB}.t VALUES (1, 10, 'x'), (2, 20, 'y')`);
      const topic = `${name}.${DB}.t`;
      await waitForTopics(env!, [topic]);
      await readUntil(env!, [topic], (rs) => rs.length >= 2, 60_000);
      const early = (await api.get(`/connectors/${name}/offsets`)).body as { offsets: { partition: Record<string, unknown>; offset: Record<string, unknown> }[] };
      const before = early.offsets[0]!;
      await admin.query(`ALTER TABLE ${DB}.t ADD COLUMN c VARCHAR(5) NOT NULL DEFAULT 'cc'`);
      await admin.query(`INSERT INTO ${DB}.t (id, a, b, c) VALUES (3, 30, 'z', 'c3')`);
      await admin.query(`ALTER TABLE ${DB}.t DROP COLUMN b`);
      await admin.query(`INSERT INTO ${DB}.t (id, a, c) VALUES (4, 40, 'c4')`);
      await admin.query(`ALTER TABLE ${DB}.t CHANGE COLUMN a a2 BIGINT NOT NULL`);
      await admin.query(`INSERT INTO ${DB}.t (id, a2, c) VALUES (5, 5000000000, 'c5')`);
      const first = await readUntil(env!, [topic], (rs) => rs.length >= 5, 60_000);
      for (const r of first) {
        const id = Number((r.value as { after: { id: number } }).after.id);
        assert.equal(fieldsOf(r), EXPECTED[id], `live: row ${id} has the columns of its time`);
      }
      assert.equal((first[4]!.value as { after: { a2: unknown } }).after.a2, 5000000000n, 'the retyped column carries a BIGINT value');
      // The schema change topic: the three ALTERs, keyed by database, with the DDL text.
      const changes = await readUntil(env!, [name], (rs) => rs.filter((r) => /ALTER TABLE/.test(String((r.value as { ddl?: string }).ddl))).length >= 3, 60_000);
      assert.deepEqual(changes.filter((r) => /ALTER TABLE/.test(String((r.value as { ddl?: string }).ddl))).map((r) => (r.key as { databaseName: string }).databaseName), [DB, DB, DB]);

      // Back to before the ALTERs: stop, move the offset, resume. The rows are read again from the binlog.
      assert.equal((await api.put(`/connectors/${name}/stop`)).status, 204);
      await api.waitFor(`/connectors/${name}/status`, (b) => b.connector.state === 'STOPPED', 60_000);
      const altered = await api.patch(`/connectors/${name}/offsets`, { offsets: [before] });
      assert.equal(altered.status, 200, JSON.stringify(altered.body));
      assert.equal((await api.put(`/connectors/${name}/resume`)).status, 202);
      await api.waitFor(`/connectors/${name}/status`, (b) => b.tasks[0]?.state === 'RUNNING', 60_000);
      const all = await readUntil(env!, [topic], (rs) => rs.length >= 8, 120_000);
      const replayed = all.slice(5);
      assert.deepEqual(replayed.map((r) => Number((r.value as { after: { id: number } }).after.id)), [3, 4, 5], 'the rows after the stored position are read again');
      for (const r of replayed) {
        const id = Number((r.value as { after: { id: number } }).after.id);
        assert.equal(fieldsOf(r), EXPECTED[id], `replayed: row ${id} has the columns of its time, not today's`);
      }
      const st = (await api.get(`/connectors/${name}/status`)).body as { tasks: { state: string }[] };
      assert.equal(st.tasks[0]?.state, 'RUNNING');
    });
  } finally {
    await daemon.stop();
  }
});

test('DDL read after later ALTERs (connector stopped meanwhile): each schema change carries the definition its own statement left', { skip: SKIP, timeout: 300_000 }, async () => {
  const db = `mylag_${process.pid}`;
  const name = `mylag_${process.pid}`;
  await admin.query(`DROP DATABASE IF EXISTS ${db}; CREATE DATABASE ${db}; CREATE TABLE ${db}.lag (id INT PRIMARY KEY, v VARCHAR(10) DEFAULT 'd0')`);
  const port = await freePort();
  const daemon = new Daemon(writeConfig({
    env: env!, name, database: db, source: 'mariadb', restPort: port,
    connector: { 'snapshot.mode': 'no_data', 'include.schema.changes': true },
  }), env!).start();
  const api = new Rest(`http://127.0.0.1:${port}`);
  type Column = { name: string; defaultValueExpression: string | null; optional: boolean };
  type Change = { ddl: string; tableChanges: { table: { columns: Column[] } }[] };
  try {
    await daemon.withLog(async () => {
      await daemon.waitForStreaming();
      // A committed offset first, so the resumed connector reads on from here.
      await admin.query(`INSERT INTO ${db}.lag (id) VALUES (0)`);
      await waitForTopics(env!, [`${name}.${db}.lag`]);
      await readUntil(env!, [`${name}.${db}.lag`], (rs) => rs.length >= 1, 60_000);
      assert.equal((await api.put(`/connectors/${name}/stop`)).status, 204);
      await api.waitFor(`/connectors/${name}/status`, (b) => b.connector.state === 'STOPPED', 60_000);
      // While the connector is stopped: three statements on one table, each changing what the one before left.
      await admin.query(`ALTER TABLE ${db}.lag ALTER COLUMN v SET DEFAULT 'd1'`);
      await admin.query(`INSERT INTO ${db}.lag (id) VALUES (1)`);
      await admin.query(`ALTER TABLE ${db}.lag ADD COLUMN w INT NOT NULL DEFAULT 7`);
      await admin.query(`INSERT INTO ${db}.lag (id) VALUES (2)`);
      await admin.query(`ALTER TABLE ${db}.lag ALTER COLUMN v SET DEFAULT 'd2', MODIFY w INT NULL`);
      assert.equal((await api.put(`/connectors/${name}/resume`)).status, 202);
      await waitForTopics(env!, [name]);
      const alters = (rs: ReadRecord[]) => rs.map((r) => r.value as Change).filter((v) => /ALTER TABLE/.test(String(v?.ddl)));
      const changes = alters(await readUntil(env!, [name], (rs) => alters(rs).length >= 3, 120_000));
      const cols = (c: Change) => c.tableChanges[0]!.table.columns.map((x) => [x.name, x.defaultValueExpression ?? null, x.optional]);
      assert.deepEqual(changes.map(cols), [
        [['id', null, false], ['v', 'd1', true]],
        [['id', null, false], ['v', 'd1', true], ['w', '7', false]],
        [['id', null, false], ['v', 'd2', true], ['w', null, true]],
      ], 'information_schema shows only the last state; each statement\'s own result is recorded');
      const rows = await readUntil(env!, [`${name}.${db}.lag`], (rs) => rs.length >= 3, 60_000);
      assert.deepEqual(rows.map((r) => Object.keys((r.value as { after: object }).after).sort().join(',')), ['id,v', 'id,v', 'id,v,w']);
    });
  } finally {
    await daemon.stop();
    await admin.query(`DROP DATABASE IF EXISTS ${db}`).catch(() => undefined);
  }
});
