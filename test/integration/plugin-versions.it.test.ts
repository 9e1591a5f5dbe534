/**
 * Two versions of the PostgreSQL connector plugin installed side by side (one
 * built in, one from plugin.path), each chosen per connector with
 * connector.plugin.version, as Kafka Connect 4.1 (KIP-891) does.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { stackEnv, SKIP_REASON } from '../helpers/stack-env.ts';
import { PgFixture } from '../helpers/pg-fixture.ts';
import { Daemon, writeConfig, connectorConfig } from '../helpers/daemon.ts';
import { readUntil, waitForTopics } from '../helpers/kafka-reader.ts';
import { Rest, freePort } from '../helpers/rest-client.ts';

const env = stackEnv();
let db: PgFixture;
const PLUGINS = new URL('../fixtures/plugins', import.meta.url).pathname;
before(async () => { if (env) { db = await PgFixture.create(env, 'plugv'); await db.query(`CREATE TABLE t (id int PRIMARY KEY)`); } });
after(async () => { if (db) await db.drop(); });

test('two plugin versions run side by side, chosen per connector', { skip: env ? false : SKIP_REASON, timeout: 180_000 }, async () => {
  const base = `pv_${db.database.slice(-8)}`;
  const port = await freePort();
  const daemon = new Daemon(writeConfig({ env: env!, name: base, database: db.database, restPort: port, withConnector: false, connector: {}, worker: { 'plugin.path': PLUGINS } }), env!).start();
  const api = new Rest(`http://127.0.0.1:${port}`);
  try {
    await daemon.withLog(async () => {
      await api.waitFor('/health', (b) => b.status === 'healthy');
      const plugins = (await api.get('/connector-plugins')).body as { class: string; version: string }[];
      const pg = plugins.filter((p) => p.class === 'io.debezium.connector.postgresql.PostgresConnector').map((p) => p.version).sort();
      assert.deepEqual(pg, ['0.1.0', '0.2.0']);
      for (const version of ['0.1.0', '0.2.0']) {
        const name = `${base}_${version.replace(/\./g, '')}`;
        const config = { ...connectorConfig({ env: env!, name, database: db.database, connector: { 'snapshot.mode': 'no_data' } }), 'connector.plugin.version': version };
        const r = await api.post('/connectors', { name, config });
        assert.equal(r.status, 201, JSON.stringify(r.body));
      }
      const missing = await api.post('/connectors', { name: `${base}_x`, config: { ...connectorConfig({ env: env!, name: `${base}_x`, database: db.database, connector: {} }), 'connector.plugin.version': '9.9.9' } });
      assert.equal(missing.status, 400);
      assert.match(missing.body.message, /no version 9\.9\.9 \(installed: 0\.1\.0, 0\.2\.0\)|installed/);
      for (const version of ['0.1.0', '0.2.0']) {
        const st = await api.waitFor(`/connectors/${base}_${version.replace(/\./g, '')}/status`, (b) => b.tasks[0]?.state === 'RUNNING');
        assert.equal(st.tasks[0].version, version, 'status names the running plugin version');
      }
      await db.query(`INSERT INTO t VALUES (1)`);
      for (const version of ['0.1.0', '0.2.0']) {
        const topic = `${base}_${version.replace(/\./g, '')}.public.t`;
        const [rec] = await readUntil(env!, await waitForTopics(env!, [topic]), (r) => r.length >= 1, 60_000);
        assert.equal(rec!.headers['cdc.plugin.version'], version === '0.2.0' ? '0.2.0' : undefined, `records of ${version} come from that version's code`);
      }
    });
  } finally {
    await daemon.stop();
  }
});
