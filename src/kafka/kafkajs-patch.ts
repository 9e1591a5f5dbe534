/**
 * Internal modules of kafkajs 2.2.4 replaced or wrapped: most by equivalents that write the same
 * bytes with far less work, two for timing (kafkajs is unmaintained since 2023, so the fixes
 * cannot go upstream). A CPU
 * profile of the snapshot bench put these at about 45 % of the daemon's main thread:
 * - producer/groupMessagesPerPartition.js copies a partition's list for every message it adds
 *   (quadratic in the messages of a send); replaced by a linear loop with the same result, which
 *   also takes a topic's records carried as bytes (src/kafka/record-set.ts: one TopicRecords as the
 *   topic's only message) and splits them into one RecordSlice per partition, the produce encoder
 *   writing each slice as its batch;
 * - protocol/requests/produce/v3/request.js (used by Produce v3-v7) builds an encoder object per
 *   record and per header; replaced by src/kafka/produce-encoding.ts, one pass into one buffer,
 *   falling back to kafkajs's own encoder for what that does not match (compression, odd types);
 * - protocol/request.js frames every request by copying the payload twice through growing,
 *   zero-filled buffers; replaced by one copy, and none for a produce request (its header is
 *   written into the headroom the produce encoder leaves);
 * - producer/partitioners/default/murmur2.js hashes every key through BigInt products that grow
 *   without bound; replaced by src/kafka/murmur2.ts (32-bit arithmetic, the same hash);
 * - producer/partitioners/legacy/partitioner.js (the default partitioner) filters the partition
 *   list for every message; replaced by src/kafka/partitioner.ts, the same choices, the list
 *   filtered only for a message without partition and key.
 * - network/requestQueue's scheduleCheckPendingRequests re-arms a 1 ms timer for ever once it ran,
 *   even with no request pending, so every broker connection wakes the event loop ~1,000 times a
 *   second while the daemon is idle (strace: ~1,700 epoll_pwait a second, 4 % of a core for one
 *   idle connector); replaced on the class's prototype by one that arms a timer only for a pending
 *   request, as the original's own comment intends.
 * - producer/eosManager's addPartitionsToTransaction lets CONCURRENT_TRANSACTIONS (the broker still
 *   writing the previous transaction's commit markers) reach the send's generic retrier, which
 *   refreshes metadata and waits its initial retry time (300 ms, randomised) before it sends again:
 *   under a steady load right after each commit, one event in twenty waited ~400 ms. Wrapped to
 *   retry that one error itself every 20 ms (the Java producer's backoff for it), up to 2 s, then
 *   to let it through as before.
 * Each module is swapped in Node's CommonJS module cache, so kafkajs's own modules pick it up when they
 * require it. The grouping, the framing and the hash are required once, when kafkajs is first loaded: this
 * module must be imported before anything imports kafkajs (src/cli.ts imports it first). The
 * produce encoder is required on the first send, so it applies whatever the order.
 * Another kafkajs version gets no patch (the files may differ). src/kafka/kafkajs-patch.test.ts
 * checks byte equality against kafkajs's own encoders.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { readFileSync } from 'node:fs';
import { compressSlices, encodeProduceV3, frameRequest, hasSlices, type ProduceV3Args } from './produce-encoding.ts';
import { TopicRecords } from './record-set.ts';
import { murmur2 } from './murmur2.ts';
import { defaultPartitioner } from './partitioner.ts';

const PATCHED_VERSION = '2.2.4';

export interface KafkajsPatchState {
  readonly version: string | null;
  readonly grouping: boolean;
  readonly produce: boolean;
  readonly framing: boolean;
  readonly hash: boolean;
  readonly idleTimer: boolean;
  /** AddPartitionsToTxn retried every 20 ms on CONCURRENT_TRANSACTIONS */
  readonly concurrentTxnRetry: boolean;
  /** why a part is not applied, when one is not */
  readonly note: string | null;
}

/** kafkajs's Encoder; `start`: where the payload begins in buf (after headroom for the framing), 0 when absent. */
interface EncoderLike { buf: Buffer; offset: number; start?: number }
type EncoderClass = new (initialSize?: number) => EncoderLike;

function encoderOf(Encoder: EncoderClass, buf: Buffer, start = 0): EncoderLike {
  const e = new Encoder(1);
  e.buf = buf;
  e.offset = buf.length;
  if (start > 0) e.start = start;
  return e;
}

/**
 * Bytes left free before a produce request's payload, where the framing writes the request
 * header (frameRequest): size, api key and version, correlation id and the client id, which fits
 * in this unless it is longer than ~240 bytes (then the framing copies, as for any request).
 */
const PRODUCE_HEADROOM = 256;

