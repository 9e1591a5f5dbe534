/**
 * Bad input gets one clear message each (what, where, how to fix), through
 * `cdc validate` and `cdc run`, never a secret, and nothing is written: an
 * unknown property, a wrong type, an unreachable host, a user without the
 * REPLICATION privilege, a server with wal_level=replica, a missing table.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { stackEnv, SKIP_REASON } from '../helpers/stack-env.ts';
import { PgFixture } from '../helpers/pg-fixture.ts';
import { Daemon, writeConfig } from '../helpers/daemon.ts';
import { Rest, freePort } from '../helpers/rest-client.ts';
import { topicsWithPrefix } from '../helpers/kafka-reader.ts';
import { startReplicaLevelPg } from '../helpers/replica-pg.ts';

const env = stackEnv();
let db: PgFixture;
const ROOT = new URL('../../', import.meta.url).pathname;
const SECRET = 'S3cr3t-never-printed';

before(async () => {
  if (!env) return;
  db = await PgFixture.create(env, 'bad');
  await db.query(`CREATE TABLE present (id int PRIMARY KEY)`);
  await db.query(`DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'norepl') THEN CREATE ROLE norepl LOGIN PASSWORD '${SECRET}'; END IF; END $$`);
  await db.query(`ALTER ROLE norepl PASSWORD '${SECRET}'`);
});

after(async () => { if (db) await db.drop(); });

function cdc(command: 'validate' | 'run', config: string, extraEnv: Record<string, string> = {}, timeout = 90_000): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, ['bin/cdc.mjs', command, '--config', config], {
    cwd: ROOT, encoding: 'utf8', timeout, env: { ...process.env, CDC_TEST_PGPASSWORD: env!.pg.password, ...extraEnv },
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

/**
 * `cdc run` until its output matches every pattern (or `maxMs` passed), then SIGTERM: a daemon
 * that retries never exits by itself, and how long its first attempts take depends on the machine.
 */
