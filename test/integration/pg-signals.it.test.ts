/**
 * Signals against the real stack (PostgreSQL, Kafka, Schema Registry): incremental snapshots
 * started through the signal table and through the signal topic while a writer keeps the
 * stream busy, additional-conditions snapshotting a subset, the REST extension
 * (POST /connectors/{name}/signals: 202, 409, 400), pause/resume/stop of a running snapshot,
 * a table added to table.include.list of a running connector then signalled, and a signal
 * whose effect is committed acting exactly once across a SIGKILL.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { stackEnv, SKIP_REASON } from '../helpers/stack-env.ts';
import { PgFixture } from '../helpers/pg-fixture.ts';
import { Daemon, connectorConfig, writeConfig } from '../helpers/daemon.ts';
import { kafkaFor, readToEnd, readUntil, waitForTopics, type ReadRecord } from '../helpers/kafka-reader.ts';
import { Rest, freePort } from '../helpers/rest-client.ts';
import { readConnectorOffsets } from '../../src/offsets/offset-reader.ts';

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

const SIGNAL_TABLE = 'CREATE TABLE debezium_signal (id varchar(42) PRIMARY KEY, type varchar(32) NOT NULL, data varchar(2048) NULL)';
const op = (r: ReadRecord) => (r.value as { op: string } | null)?.op;
const idOf = (r: ReadRecord) => Number((r.key as { id: number }).id);
const reads = (rs: readonly ReadRecord[]) => rs.filter((r) => op(r) === 'r');

/** Updates rows of `busy` in small transactions until stopped: the stream is never idle. */
class BusyWriter {
  private stopped = false;
  private loop: Promise<void> | null = null;
  txns = 0;
  constructor(private readonly client: pg.Client) {}
  start(): this {
    this.loop = (async () => {
      while (!this.stopped) {
        await this.client.query(`UPDATE busy SET v = v + 1 WHERE id = ${1 + (this.txns % 100)}`);
        this.txns++;
        await sleep(5);
      }
    })();
    return this;
  }
  async stop(): Promise<void> { this.stopped = true; await this.loop; }
}

