/**
 * Single message transforms against the real services (issue 9): a RegexRouter renames every
 * data topic and a Filter guarded by TopicNameMatches drops one table's changes. A
 * read_committed consumer decoding Avro with the registry's schemas (independently of the
 * daemon's code) sees exactly the kept changes under the new names, nothing of the dropped
 * table, and the slot still advances past a trailing run of dropped changes (their offsets
 * commit with the transactions that would have held them). Header transforms keep Connect's
 * list semantics on the Kafka record: two InsertHeader stages under one key give two headers
 * with that key, in order; a literal is typed as Values.parseString types it; DropHeaders
 * removes one of Debezium's context headers. The REST API lists the transforms and reports a
 * transform's config problem on its own property.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { stackEnv, SKIP_REASON } from '../helpers/stack-env.ts';
import { PgFixture } from '../helpers/pg-fixture.ts';
import { Daemon, writeConfig } from '../helpers/daemon.ts';
import { readUntil, topicsWithPrefix, waitForTopics } from '../helpers/kafka-reader.ts';
import { Rest, freePort } from '../helpers/rest-client.ts';

const env = stackEnv();
let db: PgFixture;
before(async () => {
  if (!env) return;
  db = await PgFixture.create(env, 'smt');
  await db.query(`CREATE TABLE orders (id int PRIMARY KEY, amount int); CREATE TABLE items (id int PRIMARY KEY, sku text); CREATE TABLE audit_log (id int PRIMARY KEY, msg text)`);
});
after(async () => { if (db) await db.drop(); });

function lsn(text: string): bigint {
  const [hi, lo] = text.split('/');
  return (BigInt(`0x${hi}`) << 32n) | BigInt(`0x${lo}`);
}

test('Filter with TopicNameMatches drops exactly its records, RegexRouter renames topics, and the slot advances past dropped changes', { skip: env ? false : SKIP_REASON, timeout: 300_000 }, async () => {
  const name = `smt_${db.database.slice(-8)}`;
  const out = `${name}-out`;
  const port = await freePort();
  const K = 'org.apache.kafka.connect.transforms';
  const daemon = new Daemon(writeConfig({
    env: env!, name, database: db.database, restPort: port,
    connector: {
      'table.include.list': 'public\\.orders,public\\.items,public\\.audit_log', 'snapshot.mode': 'no_data',
      transforms: 'route,dropAudit,tagA,tagB,list,amount,dropRun',
      'transforms.route.type': `${K}.RegexRouter`, 'transforms.route.regex': '([^.]+)\\.([^.]+)\\.([^.]+)', 'transforms.route.replacement': `${out}.$3`,
      'transforms.dropAudit.type': `${K}.Filter`, 'transforms.dropAudit.predicate': 'isAudit',
      'transforms.tagA.type': `${K}.InsertHeader`, 'transforms.tagA.header': 'cdc.tag', 'transforms.tagA.value.literal': 'first',
      'transforms.tagB.type': `${K}.InsertHeader`, 'transforms.tagB.header': 'cdc.tag', 'transforms.tagB.value.literal': 'second',
      'transforms.list.type': `${K}.InsertHeader`, 'transforms.list.header': 'cdc.list', 'transforms.list.value.literal': '[1, 2,3]',
      'transforms.amount.type': `${K}.InsertHeader`, 'transforms.amount.header': 'cdc.amount', 'transforms.amount.value.literal': '1.50',
      'transforms.dropRun.type': `${K}.DropHeaders`, 'transforms.dropRun.headers': '__debezium.context.runId',
      predicates: 'isAudit', 'predicates.isAudit.type': `${K}.predicates.TopicNameMatches`, 'predicates.isAudit.pattern': '.*\\.audit_log',
    },
  }), env!).start();
  const api = new Rest(`http://127.0.0.1:${port}`);
  try {
    await daemon.withLog(async () => {
      await api.waitFor(`/connectors/${name}/status`, (b) => b.tasks[0]?.state === 'RUNNING', 120_000);
      for (let i = 1; i <= 50; i++) {
        await db.query(`BEGIN; INSERT INTO orders VALUES (${i}, ${i * 10}); INSERT INTO audit_log VALUES (${i}, 'order ${i}'); ${i <= 20 ? `INSERT INTO items VALUES (${i}, 'sku${i}');` : ''} COMMIT`);
      }
      // A trailing run of changes that are all dropped: the slot must still move past them.
      await db.query(`INSERT INTO audit_log SELECT g, 'tail' FROM generate_series(1001, 1100) g`);
      const after = lsn(String((await db.query(`SELECT pg_current_wal_lsn()::text AS l`)).rows[0].l));

      const topics = await waitForTopics(env!, [`${out}.orders`, `${out}.items`]);
      const rs = await readUntil(env!, topics, (r) => r.length >= 70, 120_000);
      const ids = (t: string) => rs.filter((r) => r.topic === t).map((r) => (r.value as { after: { id: number } }).after.id).sort((a, b) => a - b);
      assert.deepEqual(ids(`${out}.orders`), Array.from({ length: 50 }, (_, i) => i + 1), 'each order change once');
      assert.deepEqual(ids(`${out}.items`), Array.from({ length: 20 }, (_, i) => i + 1), 'each item change once');
      const order = rs.find((r) => r.topic === `${out}.orders`)!;
      assert.equal((order.value as { after: { amount: number } }).after.amount % 10, 0);

      // Headers on the Kafka record: both InsertHeader stages under cdc.tag, in order (appended, not replaced).
      for (const r of rs) {
        assert.deepEqual(r.headerList.filter(([k]) => k === 'cdc.tag').map(([, v]) => v), ['first', 'second'], `two cdc.tag headers on ${r.topic}@${r.offset}`);
      }
      // value.literal typed as Connect's Values.parseString: an INT8 array and a FLOAT32, as SimpleHeaderConverter writes them
      assert.equal(order.headers['cdc.list'], '[1,2,3]');
      assert.equal(order.headers['cdc.amount'], '1.5');
      assert.equal(order.headers['__debezium.context.runId'], undefined, 'DropHeaders removed it');
      assert.equal(order.headers['__debezium.context.connectorLogicalName'], name, 'the other context headers stay');

      const slotName = name.replace(/[^a-z0-9_]/g, '_');
      const slot = await db.waitForSlot(slotName, (s) => s !== null && s.confirmedFlush >= after, 90_000);
      assert.ok(slot && slot.confirmedFlush >= after, `slot confirmed ${slot?.confirmedFlush} is past the dropped changes (${after})`);
      const written = [...await topicsWithPrefix(env!, name)].sort();
      assert.ok(!written.some((t) => t.includes('audit_log')), `no audit_log topic: ${written.join(', ')}`);
      assert.ok(!written.includes(`${name}.public.orders`), 'nothing under the original topic names');
      const subjects = await (await fetch(`${env!.registry}/subjects`)).json() as string[];
      assert.ok(subjects.includes(`${out}.orders-value`), 'subjects follow the renamed topic');

      const plugins = (await api.call('GET', '/connector-plugins?connectorsOnly=false')).body as { class: string; type: string }[];
      assert.ok(plugins.some((p) => p.class === `${K}.RegexRouter` && p.type === 'transformation'));
      assert.ok(plugins.some((p) => p.class === `${K}.predicates.TopicNameMatches` && p.type === 'predicate'));
      const described = (await api.call('GET', `/connector-plugins/${K}.RegexRouter/config`)).body as { name: string; required: boolean }[];
      assert.deepEqual(described.map((d) => [d.name, d.required]), [['regex', true], ['replacement', true]]);
      const v = (await api.call('PUT', '/connector-plugins/io.debezium.connector.postgresql.PostgresConnector/config/validate', {
        'connector.class': 'io.debezium.connector.postgresql.PostgresConnector', transforms: 'r', 'transforms.r.type': `${K}.RegexRouter`, 'transforms.r.regex': 'x',
      })).body as { configs: { value: { name: string; errors: string[] } }[] };
      const errors = new Map(v.configs.map((c) => [c.value.name, c.value.errors]));
      assert.match(errors.get('transforms.r.replacement')?.join(' ') ?? '', /required property transforms\.r\.replacement is not set/);
    });
  } finally {
    await daemon.stop();
  }
});
