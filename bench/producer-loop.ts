/**
 * Producer loop bench: what producing costs, per record, through four produce paths, with no
 * daemon around them. One run = one client, one fresh 1-partition topic (kafkajs admin), one
 * fresh transactional.id; `--records` records of 20-byte keys and 270-byte random values, in
 * transactions of `--txn` records, each sent in sends of `--send` records awaited one at a time.
 *
 *   kafkajs            kafkajs 2.2.4 with src/kafka/kafkajs-patch.ts, on the main thread
 *   kafkajs-unpatched  the same without the patch (reference)
 *   kafkajs-worker     the patched producer in a worker_threads Worker; the main thread generates
 *                      the records and transfers each send as ONE ArrayBuffer (keys, values and an
 *                      offsets table: bench/producer-loop-worker.ts), up to `--inflight` commands
 *                      outstanding; begin/commit are commands to the worker
 *   platformatic       @platformatic/kafka, transactional (idempotent, acks=all), imported from
 *                      `--module-dir DIR` or $PLATFORMATIC_KAFKA_DIR (DIR/node_modules/@platformatic/kafka);
 *                      `--plat-retry default|20ms`: the library's 1 s retry delay for everything, or
 *                      20 ms for CONCURRENT_TRANSACTIONS (see the report; 20ms is the default here)
 *   generate-only      only the record generation and packing (the floor all others include)
 *
 * Measured from the first begin to the last commit (connect and InitProducerId excluded):
 * records/s; process CPU (process.cpuUsage, every thread) and main-thread CPU
 * (process.threadCpuUsage) per record, and the worker thread's own for kafkajs-worker; peak RSS
 * (process.resourceUsage().maxRSS, read before the verification); per-send latency p50/p99.
 * Afterwards a read_committed kafkajs consumer must see exactly `--records` records.
 * Prints one human line, then one JSON line.
 *
 *   export PATH=/root/.cache/cdcd/node/v24.22.3-linux-x64/bin:$PATH
 *   . "$CDC_STACK_DIR/env"     # KAFKA_BOOTSTRAP_SERVERS (or pass --brokers host:port)
 *   npx tsx bench/producer-loop.ts --client kafkajs [--records 200000] [--txn 4000] [--send 256]
 *   npx tsx bench/producer-loop.ts --client platformatic --module-dir /tmp/plat [--plat-retry default]
 */
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import type { Kafka as KafkaClient, Message } from 'kafkajs';
import { percentiles } from './latency-stats.ts';
import {
  packRecords, threadCpuUsage, unpackRecords,
  type CpuTimes, type WorkerCommand, type WorkerInit, type WorkerReply, type WorkerStats,
} from './producer-loop-worker.ts';
import { CLIENTS, plan, type ClientName, type Options, type Path } from './producer-loop-plan.ts';
import { platformaticPath } from './producer-loop-platformatic.ts';

