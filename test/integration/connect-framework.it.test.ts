/**
 * Kafka Connect framework properties against the real broker, registry and PostgreSQL:
 * - offsets.storage.topic (KIP-618): a connector given its own offsets topic resumes from
 *   the worker's topic (fallback, no second snapshot), then writes its offsets to its own
 *   topic in the records' transaction (mirrored to the worker's); the REST offsets
 *   endpoints read the connector's topic first and reset both.
 * - topic.creation.*: topics created with their group's partitions and topic configs;
 *   without topic.creation.* nothing is created and a broker that does not auto-create
 *   gives CDC_KAFKA_TOPIC_MISSING.
 * - header.converter=StringConverter: the key-change headers are written as Connect's Struct{...}.
 * - errors.tolerance=all: a record the registry refuses is skipped and logged (without its
 *   data), the task keeps running and the next records flow.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { stackEnv, SKIP_REASON } from '../helpers/stack-env.ts';
import { PgFixture } from '../helpers/pg-fixture.ts';
import { Daemon, writeConfig } from '../helpers/daemon.ts';
import { Rest, freePort } from '../helpers/rest-client.ts';
import { kafkaFor, readUntil, waitForTopics, type ReadRecord } from '../helpers/kafka-reader.ts';
import { readConnectorOffsets } from '../../src/offsets/offset-reader.ts';

const env = stackEnv();
let db: PgFixture;

before(async () => {
  if (!env) return;
  db = await PgFixture.create(env, 'fw');
  await db.query(`CREATE TABLE orders (id int PRIMARY KEY, v text); CREATE TABLE items (id int PRIMARY KEY, n int NOT NULL);
    INSERT INTO orders VALUES (1, 'a'), (2, 'b'); INSERT INTO items VALUES (1, 1);
    CREATE TABLE keyed (id int PRIMARY KEY, v text); INSERT INTO keyed VALUES (1, 'x');`);
});

after(async () => { if (db) await db.drop(); });

const idOf = (r: ReadRecord) => ((r.value as { after: { id: number } | null } | null)?.after?.id ?? null);
const opOf = (r: ReadRecord) => (r.value as { op: string } | null)?.op ?? null;

test('offsets.storage.topic: fallback to the worker topic, then records and offsets in the connector\'s own topic; REST offsets use it',
  { skip: env ? false : SKIP_REASON, timeout: 300_000 }, async () => {
    const name = `fwoff_${db.database.slice(-8)}`;
    const topic = `${name}.public.orders`;
    const workerTopic = `offsets-${name}`;
    const ownTopic = `own-offsets-${name}`;
    const kafka = kafkaFor(env!);
    const base = { env: env!, name, database: db.database };
    const connector = { 'table.include.list': 'public\\.orders' };

    // 1. Without its own topic: snapshot of 2 rows, offset in the worker's topic.
    let daemon = new Daemon(writeConfig({ ...base, connector }), env!).start();
    try {
      await daemon.withLog(async () => {
        await waitForTopics(env!, [topic]);
        await readUntil(env!, [topic], (r) => r.length >= 2, 60_000);
        await daemon.waitForStreaming();
      });
    } finally { await daemon.stop(); }
    const before = (await readConnectorOffsets(kafka, workerTopic, name)).get({ server: name });
    assert.ok(before, 'the worker topic holds the offset before the connector has its own');

    // 2. With its own topic: it resumes from the worker's offset (no second snapshot) and writes to its own.
    const port = await freePort();
    daemon = new Daemon(writeConfig({ ...base, restPort: port, connector: { ...connector, 'offsets.storage.topic': ownTopic } }), env!).start();
    const rest = new Rest(`http://127.0.0.1:${port}`);
    try { await daemon.withLog(async () => {
      await daemon.waitForStreaming();
      await db.query(`INSERT INTO orders VALUES (3, 'c')`);
      const rs = await readUntil(env!, [topic], (r) => r.some((x) => idOf(x) === 3), 60_000);
      assert.deepEqual(rs.map((r) => [opOf(r), idOf(r)]), [['r', 1], ['r', 2], ['c', 3]], 'resumed from the worker topic: no second snapshot');
      // Compared once the task is stopped, so no commit can fall between the two reads.
      assert.ok([202, 204].includes((await rest.put(`/connectors/${name}/stop`)).status));
      await rest.waitFor(`/connectors/${name}/status`, (s) => s.connector.state === 'STOPPED');
      const own = (await readConnectorOffsets(kafka, ownTopic, name)).get({ server: name });
      assert.ok(own, 'the connector topic holds the offset');
      assert.ok(Number(own.lsn_proc) > Number(before.lsn_proc), 'and it covers the new row');
      // Connect mirrors the offsets to the worker's topic (same transaction here).
      assert.deepEqual((await readConnectorOffsets(kafka, workerTopic, name)).get({ server: name }), own);
      const admin = kafka.admin();
      await admin.connect();
      try {
        const cfg = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2, name: ownTopic, configNames: ['cleanup.policy'] }] });
        assert.equal(cfg.resources[0]!.configEntries[0]!.configValue, 'compact', 'created compacted');
      } finally { await admin.disconnect(); }

      // The connector's topic wins over the worker's in GET .../offsets.
      const producer = kafka.producer();
      await producer.connect();
      await producer.send({ topic: workerTopic, messages: [{ key: JSON.stringify([name, { server: name }]), value: JSON.stringify({ lsn_proc: 1, snapshot: 'INITIAL', snapshot_completed: false }) }] });
      await producer.disconnect();
      const got = await rest.get(`/connectors/${name}/offsets`);
      assert.equal(got.status, 200);
      assert.deepEqual(got.body.offsets, [{ partition: { server: name }, offset: own }]);

      // A restart resumes from the connector's topic: the worker topic's stale offset (no completed
      // snapshot in it) would make the task snapshot again.
      assert.equal((await rest.put(`/connectors/${name}/resume`)).status, 202);
      await rest.waitFor(`/connectors/${name}/status`, (s) => s.tasks[0]?.state === 'RUNNING');
      await db.query(`INSERT INTO orders VALUES (4, 'd')`);
      const again = await readUntil(env!, [topic], (r) => r.some((x) => idOf(x) === 4), 60_000);
      assert.deepEqual(again.map((r) => [opOf(r), idOf(r)]), [['r', 1], ['r', 2], ['c', 3], ['c', 4]], 'resumed from the connector topic');
      assert.ok([202, 204].includes((await rest.put(`/connectors/${name}/stop`)).status));
      await rest.waitFor(`/connectors/${name}/status`, (s) => s.connector.state === 'STOPPED');

      // DELETE resets both topics, so the fallback cannot bring the offset back.
      assert.equal((await rest.delete(`/connectors/${name}/offsets`)).status, 200);
      assert.equal((await readConnectorOffsets(kafka, ownTopic, name)).get({ server: name }), null);
      assert.equal((await readConnectorOffsets(kafka, workerTopic, name)).get({ server: name }), null);
      assert.deepEqual((await rest.get(`/connectors/${name}/offsets`)).body.offsets, []);
    }); } finally { await daemon.stop(); }
  });

test('topic.creation groups: partitions and topic configs per group; without topic.creation.* nothing is created',
  { skip: env ? false : SKIP_REASON, timeout: 300_000 }, async () => {
    const name = `fwtc_${db.database.slice(-8)}`;
    const orders = `${name}.public.orders`;
    const items = `${name}.public.items`;
    const kafka = kafkaFor(env!);
    const daemon = new Daemon(writeConfig({
      env: env!, name, database: db.database,
      connector: {
        'table.include.list': 'public\\.(orders|items)',
        'topic.creation.default.partitions': 2,
        'topic.creation.default.replication.factor': -1,
        'topic.creation.default.max.message.bytes': '2000000',
        'topic.creation.groups': 'orders',
        'topic.creation.orders.include': `${name}\\.public\\.orders`,
        'topic.creation.orders.partitions': 3,
        'topic.creation.orders.retention.ms': '86400000',
        'topic.creation.orders.cleanup.policy': 'compact,delete',
      },
    }), env!).start();
    try {
      await daemon.withLog(async () => {
        await waitForTopics(env!, [orders, items]);
        const rs = await readUntil(env!, [orders, items], (r) => r.length >= 3, 60_000);
        assert.ok(rs.length >= 3, `records flow into the created topics (${rs.length})`);
      });
    } finally { await daemon.stop(); }
    const admin = kafka.admin();
    await admin.connect();
    try {
      const meta = await admin.fetchTopicMetadata({ topics: [orders, items] });
      const parts = Object.fromEntries(meta.topics.map((t) => [t.name, t.partitions.length]));
      assert.deepEqual(parts, { [orders]: 3, [items]: 2 });
      const cfg = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [orders, items].map((t) => ({ type: 2, name: t, configNames: ['retention.ms', 'cleanup.policy', 'max.message.bytes'] })),
      });
      const byTopic = Object.fromEntries(cfg.resources.map((r) => [r.resourceName, Object.fromEntries(r.configEntries.map((e) => [e.configName, e.configValue]))]));
      assert.equal(byTopic[orders]!['retention.ms'], '86400000');
      assert.equal(byTopic[orders]!['cleanup.policy'], 'compact,delete');
      assert.notEqual(byTopic[orders]!['max.message.bytes'], '2000000', 'a group does not take the default group\'s topic configs');
      assert.equal(byTopic[items]!['max.message.bytes'], '2000000');
      assert.notEqual(byTopic[items]!['retention.ms'], '86400000');
    } finally { await admin.disconnect(); }

    // No topic.creation.* at all: the daemon creates no data topic, and this broker does not auto-create.
    const bare = `fwnc_${db.database.slice(-8)}`;
    const noCreation = new Daemon(writeConfig({
      env: env!, name: bare, database: db.database,
      connector: { 'table.include.list': 'public\\.items', 'topic.creation.default.partitions': undefined, 'topic.creation.default.replication.factor': undefined } as never,
    }), env!).start();
    try {
      // The state line carries the first line of the error; the fix follows in the error's own line.
      await noCreation.waitForLog(/CDC_KAFKA_TOPIC_MISSING.*set topic\.creation\.default\.partitions and topic\.creation\.default\.replication\.factor/, 90_000);
      const all = await kafka.admin();
      await all.connect();
      try { assert.ok(!(await all.listTopics()).includes(`${bare}.public.items`)); } finally { await all.disconnect(); }
    } finally { await noCreation.stop(); }
  });

test('errors.tolerance=all: a record the registry refuses is skipped and logged without its data; the next records flow',
  { skip: env ? false : SKIP_REASON, timeout: 300_000 }, async () => {
    const name = `fwerr_${db.database.slice(-8)}`;
    const topic = `${name}.public.items`;
    const subject = `${topic}-value`;
    const daemon = new Daemon(writeConfig({
      env: env!, name, database: db.database,
      connector: { 'table.include.list': 'public\\.items', 'errors.tolerance': 'all', 'errors.log.enable': true },
    }), env!).start();
    try { await daemon.withLog(async () => {
      await waitForTopics(env!, [topic]);
      const res = await fetch(`${env!.registry}/config/${encodeURIComponent(subject)}`, {
        method: 'PUT', headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' }, body: JSON.stringify({ compatibility: 'BACKWARD' }),
      });
      assert.ok(res.ok);
      await daemon.waitForStreaming();
      // int -> text is incompatible under BACKWARD: the registry refuses the new schema.
      await db.query(`ALTER TABLE items ALTER COLUMN n TYPE text USING n::text`);
      await db.query(`INSERT INTO items VALUES (2, 'secret-row-data')`);
      await daemon.waitForLog(/record skipped/, 60_000);
      // Back to the registered shape: the next records flow.
      await db.query(`ALTER TABLE items ALTER COLUMN n TYPE int USING 3`);
      await db.query(`INSERT INTO items VALUES (3, 3)`);
      const rs = await readUntil(env!, [topic], (r) => r.some((x) => idOf(x) === 3), 60_000);
      assert.deepEqual(rs.map(idOf), [1, 3], 'the refused record is skipped, the next one arrives');
      const line = daemon.output.split('\n').find((l) => l.includes('record skipped'))!;
      assert.match(line, /CDC_SCHEMA_INCOMPATIBLE/);
      assert.match(line, new RegExp(topic.replace(/\./g, '\\.')));
      assert.ok(!line.includes('secret-row-data'), 'no record data without errors.log.include.messages');
      assert.doesNotMatch(daemon.output, /task failed/);
    }); } finally { await daemon.stop(); }
  });

test('header.converter=StringConverter writes the key-change headers as Struct{...}', { skip: env ? false : SKIP_REASON, timeout: 300_000 }, async () => {
  const name = `fwhdr_${db.database.slice(-8)}`;
  const topic = `${name}.public.keyed`;
  const daemon = new Daemon(writeConfig({
    env: env!, name, database: db.database,
    connector: { 'table.include.list': 'public\\.keyed', 'header.converter': 'org.apache.kafka.connect.storage.StringConverter' },
  }), env!).start();
  try {
    await daemon.withLog(async () => {
      await waitForTopics(env!, [topic]);
      await daemon.waitForStreaming();
      await db.query(`UPDATE keyed SET id = 100 WHERE id = 1`);
      const rs = await readUntil(env!, [topic], (r) => r.some((x) => opOf(x) === 'c'), 60_000);
      const del = rs.find((r) => opOf(r) === 'd')!;
      const cre = rs.find((r) => opOf(r) === 'c')!;
      assert.equal(del.headers['__debezium.newkey'], 'Struct{id=100}');
      assert.equal(cre.headers['__debezium.oldkey'], 'Struct{id=1}');
    });
  } finally { await daemon.stop(); }
});
