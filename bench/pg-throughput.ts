/**
 * `npm run bench` (--source postgres, the default): end-to-end throughput and latency of the PostgreSQL source,
 * Avro + exactly-once, against the real stack, and the ceiling PostgreSQL itself
 * sets (pg_recvlogical decoding the same WAL). Method and latest figures:
 * docs/benchmarks.md. Not part of `npm test`.
 *
 *   1. a fresh database with bench_events; the daemon as a child process
 *      (test/helpers/daemon.ts), snapshot.mode=no_data; one warm-up row makes
 *      it create the topic and register the schemas before anything is timed;
 *   2. a second pgoutput slot for the ceiling, then the load: N rows in
 *      transactions of random size 1..1000 from a separate process;
 *   3. a read_committed consumer notes when each event becomes visible;
 *      /proc gives the daemon's CPU and peak RSS; /metrics its histogram;
 *   4. daemon stopped, pg_recvlogical decodes the slot's range to /dev/null;
 *   5. figures printed as a block and a JSON line; cleanup (daemon, slots,
 *      database, topics, subjects) runs on success, failure and Ctrl-C.
 * Every wait is bounded.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { cpus } from 'node:os';
import { dirname, resolve } from 'node:path';
import { Daemon, writeConfig } from '../test/helpers/daemon.ts';
import { PgFixture } from '../test/helpers/pg-fixture.ts';
import { ensureStack } from './bench-stack.ts';
import { Cleanup, deleteTopicsAndSubjects, dropBenchDatabase } from './bench-cleanup.ts';
import { JSON_CONVERTER_CLASS, type BenchOptions } from './bench-options.ts';
import type { BenchRunResult } from './bench-main.ts';
import { daemonTrouble, freePort, gitCommit, runBurstLoad, runNodeScript, scrapeMetrics } from './bench-process.ts';
import { BENCH_SCHEMA, BENCH_TABLE, BENCH_TABLE_DDL, BENCH_TABLE_NAME } from './bench-table.ts';
import type { LoadPlan, LoadResult } from './row-loader.ts';
import { VisibleReader, visibleFigures } from './visible-reader.ts';
import { burstLoadFor } from './catch-up.ts';
import { findPidByArg, ProcessSampler, rssSplitOf, sampleProcess, type ProcessSample } from './process-stats.ts';
import { createCeilingSlot, measureCeiling, measureFixedCost, type CeilingResult } from './recvlogical-ceiling.ts';
import { histogramDelta, histogramQuantile, parseHistogram, parseSample } from './latency-stats.ts';
import { formatBlock, formatJsonLine, updateDocsFigures, type BenchFigures, type SteadyFigures, type SteadyMaxFigures } from './bench-report.ts';

const ROOT = new URL('../', import.meta.url).pathname;
/** --converter: the class both sides are configured with (the JSON one keeps Connect's schemas.enable=true) */
const CONVERTER_CLASS = { avro: 'io.confluent.connect.avro.AvroConverter', json: JSON_CONVERTER_CLASS } as const;
const log = (line: string) => process.stderr.write(`bench: ${line}\n`);