function options(): Options {
  const { values } = parseArgs({
    options: {
      client: { type: 'string' },
      records: { type: 'string', default: '200000' },
      txn: { type: 'string', default: '4000' },
      send: { type: 'string', default: '256' },
      inflight: { type: 'string', default: '4' },
      brokers: { type: 'string' },
      'module-dir': { type: 'string' },
      'plat-retry': { type: 'string', default: '20ms' },
    },
    strict: true,
  });
  const client = values.client as ClientName | undefined;
  if (!client || !CLIENTS.includes(client)) throw new Error(`--client must be one of ${CLIENTS.join(', ')}`);
  const int = (name: string, v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer, not ${v}`);
    return n;
  };
  const brokers = (values.brokers ?? process.env.KAFKA_BOOTSTRAP_SERVERS ?? '').split(',').map((b) => b.trim()).filter(Boolean);
  if (brokers.length === 0 && client !== 'generate-only') throw new Error('no brokers: pass --brokers host:port or source the stack env (KAFKA_BOOTSTRAP_SERVERS)');
  const platRetry = values['plat-retry'];
  if (platRetry !== 'default' && platRetry !== '20ms') throw new Error('--plat-retry must be default or 20ms');
  return {
    client, brokers, platRetry,
    records: int('records', values.records), txn: int('txn', values.txn), send: int('send', values.send),
    inflight: int('inflight', values.inflight),
    moduleDir: values['module-dir'] ?? process.env.PLATFORMATIC_KAFKA_DIR ?? null,
  };
}

/** One transaction's worth of sends, as record counts: [send, send, ..., rest]. */

type KafkajsModule = typeof import('kafkajs');

async function loadKafkajs(patched: boolean): Promise<{ kafkajs: KafkajsModule; patch: string }> {
  let patch = 'not imported';
  if (patched) {
    const { kafkajsPatch } = await import('../src/kafka/kafkajs-patch.ts');
    if (!kafkajsPatch.framing || !kafkajsPatch.produce || !kafkajsPatch.grouping) throw new Error(`kafkajs patch not fully applied: ${kafkajsPatch.note}`);
    patch = 'applied';
  }
  return { kafkajs: await import('kafkajs'), patch };
}

function kafkajsVersion(): string {
  const require = createRequire(import.meta.url);
  return (JSON.parse(readFileSync(require.resolve('kafkajs/package.json'), 'utf8')) as { version: string }).version;
}

async function kafkajsMainPath(kafka: KafkaClient, o: Options, topic: string, transactionalId: string): Promise<Path> {
  const producer = kafka.producer({ transactionalId, idempotent: true, maxInFlightRequests: 1, transactionTimeout: 60_000 });
  await producer.connect();
  await (await producer.transaction()).abort(); // InitProducerId, as src/kafka/txn-producer.ts does
  return {
    version: `kafkajs ${kafkajsVersion()}`,
    async run() {
      const sendMs: number[] = [];
      for (const { first, sends } of plan(o)) {
        const txn = await producer.transaction();
        let i = first;
        for (const n of sends) {
          const messages: Message[] = unpackRecords(packRecords(i, n), (key, value) => ({ key, value }));
          i += n;
          const t0 = performance.now();
          await txn.send({ topic, messages });
          sendMs.push(performance.now() - t0);
        }
        await txn.commit();
      }
      return { sendMs };
    },
    close: () => producer.disconnect(),
  };
}

async function kafkajsWorkerPath(o: Options, topic: string, transactionalId: string): Promise<Path> {
  const init: WorkerInit = { role: 'producer-loop', brokers: o.brokers, topic, transactionalId };
  const worker = new Worker(new URL('./producer-loop-worker.ts', import.meta.url), { workerData: init });
  const waiting = new Map<number, { resolve: (r: WorkerReply & { ok: true }) => void; reject: (e: Error) => void }>();
  let failed: Error | null = null;
  const fail = (e: Error): void => {
    failed ??= e;
    for (const w of waiting.values()) w.reject(e);
    waiting.clear();
  };
  worker.on('message', (r: WorkerReply) => {
    const w = waiting.get(r.id);
    waiting.delete(r.id);
    if (!r.ok) {
      const e = new Error(`worker: ${r.error}`);
      if (w) w.reject(e);
      else fail(e);
    } else w?.resolve(r);
  });
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`worker exited (${code})`)));
  let nextId = 1;
  const post = (cmd: Omit<WorkerCommand, 'id'> & { buf?: ArrayBuffer }): Promise<WorkerReply & { ok: true }> => {
    if (failed) return Promise.reject(failed);
    const id = nextId++;
    const p = new Promise<WorkerReply & { ok: true }>((resolve, reject) => waiting.set(id, { resolve, reject }));
    const full = { ...cmd, id } as WorkerCommand;
    worker.postMessage(full, full.type === 'send' ? [full.buf] : []);
    return p;
  };
  // The worker answers id 0 once its producer is connected and initialised.
  await new Promise<void>((resolve, reject) => waiting.set(0, { resolve: () => resolve(), reject }));
  return {
    version: `kafkajs ${kafkajsVersion()} in a worker`,
    async run() {
      await post({ type: 'mark' });
      const outstanding: Promise<unknown>[] = [];
      // Keeps at most o.inflight commands unanswered; answers arrive in order.
      const submit = async (cmd: Omit<WorkerCommand, 'id'> & { buf?: ArrayBuffer }): Promise<void> => {
        outstanding.push(post(cmd));
        if (outstanding.length >= o.inflight) await outstanding.shift();
      };
      for (const { first, sends } of plan(o)) {
        await submit({ type: 'begin' });
        let i = first;
        for (const n of sends) {
          await submit({ type: 'send', buf: packRecords(i, n) });
          i += n;
        }
        await submit({ type: 'commit' });
      }
      await Promise.all(outstanding);
      const { stats } = await post({ type: 'stats' });
      const s = stats as WorkerStats;
      return { sendMs: s.sendMs, workerCpu: s.threadCpu, extra: { inflight: o.inflight } };
    },
    async close() {
      await post({ type: 'close' });
      worker.removeAllListeners('exit');
      await worker.terminate();
    },
  };
}

// ---- @platformatic/kafka, loaded from a directory outside the repo; the little of its API used here ----

function generateOnlyPath(o: Options): Path {
  return {
    version: 'none',
    async run() {
      let bytes = 0;
      for (const { first, sends } of plan(o)) {
        let i = first;
        for (const n of sends) {
          bytes += unpackRecords(packRecords(i, n), (key, value) => key.length + value.length).reduce((a, b) => a + b, 0);
          i += n;
        }
        await new Promise<void>((r) => setImmediate(r));
      }
      return { sendMs: [], extra: { bytes } };
    },
    close: async () => undefined,
  };
}

/** Counts what a read_committed consumer sees of the topic: must be exactly `expected`. */
async function visibleCount(kafka: KafkaClient, topic: string, expected: number): Promise<number> {
  const consumer = kafka.consumer({ groupId: `producer-loop-${randomUUID()}`, readUncommitted: false, maxBytes: 64 << 20, maxBytesPerPartition: 16 << 20, maxWaitTimeInMs: 100 });
  let count = 0;
  let lastGrowth = Date.now();
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({ autoCommit: false, eachBatch: async ({ batch }) => { count += batch.messages.length; lastGrowth = Date.now(); } });
    const deadline = Date.now() + 120_000;
    // Wait for all, then a further second with nothing new (so an excess would show).
    while (Date.now() < deadline && !(count >= expected && Date.now() - lastGrowth > 1000)) await new Promise((r) => setTimeout(r, 100));
  } finally {
    await consumer.disconnect();
  }
  return count;
}

const us = (c: CpuTimes): number => c.user + c.system;
const round = (x: number, d: number): number => Math.round(x * 10 ** d) / 10 ** d;

async function main(): Promise<void> {
  const o = options();
  const { kafkajs, patch } = await loadKafkajs(o.client !== 'kafkajs-unpatched');
  const kafka = new kafkajs.Kafka({ clientId: 'producer-loop', brokers: o.brokers.length ? o.brokers : ['unused:9092'], logLevel: kafkajs.logLevel.NOTHING });
  const runId = `${Date.now()}-${randomUUID().slice(0, 8)}`;
  const topic = `producer-loop-${o.client}-${runId}`;
  const transactionalId = `producer-loop-${runId}`;
  const admin = o.client === 'generate-only' ? null : kafka.admin();
  if (admin) {
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true });
  }
  let path: Path;
  switch (o.client) {
    case 'kafkajs':
    case 'kafkajs-unpatched': path = await kafkajsMainPath(kafka, o, topic, transactionalId); break;
    case 'kafkajs-worker': path = await kafkajsWorkerPath(o, topic, transactionalId); break;
    case 'platformatic': path = await platformaticPath(o, topic, transactionalId); break;
    case 'generate-only': path = generateOnlyPath(o); break;
  }

  const proc0 = process.cpuUsage(), main0 = threadCpuUsage(), t0 = performance.now();
  const result = await path.run();
  const wallMs = performance.now() - t0;
  const procCpu = process.cpuUsage(proc0), mainCpu = threadCpuUsage(main0);
  const peakRssMiB = process.resourceUsage().maxRSS / 1024;
  await path.close();

  let visible: number | null = null;
  if (admin) {
    visible = await visibleCount(kafka, topic, o.records);
    await admin.deleteTopics({ topics: [topic] }).catch(() => undefined);
    await admin.disconnect();
  }
  const [p50, p99] = percentiles(result.sendMs, [50, 99]);
  const out = {
    client: o.client, version: path.version, kafkajsPatch: patch, node: process.version,
    records: o.records, txn: o.txn, send: o.send,
    wallMs: round(wallMs, 1),
    recordsPerSec: Math.round(o.records / (wallMs / 1000)),
    totalCpuUsPerRecord: round(us(procCpu) / o.records, 2),
    mainCpuUsPerRecord: round(us(mainCpu) / o.records, 2),
    workerCpuUsPerRecord: result.workerCpu ? round(us(result.workerCpu) / o.records, 2) : null,
    peakRssMiB: round(peakRssMiB, 1),
    sendP50Ms: round(p50!, 2), sendP99Ms: round(p99!, 2),
    sendMeanMs: result.sendMs.length ? round(result.sendMs.reduce((a, b) => a + b, 0) / result.sendMs.length, 2) : null,
    sends: result.sendMs.length,
    visible, verified: visible === null ? null : visible === o.records,
    ...result.extra,
  };
  const f = (x: number | null, d = 1): string => (x === null || Number.isNaN(x) ? '-' : x.toFixed(d));
  console.log(
    `${o.client}: ${out.recordsPerSec} records/s, CPU ${f(out.totalCpuUsPerRecord, 2)} µs/record total, ` +
    `${f(out.mainCpuUsPerRecord, 2)} main thread${out.workerCpuUsPerRecord !== null ? `, ${f(out.workerCpuUsPerRecord, 2)} worker` : ''}, ` +
    `peak RSS ${f(out.peakRssMiB)} MiB, send p50 ${f(out.sendP50Ms, 2)} ms p99 ${f(out.sendP99Ms, 2)} ms mean ${f(out.sendMeanMs, 2)} ms, ` +
    `visible ${visible ?? '-'}/${o.records}${visible !== null && visible !== o.records ? ' MISMATCH' : ''}`,
  );
  console.log(JSON.stringify(out));
  if (visible !== null && visible !== o.records) process.exitCode = 1;
}

main().catch((err: unknown) => {
  // The message alone for what we explain (options, a missing module); the stack for anything else.
  const explained = err instanceof Error && /^--|^no brokers|is not installed under|needs the directory/.test(err.message);
  console.error(`producer-loop: ${err instanceof Error ? (explained ? err.message : err.stack ?? err.message) : String(err)}`);
  process.exit(1);
});
