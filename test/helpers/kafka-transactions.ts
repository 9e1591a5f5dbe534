/**
 * How long each Kafka transaction of a transactional id stayed open, as the broker
 * recorded it: the transaction coordinator writes every state change of every
 * transactional id to the internal topic __transaction_state (key TransactionLogKey,
 * value TransactionLogValue; schemas in Kafka's
 * transaction-coordinator/src/main/resources/common/message/). A value carries the
 * transaction's start time (set when its first partition was added) and the time of
 * the change, both the broker's clock. So a transaction's span is
 *   start = TransactionStartTimestampMs,
 *   end   = TransactionLastUpdateTimestampMs of the first record that ends it
 *           (PrepareCommit, PrepareAbort or PrepareEpochFence: the moment EndTxn or
 *           the timeout decided it; a Complete* record if no Prepare* one was kept).
 * A transaction with no ending record yet is still open: its span runs to now.
 *
 * Why the log and not DescribeTransactions/ListTransactions: those answer only the
 * current state (one open transaction at the instant asked); the log has every
 * transaction since the id was first used, so a test asks once, at the end, and
 * cannot miss a long transaction between two polls. Limit: the topic is compacted,
 * so history older than its active segment (100 MiB by default) may be gone on a
 * long-lived broker; every test and bench here uses a fresh transactional id.
 */
import type { StackEnv } from './stack-env.ts';
import { readToEnd } from './kafka-reader.ts';

export const TRANSACTION_STATE_TOPIC = '__transaction_state';

/** TransactionState as the coordinator numbers it in the log. */
export const TXN_STATUS = ['Empty', 'Ongoing', 'PrepareCommit', 'PrepareAbort', 'CompleteCommit', 'CompleteAbort', 'Dead', 'PrepareEpochFence'] as const;
export type TxnStatus = (typeof TXN_STATUS)[number];

export interface TxnLogValue {
  readonly version: number;
  readonly producerId: bigint;
  readonly producerEpoch: number;
  readonly timeoutMs: number;
  readonly status: TxnStatus;
  readonly partitions: readonly { readonly topic: string; readonly partitions: readonly number[] }[] | null;
  readonly lastUpdateMs: number;
  /** -1 while no transaction is in progress (Empty) */
  readonly startMs: number;
}

export interface TxnSpan {
  readonly transactionalId: string;
  readonly producerId: bigint;
  readonly producerEpoch: number;
  readonly startMs: number;
  /** end decided (or now, for an open one) */
  readonly endMs: number;
  readonly durationMs: number;
  readonly outcome: 'committed' | 'aborted' | 'fenced' | 'open';
  readonly topics: readonly string[];
}

/** A reader over one record's bytes: big-endian fixed widths, Kafka's unsigned varints. */
class Bytes {
  at = 0;
  constructor(private readonly buf: Buffer, private readonly what: string) {}
  private need(n: number): void {
    if (this.at + n > this.buf.length) throw new Error(`${this.what}: truncated at byte ${this.at} (needs ${n} more of ${this.buf.length})`);
  }
  int8(): number { this.need(1); return this.buf.readInt8(this.at++); }
  int16(): number { this.need(2); const v = this.buf.readInt16BE(this.at); this.at += 2; return v; }
  int32(): number { this.need(4); const v = this.buf.readInt32BE(this.at); this.at += 4; return v; }
  int64(): bigint { this.need(8); const v = this.buf.readBigInt64BE(this.at); this.at += 8; return v; }
  uvarint(): number {
    let v = 0, shift = 0;
    for (;;) {
      this.need(1);
      const b = this.buf[this.at++]!;
      v += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return v;
      shift += 7;
      if (shift > 28) throw new Error(`${this.what}: varint too long at byte ${this.at}`);
    }
  }
  utf8(n: number): string { this.need(n); const s = this.buf.toString('utf8', this.at, this.at + n); this.at += n; return s; }
  skip(n: number): void { this.need(n); this.at += n; }
  /** Tagged fields of a flexible version: known ones are none we need, so all are skipped. */
  skipTaggedFields(): void {
    const count = this.uvarint();
    for (let i = 0; i < count; i++) { this.uvarint(); this.skip(this.uvarint()); }
  }
}

/** The transactional id of a __transaction_state key (TransactionLogKey, version 0). */
export function decodeTxnLogKey(buf: Buffer): string {
  const r = new Bytes(buf, 'TransactionLogKey');
  const version = r.int16();
  if (version !== 0) throw new Error(`TransactionLogKey version ${version}: only version 0 exists`);
  const len = r.int16();
  if (len < 0) throw new Error('TransactionLogKey: null transactional id');
  return r.utf8(len);
}

