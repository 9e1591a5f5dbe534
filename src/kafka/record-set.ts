/**
 * The records of one produce request, kept as Kafka record bytes (magic 2) from the moment they are
 * added: per topic, one growing buffer of encoded records and a few typed arrays (where each record
 * starts, its explicit partition, where its key is, its timestamp). No object per record outlives
 * add(): the converters' key and value buffers die young, and nothing is built again per record
 * when the request is. Why: a send batch of objects (record, key and value views, kafkajs's message)
 * lives for a whole flush plus the request in flight, long enough to be promoted out of V8's young
 * generation; that promotion was the largest remaining share of the daemon's old-space growth and
 * GC time (docs/benchmarks.md).
 *
 * Partitions are chosen when the request is built (kafkajs's sendMessages, with its metadata), by the
 * producer's partitioner, as for any kafkajs message; a topic's records that all go to one partition
 * (a one-partition topic: the common case) are that partition's batch as they are. Otherwise each
 * partition gets its records copied with their offset deltas renumbered.
 * src/kafka/kafkajs-patch.ts teaches kafkajs to carry a TopicRecords as the single "message" of a
 * topic and the produce encoder to write a RecordSlice as a batch; without that patch, messages()
 * hands kafkajs ordinary messages decoded from the bytes.
 */
import { SinkError } from '../errors/cdc-error.ts';
import { headerList, recordBodySize, varintSize, varlongSize, Writer } from './record-bytes.ts';
import { decodeRecord, recordSpan } from './record-read.ts';
import type { OutRecord } from './txn-producer.ts';

/** `parts` value of a record without an explicit partition. */
const NO_PARTITION = -1;
const FIRST_CAPACITY = 256;
const FIRST_BYTES = 16 * 1024;

/** One partition's records of a request: encoded records, offset deltas from 0, timestamps relative to baseTimestamp. */
export class RecordSlice {
  /** set by the produce encoder's caller when the batch is compressed: the compressed records */
  compressed: Buffer | null = null;
  constructor(
    /** the record count (kafkajs's sequence accounting reads `length`, as of a message list) */
    readonly length: number,
    readonly bytes: Buffer,
    readonly baseTimestamp: number,
    readonly maxTimestamp: number,
  ) {}
}

interface PartitionChoice {
  readonly topic: string;
  readonly partitionMetadata: readonly unknown[];
  message: { partition: number | undefined; key: Buffer | null };
}

/** One topic's records in a request, in the order added. */
export class TopicRecords {
  /** kafkajs checks every message of a send for `value === undefined`: this one passes */
  readonly value = null;
  buf: Buffer = Buffer.allocUnsafe(FIRST_BYTES);
  pos = 0;
  count = 0;
  starts = new Uint32Array(FIRST_CAPACITY);
  parts = new Int32Array(FIRST_CAPACITY);
  /** where a record's key bytes are in buf (-1: null key), and their length */
  keyAt = new Int32Array(FIRST_CAPACITY);
  keyLen = new Uint32Array(FIRST_CAPACITY);
  stamps = new Float64Array(FIRST_CAPACITY);
  base = 0;
  maxStamp = -Infinity;
  /** records with an explicit partition */
  explicit = 0;

  constructor(public topic: string) {}

  /** Empty again, for `topic`, keeping its buffers. */
  reset(topic: string): this {
    this.topic = topic;
    this.pos = 0;
    this.count = 0;
    this.base = 0;
    this.maxStamp = -Infinity;
    this.explicit = 0;
    return this;
  }

  /** Appends one record; returns its encoded size. */
  add(partition: number | undefined, key: Buffer | null, value: Buffer | null, headers: OutRecord['headers'], timestamp: number): number {
    const i = this.count;
    if (i === this.starts.length) this.growIndex();
    if (i === 0) this.base = timestamp;
    const delta = timestamp - this.base;
    let headerBytes: readonly Buffer[] | null = null, headersSize = 1;
    if (headers !== undefined) {
      const hl = headerList(headers);
      if (hl === null) throw new TypeError('a header value that is neither text nor bytes');
      headerBytes = hl.list;
      headersSize = hl.size;
    }
    const body = recordBodySize(delta, i, key, value, headersSize);
    const size = varintSize(body) + body;
    if (this.pos + size > this.buf.length) this.growBytes(size);
    const w = WRITER;
    w.buf = this.buf;
    w.offset = this.pos;
    this.starts[i] = this.pos;
    w.varint(body);
    w.buf[w.offset++] = 0; // attributes
    w.varlong(delta);
    w.varint(i);
    if (key === null) {
      w.varint(-1);
      this.keyAt[i] = -1;
    } else {
      w.varint(key.length);
      this.keyAt[i] = w.offset;
      this.keyLen[i] = key.length;
      w.bytes(key);
    }
    w.varBytes(value);
    if (headerBytes === null) w.varint(0);
    else {
      w.varint(headerBytes.length / 2);
      for (const hb of headerBytes) w.varBytes(hb);
    }
    this.pos = w.offset;
    this.parts[i] = partition ?? NO_PARTITION;
    if (partition !== undefined) this.explicit++;
    this.stamps[i] = timestamp;
    if (timestamp > this.maxStamp) this.maxStamp = timestamp;
    this.count = i + 1;
    return size;
  }