interface GroupArgs {
  topic: string;
  partitionMetadata: readonly unknown[];
  messages: readonly unknown[];
  partitioner: (a: { topic: string; partitionMetadata: readonly unknown[]; message: unknown }) => number;
}

/**
 * groupMessagesPerPartition's result (an object of partition -> messages in order), in linear time.
 * A topic's records carried as one TopicRecords (src/kafka/record-set.ts) become one RecordSlice per
 * partition, chosen by the same partitioner; they cannot share a send with ordinary messages of the
 * same topic.
 */
export function groupMessagesPerPartition({ topic, partitionMetadata, messages, partitioner }: GroupArgs): Record<number, unknown> {
  if (messages.length === 1 && messages[0] instanceof TopicRecords) {
    if (partitionMetadata.length === 0) return {};
    return messages[0].byPartition(partitionMetadata as { partitionId: number }[], partitioner as never);
  }
  const result: Record<number, unknown[]> = {};
  if (partitionMetadata.length === 0) return result;
  // One argument object for the whole send (partitioners read it, the default one destructures it).
  const args: { topic: string; partitionMetadata: readonly unknown[]; message: unknown } = { topic, partitionMetadata, message: null };
  for (const message of messages) {
    if (message instanceof TopicRecords) throw new Error(`topic ${topic}: records carried as bytes cannot share a send with other messages of the topic`);
    args.message = message;
    const partition = partitioner(args);
    const list = result[partition];
    if (list === undefined) result[partition] = [message];
    else list.push(message);
  }
  return result;
}

/** The fields of kafkajs's RequestQueue that its pending-request check uses. */
export interface RequestQueueLike {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: ReturnType<typeof setTimeout> | null;
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
  readonly enforceRequestTimeout: boolean;
  readonly requestTimeout: number;
  readonly inflight: Map<number, { sentAt: number; requestTimeout: number; timeoutRequest(): void }>;
  requestTimeoutIntervalId?: ReturnType<typeof setInterval>;
  isConnected(): boolean;
  destroy(): void;
  scheduleRequestTimeoutCheck(): void;
}

/** How often a connection looks for requests past their timeout (kafkajs: every 100 ms). */
export const REQUEST_TIMEOUT_CHECK_MS = 1000;

/**
 * kafkajs's request timeout check, every second instead of every 100 ms: ten wake-ups a second
 * per broker connection while idle, for timeouts of 30 s and more, of which a second late is
 * nothing.
 */
export function scheduleRequestTimeoutCheck(this: RequestQueueLike): void {
  if (!this.enforceRequestTimeout) return;
  this.destroy();
  this.requestTimeoutIntervalId = setInterval(() => {
    const now = Date.now();
    this.inflight.forEach((request) => {
      if (now - request.sentAt > request.requestTimeout) request.timeoutRequest();
    });
    if (!this.isConnected()) this.destroy();
  }, Math.min(this.requestTimeout, REQUEST_TIMEOUT_CHECK_MS));
}

/** kafkajs's CHECK_PENDING_REQUESTS_INTERVAL */
const CHECK_PENDING_MS = 10;

/**
 * Checks the pending requests again later, when there are any: at the end of a client-side
 * throttle, else in 10 ms (a request that completes checks them at once anyway). Nothing pending,
 * nothing to check: push() of a request that must wait calls this again.
 */
export function scheduleCheckPendingRequests(this: RequestQueueLike): void {
  if (this.throttleCheckTimeoutId !== null || this.pending.length === 0) return;
  const throttled = this.throttledUntil - Date.now();
  this.throttleCheckTimeoutId = setTimeout(() => {
    this.throttleCheckTimeoutId = null;
    this.checkPendingRequests();
  }, throttled > 0 ? throttled : CHECK_PENDING_MS);
}

/** The backoff and the longest wait for a transaction whose previous commit the broker is still completing. */
export const CONCURRENT_TXN_BACKOFF_MS = 20;
const CONCURRENT_TXN_MAX_MS = 2_000;

interface EosManagerLike { addPartitionsToTransaction: (topicData: unknown) => Promise<void> }

/**
 * The manager with addPartitionsToTransaction retried on CONCURRENT_TRANSACTIONS every `backoffMs`
 * for at most `maxMs`; other errors, and that one after maxMs, go on as before. Safe to repeat:
 * the manager records a partition as added only once the broker accepted it.
 */
