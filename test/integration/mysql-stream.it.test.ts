/**
 * The MariaDB connector's binlog connection under trouble, against the stack's MariaDB 10.11:
 * the dump connection killed on the server (KILL <id>) and the server restarted while rows are
 * written (every row arrives once, in order), and one transaction of 1,000,000 rows, which must
 * arrive whole while the daemon's peak RSS stays bounded (printed).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type mysql from 'mysql2/promise';
import { stackEnv, SKIP_REASON } from '../helpers/stack-env.ts';
import { mariadbAdmin, mariadbSkip } from '../helpers/mariadb.ts';
import { Daemon, writeConfig } from '../helpers/daemon.ts';
import { readUntil, waitForTopics, type ReadRecord } from '../helpers/kafka-reader.ts';
import { freePort } from '../helpers/rest-client.ts';

const env = stackEnv();
const SKIP = env ? (mariadbSkip() || (process.env['CDC_STACK_DIR'] ? false : 'CDC_STACK_DIR is unset: the test restarts the stack\'s own MariaDB')) : SKIP_REASON;
const DB = `mystream_${process.pid}`;
const ROOT = new URL('../../', import.meta.url).pathname;
let admin: mysql.Connection;

before(async () => {
  if (SKIP) return;
  admin = await mariadbAdmin();
  await admin.query(`DROP DATABASE IF EXISTS ${DB}; CREATE DATABASE ${DB};
    CREATE TABLE ${DB}.t (id INT PRIMARY KEY, note VARCHAR(20) NOT NULL);
    CREATE TABLE ${DB}.big (id INT PRIMARY KEY, pad CHAR(20) NOT NULL);`);
});

after(async () => {
  const a = await mariadbAdmin().catch(() => null);
  await a?.query(`DROP DATABASE IF EXISTS ${DB}`).catch(() => undefined);
  await a?.end().catch(() => undefined);
  await admin?.end().catch(() => undefined);
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function peakRssMiB(pid: number | undefined): number {
  if (!pid) return NaN;
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

test('a killed dump connection and a server restart: the connector reconnects and every row arrives once, in order', { skip: SKIP, timeout: 300_000 }, async () => {
  const name = `mys_${process.pid}`;
  const port = await freePort();
  const daemon = new Daemon(writeConfig({
    env: env!, name, database: DB, source: 'mariadb', restPort: port,
    connector: { 'snapshot.mode': 'no_data', 'table.include.list': `${DB}\\.t` },
  }), env!).start();
  try {
    await daemon.withLog(async () => {
      await daemon.waitForStreaming();
      let next = 1;
      const write = async (n: number) => { for (const end = next + n; next < end; next++) await admin.query(`INSERT INTO ${DB}.t VALUES (${next}, 'n${next}')`); };
      await write(200);
      const [dumps] = await admin.query("SELECT ID FROM information_schema.PROCESSLIST WHERE COMMAND LIKE 'Binlog Dump%' AND USER = ?", [process.env['MYSQL_USER'] ?? 'root']) as unknown as [Array<{ ID: number }>];
      assert.ok(dumps.length >= 1, 'the connector holds a dump connection');
      for (const d of dumps) await admin.query(`KILL ${d.ID}`).catch(() => undefined);
      await write(200);
      await daemon.waitForLog(/binlog connection dropped; reconnecting/, 30_000);
      // The server restarted under the connector (this stack's MariaDB only).
      await admin.end();
      const pid = Number(readFileSync(join(process.env['CDC_STACK_DIR']!, 'mariadb', 'run', 'mariadb.pid'), 'utf8').trim());
      process.kill(pid, 'SIGTERM');
      for (let i = 0; i < 600; i++) { try { process.kill(pid, 0); await sleep(200); } catch { break; } }
      const up = spawnSync('bash', [join(ROOT, 'test/stack/stack.sh'), 'up', '--with', 'mariadb'], { cwd: ROOT, encoding: 'utf8', env: process.env });
      assert.equal(up.status, 0, `stack.sh up --with mariadb failed:\n${up.stderr}`);
      admin = await mariadbAdmin();
      await write(200);
      const topic = `${name}.${DB}.t`;
      await waitForTopics(env!, [topic]);
      const records = await readUntil(env!, [topic], (rs) => rs.length >= 600, 120_000);
      const ids = records.map((r: ReadRecord) => Number((r.value as { after: { id: number } }).after.id));
      assert.deepEqual(ids, Array.from({ length: 600 }, (_, i) => i + 1), 'every row once, in order');
      const status = await fetch(`http://127.0.0.1:${port}/connectors/${name}/status`).then((r) => r.json()) as { tasks: { state: string }[] };
      assert.equal(status.tasks[0]?.state, 'RUNNING');
    });
  } finally {
    await daemon.stop();
  }
});

test('one transaction of 1,000,000 rows arrives whole with the daemon\'s memory bounded', { skip: SKIP, timeout: 600_000 }, async () => {
  const name = `mybig_${process.pid}`;
  const rows = 1_000_000;
  const daemon = new Daemon(writeConfig({
    env: env!, name, database: DB, source: 'mariadb',
    connector: { 'snapshot.mode': 'no_data', 'table.include.list': `${DB}\\.big` },
  }), env!).start();
  try {
    await daemon.withLog(async () => {
      await daemon.waitForStreaming();
      const t0 = Date.now();
      await admin.query(`INSERT INTO ${DB}.big SELECT seq, 'x' FROM ${DB}.seq_1_to_${rows}`);
      const topic = `${name}.${DB}.big`;
      await waitForTopics(env!, [topic], 120_000);
      let seen = 0, last = 0;
      await readUntil(env!, [topic], (rs) => { seen = rs.length; last = Number((rs.at(-1)?.key as { id?: number } | undefined)?.id ?? 0); return rs.length >= rows; }, 400_000, false);
      const seconds = (Date.now() - t0) / 1000;
      const peak = peakRssMiB(daemon.pid);
      console.log(`# 1,000,000-row transaction: ${seen} records in ${seconds.toFixed(1)} s (${Math.round(rows / seconds)} rows/s end to end), daemon peak RSS ${peak.toFixed(0)} MiB`);
      assert.equal(seen, rows);
      assert.ok(last >= 0);
      assert.ok(peak < 400, `peak RSS ${peak.toFixed(0)} MiB: memory grows with the transaction`);
    });
  } finally {
    await daemon.stop();
  }
});
