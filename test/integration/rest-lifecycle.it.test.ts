/**
 * The Kafka Connect REST API against a real worker, and lifecycle operations
 * verified through Kafka and the replication slot, not only through the API's
 * own answers: create/get/config/secrets, pause (nothing flows, slot still),
 * resume, stop (tasks gone, slot released), offsets get/alter/reset (what the
 * connector emits afterwards), restart, delete, persistence across restarts.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { stackEnv, SKIP_REASON } from '../helpers/stack-env.ts';
import { PgFixture } from '../helpers/pg-fixture.ts';
import { Daemon, writeConfig, connectorConfig } from '../helpers/daemon.ts';
import { readToEnd, readUntil, waitForTopics, type ReadRecord } from '../helpers/kafka-reader.ts';
import { Rest, freePort } from '../helpers/rest-client.ts';

const env = stackEnv();
let db: PgFixture;

before(async () => {
  if (!env) return;
  db = await PgFixture.create(env, 'rest');
  await db.query(`CREATE TABLE t (id int PRIMARY KEY, v text); INSERT INTO t VALUES (1, 'snap')`);
});
after(async () => { if (db) await db.drop(); });

const ids = (rs: ReadRecord[]) => rs.map((r) => `${(r.value as { op: string }).op}${(r.key as { id: number }).id}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('REST contract and lifecycle on a live PostgreSQL connector', { skip: env ? false : SKIP_REASON, timeout: 400_000 }, async () => {
  const name = `rest_${db.database.slice(-8)}`;
  const port = await freePort();
  const opts = { env: env!, name, database: db.database, restPort: port, withConnector: false, connector: { 'table.include.list': 'public\\.t' } };
  const file = writeConfig(opts);
  // slot.drop.on.stop: the slot must survive pause/stop/restart and go only with the delete.
  const config = { ...connectorConfig(opts), 'database.password': env!.pg.password, 'slot.drop.on.stop': 'true' };
  const topic = `${name}.public.t`;
  const api = new Rest(`http://127.0.0.1:${port}`);
  let daemon = new Daemon(file, env!).start();
  try {
    await daemon.withLog(async () => {
      await api.waitFor('/health', (b) => b.status === 'healthy');
      // Worker and plugins.
      const root = await api.get('/');
      assert.equal(root.status, 200);
      assert.ok(root.body.version && root.body.kafka_cluster_id);
      const plugins = await api.get('/connector-plugins');
      assert.ok(plugins.body.some((p: { class: string; type: string }) => p.class === 'io.debezium.connector.postgresql.PostgresConnector' && p.type === 'source'));
      const defs = await api.get('/connector-plugins/PostgresConnector/config');
      assert.ok(defs.body.some((d: { name: string }) => d.name === 'slot.name'));
      const v = await api.put('/connector-plugins/io.debezium.connector.postgresql.PostgresConnector/config/validate', { 'connector.class': 'io.debezium.connector.postgresql.PostgresConnector', 'database.port': 'x' });
      assert.equal(v.status, 200);
      assert.ok(v.body.error_count >= 2, 'every problem counted');

      // Create: invalid config is refused with every problem, a good one is created once.
      const bad = await api.post('/connectors', { name, config: { ...config, 'slot.name': 'Bad-Name', 'database.port': 'x' } });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error_code, 400);
      assert.match(bad.body.message, /contains the following 2 error\(s\)/);
      assert.equal((await api.get(`/connectors/${name}`)).status, 404);
      const created = await api.post('/connectors', { name, config });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.equal(created.headers.get('location'), `http://127.0.0.1:${port}/connectors/${name}`, 'Location is absolute, as Connect gives it');
      assert.deepEqual(created.body.tasks, [], 'a create answers before any task exists');
      assert.equal((await api.post('/connectors', { name, config })).status, 409);
      // Created STOPPED: no tasks in the answer or later, STOPPED with the version in status.
      const stoppedName = `${name}_stopped`;
      const createdStopped = await api.post('/connectors', { name: stoppedName, config: { ...config, name: stoppedName, 'slot.name': `${name}_s`, 'topic.prefix': stoppedName }, initial_state: 'STOPPED' });
      assert.equal(createdStopped.status, 201, JSON.stringify(createdStopped.body));
      assert.deepEqual(createdStopped.body.tasks, []);
      const st = await api.waitFor(`/connectors/${stoppedName}/status`, (b) => b.connector.state === 'STOPPED');
      assert.deepEqual(st.tasks, []);
      assert.equal(typeof st.connector.version, 'string');
      assert.deepEqual((await api.get(`/connectors/${stoppedName}/tasks`)).body, []);
      assert.equal((await api.delete(`/connectors/${stoppedName}`)).status, 204);
      await api.waitFor(`/connectors/${name}/status`, (b) => b.tasks[0]?.state === 'RUNNING');
      const list = await api.get('/connectors?expand=status&expand=info');
      assert.equal(list.body[name].status.connector.state, 'RUNNING');
      assert.equal(list.body[name].info.type, 'source');

      // Secrets: hidden in answers; GET-modify-PUT keeps the stored one.
      const cfg = (await api.get(`/connectors/${name}/config`)).body;
      assert.equal(cfg['database.password'], '[hidden]');
      assert.ok(!JSON.stringify((await api.get(`/connectors/${name}`)).body).includes(`"${env!.pg.password}"`) || env!.pg.password === 'postgres');
      const putAt = Date.now();
      const put = await api.put(`/connectors/${name}/config`, { ...cfg, 'tombstones.on.delete': 'false' });
      assert.equal(put.status, 200);
      // The task restarts with the new config: wait for the new instance's RUNNING, not the old one's.
      await api.waitFor(`/connectors/${name}/status`, (b) => b.tasks[0]?.state === 'RUNNING' && b.tasks[0].since >= putAt);

      // Data flows.
      await db.query(`INSERT INTO t VALUES (2, 'a')`);
      let rs = await readUntil(env!, await waitForTopics(env!, [topic]), (r) => r.length >= 2, 60_000);
      assert.deepEqual(ids(rs), ['r1', 'c2']);

      // Topics the connector wrote to (KIP-558), task list and task status, PATCH config, loggers.
      const topics = await api.waitFor(`/connectors/${name}/topics`, (b) => b[name]?.topics?.includes(topic));
      assert.deepEqual(topics[name].topics, [topic]);
      assert.equal((await api.put(`/connectors/${name}/topics/reset`)).status, 202);
      assert.deepEqual((await api.get(`/connectors/${name}/topics`)).body[name].topics, []);
      const tasks = (await api.get(`/connectors/${name}/tasks`)).body;
      assert.deepEqual(tasks[0].id, { connector: name, task: 0 });
      assert.equal(tasks[0].config['database.password'], '[hidden]', 'task configs redact secrets too');
      // Connect's task config: the connector config plus task.class, nothing of the worker's.
      assert.equal(tasks[0].config['task.class'], 'io.debezium.connector.postgresql.PostgresConnectorTask');
      assert.equal(tasks[0].config['topic.prefix'], name);
      assert.equal(tasks[0].config['key.converter'], undefined, 'worker converter settings are not task config');
      assert.equal(tasks[0].config['schema.registry.url'], undefined);
      const ts = (await api.get(`/connectors/${name}/tasks/0/status`)).body;
      assert.equal(ts.state, 'RUNNING', JSON.stringify([ts, (await api.get(`/connectors/${name}/status`)).body]));
      assert.equal((await api.get(`/connectors/${name}/tasks/3/status`)).status, 404);
      const patchAt = Date.now();
      const patched = await api.patch(`/connectors/${name}/config`, { 'tombstones.on.delete': null, 'max.batch.size': '1024' });
      assert.equal(patched.status, 200);
      assert.equal(patched.body.config['max.batch.size'], '1024');
      assert.equal('tombstones.on.delete' in patched.body.config, false);
      await api.waitFor(`/connectors/${name}/status`, (b) => b.tasks[0]?.state === 'RUNNING' && b.tasks[0].since >= patchAt);
      assert.equal((await api.put('/admin/loggers/cdc.connector.' + name, { level: 'DEBUG' })).status, 200);
      assert.equal((await api.get('/admin/loggers/cdc.connector.' + name)).body.level, 'DEBUG');
      assert.equal((await api.put('/admin/loggers/cdc', {})).status, 400);
      assert.equal((await api.get('/connectors/nope/status')).status, 404);

      // Offsets cannot change while running.
      const early = await api.patch(`/connectors/${name}/offsets`, { offsets: [{ partition: { server: name }, offset: { lsn_proc: 1 } }] });
      assert.equal(early.status, 400);
      assert.match(early.body.message, /STOPPED state/);

      // Pause: nothing flows and the slot stays where it is; resume: it all arrives.
      assert.equal((await api.put(`/connectors/${name}/pause`)).status, 202);
      const pausedStatus = await api.waitFor(`/connectors/${name}/status`, (b) => b.connector.state === 'PAUSED' && b.tasks[0]?.state === 'PAUSED');
      assert.equal(typeof pausedStatus.connector.version, 'string', 'PAUSED status carries the plugin version (KIP-891)');
      assert.equal(pausedStatus.tasks[0].version, pausedStatus.connector.version);
      const slotBefore = await db.slot(name);
      await db.query(`INSERT INTO t VALUES (3, 'while paused')`);
      await sleep(3000); // time for a paused task that wrongly goes on to write it
      rs = await readToEnd(env!, [topic]);
      assert.deepEqual(ids(rs), ['r1', 'c2'], 'paused: nothing new in Kafka');
      assert.equal((await db.slot(name))!.confirmedFlush, slotBefore!.confirmedFlush, 'paused: slot not advanced');
      assert.equal((await api.put(`/connectors/${name}/resume`)).status, 202);
      rs = await readUntil(env!, [topic], (r) => r.length >= 3, 60_000);
      assert.deepEqual(ids(rs), ['r1', 'c2', 'c3']);

      // Restart: 204 plain, 202 with the plan.
      assert.equal((await api.post(`/connectors/${name}/restart`)).status, 204);
      const planAt = Date.now();
      const plan = await api.post(`/connectors/${name}/restart?includeTasks=true`);
      assert.equal(plan.status, 202);
      // Status, right after: RESTARTING until the new instance reports (never the old instance's RUNNING).
      const afterPlan = (await api.get(`/connectors/${name}/status`)).body;
      assert.ok(afterPlan.connector.state === 'RESTARTING' || afterPlan.connector.since >= planAt, JSON.stringify(afterPlan));
      assert.equal(plan.body.tasks[0].state, 'RESTARTING');
      assert.equal(plan.body.connector.state, 'RESTARTING', 'the connector itself restarts too');
      await api.waitFor(`/connectors/${name}/status`, (b) => b.tasks[0]?.state === 'RUNNING');
      assert.equal((await api.post(`/connectors/${name}/tasks/0/restart`)).status, 204);
      assert.equal((await api.post(`/connectors/${name}/tasks/7/restart`)).status, 404);

      // Stop: tasks gone, slot released. Offsets are readable.
      assert.equal((await api.put(`/connectors/${name}/stop`)).status, 204);
      const stoppedStatus = await api.waitFor(`/connectors/${name}/status`, (b) => b.connector.state === 'STOPPED' && b.tasks.length === 0);
      assert.equal(typeof stoppedStatus.connector.version, 'string', 'STOPPED status carries the plugin version (KIP-891)');
      assert.deepEqual((await api.get(`/connectors/${name}/tasks`)).body, []);
      assert.equal((await db.waitForSlot(name, (s) => !s?.active))!.active, false, 'stopped: slot released');
      const offsets = (await api.get(`/connectors/${name}/offsets`)).body;
      assert.equal(offsets.offsets.length, 1);
      assert.deepEqual(offsets.offsets[0].partition, { server: name });
      assert.equal(typeof offsets.offsets[0].offset.lsn_proc, 'number');

      // Alter: move the position past rows 4 and 5 (written while stopped); resume emits only row 6.
      await db.query(`INSERT INTO t VALUES (4, 'skip'); INSERT INTO t VALUES (5, 'skip')`);
      const lsn = (await db.query(`SELECT (pg_current_wal_insert_lsn() - '0/0')::bigint::text AS n`)).rows[0].n as string;
      await db.query(`INSERT INTO t VALUES (6, 'after')`);
      const altered = await api.patch(`/connectors/${name}/offsets`, { offsets: [{ partition: { server: name }, offset: { ...offsets.offsets[0].offset, lsn_proc: Number(lsn), lsn_commit: null, lsn_events_processed: 0 } }] });
      assert.equal(altered.status, 200, JSON.stringify(altered.body));
      assert.equal(altered.body.message, 'The Connect framework-managed offsets for this connector have been altered successfully. However, if this connector manages offsets externally, they will need to be manually altered in the system that the connector uses.');
      assert.equal((await api.put(`/connectors/${name}/resume`)).status, 202);
      await readUntil(env!, [topic], (r) => r.length >= 4, 60_000);
      await sleep(1500); // rows 4 and 5 precede 6 in the WAL; anything emitted late would show up now
      rs = await readToEnd(env!, [topic]);
      assert.deepEqual(ids(rs), ['r1', 'c2', 'c3', 'c6'], 'altered offset: rows before it skipped, after it emitted');

      // Reset: stop, DELETE offsets; the next start has no position and snapshots again.
      assert.equal((await api.put(`/connectors/${name}/stop`)).status, 204);
      await api.waitFor(`/connectors/${name}/status`, (b) => b.connector.state === 'STOPPED');
      await db.waitForSlot(name, (s) => !s?.active);
      const reset = await api.delete(`/connectors/${name}/offsets`);
      assert.equal(reset.status, 200, JSON.stringify(reset.body));
      assert.match(reset.body.message, /^The Connect framework-managed offsets for this connector have been reset successfully\. However/);
      assert.deepEqual((await api.get(`/connectors/${name}/offsets`)).body, { offsets: [] });
      assert.equal((await api.put(`/connectors/${name}/resume`)).status, 202);
      rs = await readUntil(env!, [topic], (r) => r.filter((x) => (x.value as { op: string }).op === 'r').length >= 7, 60_000);
      assert.equal(rs.filter((x) => (x.value as { op: string }).op === 'r').length, 7, 'a fresh snapshot of all six rows after the reset');
    });

    // Persistence: a connector created through the API survives a worker restart.
    await daemon.stop();
    daemon = new Daemon(file, env!).start();
    await daemon.withLog(async () => {
      await api.waitFor('/health', (b) => b.status === 'healthy');
      assert.deepEqual((await api.get('/connectors')).body, [name]);
      await api.waitFor(`/connectors/${name}/status`, (b) => b.tasks[0]?.state === 'RUNNING');
      // Delete: 204, then 404; a second delete 404.
      assert.equal((await api.delete(`/connectors/${name}`)).status, 204);
      const gone = await api.get(`/connectors/${name}`);
      assert.equal(gone.status, 404);
      assert.equal(gone.body.message, `Connector ${name} not found`);
      assert.equal((await api.delete(`/connectors/${name}`)).status, 404);
      assert.equal(await db.waitForSlot(name, (s) => s === null), null, 'slot.drop.on.stop: the slot went with the connector');
    });
  } finally {
    await daemon.stop();
  }
});