export function retryConcurrentTransactions<M extends EosManagerLike>(manager: M, backoffMs = CONCURRENT_TXN_BACKOFF_MS, maxMs = CONCURRENT_TXN_MAX_MS): M {
  const add = manager.addPartitionsToTransaction.bind(manager);
  manager.addPartitionsToTransaction = async (topicData: unknown) => {
    const t0 = Date.now();
    for (;;) {
      try {
        return await add(topicData);
      } catch (err) {
        if ((err as { type?: string } | null)?.type !== 'CONCURRENT_TRANSACTIONS' || Date.now() - t0 >= maxMs) throw err;
        await new Promise((r) => setTimeout(r, backoffMs));
      }
    }
  };
  return manager;
}

function replace(require: NodeJS.Require, file: string, make: (original: unknown) => unknown): void {
  const original = require(file);
  const entry = require.cache[file];
  if (!entry) throw new Error(`kafkajs module ${file} is not in the module cache after loading it`);
  entry.exports = make(original);
}

function install(): KafkajsPatchState {
  const require = createRequire(import.meta.url);
  let root: string;
  let version: string | null = null;
  try {
    const pkg = require.resolve('kafkajs/package.json');
    root = dirname(pkg);
    version = (JSON.parse(readFileSync(pkg, 'utf8')) as { version?: string }).version ?? null;
  } catch {
    return { version: null, grouping: false, produce: false, framing: false, hash: false, idleTimer: false, concurrentTxnRetry: false, note: 'kafkajs not found' };
  }
  const none = (note: string): KafkajsPatchState => ({ version, grouping: false, produce: false, framing: false, hash: false, idleTimer: false, concurrentTxnRetry: false, note });
  if (version !== PATCHED_VERSION) return none(`kafkajs ${version} is not the version the patch was written for (${PATCHED_VERSION})`);
  const file = (rel: string): string => join(root, 'src', rel);
  const loadedEarly = require.cache[file('producer/sendMessages.js')] !== undefined || require.cache[file('network/connection.js')] !== undefined;
  const framing = !loadedEarly;
  const Encoder = require(file('protocol/encoder.js')) as EncoderClass;
  const { Codecs } = require(file('protocol/message/compression/index.js')) as { Codecs: Parameters<typeof compressSlices>[1] };

  replace(require, file('protocol/requests/produce/v3/request.js'), (original) => (args: ProduceV3Args) => {
    const req = (original as (a: ProduceV3Args) => { encode: () => Promise<unknown> })(args);
    return {
      ...req,
      encode: async () => {
        // Headroom only when our framing reads it: kafkajs's own would send the free bytes too.
        const headroom = framing ? PRODUCE_HEADROOM : 0;
        await compressSlices(args, Codecs);
        const buf = encodeProduceV3(args, Date.now(), headroom);
        if (buf !== null) return encoderOf(Encoder, buf, headroom);
        if (hasSlices(args)) throw new Error('a produce request of records carried as bytes could not be encoded (mixed with messages the encoder does not take)');
        return req.encode();
      },
    };
  });
  // A prototype method: applies to queues made before as well.
  const RequestQueue = require(file('network/requestQueue/index.js')) as { prototype: RequestQueueLike };
  RequestQueue.prototype.scheduleCheckPendingRequests = scheduleCheckPendingRequests;
  RequestQueue.prototype.scheduleRequestTimeoutCheck = scheduleRequestTimeoutCheck;
  if (loadedEarly) return { version, grouping: false, produce: true, framing: false, hash: false, idleTimer: true, concurrentTxnRetry: false, note: 'kafkajs was loaded before the patch: only the produce encoder and the idle timer fix apply' };

  replace(require, file('producer/groupMessagesPerPartition.js'), () => groupMessagesPerPartition);
  replace(require, file('producer/partitioners/default/murmur2.js'), () => murmur2);
  const randomBytes = require(file('producer/partitioners/legacy/randomBytes.js')) as (size: number) => Buffer;
  replace(require, file('producer/partitioners/legacy/partitioner.js'), () => (hash: (key: unknown) => number) => defaultPartitioner(hash, () => randomBytes(32).readUInt32BE(0)));
  replace(require, file('producer/eosManager/index.js'), (original) => (args: unknown) => retryConcurrentTransactions((original as (a: unknown) => EosManagerLike)(args)));
  replace(require, file('protocol/request.js'), () => async (a: { correlationId: number; clientId: string | null; request: { apiKey: number; apiVersion: number; encode: () => Promise<EncoderLike> } }) => {
    const payload = await a.request.encode();
    return encoderOf(Encoder, frameRequest(a.request.apiKey, a.request.apiVersion, a.correlationId, a.clientId ?? null, payload.buf, payload.offset, payload.start ?? 0));
  });
  return { version, grouping: true, produce: true, framing: true, hash: true, idleTimer: true, concurrentTxnRetry: true, note: null };
}

/** What was patched in this process (installed once, when this module is first imported). */
export const kafkajsPatch: KafkajsPatchState = install();