  /** Takes back the record add() appended last (the set it was meant for is full). */
  removeLast(): void {
    const i = --this.count;
    this.pos = this.starts[i]!;
    if (this.parts[i] !== NO_PARTITION) this.explicit--;
    let max = -Infinity;
    for (let k = 0; k < i; k++) if (this.stamps[k]! > max) max = this.stamps[k]!;
    this.maxStamp = max;
  }

  private growIndex(): void {
    const n = this.starts.length * 2;
    const grow = <T extends Uint32Array | Int32Array | Float64Array>(a: T, make: new (n: number) => T): T => { const b = new make(n); b.set(a); return b; };
    this.starts = grow(this.starts, Uint32Array);
    this.parts = grow(this.parts, Int32Array);
    this.keyAt = grow(this.keyAt, Int32Array);
    this.keyLen = grow(this.keyLen, Uint32Array);
    this.stamps = grow(this.stamps, Float64Array);
  }

  private growBytes(need: number): void {
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + need));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /**
   * The records by partition, chosen by `partitioner` as kafkajs asks it for each message
   * ({ topic, partitionMetadata, message }; the message has the record's partition and key).
   */
  byPartition(partitionMetadata: readonly { partitionId: number }[], partitioner: (a: PartitionChoice) => number): Record<number, RecordSlice> {
    const n = this.count;
    const out: Record<number, RecordSlice> = {};
    if (n === 0) return out;
    if (this.explicit === 0 && partitionMetadata.length === 1) {
      out[partitionMetadata[0]!.partitionId] = this.whole();
      return out;
    }
    const args: PartitionChoice = { topic: this.topic, partitionMetadata, message: { partition: undefined, key: null } };
    const chosen = new Int32Array(n);
    let first = -1, one = true;
    for (let i = 0; i < n; i++) {
      const m = args.message;
      const p = this.parts[i]!;
      m.partition = p === NO_PARTITION ? undefined : p;
      const at = this.keyAt[i]!;
      m.key = at < 0 ? null : this.buf.subarray(at, at + this.keyLen[i]!);
      const c = partitioner(args);
      chosen[i] = c;
      if (i === 0) first = c;
      else if (c !== first) one = false;
    }
    if (one) {
      out[first] = this.whole();
      return out;
    }
    const counts = new Map<number, number>();
    for (let i = 0; i < n; i++) counts.set(chosen[i]!, (counts.get(chosen[i]!) ?? 0) + 1);
    for (const p of counts.keys()) out[p] = this.renumbered(chosen, p, counts.get(p)!);
    return out;
  }

  private whole(): RecordSlice {
    return new RecordSlice(this.count, this.buf.subarray(0, this.pos), this.base, this.maxStamp);
  }

  /**
   * The records chosen for partition p, copied with offset deltas 0, 1, 2... and timestamps
   * relative to the first of them (a batch's base timestamp is its first record's).
   */
  private renumbered(chosen: Int32Array, p: number, count: number): RecordSlice {
    const picked = new Int32Array(count);
    let size = 0, max = -Infinity, k = 0, base = 0;
    for (let i = 0; i < this.count; i++) {
      if (chosen[i] !== p) continue;
      const stamp = this.stamps[i]!;
      if (k === 0) base = stamp;
      const r = recordSpan(this, i);
      const body = r.body - (r.deltaAt - r.headAt - 1) + varlongSize(stamp - base) - varintSize(i) + varintSize(k);
      size += varintSize(body) + body;
      picked[k++] = i;
      if (stamp > max) max = stamp;
    }
    if (k !== count) throw new Error(`record set: ${k} records for partition ${p}, expected ${count}`);
    const w = new Writer(Buffer.allocUnsafe(size));
    for (k = 0; k < count; k++) {
      const i = picked[k]!;
      const r = recordSpan(this, i);
      const delta = this.stamps[i]! - base;
      w.varint(r.body - (r.deltaAt - r.headAt - 1) + varlongSize(delta) - varintSize(i) + varintSize(k));
      w.buf[w.offset++] = this.buf[r.headAt]!; // attributes
      w.varlong(delta);
      w.varint(k);
      this.buf.copy(w.buf, w.offset, r.restAt, r.end);
      w.offset += r.end - r.restAt;
    }
    if (w.offset !== size) throw new Error(`record set: renumbered records into ${w.offset} bytes, expected ${size}`);
    return new RecordSlice(count, w.buf, base, max);
  }

  /** The records as kafkajs messages (for a kafkajs the patch does not apply to, and for tests). */
  messages(): OutRecord[] {
    const out: OutRecord[] = [];
    for (let i = 0; i < this.count; i++) out.push(decodeRecord(this, i));
    return out;
  }
}

