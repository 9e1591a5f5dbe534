/**
 * Truthful status: a task whose database stops answering while changes are
 * pending (PostgreSQL paused with SIGSTOP) is reported as STALLED, with the
 * reason, within a bounded time, and as RUNNING again after SIGCONT, when the
 * pending changes arrive.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { stackEnv, SKIP_REASON } from '../helpers/stack-env.ts';
import { PgFixture } from '../helpers/pg-fixture.ts';
import { Daemon, writeConfig } from '../helpers/daemon.ts';
import { readUntil, waitForTopics } from '../helpers/kafka-reader.ts';
import { Rest, freePort } from '../helpers/rest-client.ts';

const env = stackEnv();
let db: PgFixture;
before(async () => { if (env) { db = await PgFixture.create(env, 'stall'); await db.query(`CREATE TABLE t (id int PRIMARY KEY, pad text)`); } });
after(async () => { if (db) await db.drop(); });

/** Every process of the stack's PostgreSQL server: the postmaster and its children. */
function postgresPids(): number[] {
  const dir = process.env.CDC_STACK_DIR ?? join(new URL('../../', import.meta.url).pathname, '.stack');
  const main = Number(readFileSync(join(dir, 'postgres/data/postmaster.pid'), 'utf8').split('\n')[0]);
  const children = execFileSync('pgrep', ['-P', String(main)], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);
  return [main, ...children];
}

test('a database paused with SIGSTOP shows as STALLED, and RUNNING again after SIGCONT', { skip: env ? false : SKIP_REASON, timeout: 420_000 }, async () => {
  const name = `stall_${db.database.slice(-8)}`;
  const port = await freePort();
  const daemon = new Daemon(writeConfig({ env: env!, name, database: db.database, restPort: port, connector: { 'table.include.list': 'public\\.t', 'status.update.interval.ms': 1000, 'snapshot.mode': 'no_data' } }), env!).start();
  const api = new Rest(`http://127.0.0.1:${port}`);
  let paused: number[] = [];
  try {
    await daemon.withLog(async () => {
      await api.waitFor(`/connectors/${name}/status`, (b) => b.tasks[0]?.state === 'RUNNING');
      await db.query(`INSERT INTO t SELECT g, repeat('x', 200) FROM generate_series(1, 200000) g`);
      paused = postgresPids();
      for (const pid of paused) process.kill(pid, 'SIGSTOP');
      const t0 = Date.now();
      const stalled = await api.waitFor(`/connectors/${name}/status`, (b) => b.tasks[0]?.state === 'STALLED', 60_000);
      const took = Date.now() - t0;
      assert.match(stalled.tasks[0].reason, /PostgreSQL has not answered/);
      assert.equal(typeof stalled.tasks[0].since, 'number');
      assert.ok(took < 30_000, `stall reported after ${took} ms`);
      for (const pid of paused) process.kill(pid, 'SIGCONT');
      paused = [];
      await api.waitFor(`/connectors/${name}/status`, (b) => b.tasks[0]?.state === 'RUNNING', 60_000);
      const topic = `${name}.public.t`;
      const rs = await readUntil(env!, await waitForTopics(env!, [topic]), (r) => r.length >= 200_000, 240_000);
      assert.equal(new Set(rs.map((r) => String((r.key as { id: number }).id))).size, 200_000, 'every pending change arrives once');
      process.stdout.write(`# stall: reported STALLED ${took} ms after SIGSTOP: ${stalled.tasks[0].reason}\n`);
    });
  } finally {
    for (const pid of paused) { try { process.kill(pid, 'SIGCONT'); } catch { /* gone */ } }
    await daemon.stop();
  }
});
