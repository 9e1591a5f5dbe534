/**
 * `npm run bench -- --source mariadb`: end-to-end throughput and latency of the
 * MariaDB source, Avro + exactly-once, against the stack's MariaDB (started with
 * `stack.sh up --with mariadb` when not up), beside the ceiling of reading the
 * same binlog with zongji alone. Method and figures: docs/benchmarks.md.
 *
 *   1. a fresh database with bench_events; the daemon (test/helpers/daemon.ts,
 *      MariaDbConnector, snapshot.mode=no_data); one warm-up row makes it create
 *      the topic and register the schemas, untimed; a read_committed consumer;
 *   2. catch-up: the daemon is stopped (SIGTERM, offsets committed), N rows are
 *      written in transactions of 1..max rows, and the daemon restarted: timed
 *      from its binlog stream start to the last event visible;
 *   3. live: rows at a steady rate while the daemon streams; commit -> visible
 *      per event from the loader's commit acknowledgements;
 *   4. daemon stopped; the catch-up's binlog range read by bare zongji and by
 *      sources/mysql/binlog-reader.ts, each in its own process (bench/zongji-ceiling.ts);
 *   5. figures; cleanup (daemon, consumer, database, topics, subjects) always.
 * Every wait is bounded.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { dirname, resolve } from 'node:path';
import mysql from 'mysql2/promise';
import { Daemon, writeConfig } from '../test/helpers/daemon.ts';
import { mariadbOptions } from '../test/helpers/mariadb.ts';
import type { StackEnv } from '../test/helpers/stack-env.ts';
import { ensureStack } from './bench-stack.ts';
import { Cleanup, deleteTopicsAndSubjects } from './bench-cleanup.ts';
import type { BenchOptions } from './bench-options.ts';
import type { BenchRunResult } from './bench-main.ts';
import { daemonTrouble, freePort, gitCommit, runNodeScript, scrapeMetrics } from './bench-process.ts';
import { findPidByArg, ProcessSampler, rssSplitOf, sampleProcess } from './process-stats.ts';
import { parseSample, percentiles } from './latency-stats.ts';
import { VisibleReader } from './visible-reader.ts';
import { MYSQL_BENCH_TABLE_NAME, mysqlBenchTableDdl } from './mysql-table.ts';
import type { MysqlLoadPlan, MysqlLoadResult } from './mysql-loader.ts';
import type { CeilingPlan, CeilingRun } from './zongji-ceiling.ts';
import { formatMysqlBlock, type MysqlBenchFigures, type PhaseFigures } from './mysql-report.ts';

const ROOT = new URL('../', import.meta.url).pathname;
const log = (line: string) => process.stderr.write(`bench[mariadb]: ${line}\n`);
const MiB = 2 ** 20;

/** Starts the daemon, with the V8 profiler preloaded when asked (that spawn only); resolves with its pid once it streams. */
async function startDaemon(configFile: string, env: StackEnv, cpuProfDir: string | null): Promise<{ daemon: Daemon; pid: number; streamAtMs: number; spawnedAtMs: number }> {
  const daemon = new Daemon(configFile, env);
  const saved = { NODE_OPTIONS: process.env.NODE_OPTIONS, CDC_BENCH_CPU_PROF_DIR: process.env.CDC_BENCH_CPU_PROF_DIR };
  if (cpuProfDir) {
    mkdirSync(cpuProfDir, { recursive: true });
    process.env.NODE_OPTIONS = `${saved.NODE_OPTIONS ?? ''} --import ${resolve(ROOT, 'bench/cpu-profile-preload.mjs')}`.trim();
    process.env.CDC_BENCH_CPU_PROF_DIR = resolve(cpuProfDir);
  }
  const spawnedAtMs = Date.now();
  daemon.start();
  for (const [k, v] of Object.entries(saved)) { if (v === undefined) delete process.env[k]; else process.env[k] = v; }
  await daemon.waitForLog(/reading the binlog/, 120_000);
  const line = daemon.logLines().find((l) => l.msg === 'reading the binlog');
  const pid = findPidByArg(configFile);
  if (pid === null) throw new Error(`daemon process (argv naming ${configFile}) not found in /proc`);
  return { daemon, pid, spawnedAtMs, streamAtMs: typeof line?.time === 'number' ? line.time : Date.now() };
}

interface Span { ids: [number, number] }

