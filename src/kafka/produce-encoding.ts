/**
 * The body of an uncompressed Produce request (version 3, record batches of magic 2) written in
 * one pass into one buffer: byte for byte what kafkajs 2.2.4 writes
 * (protocol/requests/produce/v3/request.js, recordBatch/v0, recordBatch/record/v0,
 * recordBatch/header/v0), without its per-record and per-header encoder objects. Those allocate
 * and zero-fill 512 bytes each and grow by copying: in a CPU profile of the snapshot bench the
 * record encoding alone took ~26 % of the daemon's main thread (src/kafka/kafkajs-patch.ts
 * installs this; docs/benchmarks.md has the figures).
 *
 * It takes only inputs whose encoding it can match exactly (keys, values and header values that
 * are Buffers or strings, integer timestamps); for anything else it answers null and the caller
 * uses kafkajs's own encoder, which then behaves (or fails) as it always did.
 */
import { crc32c } from './crc32c.ts';
import { headerList, recordBodySize, stringSize, varintSize, Writer, type Field } from './record-bytes.ts';
import { RecordSlice } from './record-set.ts';

/** A message as kafkajs hands it to the produce request. */
export interface ProduceMessage {
  readonly key?: unknown;
  readonly value?: unknown;
  readonly headers?: unknown;
  readonly timestamp?: unknown;
}

export interface ProduceV3Args {
  readonly acks: number;
  readonly timeout: number;
  readonly transactionalId?: string | null;
  /** kafkajs's Long (a BigInt in `value`), a bigint or a number */
  readonly producerId?: unknown;
  readonly producerEpoch?: number;
  readonly compression?: number;
  readonly topicData: readonly {
    readonly topic: string;
    readonly partitions: readonly { readonly partition: number; readonly firstSequence?: number; readonly messages: readonly ProduceMessage[] }[];
  }[];
}

const MAGIC = 2;
const TRANSACTIONAL = 16;
/** bytes of a batch from its attributes to its record count (what the CRC covers starts there) */
const BATCH_HEADER = 2 + 4 + 8 + 8 + 8 + 2 + 4 + 4;

/** A message field (key or value) as bytes, or undefined when it is not one we can match. */
function field(v: unknown): Field | undefined {
  if (v === null || v === undefined) return null;
  if (Buffer.isBuffer(v)) return v;
  if (typeof v === 'string') return Buffer.from(v, 'utf8');
  return undefined;
}

/** One record, its bytes resolved and its body size known. */
interface Prepared {
  readonly key: Field;
  readonly value: Field;
  readonly headers: readonly Buffer[]; // key, value, key, value...
  readonly timestampDelta: number;
  readonly bodySize: number;
}

const NO_HEADERS: readonly Buffer[] = Object.freeze([]);

function prepareRecord(m: ProduceMessage, offsetDelta: number, timestampDelta: number): Prepared | null {
  const key = field(m.key), value = field(m.value);
  if (key === undefined || value === undefined || !Number.isSafeInteger(timestampDelta)) return null;
  let headers = NO_HEADERS, headersSize = 1; // the count, 0
  const h = m.headers;
  if (h !== undefined) {
    if (h === null || typeof h !== 'object') return null;
    const hl = headerList(h);
    if (hl === null) return null;
    headers = hl.list;
    headersSize = hl.size;
  }
  return { key, value, headers, timestampDelta, bodySize: recordBodySize(timestampDelta, offsetDelta, key, value, headersSize) };
}

/** A 64-bit field as kafkajs's Long.fromValue reads it (number, numeric string, bigint, Long). */
function int64(v: unknown): bigint | null {
  try {
    if (typeof v === 'bigint') return BigInt.asIntN(64, v);
    if (typeof v === 'number') return Number.isSafeInteger(v) ? BigInt(v) : null;
    if (typeof v === 'string') return /^-?\d+$/.test(v) ? BigInt.asIntN(64, BigInt(v)) : null;
    if (v !== null && typeof v === 'object' && typeof (v as { value?: unknown }).value === 'bigint') return BigInt.asIntN(64, (v as { value: bigint }).value);
  } catch { /* not a number kafkajs would write the same way */ }
  return null;
}

