/**
 * Two things for bench/producer-loop.ts:
 * - the packed form of one send's records: ONE ArrayBuffer holding the keys, the values and a
 *   small offsets table, which postMessage can transfer to a worker without a copy (an array of
 *   Buffers would be structured-cloned, and a pooled Buffer drags its whole 8 KiB slab along);
 * - the worker of the `kafkajs-worker` client: a patched kafkajs transactional producer that runs
 *   the commands the main thread posts (begin, send, commit), strictly in order, one at a time,
 *   and answers each; the main thread bounds how many are outstanding.
 * This module imports only node builtins at the top: kafkajs (after src/kafka/kafkajs-patch.ts)
 * is loaded by the worker when it starts, so the main script can import the format helpers
 * without loading kafkajs in the wrong order.
 */
import { randomFillSync } from 'node:crypto';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';

/** Every key is this long: "k" and the record's index, zero-padded. */
export const KEY_BYTES = 20;
export const VALUE_BYTES = 270;

/**
 * Records [first, first + n) of a run, packed: u32 n, then n + 1 key offsets, then n + 1 value
 * offsets (byte offsets into the buffer; record i's key is [k[i], k[i+1])), then the keys, then
 * the values (random bytes, so nothing compresses or dedups by accident).
 */
export function packRecords(first: number, n: number): ArrayBuffer {
  const header = 4 * (1 + 2 * (n + 1));
  const keysAt = (header + 7) & ~7;
  const valuesAt = keysAt + n * KEY_BYTES;
  const ab = new ArrayBuffer(valuesAt + n * VALUE_BYTES);
  const u32 = new Uint32Array(ab, 0, 1 + 2 * (n + 1));
  const bytes = Buffer.from(ab);
  u32[0] = n;
  for (let i = 0; i <= n; i++) {
    u32[1 + i] = keysAt + i * KEY_BYTES;
    u32[2 + n + i] = valuesAt + i * VALUE_BYTES;
  }
  for (let i = 0; i < n; i++) bytes.write(`k${String(first + i).padStart(KEY_BYTES - 1, '0')}`, keysAt + i * KEY_BYTES, KEY_BYTES, 'latin1');
  randomFillSync(bytes, valuesAt, n * VALUE_BYTES);
  return ab;
}

/** The records of a packed send, each key and value a Buffer view into `ab` (no copy). */
export function unpackRecords<T>(ab: ArrayBuffer, make: (key: Buffer, value: Buffer) => T): T[] {
  const n = new Uint32Array(ab, 0, 1)[0]!;
  const off = new Uint32Array(ab, 0, 1 + 2 * (n + 1));
  const out = new Array<T>(n);
  for (let i = 0; i < n; i++) {
    const k = off[1 + i]!, v = off[2 + n + i]!;
    out[i] = make(Buffer.from(ab, k, off[2 + i]! - k), Buffer.from(ab, v, off[3 + n + i]! - v));
  }
  return out;
}

// ---- the worker ----

export interface WorkerInit {
  readonly role: 'producer-loop';
  readonly brokers: string[];
  readonly topic: string;
  readonly transactionalId: string;
}

export type WorkerCommand =
  | { readonly id: number; readonly type: 'begin' | 'commit' | 'mark' | 'stats' | 'close' }
  | { readonly id: number; readonly type: 'send'; readonly buf: ArrayBuffer };

export interface CpuTimes { readonly user: number; readonly system: number }

export type WorkerReply =
  | { readonly id: number; readonly ok: true; readonly stats?: WorkerStats }
  | { readonly id: number; readonly ok: false; readonly error: string };

export interface WorkerStats {
  /** this thread's CPU since 'mark', µs */
  readonly threadCpu: CpuTimes;
  /** duration of each txn.send since 'mark', ms */
  readonly sendMs: number[];
}

/** Node 24 has process.threadCpuUsage; @types/node 20 does not declare it. */
export function threadCpuUsage(prev?: CpuTimes): CpuTimes {
  const fn = (process as unknown as { threadCpuUsage?: (p?: CpuTimes) => CpuTimes }).threadCpuUsage;
  if (typeof fn !== 'function') throw new Error(`process.threadCpuUsage() is missing in Node ${process.version} (Node 23.9+ has it)`);
  return fn.call(process, prev);
}

async function runWorker(init: WorkerInit): Promise<void> {
  const port = parentPort!;
  const { kafkajsPatch } = await import('../src/kafka/kafkajs-patch.ts');
  if (!kafkajsPatch.framing || !kafkajsPatch.produce) throw new Error(`kafkajs patch not fully applied in the worker: ${kafkajsPatch.note}`);
  const { Kafka, logLevel } = await import('kafkajs');
  const kafka = new Kafka({ clientId: 'producer-loop-worker', brokers: init.brokers, logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ transactionalId: init.transactionalId, idempotent: true, maxInFlightRequests: 1, transactionTimeout: 60_000 });
  await producer.connect();
  // InitProducerId happens on the first transaction(): run it now, outside the measured loop.
  await (await producer.transaction()).abort();

  type Txn = Awaited<ReturnType<typeof producer.transaction>>;
  let txn: Txn | null = null;
  let cpu0 = threadCpuUsage();
  let sendMs: number[] = [];

  const handle = async (cmd: WorkerCommand): Promise<WorkerReply> => {
    switch (cmd.type) {
      case 'mark':
        cpu0 = threadCpuUsage();
        sendMs = [];
        return { id: cmd.id, ok: true };
      case 'begin':
        txn = await producer.transaction();
        return { id: cmd.id, ok: true };
      case 'send': {
        if (!txn) throw new Error('send outside a transaction');
        const messages = unpackRecords(cmd.buf, (key, value) => ({ key, value }));
        const t0 = performance.now();
        await txn.send({ topic: init.topic, messages });
        sendMs.push(performance.now() - t0);
        return { id: cmd.id, ok: true };
      }
      case 'commit':
        if (!txn) throw new Error('commit outside a transaction');
        await txn.commit();
        txn = null;
        return { id: cmd.id, ok: true };
      case 'stats':
        return { id: cmd.id, ok: true, stats: { threadCpu: threadCpuUsage(cpu0), sendMs } };
      case 'close':
        await producer.disconnect();
        return { id: cmd.id, ok: true };
    }
  };

  // One command at a time, in arrival order (a transaction's sends must not overlap its commit).
  let chain: Promise<void> = Promise.resolve();
  port.on('message', (cmd: WorkerCommand) => {
    chain = chain.then(async () => {
      let reply: WorkerReply;
      try {
        reply = await handle(cmd);
      } catch (err) {
        reply = { id: cmd.id, ok: false, error: err instanceof Error ? err.stack ?? err.message : String(err) };
      }
      port.postMessage(reply);
      if (cmd.type === 'close') port.close();
    });
  });
  port.postMessage({ id: 0, ok: true } satisfies WorkerReply); // ready
}

if (!isMainThread && (workerData as WorkerInit | undefined)?.role === 'producer-loop') {
  runWorker(workerData as WorkerInit).catch((err: unknown) => {
    parentPort!.postMessage({ id: 0, ok: false, error: err instanceof Error ? err.stack ?? err.message : String(err) } satisfies WorkerReply);
  });
}