/** Waits until every id of the span is visible; returns what went wrong, if anything. */
async function drain(reader: VisibleReader, target: number, daemon: Daemon, pid: number, timeoutMs: number, interrupted: AbortSignal, label: string): Promise<string | undefined> {
  let lastReport = Date.now();
  try {
    const reached = await reader.waitFor(target, timeoutMs, () => {
      interrupted.throwIfAborted();
      if (!daemon.running) throw new Error(`daemon exited (code ${daemon.exitCode}) with ${reader.count} of ${target} events visible:\n${daemonTrouble(daemon.output) || daemon.output.slice(-3000)}`);
      if (Date.now() - lastReport >= 10_000) {
        lastReport = Date.now();
        const s = sampleProcess(pid);
        log(`  ${label}: ${reader.count}/${target} visible; daemon RSS ${(s.rssBytes / MiB).toFixed(0)} MiB, CPU ${s.cpuSeconds.toFixed(1)} s`);
      }
    });
    return reached ? undefined : `${label}: only ${reader.count} of ${target} events visible after ${timeoutMs / 1000} s`;
  } catch (err) {
    if (interrupted.aborted) throw err;
    return `${label}: ${err instanceof Error ? err.message : String(err)}`;
  }
}

/** Per visible event of the span [from, to]: visible time, and the loader's commit ack of its transaction. */
function spanEvents(reader: VisibleReader, span: Span, load: MysqlLoadResult): { firstAck: number; lastVisible: number; latency: number[]; latencyTs: number[]; count: number } {
  const ev = reader.events();
  const latency: number[] = [], latencyTs: number[] = [];
  let lastVisible = -Infinity;
  for (let i = 0; i < ev.count; i++) {
    const id = ev.ids[i]!;
    if (id < span.ids[0] || id > span.ids[1]) continue;
    lastVisible = Math.max(lastVisible, ev.visibleMs[i]!);
    let lo = 0, hi = load.lastIds.length - 1; // first transaction whose last id >= id
    while (lo < hi) { const mid = (lo + hi) >> 1; if (load.lastIds[mid]! >= id) hi = mid; else lo = mid + 1; }
    latency.push(ev.visibleMs[i]! - load.commitAckMs[lo]!);
    latencyTs.push(ev.visibleMs[i]! - ev.commitMs[i]!);
  }
  return { firstAck: load.commitAckMs[0] ?? NaN, lastVisible, latency, latencyTs, count: latency.length };
}

async function ceilingRun(plan: CeilingPlan): Promise<CeilingRun | null> {
  try {
    const r = await runNodeScript<CeilingRun>('bench/zongji-ceiling.ts', plan, plan.timeoutMs + 30_000);
    log(`${plan.mode}: ${r.rows} rows in ${r.seconds.toFixed(3)} s (${Math.round(r.rowsPerSecond)} rows/s)`);
    return r;
  } catch (err) {
    log(`ceiling (${plan.mode}) not measured: ${err instanceof Error ? err.message : String(err)}`);
    return null;
  }
}