test('incremental snapshots signalled through the table (with additional-conditions) and through the topic while streaming is busy', { skip, timeout: 600_000 }, async () => {
  await withDb('sigsrc', async (db, name) => {
    await db.query(`${SIGNAL_TABLE};
      CREATE TABLE items (id int PRIMARY KEY, color text NOT NULL);
      INSERT INTO items SELECT g, CASE WHEN g % 4 = 0 THEN 'blue' ELSE 'red' END FROM generate_series(1, 3000) g;
      CREATE TABLE busy (id int PRIMARY KEY, v int NOT NULL);
      INSERT INTO busy SELECT g, 0 FROM generate_series(1, 100) g;`);
    const daemon = new Daemon(writeConfig({ env: env!, name, database: db.database, connector: {
      'table.include.list': 'public\\.(items|busy)', 'snapshot.mode': 'no_data', 'incremental.snapshot.chunk.size': 200,
      'signal.data.collection': 'public.debezium_signal', 'signal.enabled.channels': 'source,kafka', 'signal.poll.interval.ms': 500,
    } }), env!);
    const client = new pg.Client({ ...env!.pg, database: db.database });
    await client.connect();
    const writer = new BusyWriter(client);
    daemon.start();
    try {
      await daemon.withLog(async () => {
        await daemon.waitForLog(/reading signals from the signal topic/, 120_000);
        writer.start();
        const topic = `${name}.public.items`;
        // 1. The signal table, a subset: blue rows only.
        await db.query(`INSERT INTO debezium_signal VALUES ('blue-1', 'execute-snapshot', '{"data-collections": ["PUBLIC\\\\.ITEMS"], "additional-conditions": [{"data-collection": "public.items", "filter": "color = ''blue''"}]}')`);
        await daemon.waitForLog(/signal \\?"blue-1\\?" \(execute-snapshot\) from the source channel: incremental snapshot of 1 table\(s\) queued/, 60_000);
        await waitForTopics(env!, [topic], 120_000);
        const blue = await readUntil(env!, [topic], (rs) => reads(rs).length >= 750, 180_000);
        await sleep(3000);
        const afterBlue = reads(await readToEnd(env!, [topic], { timeoutMs: 60_000 }));
        assert.equal(afterBlue.length, 750, 'exactly the blue rows are read');
        assert.ok(afterBlue.every((r) => (r.value as { after: { color: string } }).after.color === 'blue'));
        void blue;
        // 2. The signal topic (Debezium's kafka channel): the whole table; a record with another key is not a signal.
        const producer = kafkaFor(env!).producer();
        await producer.connect();
        await producer.send({ topic: `${name}-signal`, messages: [
          { partition: 0, key: 'someone-else', value: JSON.stringify({ id: 'not-mine', type: 'execute-snapshot', data: { 'data-collections': ['public.busy'] } }) },
          { partition: 0, key: name, value: JSON.stringify({ id: 'all-1', type: 'execute-snapshot', data: { 'data-collections': ['public.items'], type: 'incremental' } }) },
        ] });
        await producer.disconnect();
        await daemon.waitForLog(/signal \\?"all-1\\?" \(execute-snapshot\) from the kafka channel: incremental snapshot of 1 table\(s\) queued/, 60_000);
        const all = await readUntil(env!, [topic], (rs) => new Set(reads(rs).filter((r) => (r.value as { after: { color: string } }).after.color === 'red').map(idOf)).size >= 2250, 240_000);
        assert.equal(new Set(reads(all).map(idOf)).size, 3000, 'every row was read');
        assert.ok(!/not-mine/.test(daemon.output), 'a record keyed by another prefix is not a signal');
        assert.ok(reads(await readToEnd(env!, [`${name}.public.busy`], { timeoutMs: 30_000 })).length === 0, 'busy was never snapshotted');
        assert.ok(writer.txns > 50, `streaming was busy (${writer.txns} transactions)`);
        const off = (await readConnectorOffsets(kafkaFor(env!), `offsets-${name}`, name)).get({ server: name });
        assert.equal(off?.cdc_signal_kafka_topic, `${name}-signal`);
        assert.equal(off?.cdc_signal_kafka_offset, 2, 'the topic position is committed in the connector offset');
      });
    } finally {
      await writer.stop();
      await client.end();
      await daemon.stop();
    }
  });
});

/** Rows of the REST test's big table: far more than the snapshot reads between its signals. */
const BIG_ROWS = 200_000;

