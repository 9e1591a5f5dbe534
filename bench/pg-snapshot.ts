/**
 * `npm run bench:snapshot`: the initial snapshot of one large table, end to end
 * (PostgreSQL -> daemon -> Avro + exactly-once -> Kafka -> read_committed consumer),
 * against the real stack. Method and figures: docs/benchmarks.md. Not part of `npm test`.
 *
 *   1. a fresh database with bench_events (bench/bench-table.ts) holding N rows,
 *      generated inside PostgreSQL, vacuumed and analysed (bench/snapshot-table-loader.ts);
 *   2. the daemon as a child process with a fresh connector (snapshot.mode=initial,
 *      Avro, exactly.once.source.support=enabled); the clock starts at its spawn;
 *   3. from then on, every 100 ms, the data topic's last stable offset (what a
 *      read_committed consumer may read) gives the first and the last visible
 *      record (the moment it reached its final value); once every row is visible,
 *      a read_committed consumer counts every record and duplicates (started earlier,
 *      it would compete with the daemon for the machine's CPU during a chunked
 *      snapshot only); /proc gives the daemon's RSS (a series) and CPU;
 *   4. at the last record (or when the task fails or is interrupted, or the time
 *      runs out: then the run is INCOMPLETE and says why), the connector's Kafka
 *      transactions are read from the broker (test/helpers/kafka-transactions.ts);
 *   5. figures printed as a block and a JSON line; cleanup on success, failure, Ctrl-C.
 */
import './quiet-timeout-warning.ts';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { cpus } from 'node:os';
import { dirname, resolve } from 'node:path';
import pg from 'pg';
import { Daemon, writeConfig } from '../test/helpers/daemon.ts';
import { kafkaFor } from '../test/helpers/kafka-reader.ts';
import { longestTransaction } from '../test/helpers/kafka-transactions.ts';
import { PgFixture } from '../test/helpers/pg-fixture.ts';
import type { StackEnv } from '../test/helpers/stack-env.ts';
import { ensureStack } from './bench-stack.ts';
import { Cleanup, deleteTopicsAndSubjects, dropBenchDatabase } from './bench-cleanup.ts';
import { BENCH_SCHEMA, BENCH_TABLE, BENCH_TABLE_NAME } from './bench-table.ts';
import { loadSnapshotTable } from './snapshot-table-loader.ts';
import { parseSnapshotBenchOptions, type SnapshotBenchOptions } from './snapshot-options.ts';
import { formatSnapshotBlock, updateSnapshotDocs, type SnapshotFigures } from './snapshot-report.ts';
import { findPidByArg, ProcessSampler, rssSplitOf, sampleProcess } from './process-stats.ts';
import { VisibleReader } from './visible-reader.ts';