/** One writer, re-pointed at each buffer (single-threaded, synchronous use only). */
const WRITER = new Writer(Buffer.alloc(0));

/**
 * Topic buffers of sets that were sent, for the next sets: a request's buffers grow to its size
 * (up to 512 KiB), and a new one for every request would be external memory that only V8's full
 * collections give back. A few are kept (one set fills while one is in flight); a larger buffer
 * (one outsized record) is left to the collector.
 */
const spare: TopicRecords[] = [];
const SPARE_MAX = 8;
const SPARE_BYTES_MAX = 2 * 1024 * 1024;

/**
 * The records of one produce request, by topic, bounded in bytes: add() refuses (false) a record
 * that would take the set past `limitBytes`, so that the caller sends what it has first, and throws
 * for a record that alone is larger than max.request.size.
 */
export class RecordSet {
  readonly topics = new Map<string, TopicRecords>();
  count = 0;
  bytes = 0;
  private last: TopicRecords | null = null;

  constructor(readonly limitBytes: number, readonly maxRequestBytes: number = limitBytes) {}

  /** Adds a record unless the set is not empty and it would pass the limit (then false). */
  add(r: OutRecord, now: number = Date.now()): boolean {
    return this.addFields(r.topic, r.partition, r.key, r.value, r.headers, r.timestamp ?? now);
  }

  addFields(topic: string, partition: number | undefined, key: Buffer | null, value: Buffer | null, headers: OutRecord['headers'], timestamp: number): boolean {
    if (!Number.isSafeInteger(timestamp)) {
      throw new TypeError(`a record for topic ${topic} has the timestamp ${timestamp}, which is not a whole number of milliseconds (a defect of the connector plugin or transform that set it)`);
    }
    let t = this.last;
    if (t === null || t.topic !== topic) {
      t = this.topics.get(topic) ?? null;
      if (t === null) this.topics.set(topic, (t = spare.pop()?.reset(topic) ?? new TopicRecords(topic)));
      this.last = t;
    }
    const size = t.add(partition, key, value, headers, timestamp);
    if (this.count > 0 && this.bytes + size > this.limitBytes) {
      t.removeLast();
      return false;
    }
    if (size > this.maxRequestBytes) {
      t.removeLast();
      throw new SinkError({
        code: 'CDC_KAFKA_RECORD_TOO_LARGE',
        what: `a record for topic ${topic} is ${size} bytes, more than max.request.size (${this.maxRequestBytes})`,
        fix: 'raise producer.override.max.request.size (or the worker\'s producer.max.request.size) and the topic\'s max.message.bytes above the largest row, or leave the large column out with column.exclude.list',
        retriable: false,
      });
    }
    this.count++;
    this.bytes += size;
    return true;
  }

  /** The set as kafkajs's sendBatch takes it: one TopicRecords per topic when the patch carries them, else decoded messages. */
  topicMessages(carried: boolean): { topic: string; messages: unknown[] }[] {
    const out: { topic: string; messages: unknown[] }[] = [];
    for (const [topic, t] of this.topics) {
      if (t.count > 0) out.push({ topic, messages: carried ? [t] : t.messages() });
    }
    return out;
  }

  /**
   * Hands the set's buffers over to the next sets, once nothing reads them any more (the request
   * they were sent in was acknowledged); the set is empty afterwards.
   */
  release(): void {
    for (const t of this.topics.values()) {
      if (spare.length < SPARE_MAX && t.buf.length <= SPARE_BYTES_MAX) spare.push(t.reset(''));
    }
    this.topics.clear();
    this.last = null;
    this.count = 0;
    this.bytes = 0;
  }

  /** Every record, topic by topic, decoded (tests and diagnostics). */
  records(): OutRecord[] {
    const out: OutRecord[] = [];
    for (const t of this.topics.values()) out.push(...t.messages());
    return out;
  }
}