test('REST signals: 202/409/400, pause/resume/stop of a running snapshot, a table added to table.include.list then signalled, exactly once across SIGKILL', { skip, timeout: 600_000 }, async () => {
  await withDb('sigrest', async (db, name) => {
    // big is large enough that, after the resume, the stop lands while chunks are still being read:
    // with 20,000 rows the rest of the snapshot once finished in the 1.6 s between the resume and the stop.
    await db.query(`CREATE TABLE big (id int PRIMARY KEY, pad text NOT NULL);
      INSERT INTO big SELECT g, 'x' FROM generate_series(1, ${BIG_ROWS}) g;
      CREATE TABLE busy (id int PRIMARY KEY, v int NOT NULL);
      INSERT INTO busy SELECT g, 0 FROM generate_series(1, 100) g;
      CREATE TABLE later (id int PRIMARY KEY);
      INSERT INTO later SELECT g FROM generate_series(1, 50) g;`);
    const port = await freePort();
    const opts = { env: env!, name, database: db.database, restPort: port, connector: {
      'table.include.list': 'public\\.(big|busy)', 'snapshot.mode': 'no_data', 'incremental.snapshot.chunk.size': 100,
      'signal.enabled.channels': 'rest', 'signal.poll.interval.ms': 200,
    } };
    const config = writeConfig(opts);
    const rest = new Rest(`http://127.0.0.1:${port}`);
    const kafka = kafkaFor(env!);
    const client = new pg.Client({ ...env!.pg, database: db.database });
    await client.connect();
    const writer = new BusyWriter(client);
    let daemon = new Daemon(config, env!).start();
    const bigTopic = `${name}.public.big`;
    try {
      await daemon.withLog(async () => {
        await daemon.waitForLog(/reading signals from the signal topic/, 120_000);
        writer.start();
        assert.equal((await rest.post('/connectors/nope/signals', { type: 'log', data: { message: 'x' } })).status, 404);
        const bad = await rest.post(`/connectors/${name}/signals`, { type: 'execute-snapshot', data: {} });
        assert.equal(bad.status, 400);
        assert.match(bad.body.message, /data-collections/);
        const logged = await rest.post(`/connectors/${name}/signals`, { type: 'log', data: { message: 'hello from REST' } });
        assert.equal(logged.status, 202);
        assert.match(logged.body.id, /^[0-9a-f-]{36}$/);
        await daemon.waitForLog(/hello from REST/, 60_000);

        // Start, pause, resume, stop a snapshot of big.
        assert.equal((await rest.post(`/connectors/${name}/signals`, { id: 'big-1', type: 'execute-snapshot', data: { 'data-collections': ['public.big'] } })).status, 202);
        await waitForTopics(env!, [bigTopic], 120_000);
        await readUntil(env!, [bigTopic], (rs) => reads(rs).length >= 500, 120_000);
        await rest.post(`/connectors/${name}/signals`, { id: 'p-1', type: 'pause-snapshot' });
        await daemon.waitForLog(/signal \\?"p-1\\?" \(pause-snapshot\).*paused/, 30_000);
        await sleep(2000);
        const atPause = reads(await readToEnd(env!, [bigTopic], { timeoutMs: 30_000 })).length;
        await sleep(3000);
        const stillPaused = reads(await readToEnd(env!, [bigTopic], { timeoutMs: 30_000 })).length;
        assert.equal(stillPaused, atPause, 'no chunk while paused');
        assert.ok(atPause < BIG_ROWS, `paused mid-snapshot (${atPause})`);
        await rest.post(`/connectors/${name}/signals`, { id: 'r-1', type: 'resume-snapshot' });
        await readUntil(env!, [bigTopic], (rs) => reads(rs).length >= atPause + 300, 120_000);
        await rest.post(`/connectors/${name}/signals`, { id: 's-1', type: 'stop-snapshot', data: { 'data-collections': ['public.big'] } });
        await daemon.waitForLog(/signal \\?"s-1\\?" \(stop-snapshot\)/, 30_000);
        await sleep(4000);
        const atStop = reads(await readToEnd(env!, [bigTopic], { timeoutMs: 30_000 })).length;
        await sleep(3000);
        assert.equal(reads(await readToEnd(env!, [bigTopic], { timeoutMs: 30_000 })).length, atStop, 'no chunk after stop');
        assert.ok(atStop < BIG_ROWS, `stopped before the end (${atStop} of ${BIG_ROWS})`);
        const off = (await readConnectorOffsets(kafka, `offsets-${name}`, name)).get({ server: name });
        assert.equal(off?.incremental_snapshot_collections, undefined, `the queue is empty after stop: ${JSON.stringify(off)}`);

        // A table added to table.include.list of the running connector, then signalled.
        const cfg = connectorConfig(opts);
        const put = await rest.put(`/connectors/${name}/config`, { ...cfg, 'table.include.list': 'public\\.(big|busy|later)' });
        assert.equal(put.status, 200);
        await daemon.waitForLog(/reading signals from the signal topic[\s\S]*reading signals from the signal topic/, 120_000);
        assert.equal((await rest.post(`/connectors/${name}/signals`, { id: 'later-1', type: 'execute-snapshot', data: { 'data-collections': ['public.later'] } })).status, 202);
        await daemon.waitForLog(/signal \\?"later-1\\?" \(execute-snapshot\) from the rest channel: incremental snapshot of 1 table/, 60_000);
        await waitForTopics(env!, [`${name}.public.later`], 120_000);
        const later = await readUntil(env!, [`${name}.public.later`], (rs) => reads(rs).length >= 50, 120_000);
        assert.equal(new Set(reads(later).map(idOf)).size, 50);
        const busyBefore = (await readToEnd(env!, [`${name}.public.busy`], { timeoutMs: 30_000 })).length;
        await sleep(2000);
        assert.ok((await readToEnd(env!, [`${name}.public.busy`], { timeoutMs: 30_000 })).length > busyBefore, 'other tables kept streaming');

        // Exactly once across SIGKILL: once the signal's effect is committed, a restart does not apply it again.
        assert.equal((await rest.post(`/connectors/${name}/signals`, { id: 'once-1', type: 'log', data: { message: 'once-marker' } })).status, 202);
        await daemon.waitForLog(/once-marker/, 60_000);
        const signalOffset = async () => (await readConnectorOffsets(kafka, `offsets-${name}`, name)).get({ server: name })?.cdc_signal_kafka_offset;
        const t0 = Date.now();
        while (Number(await signalOffset()) < 7 && Date.now() - t0 < 30_000) await sleep(300);
        await daemon.kill('SIGKILL');
      });
      const committed = Number((await readConnectorOffsets(kafka, `offsets-${name}`, name)).get({ server: name })?.cdc_signal_kafka_offset);
      assert.equal(committed, 7, 'every signal sent through REST was consumed and its position committed');
      daemon = new Daemon(config, env!).start();
      await daemon.withLog(async () => {
        await daemon.waitForLog(/reading signals from the signal topic/, 120_000);
        await sleep(3000);
        assert.ok(!/once-marker|hello from REST|signal \\?"big-1\\?"|signal \\?"later-1\\?"/.test(daemon.output), 'no signal acted again after the restart');
        assert.equal((await rest.post(`/connectors/${name}/signals`, { id: 'after-1', type: 'log', data: { message: 'after-restart' } })).status, 202);
        await daemon.waitForLog(/after-restart/, 60_000);
        // rest taken out of signal.enabled.channels: 409 with the fix, and nothing is written.
        const put = await rest.put(`/connectors/${name}/config`, { ...connectorConfig(opts), 'table.include.list': 'public\\.(big|busy|later)', 'signal.enabled.channels': 'kafka' });
        assert.equal(put.status, 200);
        const refused = await rest.post(`/connectors/${name}/signals`, { id: 'no-1', type: 'log', data: { message: 'must-not-arrive' } });
        assert.equal(refused.status, 409, JSON.stringify(refused.body));
        assert.match(refused.body.message, /rest is not in its signal\.enabled\.channels \(kafka\).*fix: add rest to signal\.enabled\.channels/);
        await sleep(2000);
        assert.ok(!/must-not-arrive/.test(daemon.output), 'a refused signal is not acted on');
      });
    } finally {
      await writer.stop();
      await client.end();
      await daemon.stop();
    }
  });
});