async function bench(opts: BenchOptions, cleanup: Cleanup, interrupted: AbortSignal): Promise<{ figures: BenchFigures; ok: boolean }> {
  const stack = ensureStack(log);
  const env = stack.env;
  log(`services: ${stack.origin}`);

  const fixture = await PgFixture.create(env, 'cdcbench');
  const database = fixture.database;
  cleanup.add(`drop database ${database} and its slots`, async () => { await fixture.client.end().catch(() => undefined); await dropBenchDatabase(env, database); });
  const postgresVersion = (await fixture.query('SHOW server_version')).rows[0].server_version as string;
  await fixture.query(BENCH_TABLE_DDL);

  const name = database; // cdcbench_<hex>: valid as topic prefix, slot and publication suffix
  const topic = `${name}.${BENCH_SCHEMA}.${BENCH_TABLE_NAME}`;
  const offsetsTopic = `offsets-${name}`;
  // Data, offsets and the worker's config/status topics all carry the run's unique name.
  cleanup.add('delete bench topics and subjects', () => deleteTopicsAndSubjects(env, name, [topic]));

  // 1. The daemon, Avro + exactly-once, streaming only.
  const configFile = writeConfig({
    env, name, database, offsetsTopic,
    connector: {
      'snapshot.mode': 'no_data',
      'table.include.list': `${BENCH_SCHEMA}\\.${BENCH_TABLE_NAME}`,
      'publication.autocreate.mode': 'filtered',
      'key.converter': CONVERTER_CLASS[opts.converter],
      'value.converter': CONVERTER_CLASS[opts.converter],
      ...opts.connectorOverrides,
    },
  });
  cleanup.add('remove the config file', () => rm(dirname(configFile), { recursive: true, force: true }));
  if (Object.keys(opts.connectorOverrides).length > 0) log(`connector overrides: ${JSON.stringify(opts.connectorOverrides)}`);
  const metricsPort = await freePort();
  const config = JSON.parse(readFileSync(configFile, 'utf8')) as { worker: Record<string, unknown> };
  // Metrics on a port of our own (the helper turns them off), so benches and tests never collide.
  Object.assign(config.worker, { 'metrics.port': metricsPort, 'exactly.once.source.support': 'enabled' });
  writeFileSync(configFile, JSON.stringify(config, null, 2));

  const daemon = new Daemon(configFile, env);
  // Daemon spawns with a copy of process.env: set the profiler preload for that one spawn only.
  const saved = { NODE_OPTIONS: process.env.NODE_OPTIONS, CDC_BENCH_CPU_PROF_DIR: process.env.CDC_BENCH_CPU_PROF_DIR };
  if (opts.cpuProfDir) {
    mkdirSync(opts.cpuProfDir, { recursive: true });
    process.env.NODE_OPTIONS = `${saved.NODE_OPTIONS ?? ''} --import ${resolve(ROOT, 'bench/cpu-profile-preload.mjs')}`.trim();
    process.env.CDC_BENCH_CPU_PROF_DIR = resolve(opts.cpuProfDir);
  }
  daemon.start();
  for (const [k, v] of Object.entries(saved)) { if (v === undefined) delete process.env[k]; else process.env[k] = v; }
  cleanup.add('stop the daemon', () => daemon.stop());
  await daemon.waitForLog(/replication stream started/, 120_000);
  const pid = findPidByArg(configFile);
  if (pid === null) throw new Error(`daemon process (argv naming ${configFile}) not found in /proc`);
  log(`daemon pid ${pid} streams (slot ${name}); metrics on :${metricsPort}`);

  // Warm-up: topic creation, schema registration, consumer assignment happen here, untimed.
  const reader = new VisibleReader({ brokers: env.kafka, registryUrl: env.registry, topic, expected: opts.rows + 1, format: opts.converter });
  await fixture.query(`INSERT INTO ${BENCH_TABLE} (account_id, quantity, status, amount) VALUES (0, 0, 'warm-up', 0)`);
  await daemon.waitForLog(new RegExp(`created topics.*${topic.replace(/[.]/g, '\\.')}|${topic.replace(/[.]/g, '\\.')}.*created topics`), 60_000);
  cleanup.add('stop the consumer', () => reader.stop());
  await reader.start();
  if (!(await reader.waitFor(1, 60_000))) throw new Error(`warm-up event not visible within 60 s; daemon log:\n${daemon.output.slice(-3000)}`);
  log('warm-up event visible; consumer assigned');

  // 2. Ceiling slot first, so it holds exactly the load's WAL; then the load.
  const ceilingSlot = `${name}_ceiling`;
  await createCeilingSlot(fixture.client, ceilingSlot);
  const sampler = new ProcessSampler(pid).start();
  const cpuAtLoad = sampleProcess(pid);
  const benchCpuAtLoad = process.cpuUsage();
  log(`loading ${opts.rows} rows in transactions of 1..${opts.maxTxnRows} rows (separate process)`);
  const burstLoad = () => runBurstLoad({ pg: env.pg, database, rows: opts.rows, maxTxnRows: opts.maxTxnRows, seed: opts.seed, noteChars: opts.noteChars });
  const { result: load, resumedAtMs } = await burstLoadFor(opts.catchUp, pid, burstLoad, log);
  const loadSeconds = load.seconds;
  log(`load done: ${load.transactions} transactions in ${loadSeconds.toFixed(1)} s; ${reader.count - 1} events visible so far`);

  // 3. Wait for the last event, bounded; report progress and a dead daemon at once.
  const expected = opts.rows + 1;
  let lastReport = Date.now();
  let incomplete: string | undefined;
  let atEnd: ProcessSample | null = null;
  try {
    const reached = await reader.waitFor(expected, opts.drainTimeoutMs, () => {
      interrupted.throwIfAborted();
      if (!daemon.running) throw new Error(`daemon exited (code ${daemon.exitCode}) with ${reader.count - 1} of ${opts.rows} events visible:\n${daemonTrouble(daemon.output) || daemon.output.slice(-3000)}`);
      if (Date.now() - lastReport >= 10_000) {
        lastReport = Date.now();
        const s = sampleProcess(pid);
        log(`  ${reader.count - 1}/${opts.rows} visible; daemon RSS ${(s.rssBytes / 2 ** 20).toFixed(0)} MiB, CPU ${(s.cpuSeconds - cpuAtLoad.cpuSeconds).toFixed(1)} s`);
      }
    });
    if (!reached) incomplete = `only ${reader.count - 1} of ${opts.rows} events visible ${opts.drainTimeoutMs / 1000} s after the load ended`;
    atEnd = sampleProcess(pid);
  } catch (err) {
    if (interrupted.aborted) throw err;
    incomplete = err instanceof Error ? err.message : String(err);
  }
  sampler.stop();
  const benchCpu = process.cpuUsage(benchCpuAtLoad);
  log(`the bench's own consumer used ${((benchCpu.user + benchCpu.system) / 1e6).toFixed(1)} CPU s meanwhile (measurement overhead on the same 2 cores)`);
  const end = atEnd ?? sampler.last ?? cpuAtLoad;
  const metricsText = await scrapeMetrics(metricsPort);
  if (incomplete) log(`INCOMPLETE: ${incomplete}\ndaemon warnings and errors (last 15):\n${daemonTrouble(daemon.output) || '(none)'}`);
  // The burst's events, fixed now: the steady phases add theirs to the reader after this.
  const ev = reader.events();
  const burst = visibleFigures(ev, 1, Infinity, resumedAtMs);
  const { max: steadyMax, phases: steady } = !incomplete && opts.steadySeconds > 0
    ? await steadyPhases({ opts, env, database, reader, burstRate: burst.eventsPerSecond, firstId: 2 + opts.rows, daemon, metricsPort, interrupted })
    : { max: null, phases: [] };
  await reader.stop(); // the figures describe this moment, also when the wait gave up

  // 4. The ceiling, with the daemon stopped (so it has the machine to itself).
  interrupted.throwIfAborted();
  await daemon.stop();
  let ceiling: CeilingResult | null = null;
  let fixedCost = 0;
  try {
    const target = { pg: env.pg, database, slot: ceilingSlot, publication: `pub_${name}` };
    // The burst's range only: the steady phases' rows came after it.
    ceiling = await measureCeiling(fixture.client, target, 600_000, steady.length > 0 ? load.endLsn : undefined);
    fixedCost = await measureFixedCost(fixture.client, { ...target, slot: `${name}_fixed` }, 60_000);
    log(`pg_recvlogical decoded the range up to ${ceiling.endLsn} in ${ceiling.seconds.toFixed(3)} s, of which ${fixedCost.toFixed(3)} s is the fixed cost of a run (empty range)`);
  } catch (err) {
    log(`ceiling not measured: ${err instanceof Error ? err.message : String(err)}`);
  }

  // 5. Figures over the loaded rows only (the warm-up row has id 1).
  const { visibleEvents, spanSeconds, eventsPerSecond, latencyMs } = burst;
  const hist = parseHistogram(metricsText, 'cdc_commit_to_visible_seconds');
  const ceilingSeconds = ceiling ? Math.max(ceiling.seconds - fixedCost, 1e-3) : NaN;
  const ceilingRate = opts.rows / ceilingSeconds;
  const figures: BenchFigures = {
    bench: 'pg-throughput', at: new Date().toISOString(), commit: gitCommit(),
    machine: { cpus: cpus().length, node: process.version, postgres: postgresVersion },
    rows: opts.rows, transactions: load.transactions,
    loadSeconds, loadRowsPerSecond: opts.rows / loadSeconds,
    visibleEvents, duplicates: ev.duplicates, eventBytesAvg: ev.bytes / Math.max(1, ev.count), spanSeconds, eventsPerSecond,
    latencyMs,
    daemonHistogramMs: hist ? { p50: histogramQuantile(hist, 0.5) * 1000, p95: histogramQuantile(hist, 0.95) * 1000, p99: histogramQuantile(hist, 0.99) * 1000 } : null,
    kafkaTransactions: parseSample(metricsText, 'cdc_kafka_transactions_total'),
    kafkaTransactionSecondsAvg: parseSample(metricsText, 'cdc_kafka_transaction_seconds_sum') / parseSample(metricsText, 'cdc_kafka_transaction_seconds_count'),
    daemonPeakRssMiB: Math.max(end.peakRssBytes, sampler.maxRssBytes) / 2 ** 20,
    ...rssSplitOf([sampler.maxAnon]),
    daemonCpuSeconds: end.cpuSeconds - cpuAtLoad.cpuSeconds,
    daemonSystemCpuSeconds: end.systemCpuSeconds - cpuAtLoad.systemCpuSeconds,
    daemonCpuMicrosPerEvent: ((end.cpuSeconds - cpuAtLoad.cpuSeconds) * 1e6) / Math.max(1, visibleEvents),
    daemonCpuSecondsTotal: end.cpuSeconds,
    ceiling: ceiling ? { seconds: ceilingSeconds, fixedCostSeconds: fixedCost, eventsPerSecond: ceilingRate } : null,
    ratio: ceiling && !incomplete ? eventsPerSecond / ceilingRate : null,
    ...(Object.keys(opts.connectorOverrides).length > 0 ? { connectorOverrides: opts.connectorOverrides } : {}),
    ...(opts.noteChars !== null ? { noteChars: opts.noteChars } : {}),
    ...(opts.catchUp ? { catchUp: true as const } : {}),
    ...(opts.converter === 'json' ? { converter: 'json' as const } : {}),
    ...(steadyMax ? { steadyMax } : {}),
    ...(steady.length > 0 ? { steady } : {}),
    ...(incomplete ? { incomplete } : {}),
  };
  const written = parseSample(metricsText, 'cdc_events_written_total');
  if (Number.isFinite(written)) log(`daemon counted ${written} events written (warm-up included)`);
  if (opts.cpuProfDir) log(`CPU profile: ${resolve(opts.cpuProfDir)}/daemon-${pid}.cpuprofile (summarise: npx tsx bench/cpu-profile-summary.ts <file>)`);
  return { figures, ok: !incomplete && ev.duplicates === 0 && ceiling !== null };
}