interface PreparedBatch {
  readonly partition: number;
  readonly firstSequence: number;
  /** the record count */
  readonly count: number;
  /** the records as messages, or (a RecordSlice) as bytes already encoded */
  readonly records: readonly Prepared[] | null;
  readonly encoded: Buffer | null;
  /** compression bits of the batch's attributes (only for encoded records) */
  readonly codec: number;
  readonly firstTimestamp: bigint;
  readonly maxTimestamp: bigint;
  /** bytes of the record batch after its length field */
  readonly batchLength: number;
}

type PartitionData = ProduceV3Args['topicData'][number]['partitions'][number];

/** A partition's records as a batch: a RecordSlice as it is (compressed when asked: see compressSlices), else its messages. */
function prepareBatch(p: PartitionData, now: number, compression: number): PreparedBatch | null {
  const slice = p.messages as unknown;
  if (slice instanceof RecordSlice) {
    const bytes = compression === 0 ? slice.bytes : slice.compressed;
    if (bytes === null || slice.length === 0) return null;
    return {
      partition: p.partition, firstSequence: p.firstSequence ?? 0, count: slice.length, records: null, encoded: bytes, codec: compression,
      firstTimestamp: BigInt(slice.baseTimestamp), maxTimestamp: BigInt(slice.maxTimestamp),
      batchLength: 4 + 1 + 4 + BATCH_HEADER + bytes.length,
    };
  }
  if (compression !== 0) return null;
  const messages = p.messages;
  if (messages.length === 0) return null;
  // As kafkajs: the message timestamps sorted as JavaScript's default sort does (as text), the
  // first of them the batch's base; a message without one is stamped now.
  const stamps = messages.map((m) => m.timestamp).filter((t) => t != null).sort();
  const all = stamps.length === 0 ? [now] : stamps;
  const first = all[0], max = all[all.length - 1];
  const firstTimestamp = int64(first), maxTimestamp = int64(max);
  if (firstTimestamp === null || maxTimestamp === null) return null;
  const records: Prepared[] = [];
  let recordsSize = 0;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    // As kafkajs: only the batch's first and largest timestamps are read as 64-bit numbers; a
    // message's own is used in this subtraction alone (a result that is not an integer: kafkajs's path).
    const delta = ((m.timestamp as number | string | undefined) || now) as number - (first as number);
    const r = prepareRecord(m, i, delta);
    if (r === null) return null;
    records.push(r);
    recordsSize += varintSize(r.bodySize) + r.bodySize;
  }
  return {
    partition: p.partition, firstSequence: p.firstSequence ?? 0, count: records.length, records, encoded: null, codec: 0, firstTimestamp, maxTimestamp,
    batchLength: 4 + 1 + 4 + BATCH_HEADER + recordsSize,
  };
}

/**
 * The Produce v3 request body kafkajs would encode for these arguments, or null when they are
 * outside what this encoder matches (compression, empty partitions, unusual field types).
 * `now` stands in for kafkajs's Date.now() for messages without a timestamp.
 */