/** Rows of the SIGKILL test's table: enough that the kill lands mid-snapshot however fast chunks go. */
const KILL_ROWS = 100_000;

test('a signal\'s effect survives SIGKILL: the queued snapshot continues after the restart and the signal is not applied again', { skip, timeout: 600_000 }, async () => {
  await withDb('sigkill', async (db, name) => {
    await db.query(`CREATE TABLE big (id int PRIMARY KEY, pad text NOT NULL);
      INSERT INTO big SELECT g, repeat('x', 100) FROM generate_series(1, ${KILL_ROWS}) g;`);
    const config = writeConfig({ env: env!, name, database: db.database, connector: {
      'table.include.list': 'public\\.big', 'snapshot.mode': 'no_data', 'incremental.snapshot.chunk.size': 100,
      'signal.enabled.channels': 'kafka', 'signal.poll.interval.ms': 200,
    } });
    const kafka = kafkaFor(env!);
    const topic = `${name}.public.big`;
    let daemon = new Daemon(config, env!).start();
    try {
      await daemon.withLog(async () => {
        await daemon.waitForLog(/reading signals from the signal topic/, 120_000);
        const producer = kafka.producer();
        await producer.connect();
        await producer.send({ topic: `${name}-signal`, messages: [{ partition: 0, key: name, value: JSON.stringify({ id: 'big-2', type: 'execute-snapshot', data: { 'data-collections': ['public.big'] } }) }] });
        await producer.disconnect();
        await waitForTopics(env!, [topic], 120_000);
        await readUntil(env!, [topic], (rs) => reads(rs).length >= 1000, 120_000);
        await daemon.kill('SIGKILL');
        const off = (await readConnectorOffsets(kafka, `offsets-${name}`, name)).get({ server: name });
        assert.ok(typeof off?.incremental_snapshot_collections === 'string', `the queued snapshot is in the committed offset: ${JSON.stringify(off)}`);
        assert.equal(off?.cdc_signal_kafka_offset, 1, 'the signal is recorded as read in the same offset');
      });
      const before = reads(await readToEnd(env!, [topic], { timeoutMs: 60_000 })).length;
      assert.ok(before < KILL_ROWS, `killed mid-snapshot (${before} of ${KILL_ROWS})`);
      daemon = new Daemon(config, env!).start();
      await daemon.withLog(async () => {
        const all = await readUntil(env!, [topic], (rs) => new Set(reads(rs).map(idOf)).size >= KILL_ROWS, 300_000);
        assert.equal(new Set(reads(all).map(idOf)).size, KILL_ROWS, 'every row read once the snapshot continued');
        assert.ok(!/signal \\?"big-2\\?"/.test(daemon.output), 'the signal was not applied again after the restart');
        assert.match(daemon.output, /"from":"1"/, 'the channel restarted after the consumed signal');
      });
    } finally {
      await daemon.stop();
    }
  });
});

