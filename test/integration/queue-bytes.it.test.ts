/**
 * max.queue.size.in.bytes under one big transaction of wide rows, for both sources (whole
 * daemon, Kafka, registry): max.queue.size is set far above what the byte bound allows, so
 * only the byte bound can keep the queue short. The queue depth (cdc_source_queue_depth,
 * sampled from /metrics) must stay near bound / row size, every row must arrive, and the
 * daemon's peak RSS is printed. The gauge is set after each poll, which takes up to
 * max.batch.size (1000) rows: under the bound (~130 rows) a poll drains the queue, while a reader
 * running ahead leaves thousands behind. With the byte bound at 0 the same load showed 17,997
 * (MariaDB) and 13,553 (PostgreSQL) rows queued and the test failed (CDC_QUEUE_BYTES_IT_BOUND=0).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { stackEnv, SKIP_REASON } from '../helpers/stack-env.ts';
import { mariadbAdmin, mariadbSkip } from '../helpers/mariadb.ts';
import { PgFixture } from '../helpers/pg-fixture.ts';
import { Daemon, writeConfig } from '../helpers/daemon.ts';
import { readUntil, waitForTopics } from '../helpers/kafka-reader.ts';
import { freePort } from '../helpers/rest-client.ts';

const env = stackEnv();
const ROWS = 20_000;
const ROW_BYTES = 2000;
const BOUND = Number(process.env['CDC_QUEUE_BYTES_IT_BOUND'] ?? 256 * 1024);
// Rows the bound admits, doubled for the estimate's slack (a binlog event or pgoutput frame
// carries a few bytes more than the row) plus one rows event or one poll's take past it.
const MAX_DEPTH = 2 * Math.ceil(BOUND / ROW_BYTES) + 100;
const flow = { 'max.batch.size': 1000, 'max.queue.size': 100_000, 'max.queue.size.in.bytes': BOUND };

function peakRssMiB(pid: number | undefined): number {
  if (!pid) return NaN;
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** Samples cdc_source_queue_depth every 20 ms until stopped; returns the largest value seen. */
function sampleDepth(metricsPort: number): { stop: () => Promise<number> } {
  let peak = 0, running = true;
  const loop = (async () => {
    while (running) {
      const text = await fetch(`http://127.0.0.1:${metricsPort}/metrics`).then((r) => r.text()).catch(() => '');
      for (const m of text.matchAll(/^cdc_source_queue_depth\{[^}]*\} (\d+)/gm)) peak = Math.max(peak, Number(m[1]));
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  return { stop: async () => { running = false; await loop; return peak; } };
}

async function runBigTransaction(label: string, daemon: Daemon, metricsPort: number, topic: string, write: () => Promise<unknown>): Promise<void> {
  await daemon.withLog(async () => {
    await daemon.waitForStreaming();
    const depth = sampleDepth(metricsPort);
    const t0 = Date.now();
    await write();
    await waitForTopics(env!, [topic], 120_000);
    let seen = 0;
    await readUntil(env!, [topic], (rs) => { seen = rs.length; return rs.length >= ROWS; }, 300_000, false);
    const peakDepth = await depth.stop();
    const rss = peakRssMiB(daemon.pid);
    console.log(`# ${label}: ${ROWS} rows of ${ROW_BYTES} bytes in one transaction, max.queue.size.in.bytes=${BOUND}: ${seen} records in ${((Date.now() - t0) / 1000).toFixed(1)} s, peak queue depth ${peakDepth} rows (bound allows ~${Math.ceil(BOUND / ROW_BYTES)}), daemon peak RSS ${rss.toFixed(0)} MiB`);
    assert.equal(seen, ROWS);
    assert.ok(peakDepth <= MAX_DEPTH, `queue depth reached ${peakDepth} rows, more than the byte bound admits (${MAX_DEPTH})`);
  });
}

const DB = `qbytes_${process.pid}`;
const MYSQL_SKIP = env ? mariadbSkip() : SKIP_REASON;
after(async () => {
  if (MYSQL_SKIP) return;
  const a = await mariadbAdmin().catch(() => null);
  await a?.query(`DROP DATABASE IF EXISTS ${DB}`).catch(() => undefined);
  await a?.end().catch(() => undefined);
});

test('MariaDB: the byte bound pauses the binlog connection under a big transaction of wide rows', { skip: MYSQL_SKIP, timeout: 400_000 }, async () => {
  const admin = await mariadbAdmin();
  await admin.query(`DROP DATABASE IF EXISTS ${DB}; CREATE DATABASE ${DB}; CREATE TABLE ${DB}.wide (id INT PRIMARY KEY, pad VARCHAR(${ROW_BYTES}) NOT NULL)`);
  const name = `qbm_${process.pid}`;
  const metricsPort = await freePort();
  const daemon = new Daemon(writeConfig({
    env: env!, name, database: DB, source: 'mariadb', worker: { 'metrics.port': metricsPort },
    connector: { 'snapshot.mode': 'no_data', ...flow },
  }), env!).start();
  try {
    await runBigTransaction('MariaDB', daemon, metricsPort, `${name}.${DB}.wide`,
      () => admin.query(`INSERT INTO ${DB}.wide SELECT seq, REPEAT('x', ${ROW_BYTES}) FROM ${DB}.seq_1_to_${ROWS}`));
  } finally {
    await daemon.stop();
    await admin.end();
  }
});

test('PostgreSQL: the byte bound pauses the replication socket under a big transaction of wide rows', { skip: env ? false : SKIP_REASON, timeout: 400_000 }, async () => {
  const db = await PgFixture.create(env!, 'qbytes');
  await db.query(`CREATE TABLE wide (id int PRIMARY KEY, pad text NOT NULL)`);
  const name = `qbp_${process.pid}`;
  const metricsPort = await freePort();
  const daemon = new Daemon(writeConfig({
    env: env!, name, database: db.database, worker: { 'metrics.port': metricsPort },
    connector: { 'snapshot.mode': 'no_data', ...flow },
  }), env!).start();
  try {
    // An insert's pgoutput message carries every value whole, however the row is stored.
    await runBigTransaction('PostgreSQL', daemon, metricsPort, `${name}.public.wide`,
      () => db.query(`INSERT INTO wide SELECT g, substr(repeat(md5(g::text), ${Math.ceil(ROW_BYTES / 32)}), 1, ${ROW_BYTES}) FROM generate_series(1, ${ROWS}) g`));
  } finally {
    await daemon.stop();
    await db.drop();
  }
});
