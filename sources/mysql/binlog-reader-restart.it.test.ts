/**
 * The stack's MariaDB restarted under a running binlog reader: the reader retries with backoff
 * while the server is down and resumes where it was, losing and repeating nothing. Stops the
 * server of this stack only (its pid file under $CDC_STACK_DIR) and starts it again with the
 * stack script, which leaves the other services as they are.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type mysql from 'mysql2/promise';
import { binlogHead, mariadbAdmin, mariadbOptions, mariadbSkip } from '../../test/helpers/mariadb.ts';
import { BinlogReader } from './binlog-reader.ts';
import type { BinlogEvent } from './binlog-events.ts';

const SKIP = mariadbSkip() || (process.env['CDC_STACK_DIR'] ? false : 'CDC_STACK_DIR is unset: the test restarts the stack\'s own MariaDB');
const DB = `cdc_restart_it_${process.pid}`;
const ROOT = new URL('../../', import.meta.url).pathname;

async function waitForExit(pid: number, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    try { process.kill(pid, 0); } catch { return; }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`mariadbd ${pid} still running after ${ms} ms`);
}

describe('binlog reader across a MariaDB restart', { skip: SKIP }, () => {
  let admin: mysql.Connection;
  before(async () => {
    admin = await mariadbAdmin();
    await admin.query(`DROP DATABASE IF EXISTS ${DB}; CREATE DATABASE ${DB}; CREATE TABLE ${DB}.t (id INT PRIMARY KEY)`);
  });
  after(async () => {
    await admin?.end().catch(() => {});
    const a = await mariadbAdmin();
    await a.query(`DROP DATABASE IF EXISTS ${DB}`);
    await a.end();
  });

  test('rows written before and after the restart all come out once, in order', { timeout: 300_000 }, async () => {
    const head = await binlogHead(admin);
    const drops: number[] = [];
    const r = new BinlogReader({
      connection: mariadbOptions(), serverId: 7600 + (process.pid % 90), start: head, heartbeatIntervalMs: 1000,
      includeSchema: { [DB]: true }, reconnect: { initialDelayMs: 200, maxDelayMs: 2000 }, onReconnect: (i) => drops.push(i.attempt),
    });
    await r.start();
    const ids: number[] = [];
    const reading = (async () => {
      for (;;) {
        const e: BinlogEvent | null = await r.next();
        if (e === null) return;
        if (e.type === 'rows') ids.push(...e.rows.map((x) => Number(x.after!.id)));
        if (ids.includes(20)) return;
      }
    })();
    try {
      for (let i = 1; i <= 10; i++) await admin.query(`INSERT INTO ${DB}.t VALUES (${i})`);
      await admin.end();
      const pidFile = join(process.env['CDC_STACK_DIR']!, 'mariadb', 'run', 'mariadb.pid');
      const pid = Number(readFileSync(pidFile, 'utf8').trim());
      process.kill(pid, 'SIGTERM');
      await waitForExit(pid, 120_000);
      await new Promise((res) => setTimeout(res, 1500)); // the reader sees the server gone and retries
      const up = spawnSync('bash', [join(ROOT, 'test/stack/stack.sh'), 'up', '--with', 'mariadb'], { cwd: ROOT, encoding: 'utf8', env: process.env });
      assert.equal(up.status, 0, `stack.sh up --with mariadb failed:\n${up.stderr}`);
      admin = await mariadbAdmin();
      for (let i = 11; i <= 20; i++) await admin.query(`INSERT INTO ${DB}.t VALUES (${i})`);
      await Promise.race([reading, new Promise((_, rej) => setTimeout(() => rej(new Error(`rows so far: ${ids.join(',')}`)), 120_000))]);
      assert.deepEqual(ids, Array.from({ length: 20 }, (_, i) => i + 1));
      assert.ok(drops.length >= 1, 'the reader noticed the drop and retried');
    } finally {
      await r.stop();
    }
  });
});