test('distributed mode: a signal sent to a worker that does not run the connector reaches its task', { skip, timeout: 300_000 }, async () => {
  await withDb('sigdist', async (db, name) => {
    await db.query(`CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t SELECT g FROM generate_series(1, 30) g;`);
    const group = `grp_${name}`;
    const ports = [await freePort(), await freePort()];
    const daemons = ports.map((p) => new Daemon(writeConfig({
      env: env!, name, database: db.database, restPort: p, groupId: group, withConnector: false, offsetsTopic: `offsets-${group}`,
      worker: { 'cluster.mode': 'distributed', 'session.timeout.ms': 6000, 'heartbeat.interval.ms': 1000 }, connector: {},
    }), env!));
    const apis = ports.map((p) => new Rest(`http://127.0.0.1:${p}`));
    try {
      daemons.forEach((d) => d.start());
      await Promise.all(apis.map((a) => a.waitFor('/health', (b) => b.status === 'healthy', 90_000)));
      const created = await apis[0]!.post('/connectors', { name, config: connectorConfig({ env: env!, name, database: db.database, connector: {
        'table.include.list': 'public\\.t', 'snapshot.mode': 'no_data', 'signal.enabled.channels': 'rest', 'signal.poll.interval.ms': 200,
      } }) });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      const st = await apis[0]!.waitFor(`/connectors/${name}/status`, (b) => b.tasks[0]?.state === 'RUNNING', 120_000);
      const owner = ports.indexOf(Number(String(st.tasks[0].worker_id).split(':').pop()));
      const other = owner === 0 ? 1 : 0;
      await daemons[owner]!.waitForLog(/reading signals from the signal topic/, 120_000);
      const sent = await apis[other]!.post(`/connectors/${name}/signals`, { id: 'dist-1', type: 'execute-snapshot', data: { 'data-collections': ['public.t'] } });
      assert.equal(sent.status, 202, JSON.stringify(sent.body));
      await daemons[owner]!.withLog(() => daemons[owner]!.waitForLog(/signal \\?"dist-1\\?" \(execute-snapshot\) from the rest channel/, 60_000));
      await waitForTopics(env!, [`${name}.public.t`], 120_000);
      const rs = await readUntil(env!, [`${name}.public.t`], (r) => reads(r).length >= 30, 120_000);
      assert.equal(new Set(reads(rs).map(idOf)).size, 30);
    } finally {
      await Promise.all(daemons.map((d) => d.stop()));
    }
  });
});
