/**
 * Three workers in one cluster (cluster.mode=distributed, same group.id and
 * internal topics) with a PostgreSQL connector under load:
 *  - SIGKILL the worker running it: another takes it over;
 *  - SIGSTOP the worker running it past the session timeout: the cluster moves
 *    it; after SIGCONT the old worker's in-flight work never becomes visible;
 *  - a rolling restart of all three.
 * A read_committed consumer then sees every change exactly once, in order per key.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { stackEnv, SKIP_REASON } from '../helpers/stack-env.ts';
import { PgFixture } from '../helpers/pg-fixture.ts';
import { Daemon, writeConfig, connectorConfig, appendToError } from '../helpers/daemon.ts';
import { readToEnd, readUntil, waitForTopics, type ReadRecord } from '../helpers/kafka-reader.ts';
import { Rest, freePort } from '../helpers/rest-client.ts';

const env = stackEnv();
let db: PgFixture;
const KEYS = 50;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

before(async () => {
  if (!env) return;
  db = await PgFixture.create(env, 'dist');
  await db.query(`CREATE TABLE ledger (id bigserial PRIMARY KEY, k int NOT NULL);
    CREATE TABLE acct (k int PRIMARY KEY, v bigint NOT NULL);
    INSERT INTO acct SELECT g, 0 FROM generate_series(1, ${KEYS}) g;`);
});
after(async () => { if (db) await db.drop(); });

test('three workers: failover on SIGKILL and SIGSTOP, rolling restart; exactly once', { skip: env ? false : SKIP_REASON, timeout: 600_000 }, async () => {
  const name = `dist_${db.database.slice(-8)}`;
  const group = `grp_${name}`;
  const ports = [await freePort(), await freePort(), await freePort()];
  const files = ports.map((p) => writeConfig({
    env: env!, name, database: db.database, restPort: p, groupId: group, withConnector: false, offsetsTopic: `offsets-${group}`,
    worker: { 'cluster.mode': 'distributed', 'session.timeout.ms': 6000, 'heartbeat.interval.ms': 1000 },
    connector: {},
  }));
  const apis = ports.map((p) => new Rest(`http://127.0.0.1:${p}`));
  const daemons = files.map((f) => new Daemon(f, env!));
  const load = new pg.Client({ ...env!.pg, database: db.database });
  await load.connect();
  let loading = true;
  let txns = 0;
  const loader = (async () => {
    while (loading) {
      const k = 1 + (txns % KEYS);
      await load.query(`BEGIN; INSERT INTO ledger (k) VALUES (${k}), (${k}); UPDATE acct SET v = v + 1 WHERE k = ${k}; COMMIT;`);
      txns++;
      await sleep(3); // a steady few hundred transactions per second
    }
  })();
  const events: string[] = [];
  // Timed (UTC, as the daemons' log lines) so a failure's events line up with the logs appended to it.
  const note = (e: string) => { events.push(`${new Date().toISOString().slice(11, 23)} ${e}`); };
  const ownerIndex = async (api: Rest, not = -1): Promise<number> => {
    const st = await api.waitFor(`/connectors/${name}/status`, (b) => b.tasks[0]?.state === 'RUNNING' && (not < 0 || !String(b.tasks[0].worker_id).endsWith(`:${ports[not]}`)), 120_000);
    const port = Number(String(st.tasks[0].worker_id).split(':').pop());
    return ports.indexOf(port);
  };
  const anyApi = (except: number[] = []) => apis.find((_, i) => !except.includes(i) && daemons[i]!.running)!;
  // The worker that says it runs the connector itself: its own view, where another worker's answer
  // may be a status record a moment old while ownership moves.
  const runner = async (): Promise<number> => {
    for (const t0 = Date.now(); Date.now() - t0 < 120_000; await sleep(250)) {
      for (let i = 0; i < 3; i++) {
        if (!daemons[i]!.running) continue;
        const t = (await apis[i]!.get(`/connectors/${name}/status`).catch(() => null))?.body?.tasks?.[0];
        if (t?.state === 'RUNNING' && String(t.worker_id).endsWith(`:${ports[i]}`)) return i;
      }
    }
    throw new Error('no worker says it runs the connector');
  };
  const runsOn = (b: any, i: number) => b.tasks[0]?.state === 'RUNNING' && String(b.tasks[0].worker_id).endsWith(`:${ports[i]}`);
  // What the herders did with the connector, from their logs: starts, stops and restarts of the instance.
  const count = (line: RegExp, only?: number) => daemons.filter((_, i) => only === undefined || i === only)
    .reduce((n, d) => n + (d.output.match(new RegExp(line.source, 'g'))?.length ?? 0), 0);
  const lifecycle = /"msg":"(connector started|connector stopped on this worker|restarting the connector: restart requested through the REST API)"/;
  // Any failure carries what happened so far and the end of every worker's log (a CI run is not repeatable).
  const logs = daemons.map((daemon, i) => ({ label: `worker ${i} (REST port ${ports[i]})`, daemon }));
  try {
    await Daemon.withLogs(logs, () => (async () => {
      daemons.forEach((d) => d.start());
      await Promise.all(apis.map((a) => a.waitFor('/health', (b) => b.status === 'healthy', 90_000)));
      const created = await apis[0]!.post('/connectors', { name, config: connectorConfig({ env: env!, name, database: db.database, connector: { 'table.include.list': 'public\\.(ledger|acct)' } }) });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      // Every worker answers for the connector.
      for (const a of apis) assert.equal((await a.get(`/connectors/${name}`)).status, 200);

      // 0. A restart sent to a worker that does not run the connector reaches the one that does.
      let owner = await runner();
      const other = [0, 1, 2].find((i) => i !== owner)!;
      const sinceBefore = (await apis[other]!.get(`/connectors/${name}/status`)).body.tasks[0].since;
      const restartsBefore = count(/"msg":"restarting the connector: restart requested through the REST API"/);
      assert.equal((await apis[other]!.post(`/connectors/${name}/restart?includeTasks=true`)).status, 202);
      await apis[other]!.waitFor(`/connectors/${name}/status`, (b) => b.tasks[0]?.state === 'RUNNING' && b.tasks[0].since > sinceBefore, 60_000);
      assert.ok(count(/"msg":"restarting the connector: restart requested through the REST API"/) > restartsBefore, 'a worker running the connector acted on the restart request');
      note(`restart via worker ${other} restarted the task on worker ${owner}`);

      // 1. SIGKILL the worker running it: another worker takes over. Status must stop saying it runs on
      //    the dead worker; it may be UNASSIGNED for a moment only, or already RUNNING elsewhere.
      await sleep(3000);
      owner = await runner();
      await daemons[owner]!.kill('SIGKILL');
      note(`SIGKILL worker ${owner}, which said it runs the connector`);
      const dead = await anyApi([owner]).waitFor(`/connectors/${name}/status`, (b) => !runsOn(b, owner), 60_000);
      note(`status after the kill: ${dead.tasks[0]?.state} on ${dead.tasks[0]?.worker_id} (${dead.tasks[0]?.reason ?? ''})`);
      const after1 = await ownerIndex(anyApi([owner]), owner);
      assert.notEqual(after1, owner, 'a surviving worker runs the connector');
      note(`taken over by worker ${after1}`);
      daemons[owner]!.start();
      await apis[owner]!.waitFor('/health', (b) => b.status === 'healthy', 90_000);

      // 2. SIGSTOP the owner past the session timeout, then SIGCONT. The rejoined worker may win the
      //    connector back (rendezvous): wait until ownership is settled before choosing whom to stop.
      for (let stable = 0, last = -1; stable < 3; ) {
        await sleep(1500);
        const o = await ownerIndex(anyApi());
        stable = o === last ? stable + 1 : 0;
        last = o;
        owner = o;
      }
      daemons[owner]!.signal('SIGSTOP');
      note(`SIGSTOP worker ${owner}`);
      const t0 = Date.now();
      const others = [0, 1, 2].filter((i) => i !== owner);
      const moved = await apis[others[0]!]!.waitFor(`/connectors/${name}/status`,
        (b) => b.tasks[0]?.state === 'RUNNING' && !String(b.tasks[0].worker_id).endsWith(`:${ports[owner]}`), 120_000);
      note(`moved to ${moved.tasks[0].worker_id} after ${Date.now() - t0} ms`);
      await sleep(3000);
      daemons[owner]!.signal('SIGCONT');
      note(`SIGCONT worker ${owner}`);
      await sleep(8000);

      // 3. Rolling restart of all three. A worker leaving and rejoining must not stop a
      //    connector that another worker runs (no stop-the-world rebalance).
      let untouched = 0;
      for (let i = 0; i < 3; i++) {
        // Judged from the running worker's log, not from `since`: since also moves when the reason
        // of RUNNING changes (e.g. catching up after a takeover on a busy machine) without any restart.
        const j = await runner();
        const lifecycleBefore = count(lifecycle, j);
        await daemons[i]!.stop();
        daemons[i]!.start();
        await apis[i]!.waitFor('/health', (b) => b.status === 'healthy', 90_000);
        await ownerIndex(apis[i]!);
        await sleep(3000);
        const afterRestart = (await apis[i]!.get(`/connectors/${name}/status`)).body;
        if (j !== i && runsOn(afterRestart, j)) {
          assert.equal(count(lifecycle, j), lifecycleBefore, `worker ${i} restarting did not stop or restart the connector on worker ${j}`);
          untouched++;
        }
        note(`restarted worker ${i}`);
      }
      note(`${untouched} restart(s) of other workers left the running connector untouched`);

      loading = false;
      await loader;
      const expectedRows = Number((await db.query('SELECT count(*)::int AS n FROM ledger')).rows[0].n);
      const finalV = new Map<number, bigint>((await db.query('SELECT k, v::text AS v FROM acct')).rows.map((r: { k: number; v: string }) => [r.k, BigInt(r.v)]));
      const topics = await waitForTopics(env!, [`${name}.public.ledger`, `${name}.public.acct`]);
      const lastV = (rs: ReadRecord[]) => { const m = new Map<number, bigint>(); for (const r of rs) { const a = (r.value as { after?: { k: number; v: bigint } } | null)?.after; if (r.topic.endsWith('.acct') && a) m.set(a.k, a.v); } return m; };
      const finalStatus = JSON.stringify((await anyApi().get(`/connectors/${name}/status`)).body);
      note(`final status ${finalStatus}`);
      // Wait until every row and every final value is in Kafka, then stop all three workers: nothing can be
      // written after that, so one read up to the end offsets sees the final content, late duplicates included.
      // No read here is cut off by a clock; a slow machine only makes them take longer.
      await readUntil(env!, topics, (x) => x.filter((r) => r.topic.endsWith('.ledger')).length >= expectedRows && [...finalV].every(([k, v]) => lastV(x).get(k) === v), 300_000);
      for (const d of daemons) d.signal('SIGCONT');
      await Promise.all(daemons.map((d) => d.stop()));
      const rs = await readToEnd(env!, topics, { timeoutMs: 300_000 });
      // The chunked initial snapshot reads rows while the stream runs: a row the stream delivered before its
      // chunk was read is read too (op r, as in Debezium's incremental snapshot). Exactly once therefore means:
      // every change event once, every row read at most once, every row in one or the other.
      const op = (r: ReadRecord) => (r.value as { op?: string } | null)?.op;
      const ledger = rs.filter((r) => r.topic.endsWith('.ledger'));
      const idOf = (r: ReadRecord) => String((r.key as { id: bigint }).id);
      const changeIds = ledger.filter((r) => op(r) !== 'r').map(idOf);
      const readIds = ledger.filter((r) => op(r) === 'r').map(idOf);
      assert.equal(new Set(changeIds).size, changeIds.length, `duplicate changes: ${changeIds.length - new Set(changeIds).size}`);
      assert.equal(new Set(readIds).size, readIds.length, `duplicate reads: ${readIds.length - new Set(readIds).size}`);
      assert.equal(new Set([...changeIds, ...readIds]).size, expectedRows, 'every row seen');
      const seq = new Map<number, bigint[]>();
      const reads = new Map<number, number>();
      for (const r of rs) {
        const a = (r.value as { after?: { k: number; v: bigint } } | null)?.after;
        if (!r.topic.endsWith('.acct') || !a) continue;
        const l = seq.get(a.k) ?? [];
        if (op(r) === 'r') {
          // A read carries the state the stream had already delivered when its chunk was selected.
          if (l.length > 0) assert.equal(a.v, l[l.length - 1], `key ${a.k}: the read repeats the last change before it`);
          reads.set(a.k, (reads.get(a.k) ?? 0) + 1);
          if (l.length > 0) continue;
        }
        l.push(a.v);
        seq.set(a.k, l);
      }
      assert.ok([...reads.values()].every((n) => n === 1), 'each key is read once');
      // The snapshot caught each key at some value (the load had started); from there every increment once, in order.
      for (const [k, l] of seq) {
        const from = l[0]!;
        assert.deepEqual(l, Array.from({ length: Number(finalV.get(k)! - from) + 1 }, (_, i) => from + BigInt(i)), `key ${k} in commit order, once each`);
      }
      process.stdout.write(`# distributed: ${txns} transactions; ${events.join('; ')}\n`);
    })().catch((err: unknown) => { appendToError(err, `\nevents: ${events.join('; ')}`); throw err; }), { tailChars: 10_000, omit: /"method":"GET".*"msg":"REST request"/ });
  } finally {
    loading = false;
    await loader.catch(() => undefined);
    await load.end();
    for (const d of daemons) d.signal('SIGCONT');
    await Promise.all(daemons.map((d) => d.stop()));
  }
});
