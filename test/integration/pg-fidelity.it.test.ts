/**
 * Debezium 3.6.1 fidelity against the real stack, on the points where the daemon used to
 * differ: the four __debezium.context.* headers (a new runId per task start, none on the
 * transaction topic), the null-key tombstone after a keyless delete, source.sequence built
 * from the previous COMMIT message (also across a restart), transaction ids at each
 * record's LSN, the snapshot's txId and microsecond timestamps, and the special values
 * Debezium writes with less information (NaN, multi-dimensional arrays, timetz 24:00),
 * which must not stop the pipeline and are counted in cdc_values_replaced_total.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { stackEnv, SKIP_REASON } from '../helpers/stack-env.ts';
import { PgFixture } from '../helpers/pg-fixture.ts';
import { Daemon, writeConfig } from '../helpers/daemon.ts';
import { readUntil, waitForTopics, type ReadRecord } from '../helpers/kafka-reader.ts';

const env = stackEnv();
let db: PgFixture;

before(async () => {
  if (!env) return;
  db = await PgFixture.create(env, 'fidelity');
  await db.query(`
    CREATE TABLE public.keyed (id int PRIMARY KEY, n numeric(10,2), a int[], t timetz);
    CREATE TABLE public.keyless (a int, b text);
    ALTER TABLE public.keyless REPLICA IDENTITY FULL;
    INSERT INTO public.keyed SELECT g, g, ARRAY[g], '12:00:00+00' FROM generate_series(1, 5) g;
  `);
});

after(async () => { if (db) await db.drop(); });

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address() as { port: number }; s.close(() => resolve(port)); });
  });
}

interface Source { txId: bigint | null; lsn: bigint | null; sequence: string | null; ts_us: bigint; ts_ns: bigint; ts_ms: bigint; snapshot: string }
type Value = { op: string; after: Record<string, unknown> | null; source: Source; transaction: { id: string } | null };
const val = (r: ReadRecord) => r.value as Value;
const seq = (r: ReadRecord) => JSON.parse(val(r).source.sequence!) as [string | null, string];
const CONTEXT = ['__debezium.context.connectorLogicalName', '__debezium.context.taskId', '__debezium.context.connectorName', '__debezium.context.runId'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

test('headers, keyless tombstones, sequence, transaction ids, snapshot source, special values, as Debezium 3.6.1', { skip: env ? false : SKIP_REASON, timeout: 240_000 }, async () => {
  const name = `fi_${db.database.slice(-8)}`;
  const metricsPort = await freePort();
  const config = writeConfig({
    env: env!, name, database: db.database, worker: { 'metrics.port': metricsPort },
    // Compared with Debezium's initial snapshot (markers, one snapshot txId, rows before changes): its single-transaction path.
    connector: { 'table.include.list': 'public\\.keyed,public\\.keyless', 'provide.transaction.metadata': true, 'snapshot.strategy': 'single_transaction' },
  });
  const keyedTopic = `${name}.public.keyed`, keylessTopic = `${name}.public.keyless`, txTopic = `${name}.transaction`;
  const topics = [keyedTopic, keylessTopic, txTopic];
  let daemon = new Daemon(config, env!).start();
  let all: ReadRecord[] = [];
  try {
    await daemon.withLog(async () => {
      await daemon.waitForLog(/replication stream started/, 120_000);
      await db.query(`BEGIN; INSERT INTO keyed VALUES (10, 1.5, '{1}', '01:00:00+00'), (12, 2, '{2}', '02:00:00+00'); INSERT INTO keyless VALUES (1, 'x'); COMMIT;`);
      await db.query(`BEGIN; INSERT INTO keyed VALUES (11, 'NaN', '{{1,2},{3,4}}', '24:00:00+00'); DELETE FROM keyless; COMMIT;`);
      await waitForTopics(env!, topics);
      const want: Record<string, number> = { [keyedTopic]: 8, [keylessTopic]: 3, [txTopic]: 4 };
      all = await readUntil(env!, topics, (rs) => Object.entries(want).every(([t, n]) => rs.filter((r) => r.topic === t).length >= n), 90_000);

      const keyed = all.filter((r) => r.topic === keyedTopic);
      const keyless = all.filter((r) => r.topic === keylessTopic);
      const tx = all.filter((r) => r.topic === txTopic);

      // 1. four context headers on every change record and tombstone, one runId; none on the transaction topic
      const runId = keyed[0]!.headers['__debezium.context.runId']!;
      assert.match(runId, UUID);
      for (const r of [...keyed, ...keyless]) {
        assert.deepEqual(CONTEXT.map((h) => r.headers[h]), [name, '0', 'postgresql', runId], `headers of ${r.topic}@${r.offset}`);
      }
      for (const r of tx) assert.deepEqual(Object.keys(r.headers).filter((h) => h.startsWith('__debezium')), []);

      // 2. keyless delete: d, then a tombstone with a null key
      assert.deepEqual(keyless.map((r) => (r.rawValue === null ? 'tombstone' : val(r).op)), ['c', 'd', 'tombstone']);
      assert.equal(keyless[2]!.rawKey, null);

      // 5. snapshot records: the snapshot transaction's id, microsecond timestamps
      const snap = keyed.slice(0, 5);
      assert.ok(snap.every((r) => val(r).op === 'r'));
      const snapTx = val(snap[0]!).source.txId;
      assert.equal(typeof snapTx, 'bigint');
      assert.ok(snap.every((r) => val(r).source.txId === snapTx));
      assert.ok(snap.some((r) => val(r).source.ts_us % 1000n !== 0n), 'ts_us has microseconds, not milliseconds x 1000');
      assert.ok(snap.every((r) => val(r).source.ts_ns === val(r).source.ts_us * 1000n && val(r).source.ts_ms === val(r).source.ts_us / 1000n));

      // 4. transaction ids: BEGIN = first event's LSN, each event its own LSN, END = COMMIT message LSN
      const [b1, e1, b2, e2] = tx.map((r) => r.value as { status: string; id: string });
      assert.deepEqual([b1!.status, e1!.status, b2!.status, e2!.status], ['BEGIN', 'END', 'BEGIN', 'END']);
      const [c10, c12, c11] = keyed.slice(5);
      const xid1 = String(val(c10!).source.txId);
      assert.equal(b1!.id, `${xid1}:${val(c10!).source.lsn}`);
      assert.equal(val(c10!).transaction!.id, b1!.id);
      assert.equal(val(c12!).transaction!.id, `${xid1}:${val(c12!).source.lsn}`);
      assert.notEqual(val(c12!).transaction!.id, b1!.id);
      const commit1 = e1!.id.split(':')[1]!;
      assert.equal(e1!.id.split(':')[0], xid1);
      assert.ok(BigInt(commit1) > val(keyless[0]!).source.lsn!, 'END id carries the COMMIT message LSN, after the last event');

      // 3. sequence: [null, lsn] in the first transaction after the start, then the previous COMMIT LSN
      assert.deepEqual(seq(c10!), [null, String(val(c10!).source.lsn)]);
      assert.deepEqual(seq(c11!), [commit1, String(val(c11!).source.lsn)]);
      assert.deepEqual(seq(keyless[1]!), [commit1, String(val(keyless[1]!).source.lsn)]);

      // 7. special values: Debezium's values, the task keeps running, a warning and the metric
      assert.equal(val(c11!).after!.n, null);
      assert.deepEqual(val(c11!).after!.a, [null, null]);
      assert.equal(val(c11!).after!.t, '00:00:00Z');
      await daemon.waitForLog(/numeric NaN written as null/);
      await daemon.waitForLog(/multi-dimensional array/);
      const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      const m = /cdc_values_replaced_total\{[^}]*connector="[^"]+"[^}]*\} (\d+)/.exec(metrics);
      assert.ok(m && Number(m[1]) === 3, `cdc_values_replaced_total: ${m?.[0] ?? 'absent'}`);
    });
    await daemon.stop();

    // after a restart: a new runId, and the sequence continues from the stored last commit
    await db.query(`INSERT INTO keyed VALUES (13, 3, '{3}', '03:00:00+00')`);
    daemon = new Daemon(config, env!).start();
    await daemon.withLog(async () => {
      const rs = await readUntil(env!, [keyedTopic, txTopic], (r) => r.filter((x) => x.topic === keyedTopic).length >= 9 && r.filter((x) => x.topic === txTopic).length >= 6, 90_000);
      const c13 = rs.filter((r) => r.topic === keyedTopic)[8]!;
      assert.equal((val(c13).after as { id: number }).id, 13);
      const endOfTx2 = (rs.filter((r) => r.topic === txTopic)[3]!.value as { id: string }).id.split(':')[1]!;
      assert.deepEqual(seq(c13), [endOfTx2, String(val(c13).source.lsn)]);
      const newRun = c13.headers['__debezium.context.runId']!;
      assert.match(newRun, UUID);
      assert.notEqual(newRun, all.find((r) => r.topic === keyedTopic)!.headers['__debezium.context.runId']);
    });
  } finally {
    await daemon.stop();
  }
});

test('logical decoding messages: <topic.prefix>.message, prefix filter, transactional and not, once each across a SIGKILL', { skip: env ? false : SKIP_REASON, timeout: 240_000 }, async () => {
  const name = `fm_${db.database.slice(-8)}`;
  await db.query(`CREATE TABLE public.msg_side (id int PRIMARY KEY)`);
  const config = writeConfig({
    env: env!, name, database: db.database,
    connector: { 'table.include.list': 'public\\.msg_side', 'snapshot.mode': 'no_data', 'message.prefix.exclude.list': 'private.*', 'extended.headers.enabled': false },
  });
  const topic = `${name}.message`;
  type Msg = { op: string; source: Source & { schema: string; table: string }; transaction: unknown; message: { prefix: string; content: Buffer } };
  let daemon = new Daemon(config, env!).start();
  try {
    await daemon.withLog(async () => {
      await daemon.waitForLog(/replication stream started/, 120_000);
      await db.query(`SELECT pg_logical_emit_message(false, 'audit', 'a1')`);
      await db.query(`SELECT pg_logical_emit_message(false, 'private.x', 'hidden')`);
      await db.query(`BEGIN; INSERT INTO msg_side VALUES (1); SELECT pg_logical_emit_message(true, 'audit', 'in-tx'); COMMIT;`);
      const rs = await readUntil(env!, await waitForTopics(env!, [topic]), (r) => r.length >= 2, 90_000);
      assert.deepEqual(rs.map((r) => [r.key, (r.value as Msg).message.prefix, (r.value as Msg).message.content.toString()]),
        [[{ prefix: 'audit' }, 'audit', 'a1'], [{ prefix: 'audit' }, 'audit', 'in-tx']]);
      const [plain, inTx] = rs.map((r) => r.value as Msg);
      assert.deepEqual([plain!.op, plain!.source.txId, plain!.source.schema, plain!.source.table], ['m', null, '', '']);
      assert.deepEqual(JSON.parse(plain!.source.sequence!), [String(plain!.source.lsn), String(plain!.source.lsn)]);
      assert.equal(typeof inTx!.source.txId, 'bigint');
      assert.deepEqual(Object.keys(rs[0]!.headers), [], 'message records carry no headers, as in Debezium');
    });
    await daemon.kill('SIGKILL');
    await db.query(`SELECT pg_logical_emit_message(false, 'audit', 'a2')`);
    daemon = new Daemon(config, env!).start();
    await daemon.withLog(async () => {
      const rs = await readUntil(env!, [topic], (r) => r.length >= 3, 90_000);
      await db.query(`INSERT INTO msg_side VALUES (2)`);
      const side = await readUntil(env!, [`${name}.public.msg_side`], (r) => r.length >= 2, 90_000); // the stream moved past everything
      assert.deepEqual(side.map((r) => Object.keys(r.headers)), [[], []], 'extended.headers.enabled=false: no context headers');
      const all = await readUntil(env!, [topic], (r) => r.length >= 3, 30_000);
      assert.deepEqual(all.map((r) => (r.value as Msg).message.content.toString()), ['a1', 'in-tx', 'a2'], `once each: ${rs.length}`);
    });
  } finally {
    await daemon.stop();
  }
});
