/**
 * The MariaDB connector exactly once under SIGKILL, against the stack's MariaDB 10.11, Kafka and
 * registry. A load of small transactions and some large ones (each larger than max.batch.size,
 * so split across Kafka transactions; one of 20,000 rows) runs while the daemon is killed with
 * SIGKILL at several moments: in the middle of the chunked initial snapshot of 20,000 rows, while it starts, under steady load, inside a large transaction,
 * right after a binlog rotation (FLUSH BINARY LOGS) and at a random point. At the end a
 * read_committed consumer must see every insert exactly once and, per key, every update in
 * commit order with nothing missing or doubled.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type mysql from 'mysql2/promise';
import { stackEnv, SKIP_REASON } from '../helpers/stack-env.ts';
import { mariadbAdmin, mariadbSkip } from '../helpers/mariadb.ts';
import { Daemon, writeConfig } from '../helpers/daemon.ts';
import { kafkaFor, readUntil, waitForTopics } from '../helpers/kafka-reader.ts';
import { readConnectorOffsets } from '../../src/offsets/offset-reader.ts';

const env = stackEnv();
const SKIP = env ? mariadbSkip() : SKIP_REASON;
const DB = `crash_${process.pid}`;
const KEYS = 50;
const PRELOAD = 20_000;
let admin: mysql.Connection;

before(async () => {
  if (SKIP) return;
  admin = await mariadbAdmin();
  await admin.query(`DROP DATABASE IF EXISTS ${DB}; CREATE DATABASE ${DB};
    CREATE TABLE ${DB}.ledger (id BIGINT AUTO_INCREMENT PRIMARY KEY, k INT NOT NULL, pad VARCHAR(100) NOT NULL);
    CREATE TABLE ${DB}.acct (k INT PRIMARY KEY, v BIGINT NOT NULL);
    INSERT INTO ${DB}.acct SELECT seq, 0 FROM ${DB}.seq_1_to_${KEYS};
    INSERT INTO ${DB}.ledger (k, pad) SELECT seq % ${KEYS}, 's' FROM ${DB}.seq_1_to_${PRELOAD};`);
});

after(async () => {
  if (!admin) return;
  await admin.query(`DROP DATABASE IF EXISTS ${DB}`).catch(() => undefined);
  await admin.end().catch(() => undefined);
});

class Load {
  private stopped = false;
  private loop: Promise<void> | null = null;
  small = 0;
  big = 0;
  constructor(private readonly c: mysql.Connection) {}
  start(): void {
    this.loop = (async () => {
      while (!this.stopped) {
        const k = 1 + Math.floor(Math.random() * KEYS);
        const n = 1 + Math.floor(Math.random() * 4);
        await this.c.query(`START TRANSACTION;
          INSERT INTO ${DB}.ledger (k, pad) SELECT ${k}, 'p' FROM ${DB}.seq_1_to_${n};
          UPDATE ${DB}.acct SET v = v + 1 WHERE k = ${k};
          UPDATE ${DB}.acct SET v = v + 1 WHERE k = ${1 + (k % KEYS)};
          COMMIT;`);
        this.small++;
        if (this.small % 400 === 0) await this.bigTxn(1200);
        await sleep(5);
      }
    })();
  }
  async bigTxn(rows: number): Promise<void> {
    await this.c.query(`START TRANSACTION;
      INSERT INTO ${DB}.ledger (k, pad) SELECT seq % ${KEYS}, REPEAT('b', 50) FROM ${DB}.seq_1_to_${rows};
      UPDATE ${DB}.acct SET v = v + 1 WHERE k <= 10;
      COMMIT;`);
    this.big++;
  }
  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('SIGKILL at six moments (one mid-snapshot) under load: every change exactly once, in commit order per key', { skip: SKIP, timeout: 600_000 }, async () => {
  const name = `mycrash_${process.pid}`;
  const config = writeConfig({
    env: env!, name, database: DB, source: 'mariadb',
    connector: { 'snapshot.fetch.size': 1000, 'max.batch.size': 500, 'max.queue.size': 2000, 'tombstones.on.delete': false },
  });
  const loadConn = await mariadbAdmin();
  const load = new Load(loadConn);
  let daemon = new Daemon(config, env!).start();
  const kills: string[] = [];
  const restart = async (label: string, before: () => Promise<void>) => {
    await before();
    await daemon.kill('SIGKILL');
    kills.push(label);
    daemon = new Daemon(config, env!).start();
  };
  try {
    await daemon.withLog(async () => {
      await daemon.waitForLog(/initial snapshot starts beside the stream/);
      load.start();
      // Mid-snapshot: once a chunk is committed and the snapshot is not finished (a restart without
      // any committed offset is a fresh start, which would take a new snapshot from a new position).
      await restart('mid-snapshot', async () => {
        const kafka = kafkaFor(env!);
        for (let i = 0; ; i++) {
          const off = (await readConnectorOffsets(kafka, `offsets-${name}`, name).catch(() => null))?.get({ server: name });
          if (off && off.snapshot_completed === false && typeof off.incremental_snapshot_primary_key === 'string') break;
          if (i > 600) throw new Error(`no chunk committed: ${JSON.stringify(off)}`);
          await sleep(100);
        }
      });
      await restart('during start', async () => { await sleep(500); await daemon.waitForLog(/reading the binlog/); await sleep(3000); });
      await restart('steady load', async () => { await daemon.waitForStreaming(); await sleep(4000); });
      await restart('inside a 20,000-row transaction', async () => {
        await daemon.waitForStreaming();
        await sleep(1500);
        const big = load.bigTxn(20_000);
        await big;
        await sleep(300);
      });
      await restart('right after a binlog rotation', async () => {
        await daemon.waitForStreaming();
        await sleep(1500);
        await admin.query('FLUSH BINARY LOGS');
        await sleep(200);
      });
      await restart('random', async () => { await daemon.waitForStreaming(); await sleep(500 + Math.random() * 4000); });
      await daemon.waitForStreaming();
      await sleep(2000);
      await load.stop();
    });
    await daemon.withLog(async () => {
      const [[row]] = await admin.query(`SELECT COUNT(*) AS n, (SELECT SUM(v) FROM ${DB}.acct) AS updates FROM ${DB}.ledger`) as unknown as [[{ n: number; updates: string }]];
      // Rows written before the connector started arrive once as snapshot reads, later ones once as inserts.
      const expectInserts = Number(row.n) - PRELOAD, expectUpdates = Number(row.updates);
      const ledgerTopic = `${name}.${DB}.ledger`, acctTopic = `${name}.${DB}.acct`;
      await waitForTopics(env!, [ledgerTopic, acctTopic]);
      const records = await readUntil(env!, [ledgerTopic, acctTopic],
        (rs) => rs.filter((r) => r.topic === ledgerTopic && (r.value as { op: string }).op === 'c').length >= expectInserts
          && rs.filter((r) => r.topic === acctTopic && (r.value as { op: string }).op === 'u').length >= expectUpdates
          && rs.filter((r) => r.topic === ledgerTopic && (r.value as { op: string }).op === 'r').length >= PRELOAD, 180_000)
        .catch((err: Error) => { throw new Error(`${err.message}; the tables hold ${expectInserts} inserts and ${expectUpdates} updates`); });
      const ids = new Map<string, number>();
      const reads = new Map<number, number>();
      const perKey = new Map<number, number[]>();
      for (const r of records) {
        const v = r.value as { op: string; after: Record<string, unknown> | null; source: Record<string, unknown> };
        if (v.op === 'r') {
          if (r.topic !== ledgerTopic) continue; // acct's snapshot reads: their values are checked by the updates
          assert.equal(v.source.snapshot, 'incremental');
          const id = Number(v.after!.id);
          reads.set(id, (reads.get(id) ?? 0) + 1);
        } else if (r.topic === ledgerTopic) {
          assert.equal(v.op, 'c');
          const id = String(v.after!.id);
          ids.set(id, (ids.get(id) ?? 0) + 1);
        } else {
          assert.equal(v.op, 'u');
          const k = Number(v.after!.k);
          const list = perKey.get(k) ?? [];
          list.push(Number(v.after!.v));
          perKey.set(k, list);
        }
      }
      const readTwice = [...reads].filter(([, n]) => n > 1);
      assert.deepEqual(readTwice.slice(0, 5), [], `${readTwice.length} rows read by more than one committed chunk`);
      const unread = Array.from({ length: PRELOAD }, (_, i) => i + 1).filter((id) => !reads.has(id));
      assert.deepEqual(unread.slice(0, 5), [], `${unread.length} rows written before the start never read by the snapshot`);
      const doubled = [...ids].filter(([, n]) => n > 1);
      assert.deepEqual(doubled.slice(0, 5), [], `${doubled.length} inserts written more than once`);
      assert.equal(ids.size, expectInserts, 'every insert once');
      let updates = 0;
      for (const [k, vs] of perKey) {
        updates += vs.length;
        vs.forEach((v, i) => assert.equal(v, i + 1, `key ${k}: update ${i + 1} carries v=${v} (sequence ${vs.slice(Math.max(0, i - 3), i + 3).join(',')})`));
      }
      assert.equal(updates, expectUpdates, 'every update once');
      console.log(`# mysql crash: ${PRELOAD} rows snapshotted (${reads.size} read), ${load.small} small and ${load.big} large transactions, ${expectInserts} inserts, ${expectUpdates} updates; kills: ${kills.join(', ')}`);
    });
  } finally {
    await load.stop().catch(() => undefined);
    await loadConn.end().catch(() => undefined);
    await daemon.stop();
  }
});