export async function mysqlBench(opts: BenchOptions, cleanup: Cleanup, interrupted: AbortSignal): Promise<BenchRunResult> {
  const loadAverage = loadavg()[0]!;
  const stack = ensureStack(log, ['mariadb']);
  const env = stack.env;
  log(`services: ${stack.origin}`);
  const conn = mariadbOptions();
  const my = { host: String(conn.host), port: Number(conn.port), user: String(conn.user), password: String(conn.password) };
  const name = `cdcbench_${randomBytes(4).toString('hex')}`;
  const database = name;
  const admin = await mysql.createConnection(my);
  cleanup.add(`drop database ${database}`, async () => { await admin.query(`DROP DATABASE IF EXISTS \`${database}\``); await admin.end(); });
  const [[ver]] = await admin.query('SELECT VERSION() AS v') as unknown as [[{ v: string }]];
  await admin.query(`CREATE DATABASE \`${database}\``);
  await admin.query(mysqlBenchTableDdl(database));
  const topic = `${name}.${database}.${MYSQL_BENCH_TABLE_NAME}`;
  cleanup.add('delete bench topics and subjects', () => deleteTopicsAndSubjects(env, name, [topic]));

  // 1. The daemon, Avro + exactly-once, streaming only.
  const configFile = writeConfig({
    env, name, database, offsetsTopic: `offsets-${name}`, source: 'mariadb',
    connector: {
      'snapshot.mode': 'no_data',
      'table.include.list': `${database}\\.${MYSQL_BENCH_TABLE_NAME}`,
      'key.converter': 'io.confluent.connect.avro.AvroConverter',
      'value.converter': 'io.confluent.connect.avro.AvroConverter',
      ...opts.connectorOverrides,
    },
  });
  cleanup.add('remove the config file', () => rm(dirname(configFile), { recursive: true, force: true }));
  if (Object.keys(opts.connectorOverrides).length > 0) log(`connector overrides: ${JSON.stringify(opts.connectorOverrides)}`);
  const metricsPort = await freePort();
  const config = JSON.parse(readFileSync(configFile, 'utf8')) as { worker: Record<string, unknown> };
  Object.assign(config.worker, { 'metrics.port': metricsPort, 'exactly.once.source.support': 'enabled' });
  writeFileSync(configFile, JSON.stringify(config, null, 2));

  let run = await startDaemon(configFile, env, null);
  cleanup.add('stop the daemon', () => run.daemon.stop());
  const liveRows = opts.liveRate * opts.liveSeconds;
  const reader = new VisibleReader({ brokers: env.kafka, registryUrl: env.registry, topic, expected: 1 + opts.rows + liveRows });
  await admin.query(`INSERT INTO \`${database}\`.${MYSQL_BENCH_TABLE_NAME} (id, account_id, quantity, status, amount) VALUES (1, 0, 0, 'warm-up', 0)`);
  const t = topic.replace(/[.]/g, '\\.');
  await run.daemon.waitForLog(new RegExp(`created topics.*${t}|${t}.*created topics`), 60_000);
  cleanup.add('stop the consumer', () => reader.stop());
  await reader.start();
  if (!(await reader.waitFor(1, 60_000))) throw new Error(`warm-up event not visible within 60 s; daemon log:\n${run.daemon.output.slice(-3000)}`);
  log('warm-up event visible; consumer assigned');

  // 2. Catch-up: a binlog written while the daemon is stopped.
  await run.daemon.stop();
  log(`daemon stopped; writing ${opts.rows} rows in transactions of 1..${opts.maxTxnRows} rows (separate process)`);
  const base = { mysql: my, database, maxTxnRows: opts.maxTxnRows, seed: opts.seed, noteChars: opts.noteChars };
  const catchLoad = await runNodeScript<MysqlLoadResult>('bench/mysql-loader.ts', { ...base, firstId: 2, rows: opts.rows, rate: null } satisfies MysqlLoadPlan, 120_000 + opts.rows * 2);
  log(`written: ${catchLoad.transactions} transactions in ${((catchLoad.finishedAtMs - catchLoad.startedAtMs) / 1000).toFixed(1)} s; restarting the daemon`);
  run = await startDaemon(configFile, env, opts.cpuProfDir);
  const catchSampler = new ProcessSampler(run.pid).start();
  const cpuAtStream = sampleProcess(run.pid);
  let incomplete = await drain(reader, 1 + opts.rows, run.daemon, run.pid, opts.drainTimeoutMs, interrupted, 'catch-up');
  const cpuAfterCatchUp = sampleProcess(run.pid);
  catchSampler.stop();
  const catchEv = spanEvents(reader, { ids: [2, 1 + opts.rows] }, catchLoad);
  const catchDuplicates = reader.events().duplicates;

  // 3. Live: a steady rate while the daemon streams.
  let liveLoad: MysqlLoadResult | null = null;
  const liveSampler = new ProcessSampler(run.pid).start();
  let cpuAfterLive = cpuAfterCatchUp;
  if (!incomplete) {
    log(`live load: ${liveRows} rows at ${opts.liveRate} rows/s`);
    liveLoad = await runNodeScript<MysqlLoadResult>('bench/mysql-loader.ts', { ...base, seed: opts.seed + 1, firstId: 2 + opts.rows, rows: liveRows, rate: opts.liveRate } satisfies MysqlLoadPlan, 120_000 + opts.liveSeconds * 3000);
    incomplete = await drain(reader, 1 + opts.rows + liveRows, run.daemon, run.pid, opts.drainTimeoutMs, interrupted, 'live');
    cpuAfterLive = sampleProcess(run.pid);
  }
  liveSampler.stop();
  await reader.stop();
  const metricsText = await scrapeMetrics(metricsPort);
  const peak = sampleProcess(run.pid).peakRssBytes;
  if (incomplete) log(`INCOMPLETE: ${incomplete}\ndaemon warnings and errors (last 15):\n${daemonTrouble(run.daemon.output) || '(none)'}`);

  // 4. The ceiling, with the daemon stopped.
  interrupted.throwIfAborted();
  await run.daemon.stop();
  const plan = { mysql: my, serverId: 3_000_000_000 + Math.floor(Math.random() * 1e8), start: catchLoad.binlogStart, rows: opts.rows, timeoutMs: 600_000 };
  const zongji = await ceilingRun({ ...plan, mode: 'zongji' });
  const binlogReader = await ceilingRun({ ...plan, serverId: plan.serverId + 1, mode: 'reader' });

  // 5. Figures.
  const ev = reader.events();
  const catchSeconds = (catchEv.lastVisible - run.streamAtMs) / 1000;
  const phase = (rows: number, load: MysqlLoadResult | null, visible: number, duplicates: number, seconds: number, cpu: number, maxRss: number): PhaseFigures => ({
    rows, transactions: load?.transactions ?? 0,
    loadSeconds: load ? (load.finishedAtMs - load.startedAtMs) / 1000 : NaN,
    loadRowsPerSecond: load ? rows / ((load.finishedAtMs - load.startedAtMs) / 1000) : NaN,
    visibleEvents: visible, duplicates, seconds, eventsPerSecond: visible / seconds,
    daemonCpuSeconds: cpu, daemonCpuSecondsPerMillion: (cpu * 1e6) / Math.max(1, visible), daemonMaxRssMiB: maxRss / MiB,
  });
  const liveEv = liveLoad ? spanEvents(reader, { ids: [2 + opts.rows, 1 + opts.rows + liveRows] }, liveLoad) : null;
  const [p50, p95, p99, max] = percentiles(liveEv?.latency ?? [], [50, 95, 99, 100]);
  const [t50, t99] = percentiles(liveEv?.latencyTs ?? [], [50, 99]);
  const catchUp = phase(opts.rows, catchLoad, catchEv.count, catchDuplicates, catchSeconds, cpuAfterCatchUp.cpuSeconds - cpuAtStream.cpuSeconds, catchSampler.maxRssBytes);
  const figures: MysqlBenchFigures = {
    bench: 'mariadb-throughput', at: new Date().toISOString(), commit: gitCommit(),
    machine: { cpus: cpus().length, node: process.version, mariadb: ver.v, loadAverage },
    catchUp: { ...catchUp, daemonStartSeconds: (run.streamAtMs - run.spawnedAtMs) / 1000 },
    live: {
      ...phase(liveRows, liveLoad, liveEv?.count ?? 0, ev.duplicates - catchDuplicates, liveEv ? (liveEv.lastVisible - liveEv.firstAck) / 1000 : NaN, cpuAfterLive.cpuSeconds - cpuAfterCatchUp.cpuSeconds, liveSampler.maxRssBytes),
      rate: opts.liveRate, loaderMaxLagMs: liveLoad?.maxLagMs ?? NaN, latencyMs: { p50: p50!, p95: p95!, p99: p99!, max: max! }, latencyFromTsMs: { p50: t50!, p99: t99! },
    },
    daemonPeakRssMiB: Math.max(peak, catchSampler.maxRssBytes, liveSampler.maxRssBytes) / MiB,
    ...rssSplitOf([catchSampler.maxAnon, liveSampler.maxAnon]),
    eventBytesAvg: ev.bytes / Math.max(1, ev.count),
    kafkaTransactions: parseSample(metricsText, 'cdc_kafka_transactions_total'),
    ceiling: { zongji, reader: binlogReader },
    ratio: zongji && !incomplete ? catchUp.eventsPerSecond / zongji.rowsPerSecond : null,
    ...(Object.keys(opts.connectorOverrides).length > 0 ? { connectorOverrides: opts.connectorOverrides } : {}),
    ...(opts.noteChars !== null ? { noteChars: opts.noteChars } : {}),
    ...(incomplete ? { incomplete } : {}),
  };
  if (opts.cpuProfDir) log(`CPU profile: ${resolve(opts.cpuProfDir)}/daemon-${run.pid}.cpuprofile (summarise: npx tsx bench/cpu-profile-summary.ts <file>)`);
  if (opts.updateDocs) log('--update-docs: the MariaDB figures in docs/benchmarks.md are written by hand; not updated');
  return { output: `${formatMysqlBlock(figures)}\n${JSON.stringify(figures)}\n`, ok: !incomplete && ev.duplicates === 0 && zongji !== null };
}