/** Rows per steady transaction: small, as an OLTP load writes them, so latency is not one big transaction's. */
const STEADY_TXN_ROWS = 10;

/**
 * The steady mode (--steady-seconds): with the daemon still streaming, first an unpaced load of
 * small transactions (as many rows as the burst delivered in S seconds), whose delivered rate is
 * the maximum sustained rate of this workload (the burst's transactions of up to 1,000 rows are
 * no measure of it); then loads paced at 25, 50 and 75 % of that maximum, one after the other;
 * commit -> visible of each phase's rows. Row ids are consecutive, so a phase's events are the
 * ids it inserted.
 */
async function steadyPhases(a: {
  opts: BenchOptions; env: ReturnType<typeof ensureStack>['env']; database: string; reader: VisibleReader; burstRate: number;
  firstId: number; daemon: Daemon; metricsPort: number; interrupted: AbortSignal;
}): Promise<{ max: SteadyMaxFigures; phases: SteadyFigures[] }> {
  const daemonHistogram = async () => parseHistogram(await scrapeMetrics(a.metricsPort), 'cdc_commit_to_visible_seconds');
  const out: SteadyFigures[] = [];
  let firstId = a.firstId;
  let expected = a.reader.count;
  const drained = (what: string) => () => {
    a.interrupted.throwIfAborted();
    if (!a.daemon.running) throw new Error(`daemon exited (code ${a.daemon.exitCode}) during the ${what}`);
  };
  const maxRows = Math.max(1000, Math.round(a.burstRate * a.opts.steadySeconds));
  log(`steady max: ${maxRows} rows unpaced in transactions of 1..${STEADY_TXN_ROWS} rows`);
  const maxLoad = await runNodeScript<LoadResult>('bench/row-loader.ts', {
    pg: a.env.pg, database: a.database, rows: maxRows, maxTxnRows: STEADY_TXN_ROWS, seed: a.opts.seed + 100, noteChars: a.opts.noteChars, syncCommit: true,
  } satisfies LoadPlan, 120_000 + a.opts.steadySeconds * 6000);
  expected += maxRows;
  const maxReached = await a.reader.waitFor(expected, 120_000, drained('unpaced small-transaction load'));
  const maxPhase = visibleFigures(a.reader.events(), firstId - 1, firstId + maxRows - 1);
  const loaderRowsPerSecond = (maxRows * 1000) / Math.max(1, maxLoad.finishedAtMs - maxLoad.startedAtMs);
  const max: SteadyMaxFigures = {
    rows: maxRows, transactions: maxLoad.transactions, loaderRowsPerSecond, deliveredRowsPerSecond: maxPhase.eventsPerSecond,
    latencyMs: maxPhase.latencyMs, limitedBy: maxPhase.eventsPerSecond >= 0.9 * loaderRowsPerSecond ? 'loader' : 'daemon',
    ...(maxReached ? {} : { incomplete: `only ${maxPhase.visibleEvents} of ${maxRows} events visible 120 s after the load` }),
  };
  firstId += maxRows;
  log(`steady max: ${Math.round(max.deliveredRowsPerSecond)} rows/s delivered, the loader wrote ${Math.round(loaderRowsPerSecond)} rows/s`);
  for (const [k, fraction] of [0.25, 0.5, 0.75].entries()) {
    a.interrupted.throwIfAborted();
    const rate = Math.max(1, Math.round(max.deliveredRowsPerSecond * fraction));
    const rows = rate * a.opts.steadySeconds;
    log(`steady ${Math.round(fraction * 100)} %: ${rows} rows at ${rate} rows/s in transactions of 1..${STEADY_TXN_ROWS} rows`);
    const histBefore = await daemonHistogram();
    const load = await runNodeScript<LoadResult>('bench/row-loader.ts', {
      pg: a.env.pg, database: a.database, rows, maxTxnRows: STEADY_TXN_ROWS, seed: a.opts.seed + 1 + k, noteChars: a.opts.noteChars, rate, syncCommit: true,
    } satisfies LoadPlan, 120_000 + a.opts.steadySeconds * 3000);
    expected += rows;
    const reached = await a.reader.waitFor(expected, 120_000, drained('steady load'));
    const phase = visibleFigures(a.reader.events(), firstId - 1, firstId + rows - 1);
    const histAfter = await daemonHistogram();
    const d = histAfter ? histogramDelta(histAfter, histBefore) : null;
    out.push({
      ...(d ? { daemonHistogramMs: { p50: histogramQuantile(d, 0.5) * 1000, p99: histogramQuantile(d, 0.99) * 1000 } } : {}),
      fraction, rate, rows, transactions: load.transactions, loaderMaxLagMs: load.maxLagMs, visibleEvents: phase.visibleEvents,
      latencyMs: phase.latencyMs, ...(reached ? {} : { incomplete: `only ${phase.visibleEvents} of ${rows} events visible 120 s after the phase` }),
    });
    firstId += rows;
  }
  return { max, phases: out };
}

/**
 * The PostgreSQL run of `npm run bench` (bench/throughput.ts): figures as a block and a JSON line;
 * the figures themselves too, for the comparison of --vs-debezium.
 */
export async function pgBench(opts: BenchOptions, cleanup: Cleanup, interrupted: AbortSignal): Promise<BenchRunResult & { figures: BenchFigures }> {
  const { figures, ok } = await bench(opts, cleanup, interrupted);
  if (opts.updateDocs && (figures.connectorOverrides || figures.noteChars !== undefined || figures.catchUp || figures.converter)) {
    log('docs/benchmarks.md not updated: the table holds default runs only (drop --set, --note-chars, --catch-up and --converter)');
  } else if (opts.updateDocs) {
    updateDocsFigures(resolve(ROOT, 'docs/benchmarks.md'), figures);
    log('docs/benchmarks.md figures updated');
  }
  return { output: `${formatBlock(figures)}\n${formatJsonLine(figures)}\n`, ok, figures };
}