function cdcRunUntil(config: string, extraEnv: Record<string, string>, patterns: RegExp[], maxMs = 120_000): Promise<string> {
  const child = spawn(process.execPath, ['bin/cdc.mjs', 'run', '--config', config], {
    cwd: ROOT, env: { ...process.env, CDC_TEST_PGPASSWORD: env!.pg.password, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolve) => {
    const done = () => { clearTimeout(timer); child.kill('SIGTERM'); };
    const timer = setTimeout(done, maxMs);
    const onData = (b: Buffer) => { out += b.toString(); if (patterns.every((p) => p.test(out))) done(); };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('close', () => { clearTimeout(timer); resolve(out); });
  });
}

function configWith(name: string, connector: Record<string, string | number | boolean>): string {
  return writeConfig({ env: env!, name, database: db.database, connector });
}

const cases: { title: string; connector: () => Promise<Record<string, string | number | boolean>> | Record<string, string | number | boolean>; expect: RegExp[]; env?: Record<string, string> }[] = [
  {
    title: 'unknown property',
    connector: () => ({ 'slot.nmae': 'x' }),
    expect: [/CDC_CONFIG_UNKNOWN/, /slot\.nmae/, /did you mean slot\.name/i],
  },
  {
    title: 'wrong type',
    connector: () => ({ 'database.port': 'fivefour' }),
    expect: [/CDC_CONFIG_TYPE/, /database\.port/, /fivefour/],
  },
  {
    title: 'unreachable host',
    connector: () => ({ 'database.port': 1, 'connect.timeout.ms': 3000 }),
    expect: [/CDC_PG_UNREACHABLE/, /database\.hostname/, /fix:/],
  },
  {
    title: 'missing replication privilege',
    connector: () => ({ 'database.user': 'norepl', 'database.password': '${env:NOREPL_PW}' }),
    env: { NOREPL_PW: SECRET },
    expect: [/CDC_PG_NO_REPLICATION_PRIVILEGE/, /norepl/, /ALTER ROLE "norepl" WITH REPLICATION/],
  },
  {
    title: 'missing table',
    connector: () => ({ 'table.include.list': 'public\\.present,public\\.absent' }),
    expect: [/CDC_PG_TABLE_MISSING/, /public\\\\?\.absent/, /table\.include\.list/],
  },
];

for (const c of cases) {
  test(`bad config: ${c.title}`, { skip: env ? false : SKIP_REASON, timeout: 120_000 }, async () => {
    const name = `bad_${c.title.replace(/\W+/g, '_')}_${db.database.slice(-6)}`;
    const file = configWith(name, await c.connector());
    const v = cdc('validate', file, c.env);
    assert.equal(v.code, 1, v.out);
    for (const re of c.expect) assert.match(v.out, re);
    assert.match(v.out, /fix: /);
    assert.ok(!v.out.includes(SECRET), 'no secret in the output');
    if (c.title === 'unreachable host') {
      // A database that is down may come back: `cdc run` keeps retrying with backoff and says why.
      const out = await cdcRunUntil(file, c.env ?? {}, [/CDC_PG_UNREACHABLE/, /restarting from the committed offset/]);
      assert.match(out, /CDC_PG_UNREACHABLE/);
      assert.match(out, /restarting from the committed offset/);
      assert.ok(!out.includes(SECRET), 'no secret in the run output');
      assert.deepEqual(await topicsWithPrefix(env!, `${name}.`), [], 'nothing written');
    } else if (c.title !== 'missing table') {
      // `cdc run` refuses too (config errors stop the start; a source refusal fails the connector), and writes nothing.
      const r = cdc('run', file, c.env, 20_000);
      if (/CDC_CONFIG/.test(c.expect[0]!.source)) assert.notEqual(r.code, 0, r.out);
      else assert.match(r.out, /task failed; fix the cause/);
      for (const re of c.expect.slice(0, 1)) assert.match(r.out, re);
      assert.ok(!r.out.includes(SECRET), 'no secret in the run output');
      assert.deepEqual(await topicsWithPrefix(env!, `${name}.`), [], 'nothing written');
    }
  });
}

test('bad config: wal_level=replica', { skip: env ? false : SKIP_REASON, timeout: 120_000 }, async () => {
  const replica = await startReplicaLevelPg();
  try {
    const file = writeConfig({ env: { ...env!, pg: { ...env!.pg, port: replica.port } }, name: `bad_wal_${db.database.slice(-6)}`, database: 'postgres', connector: {} });
    const v = cdc('validate', file);
    assert.equal(v.code, 1, v.out);
    assert.match(v.out, /CDC_PG_WAL_LEVEL/);
    assert.match(v.out, /wal_level=replica/);
    assert.match(v.out, /ALTER SYSTEM SET wal_level = logical/);
  } finally {
    replica.stop();
  }
});

test('a good config validates', { skip: env ? false : SKIP_REASON, timeout: 60_000 }, () => {
  const v = cdc('validate', configWith(`good_${db.database.slice(-6)}`, { 'table.include.list': 'public\\.present' }));
  assert.equal(v.code, 0, v.out);
  assert.match(v.out, /valid/);
});

test('retries are bounded by restart.max.attempts: then FAILED with the root cause as trace', { skip: env ? false : SKIP_REASON, timeout: 120_000 }, async () => {
  const name = `bad_retry_${db.database.slice(-6)}`;
  const port = await freePort();
  const file = writeConfig({ env: env!, name, database: db.database, restPort: port, connector: { 'database.port': 1, 'restart.max.attempts': 2 } });
  const daemon = new Daemon(file, env!).start();
  const api = new Rest(`http://127.0.0.1:${port}`);
  try {
    await daemon.withLog(async () => {
      const seen = new Set<string>();
      const st = await api.waitFor(`/connectors/${name}/status`, (b) => { if (b.tasks[0]) seen.add(b.tasks[0].state); return b.tasks[0]?.state === 'FAILED'; }, 60_000);
      assert.ok(seen.has('RESTARTING'), `retrying is visible as RESTARTING (saw ${[...seen].join(', ')})`);
      assert.match(st.tasks[0].reason, /gave up after 3 attempts/);
      assert.match(st.tasks[0].trace, /CDC_PG_UNREACHABLE/);
    });
  } finally {
    await daemon.stop();
  }
});
