/**
 * The Debezium half of `npm run bench -- --vs-debezium`: the same workload as the daemon's run
 * (bench/pg-throughput.ts), through Kafka Connect with Debezium's PostgreSQL connector,
 * measured the same way:
 *   1. a fresh database made like the daemon's (PgFixture, bench_events), a Kafka Connect
 *      worker in distributed mode with exactly-once source support (connect-worker.ts), the
 *      connector created over REST with exactly.once.support=required, pgoutput, its own slot
 *      and publication (autocreate filtered), snapshot.mode=no_data; Avro key and value through
 *      Apicurio's converter into the stack's registry (native v3 API, Confluent framing,
 *      content ids, which are the ids the registry's Confluent-compatible API serves);
 *   2. one warm-up row, untimed, seen by the read_committed consumer (visible-reader.ts);
 *   3. the same load (rows, max transaction size, seed) from a separate process;
 *   4. the worker JVM's CPU (utime + stime) and peak RSS from /proc over the load, events/s
 *      over first commit -> last visible, commit -> visible percentiles, duplicates.
 * Cleanup (worker, slot, database, topics, subjects) runs on success, failure and Ctrl-C.
 */
import { spawnSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { PgFixture } from '../../test/helpers/pg-fixture.ts';
import { kafkaFor } from '../../test/helpers/kafka-reader.ts';
import type { StackEnv } from '../../test/helpers/stack-env.ts';
import { ensureStack } from '../bench-stack.ts';
import { Cleanup, deleteTopicsAndSubjects, dropBenchDatabase } from '../bench-cleanup.ts';
import { JSON_CONVERTER_CLASS, type BenchOptions } from '../bench-options.ts';
import { freePort, gitCommit, runBurstLoad } from '../bench-process.ts';
import { BENCH_SCHEMA, BENCH_TABLE, BENCH_TABLE_DDL, BENCH_TABLE_NAME } from '../bench-table.ts';
import { VisibleReader, visibleFigures } from '../visible-reader.ts';
import { burstLoadFor } from '../catch-up.ts';
import { ProcessSampler, sampleProcess, type ProcessSample } from '../process-stats.ts';
import { ConnectWorker, installConnect } from './connect-worker.ts';
import type { LoadRunFigures } from '../bench-report.ts';

const log = (line: string) => process.stderr.write(`bench: [debezium] ${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const DEBEZIUM_VERSION = '3.6.1.Final';
export const CONNECT_VERSION = '4.3.1';
export const APICURIO_CONVERTER_VERSION = '3.0.9';

/** The figures of one run through Kafka Connect + Debezium, measured like the daemon's. */
export interface DebeziumFigures extends LoadRunFigures {
  readonly at: string;
  readonly commit: string;
  readonly versions: { readonly connect: string; readonly debezium: string; readonly converter: string; readonly java: string };
  /** VmHWM of the worker JVM (start-up included), cross-checked by polling VmRSS */
  readonly peakRssMiB: number;
  /** utime + stime of the worker JVM from the start of the load to the last event visible */
  readonly cpuSeconds: number;
  readonly cpuMicrosPerEvent: number;
  /** CPU of the JVM over its whole life until then (start-up, class loading, JIT included) */
  readonly cpuSecondsTotal: number;
  readonly incomplete?: string;
}

/** The stack's Confluent-compatible registry URL (…/apis/ccompat/v7) turned into Apicurio's native v3 API. */
export function nativeRegistryUrl(ccompatUrl: string): string {
  const m = /^(.*)\/apis\/ccompat\/v\d+\/?$/.exec(ccompatUrl);
  if (!m) throw new Error(`SCHEMA_REGISTRY_URL=${ccompatUrl} is not an Apicurio Confluent-compatible API URL (…/apis/ccompat/v7): the Debezium run needs Apicurio's native API for its converter`);
  return `${m[1]}/apis/registry/v3`;
}

/** Worker-level converter settings: Apicurio's AvroConverter for key and value, Confluent wire format. */
export function converterProperties(registryV3: string): Record<string, string> {
  const props: Record<string, string> = {};
  for (const side of ['key', 'value']) {
    const p = `${side}.converter`;
    Object.assign(props, {
      [p]: 'io.apicurio.registry.utils.converter.AvroConverter',
      [`${p}.apicurio.registry.url`]: registryV3,
      [`${p}.apicurio.registry.auto-register`]: 'true',
      // Schema id in the payload (magic byte 0 + 4-byte id), not in record headers: Confluent's framing.
      [`${p}.apicurio.registry.headers.enabled`]: 'false',
      [`${p}.apicurio.registry.id-handler`]: 'io.apicurio.registry.serde.Default4ByteIdHandler',
      // Content ids are what the registry's Confluent-compatible API calls schema ids.
      [`${p}.apicurio.registry.use-id`]: 'contentId',
      // One self-contained schema per subject, as Confluent's converter registers: without this the
      // serializer registers each nested record (row, source block) as an artifact of its own and
      // the value schema only refers to them.
      [`${p}.apicurio.registry.dereference-schema`]: 'true',
    });
  }
  return props;
}

/** The Debezium connector's config for a run named `name` on `database`. */
export function debeziumConnectorConfig(env: StackEnv, name: string, database: string): Record<string, string> {
  return {
    'connector.class': 'io.debezium.connector.postgresql.PostgresConnector',
    'tasks.max': '1',
    'database.hostname': env.pg.host,
    'database.port': String(env.pg.port),
    'database.user': env.pg.user,
    'database.password': env.pg.password,
    'database.dbname': database,
    'topic.prefix': name,
    'plugin.name': 'pgoutput',
    'slot.name': name,
    'publication.name': `pub_${name}`,
    'publication.autocreate.mode': 'filtered',
    'table.include.list': `${BENCH_SCHEMA}\\.${BENCH_TABLE_NAME}`,
    'snapshot.mode': 'no_data',
    'exactly.once.support': 'required',
    // The stack's broker does not auto-create topics: Connect creates the data topic (KIP-158).
    'topic.creation.default.partitions': '1',
    'topic.creation.default.replication.factor': '-1',
  };
}

/** The version of the java on PATH, which runs the worker. */
function javaRuntime(): string {
  const r = spawnSync('java', ['-XshowSettings:properties', '-version'], { encoding: 'utf8', timeout: 30_000 });
  return /java\.runtime\.version = (\S+)/.exec(r.stderr ?? '')?.[1] ?? 'unknown';
}

async function waitForTopic(env: StackEnv, topic: string, timeoutMs: number, alive: () => void): Promise<void> {
  const admin = kafkaFor(env).admin();
  await admin.connect();
  try {
    const end = Date.now() + timeoutMs;
    while (!(await admin.listTopics()).includes(topic)) {
      alive();
      if (Date.now() > end) throw new Error(`topic ${topic} not created within ${timeoutMs / 1000} s`);
      await sleep(250);
    }
  } finally {
    await admin.disconnect();
  }
}

/** Runs the Debezium side; the same opts.rows / maxTxnRows / seed / noteChars as the daemon's run. */
export async function debeziumRun(opts: BenchOptions, cleanup: Cleanup, interrupted: AbortSignal): Promise<{ figures: DebeziumFigures; ok: boolean }> {
  const stack = ensureStack(log);
  const env = stack.env;
  const home = installConnect(log);
  const registryV3 = nativeRegistryUrl(env.registry);

  const fixture = await PgFixture.create(env, 'cdcbenchdbz');
  const database = fixture.database;
  cleanup.add(`drop database ${database} and its slots`, async () => { await fixture.client.end().catch(() => undefined); await dropBenchDatabase(env, database); });
  await fixture.query(BENCH_TABLE_DDL);
  const name = database;
  const topic = `${name}.${BENCH_SCHEMA}.${BENCH_TABLE_NAME}`;
  // Data topic and the worker's config/offset/status topics all carry the run's name.
  cleanup.add('delete bench topics and subjects', () => deleteTopicsAndSubjects(env, name, [topic]));

  // 1. The worker, then the connector.
  const restPort = await freePort();
  const converters = opts.converter === 'json'
    ? { 'key.converter': JSON_CONVERTER_CLASS, 'value.converter': JSON_CONVERTER_CLASS }
    : converterProperties(registryV3);
  const worker = new ConnectWorker({ home, kafka: env.kafka, name, restPort, converters });
  let keepDir = true;
  cleanup.add('remove the worker directory (kept when the run failed)', async () => { if (!keepDir) await rm(worker.dir, { recursive: true, force: true }); else log(`worker files kept: ${worker.dir}`); });
  cleanup.add('stop Kafka Connect', () => worker.stop());
  worker.start();
  const pid = worker.pid;
  if (pid === null) throw new Error('java did not start (is a Java 17+ runtime on PATH?)');
  log(`Kafka Connect ${CONNECT_VERSION} (pid ${pid}, REST :${restPort}, log ${worker.logFile}) starting`);
  await worker.waitReady(180_000);
  await worker.createConnector(name, debeziumConnectorConfig(env, name, database), 60_000);
  await worker.waitRunning(name, 120_000);
  const slotEnd = Date.now() + 120_000;
  for (;;) {
    const s = await fixture.slot(name);
    if (s?.active) break;
    if (!worker.running) throw new Error(`Kafka Connect exited (${worker.exitDescription}):\n${worker.trouble()}`);
    if (Date.now() > slotEnd) throw new Error(`slot ${name} not active within 120 s; task: ${await worker.taskState(name)}\n${worker.trouble()}`);
    await sleep(250);
  }
  log(`Debezium ${DEBEZIUM_VERSION} streams (slot ${name}, exactly.once.support=required)`);

  // 2. Warm-up, untimed: topic creation, schema registration, consumer assignment.
  const alive = () => { interrupted.throwIfAborted(); if (!worker.running) throw new Error(`Kafka Connect exited (${worker.exitDescription}):\n${worker.trouble()}`); };
  const reader = new VisibleReader({ brokers: env.kafka, registryUrl: env.registry, topic, expected: opts.rows + 1, format: opts.converter });
  await fixture.query(`INSERT INTO ${BENCH_TABLE} (account_id, quantity, status, amount) VALUES (0, 0, 'warm-up', 0)`);
  await waitForTopic(env, topic, 60_000, alive);
  cleanup.add('stop the consumer', () => reader.stop());
  await reader.start();
  if (!(await reader.waitFor(1, 60_000, alive))) throw new Error(`warm-up event not visible within 60 s; task: ${await worker.taskState(name)}\n${worker.trouble()}`);
  log('warm-up event visible; consumer assigned');

  // 3. The load, measured like the daemon's.
  const sampler = new ProcessSampler(pid).start();
  const cpuAtLoad = sampleProcess(pid);
  log(`loading ${opts.rows} rows in transactions of 1..${opts.maxTxnRows} rows (separate process)`);
  const burstLoad = () => runBurstLoad({ pg: env.pg, database, rows: opts.rows, maxTxnRows: opts.maxTxnRows, seed: opts.seed, noteChars: opts.noteChars });
  const { result: load, resumedAtMs } = await burstLoadFor(opts.catchUp, pid, burstLoad, log);
  const loadSeconds = load.seconds;
  log(`load done: ${load.transactions} transactions in ${loadSeconds.toFixed(1)} s; ${reader.count - 1} events visible so far`);

  const expected = opts.rows + 1;
  let lastReport = Date.now();
  let incomplete: string | undefined;
  let atEnd: ProcessSample | null = null;
  try {
    const reached = await reader.waitFor(expected, opts.drainTimeoutMs, () => {
      alive();
      if (Date.now() - lastReport >= 10_000) {
        lastReport = Date.now();
        const s = sampleProcess(pid);
        log(`  ${reader.count - 1}/${opts.rows} visible; Connect RSS ${(s.rssBytes / 2 ** 20).toFixed(0)} MiB, CPU ${(s.cpuSeconds - cpuAtLoad.cpuSeconds).toFixed(1)} s`);
      }
    });
    if (!reached) incomplete = `only ${reader.count - 1} of ${opts.rows} events visible ${opts.drainTimeoutMs / 1000} s after the load ended; task: ${await worker.taskState(name)}`;
    atEnd = sampleProcess(pid);
  } catch (err) {
    if (interrupted.aborted) throw err;
    incomplete = err instanceof Error ? err.message : String(err);
  }
  sampler.stop();
  await reader.stop();
  const end = atEnd ?? sampler.last ?? cpuAtLoad;
  if (incomplete) log(`INCOMPLETE: ${incomplete}\nworker warnings and errors (last 20):\n${worker.trouble()}`);

  // 4. Figures over the loaded rows only (the warm-up row has id 1).
  const ev = reader.events();
  const { visibleEvents, spanSeconds, eventsPerSecond, latencyMs } = visibleFigures(ev, 1, Infinity, resumedAtMs);
  const cpuSeconds = end.cpuSeconds - cpuAtLoad.cpuSeconds;
  const figures: DebeziumFigures = {
    at: new Date().toISOString(), commit: gitCommit(),
    versions: { connect: CONNECT_VERSION, debezium: DEBEZIUM_VERSION, converter: opts.converter === 'json' ? `Kafka Connect ${CONNECT_VERSION} JsonConverter` : `Apicurio ${APICURIO_CONVERTER_VERSION}`, java: javaRuntime() },
    rows: opts.rows, transactions: load.transactions, loadSeconds, loadRowsPerSecond: opts.rows / loadSeconds,
    visibleEvents, duplicates: ev.duplicates, eventBytesAvg: ev.bytes / Math.max(1, ev.count), spanSeconds,
    eventsPerSecond, latencyMs,
    peakRssMiB: Math.max(end.peakRssBytes, sampler.maxRssBytes) / 2 ** 20,
    cpuSeconds, cpuMicrosPerEvent: (cpuSeconds * 1e6) / Math.max(1, visibleEvents), cpuSecondsTotal: end.cpuSeconds,
    ...(incomplete ? { incomplete } : {}),
  };
  const ok = !incomplete && ev.duplicates === 0;
  keepDir = !ok;
  return { figures, ok };
}