const ROOT = new URL('../', import.meta.url).pathname;
const log = (line: string) => process.stderr.write(`bench: ${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function gitCommit(): string {
  const r = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : 'unknown';
}

/** Records a read_committed consumer may read in `topic` now (sum over partitions of LSO - log start), 0 when absent. */
async function visibleCount(admin: ReturnType<ReturnType<typeof kafkaFor>['admin']>, topic: string): Promise<number> {
  try {
    return (await admin.fetchTopicOffsets(topic)).reduce((n, p) => n + Number(p.high) - Number(p.low), 0);
  } catch {
    return 0; // not created yet
  }
}

/** Why the run cannot go on, from the daemon's log: the task failed, or was interrupted (a snapshot then starts over). */
function taskTrouble(output: string): string | null {
  const line = output.split('\n').find((l) => /"msg":"task (failed|interrupted)/.test(l));
  if (!line) return null;
  try {
    const j = JSON.parse(line) as { msg: string; err?: string; time?: number };
    return `${j.msg}: ${String(j.err ?? '').slice(0, 600)}`;
  } catch {
    return line.slice(0, 600);
  }
}

async function prepareDatabase(env: StackEnv, opts: SnapshotBenchOptions, cleanup: Cleanup): Promise<{ database: string; rows: number; tableMiB: number; postgres: string }> {
  let database: string;
  let client: pg.Client;
  if (opts.reuseDb) {
    database = opts.reuseDb;
    client = new pg.Client({ ...env.pg, database });
    await client.connect();
    log(`reusing database ${database}`);
  } else {
    const fixture = await PgFixture.create(env, 'cdcsnap');
    database = fixture.database;
    client = fixture.client;
    if (!opts.keepDb) cleanup.add(`drop database ${database} and its slots`, async () => { await client.end().catch(() => undefined); await dropBenchDatabase(env, database); });
    log(`loading ${opts.rows.toLocaleString('en-US')} rows into ${database}.${BENCH_TABLE}`);
    const seconds = await loadSnapshotTable(client, opts.rows, log);
    log(`loaded and vacuumed in ${seconds.toFixed(0)} s${opts.keepDb ? `; kept: --reuse-db ${database}` : ''}`);
  }
  try {
    const rows = Number((await client.query(`SELECT count(*)::bigint AS n FROM ${BENCH_TABLE}`)).rows[0].n);
    const size = Number((await client.query(`SELECT pg_total_relation_size('${BENCH_TABLE}')::bigint AS b`)).rows[0].b);
    const postgres = (await client.query('SHOW server_version')).rows[0].server_version as string;
    return { database, rows, tableMiB: size / 2 ** 20, postgres };
  } finally {
    if (opts.reuseDb || opts.keepDb) await client.end();
  }
}

async function bench(opts: SnapshotBenchOptions, cleanup: Cleanup, interrupted: AbortSignal): Promise<SnapshotFigures> {
  const { env, origin } = ensureStack(log);
  log(`services: ${origin}`);
  const db = await prepareDatabase(env, opts, cleanup);
  // A fresh connector name per run: new slot, topics, offsets and transactional id.
  const name = `snapbench_${Math.random().toString(16).slice(2, 10)}`;
  const topic = `${name}.${BENCH_SCHEMA}.${BENCH_TABLE_NAME}`;
  cleanup.add('delete bench topics and subjects', () => deleteTopicsAndSubjects(env, name, [topic]));
  cleanup.add(`drop slot ${name}`, async () => {
    const c = new pg.Client({ ...env.pg, database: db.database });
    await c.connect();
    try {
      for (let i = 0; i < 50; i++) {
        const s = await c.query<{ active_pid: number | null }>('SELECT active_pid FROM pg_replication_slots WHERE slot_name = $1', [name]);
        if (s.rows.length === 0) break;
        if (s.rows[0]!.active_pid !== null) await c.query('SELECT pg_terminate_backend($1)', [s.rows[0]!.active_pid]);
        await c.query('SELECT pg_drop_replication_slot($1)', [name]).catch(() => undefined);
        await sleep(200);
      }
      await c.query(`DROP PUBLICATION IF EXISTS pub_${name}`);
    } finally {
      await c.end();
    }
  });

  const configFile = writeConfig({
    env, name, database: db.database,
    connector: {
      'snapshot.mode': 'initial',
      'table.include.list': `${BENCH_SCHEMA}\\.${BENCH_TABLE_NAME}`,
      'publication.autocreate.mode': 'filtered',
      'key.converter': 'io.confluent.connect.avro.AvroConverter',
      'value.converter': 'io.confluent.connect.avro.AvroConverter',
      ...opts.connectorOverrides,
    },
  });
  cleanup.add('remove the config file', () => rm(dirname(configFile), { recursive: true, force: true }));
  const config = JSON.parse(readFileSync(configFile, 'utf8')) as { worker: Record<string, unknown> };
  Object.assign(config.worker, { 'exactly.once.source.support': 'enabled' });
  writeFileSync(configFile, JSON.stringify(config, null, 2));
  if (Object.keys(opts.connectorOverrides).length > 0) log(`connector overrides: ${JSON.stringify(opts.connectorOverrides)}`);

  const admin = kafkaFor(env).admin();
  await admin.connect();
  cleanup.add('disconnect the admin client', () => admin.disconnect());
  const reader = new VisibleReader({ brokers: env.kafka, registryUrl: env.registry, topic, expected: db.rows });
  cleanup.add('stop the consumer', () => reader.stop());

  // 2. Connector start = daemon spawn.
  const daemon = new Daemon(configFile, env);
  const startMs = Date.now();
  daemon.start();
  cleanup.add('stop the daemon', () => daemon.stop());
  let pid: number | null = null;
  for (let i = 0; i < 100 && pid === null; i++) { pid = findPidByArg(configFile); if (pid === null) await sleep(50); }
  if (pid === null) throw new Error(`daemon process (argv naming ${configFile}) not found in /proc`);
  const seriesEvery = opts.seriesEveryMs > 0 ? opts.seriesEveryMs : 1_000;
  const sampler = new ProcessSampler(pid, 250, seriesEvery).start();
  log(`daemon pid ${pid} started; connector ${name}`);

  // 3. Watch: first visible record (LSO), consumer count, trouble, time.
  let firstVisibleMs: number | null = null;
  /** when the visible count (LSO - log start) changed, and to what */
  const lso: [number, number][] = [];
  let readerStarted = false;
  let incomplete: string | undefined;
  let lastReport = Date.now();
  for (;;) {
    interrupted.throwIfAborted();
    const visible = await visibleCount(admin, topic);
    if (visible !== (lso[lso.length - 1]?.[1] ?? 0)) lso.push([Date.now(), visible]);
    if (firstVisibleMs === null && visible > 0) {
      firstVisibleMs = Date.now();
      log(`first record visible after ${((firstVisibleMs - startMs) / 1000).toFixed(1)} s`);
    }
    // The reader (a kafkajs consumer: about half a core of this 2-core machine) starts once every
    // row is visible, whatever the strategy: were it to read along with a chunked snapshot, it would
    // take that CPU from the daemon and the broker, while the single transaction's rows become
    // visible only at its end. A real consumer runs elsewhere. (`visible` counts transaction markers
    // too, so the reader may start a chunk or two early.)
    if (!readerStarted && visible >= db.rows) { await reader.start(); readerStarted = true; }
    if (reader.count >= db.rows) break;
    const trouble = taskTrouble(daemon.output);
    if (trouble) { incomplete = `${trouble} (after ${((Date.now() - startMs) / 1000).toFixed(0)} s)`; break; }
    if (!daemon.running) { incomplete = `daemon exited (code ${daemon.exitCode}); its last output:\n${daemon.output.slice(-2000)}`; break; }
    if (Date.now() - startMs > opts.timeoutMs) { incomplete = `only ${reader.count} of ${db.rows} records visible ${opts.timeoutMs / 1000} s after start`; break; }
    if (Date.now() - lastReport >= 15_000) {
      lastReport = Date.now();
      const s = sampleProcess(pid);
      log(`  ${((Date.now() - startMs) / 1000).toFixed(0)} s: ${reader.count}/${db.rows} visible; daemon RSS ${(s.rssBytes / 2 ** 20).toFixed(0)} MiB, CPU ${s.cpuSeconds.toFixed(1)} s`);
    }
    await sleep(100);
  }
  const end = sampler.stop() ?? sampleProcess(pid);
  if (incomplete) log(`INCOMPLETE: ${incomplete}`);
  await sleep(1_500); // a duplicate delivered late would show up now
  await reader.stop();
  const ev = reader.events();
  // The last record became visible when the last stable offset reached its final value (the
  // consumer's own reading time is not the daemon's; nothing else writes to the topic).
  const finalVisible = await visibleCount(admin, topic);
  const lastVisible = lso.find(([, n]) => n >= finalVisible)?.[0] ?? Date.now();
  await daemon.stop();

  // 4. The connector's transactions as the broker recorded them.
  let txns: Awaited<ReturnType<typeof longestTransaction>> | null = null;
  try {
    txns = await longestTransaction(env, `g-${name}-${name}-0`, 300_000);
  } catch (err) {
    log(`Kafka transactions not read: ${err instanceof Error ? err.message : String(err)}`);
  }

  const rel = (ms: number) => (ms - startMs) / 1000;
  const series = sampler.series.map((s) => [rel(s.atMs), s.rssBytes / 2 ** 20] as const);
  const runEnd = series.length ? series[series.length - 1]![0] : 0;
  const maxIn = (from: number, to: number) => Math.max(...series.filter(([t]) => t >= from && t <= to).map(([, m]) => m));
  const growth = runEnd >= 8 ? maxIn(runEnd / 2, runEnd) - maxIn(0, runEnd / 4) : null;
  // At most ~24 points in the printed series: every k-th sample, the last included.
  const k = Math.max(1, Math.ceil(series.length / 24));
  const printed = series.filter((_, i) => i % k === 0 || i === series.length - 1);
  const lastVisibleSeconds = ev.count >= db.rows ? rel(lastVisible) : null;
  return {
    bench: 'pg-snapshot', at: new Date().toISOString(), commit: gitCommit(), label: opts.label ?? gitCommit(),
    machine: { cpus: cpus().length, node: process.version, postgres: db.postgres },
    rows: db.rows, tableMiB: db.tableMiB, visibleRecords: ev.count, duplicates: ev.duplicates,
    firstVisibleSeconds: firstVisibleMs === null ? null : rel(firstVisibleMs),
    lastVisibleSeconds, rowsPerSecond: lastVisibleSeconds === null ? null : db.rows / lastVisibleSeconds,
    daemonPeakRssMiB: Math.max(end.peakRssBytes, sampler.maxRssBytes) / 2 ** 20,
    ...rssSplitOf([sampler.maxAnon]),
    rssSeries: printed, rssGrowthMiB: growth,
    daemonCpuSeconds: end.cpuSeconds, cpuSecondsPer1000Rows: (end.cpuSeconds * 1000) / Math.max(1, ev.count),
    kafkaTransactions: txns ? txns.count : null,
    longestKafkaTransactionSeconds: txns?.longest ? txns.longest.durationMs / 1000 : null,
    ...(Object.keys(opts.connectorOverrides).length > 0 ? { connectorOverrides: opts.connectorOverrides } : {}),
    ...(incomplete ? { incomplete } : {}),
  };
}

async function main(): Promise<number> {
  let opts: SnapshotBenchOptions;
  try {
    opts = parseSnapshotBenchOptions(process.argv.slice(2), process.env);
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
  const cleanup = new Cleanup(log);
  const interrupted = new AbortController();
  const onSignal = (sig: string) => {
    if (interrupted.signal.aborted) { log(`${sig}: still cleaning up (each step at most 60 s)`); return; }
    interrupted.abort(new Error(`interrupted by ${sig}`));
    log(`${sig}: cleaning up`);
    void cleanup.run().then(() => process.exit(130));
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  try {
    const figures = await bench(opts, cleanup, interrupted.signal);
    await cleanup.run();
    process.stdout.write(`${formatSnapshotBlock(figures)}\n${JSON.stringify(figures)}\n`);
    if (opts.updateDocs) {
      updateSnapshotDocs(resolve(ROOT, 'docs/benchmarks.md'), figures);
      log('docs/benchmarks.md snapshot figures updated');
    }
    return figures.incomplete || figures.duplicates > 0 ? 1 : 0;
  } catch (err) {
    log(`failed: ${interrupted.signal.aborted ? String(interrupted.signal.reason) : err instanceof Error ? err.stack ?? err.message : String(err)}`);
    await cleanup.run();
    return 1;
  }
}

main().then((code) => process.exit(code));