export function encodeProduceV3(args: ProduceV3Args, now: number = Date.now(), headroom = 0): Buffer | null {
  const compression = args.compression ?? 0;
  const transactionalId = args.transactionalId ?? null;
  if (transactionalId !== null && typeof transactionalId !== 'string') return null;
  const producerId = args.producerId === undefined ? -1n : int64(args.producerId);
  if (producerId === null) return null;
  const producerEpoch = args.producerEpoch ?? 0;
  const attributes = transactionalId !== null ? TRANSACTIONAL : 0;
  let size = stringSize(transactionalId) + 2 + 4 + 4;
  const topics: { topic: string; batches: PreparedBatch[] }[] = [];
  for (const t of args.topicData) {
    if (typeof t.topic !== 'string') return null;
    const batches: PreparedBatch[] = [];
    size += stringSize(t.topic) + 4;
    for (const p of t.partitions) {
      const b = prepareBatch(p, now, compression);
      if (b === null) return null;
      batches.push(b);
      size += 4 + 4 + 8 + 4 + b.batchLength;
    }
    topics.push({ topic: t.topic, batches });
  }
  const w = new Writer(Buffer.allocUnsafe(headroom + size));
  w.offset = headroom;
  w.string(transactionalId);
  w.int16(args.acks);
  w.int32(args.timeout);
  w.int32(topics.length);
  for (const t of topics) {
    w.string(t.topic);
    w.int32(t.batches.length);
    for (const b of t.batches) {
      w.int32(b.partition);
      w.int32(8 + 4 + b.batchLength); // the record set's size
      w.int64(0n); // firstOffset
      w.int32(b.batchLength);
      w.int32(0); // partitionLeaderEpoch
      w.int8(MAGIC);
      const crcAt = w.offset;
      w.int32(0);
      const bodyAt = w.offset;
      w.int16(attributes | b.codec);
      w.int32(b.count - 1); // lastOffsetDelta
      w.int64(b.firstTimestamp);
      w.int64(b.maxTimestamp);
      w.int64(producerId);
      w.int16(producerEpoch);
      w.int32(b.firstSequence);
      w.int32(b.count);
      if (b.encoded !== null) w.bytes(b.encoded);
      for (let i = 0; b.records !== null && i < b.records.length; i++) {
        const r = b.records[i]!;
        w.varint(r.bodySize);
        w.int8(0); // attributes
        w.varlong(r.timestampDelta);
        w.varint(i);
        w.varBytes(r.key);
        w.varBytes(r.value);
        w.varint(r.headers.length / 2);
        for (const hb of r.headers) w.varBytes(hb);
      }
      w.buf.writeUInt32BE(crc32c(w.buf, bodyAt, w.offset), crcAt);
    }
  }
  if (w.offset !== headroom + size) throw new Error(`produce request encoding: wrote ${w.offset - headroom} bytes, expected ${size}`);
  return w.buf;
}

/** A kafkajs compression codec (CompressionCodecs[type]()). */
interface CodecLike { compress(encoder: { buffer: Buffer }): Promise<Buffer> }

/**
 * Compresses the records of every RecordSlice in the request with the codec of `compression`
 * (kafkajs's table of codecs), for encodeProduceV3 to write; nothing to do without compression.
 * Kafka compresses a batch's records, not its header (the Java producer and kafkajs alike).
 */
export async function compressSlices(args: ProduceV3Args, codecs: Record<number, (() => CodecLike) | undefined>): Promise<void> {
  const compression = args.compression ?? 0;
  if (compression === 0) return;
  for (const t of args.topicData) {
    for (const p of t.partitions) {
      const slice = p.messages as unknown;
      if (!(slice instanceof RecordSlice)) continue;
      const make = codecs[compression];
      if (!make) throw new Error(`no codec for compression type ${compression}`);
      slice.compressed = await make().compress({ buffer: slice.bytes });
    }
  }
}

/** Whether a request carries RecordSlices (which only encodeProduceV3 can write). */
export function hasSlices(args: ProduceV3Args): boolean {
  return args.topicData.some((t) => t.partitions.some((p) => (p.messages as unknown) instanceof RecordSlice));
}

/**
 * The framing kafkajs puts around every request (protocol/request.js): int32 size, then apiKey,
 * apiVersion, correlationId, clientId and the payload (kafkajs copies the payload twice through
 * growing, zero-filled buffers). The payload is buf[start, end). When the `start` bytes before it
 * hold the header (encodeProduceV3's headroom), the header is written there and the request is a
 * view of the same memory, with no copy: a produce request is most of the bytes the daemon sends.
 * Otherwise it is written once into a new buffer.
 */
export function frameRequest(apiKey: number, apiVersion: number, correlationId: number, clientId: string | null, payload: Buffer, end: number, start = 0): Buffer {
  const header = 4 + 2 + 2 + 4 + stringSize(clientId);
  const size = header - 4 + end - start;
  const inPlace = start >= header;
  const w = new Writer(inPlace ? payload : Buffer.allocUnsafe(4 + size));
  if (inPlace) w.offset = start - header;
  w.int32(size);
  w.int16(apiKey);
  w.int16(apiVersion);
  w.int32(correlationId);
  w.string(clientId);
  if (inPlace) return payload.subarray(start - header, end);
  payload.copy(w.buf, w.offset, start, end);
  return w.buf;
}