/** A __transaction_state value (TransactionLogValue, versions 0 and 1; 1 is flexible). */
export function decodeTxnLogValue(buf: Buffer): TxnLogValue {
  const r = new Bytes(buf, 'TransactionLogValue');
  const version = r.int16();
  if (version !== 0 && version !== 1) throw new Error(`TransactionLogValue version ${version}: this decoder knows 0 and 1`);
  const flexible = version >= 1;
  const producerId = r.int64();
  const producerEpoch = r.int16();
  const timeoutMs = r.int32();
  const code = r.int8();
  const status = TXN_STATUS[code];
  if (status === undefined) throw new Error(`TransactionLogValue: unknown transaction status ${code}`);
  const string = () => r.utf8(flexible ? r.uvarint() - 1 : r.int16());
  const arrayLength = () => (flexible ? r.uvarint() - 1 : r.int32()); // -1: null
  const n = arrayLength();
  let partitions: { topic: string; partitions: number[] }[] | null = null;
  if (n >= 0) {
    partitions = [];
    for (let i = 0; i < n; i++) {
      const topic = string();
      const m = arrayLength();
      const ids: number[] = [];
      for (let j = 0; j < m; j++) ids.push(r.int32());
      if (flexible) r.skipTaggedFields();
      partitions.push({ topic, partitions: ids });
    }
  }
  const lastUpdateMs = Number(r.int64());
  const startMs = Number(r.int64());
  if (flexible) r.skipTaggedFields();
  return { version, producerId, producerEpoch, timeoutMs, status, partitions, lastUpdateMs, startMs };
}

const ENDS: Partial<Record<TxnStatus, TxnSpan['outcome']>> = {
  PrepareCommit: 'committed', PrepareAbort: 'aborted', PrepareEpochFence: 'fenced', CompleteCommit: 'committed', CompleteAbort: 'aborted',
};

/**
 * Spans of the transactions in `entries` (log order of one transactional id's
 * partition), one per (id, producer id, start time). nowMs closes open ones.
 */
export function transactionSpans(entries: readonly { readonly transactionalId: string; readonly value: TxnLogValue }[], nowMs: number): TxnSpan[] {
  const spans = new Map<string, { span: Omit<TxnSpan, 'durationMs'>; ended: boolean; topics: Set<string> }>();
  for (const { transactionalId, value: v } of entries) {
    if (v.startMs < 0) continue; // Empty, Dead: no transaction in progress
    const k = `${transactionalId}\u0000${v.producerId}\u0000${v.startMs}`;
    let s = spans.get(k);
    if (!s) {
      s = { span: { transactionalId, producerId: v.producerId, producerEpoch: v.producerEpoch, startMs: v.startMs, endMs: nowMs, outcome: 'open', topics: [] }, ended: false, topics: new Set() };
      spans.set(k, s);
    }
    for (const p of v.partitions ?? []) s.topics.add(p.topic);
    const outcome = ENDS[v.status];
    // The first ending record decides the end: a Prepare* one precedes its Complete* one.
    if (outcome && !s.ended) { s.ended = true; s.span = { ...s.span, endMs: v.lastUpdateMs, outcome }; }
  }
  return [...spans.values()].map(({ span, topics }) => ({ ...span, topics: [...topics].sort(), durationMs: span.endMs - span.startMs }))
    .sort((a, b) => a.startMs - b.startMs);
}

/** Every transaction the broker recorded for transactional ids accepted by `match`. */
export async function readTransactionSpans(env: StackEnv, match: string | ((transactionalId: string) => boolean), timeoutMs = 120_000): Promise<TxnSpan[]> {
  const accept = typeof match === 'string' ? (id: string) => id === match : match;
  const records = await readToEnd(env, [TRANSACTION_STATE_TOPIC], { decodeAvro: false, timeoutMs });
  const entries: { transactionalId: string; value: TxnLogValue }[] = [];
  // One transactional id lives in one partition: its records there are in log order.
  const ordered = [...records].sort((a, b) => a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset)));
  for (const r of ordered) {
    if (!r.rawKey || !r.rawValue) continue; // tombstone: the id expired
    const transactionalId = decodeTxnLogKey(r.rawKey);
    if (accept(transactionalId)) entries.push({ transactionalId, value: decodeTxnLogValue(r.rawValue) });
  }
  return transactionSpans(entries, Date.now());
}

/** The longest transaction of the matching ids (null: none recorded), and how many there were. */
export async function longestTransaction(env: StackEnv, match: string | ((transactionalId: string) => boolean), timeoutMs?: number): Promise<{ longest: TxnSpan | null; count: number; spans: TxnSpan[] }> {
  const spans = await readTransactionSpans(env, match, timeoutMs);
  let longest: TxnSpan | null = null;
  for (const s of spans) if (!longest || s.durationMs > longest.durationMs) longest = s;
  return { longest, count: spans.length, spans };
}
