/**
 * The PostgreSQL connector's position: one codec between the typed position and
 * the Connect offset map stored in Kafka (Debezium's key names, so offsets can
 * be read, altered and taken over), plus the resume rule.
 *
 * Meaning of the fields:
 *   lsn_proc             end LSN of the last source transaction that is completely
 *                        in Kafka (or an idle keepalive position). The slot is
 *                        flushed to exactly this value and never beyond.
 *   lsn_commit           commit LSN (Begin.final_lsn) of the transaction the last
 *                        written event belongs to.
 *   lsn_events_processed how many change messages of that transaction are in Kafka.
 *   last_commit_lsn      LSN of the COMMIT message of the last source transaction
 *                        written before the current one (Debezium's lastCommitLsn, the
 *                        first element of source.sequence); absent before the first
 *                        commit this connector saw, so a replay after a restart writes
 *                        the same sequence as the first attempt.
 * A position is "complete" when lsn_proc > lsn_commit: the transaction holding the
 * last event has ended (a transaction's end LSN is always past its commit LSN).
 */
import type { JsonMap } from '../../src/events/record.ts';
import { ConfigError } from '../../src/errors/cdc-error.ts';
import type { Lsn } from './lsn.ts';

export const OFFSET_VERSION = 1;

export interface PgPosition {
  readonly lsnProc: Lsn;
  readonly lsnCommit: Lsn | null;
  readonly lsn: Lsn | null;
  readonly eventsProcessed: number;
  readonly txId: number | null;
  readonly tsUsec: bigint | null;
  readonly snapshotCompleted: boolean;
  /** COMMIT message LSN of the last transaction before the current one (source.sequence[0]). */
  readonly lastCommitLsn?: Lsn | null;
  /** Transaction metadata state, present only mid-transaction with provide.transaction.metadata. */
  readonly txOrders?: Readonly<Record<string, number>>;
}

export function pgPartition(topicPrefix: string): JsonMap {
  return { server: topicPrefix };
}

const TX_ORDER_PREFIX = 'transaction_data_collection_order_';

export function encodePosition(p: PgPosition): JsonMap {
  const out: Record<string, string | number | boolean | null> = {
    lsn_proc: Number(p.lsnProc),
    lsn_commit: p.lsnCommit === null ? null : Number(p.lsnCommit),
    lsn: p.lsn === null ? null : Number(p.lsn),
    lsn_events_processed: p.eventsProcessed,
    txId: p.txId,
    ts_usec: p.tsUsec === null ? null : Number(p.tsUsec),
  };
  // false only while the chunked initial snapshot runs beside the stream: a position without
  // the key (and without Debezium's `snapshot` key) reads as "past the snapshot".
  out.snapshot_completed = p.snapshotCompleted;
  if (p.lastCommitLsn !== undefined && p.lastCommitLsn !== null) out.last_commit_lsn = Number(p.lastCommitLsn);
  if (p.txOrders && p.txId !== null && p.lsnCommit !== null) {
    // Debezium's TransactionContext stores the bare xid (its BEGIN compares against it on resume).
    out.transaction_id = String(p.txId);
    for (const [table, n] of Object.entries(p.txOrders)) out[TX_ORDER_PREFIX + table] = n;
  }
  out.offset_version = OFFSET_VERSION;
  return out;
}

export function decodePosition(m: JsonMap, where: string): PgPosition {
  const big = (k: string): bigint | null => {
    const v = m[k];
    if (v === null || v === undefined) return null;
    if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
    if (typeof v === 'string' && /^\d+$/.test(v)) return BigInt(v);
    throw new ConfigError({
      code: 'CDC_PG_OFFSET_INVALID',
      what: `stored offset field ${k}=${JSON.stringify(v)} is not a non-negative integer`,
      where,
      fix: 'stop the connector and correct or reset its offset with PATCH/DELETE /connectors/<name>/offsets',
    });
  };
  // Debezium offsets may carry only lsn (+ lsn_commit); treat lsn_proc as lsn then.
  const lsnProc = big('lsn_proc') ?? big('lsn') ?? 0n;
  const version = m.offset_version;
  if (typeof version === 'number' && version > OFFSET_VERSION) {
    throw new ConfigError({
      code: 'CDC_PG_OFFSET_VERSION',
      what: `stored offset has version ${version}, newer than this release understands (${OFFSET_VERSION})`,
      where,
      fix: 'run the release that wrote it, or reset the offset',
    });
  }
  const txOrders: Record<string, number> = {};
  let hasOrders = false;
  for (const [k, v] of Object.entries(m)) {
    if (k.startsWith(TX_ORDER_PREFIX) && typeof v === 'number') { txOrders[k.slice(TX_ORDER_PREFIX.length)] = v; hasOrders = true; }
  }
  const ev = m.lsn_events_processed;
  return {
    lsnProc,
    lsnCommit: big('lsn_commit'),
    lsn: big('lsn'),
    eventsProcessed: typeof ev === 'number' ? ev : 0,
    txId: typeof m.txId === 'number' ? m.txId : null,
    tsUsec: big('ts_usec'),
    // Debezium marks an unfinished snapshot with a `snapshot` key; any other stored offset is past it.
    // snapshot_completed=false: the chunked initial snapshot was still running.
    snapshotCompleted: m.snapshot_completed === true || (m.snapshot === undefined && m.snapshot_completed !== false),
    lastCommitLsn: big('last_commit_lsn'),
    ...(hasOrders ? { txOrders } : {}),
  };
}

export function isComplete(p: PgPosition): boolean {
  return p.lsnCommit === null || p.lsnProc > p.lsnCommit;
}

/**
 * How much of a source transaction (by its commit LSN) is already in Kafka:
 * 'all', or the number of leading change messages to skip (0 = none).
 * Transactions arrive in commit order, so every transaction committed before
 * the stored one has commit LSN < lsn_proc.
 */
export function alreadyWritten(stored: PgPosition | null, commitLsn: Lsn): 'all' | number {
  if (!stored) return 0;
  if (commitLsn < stored.lsnProc) return 'all';
  if (!isComplete(stored) && stored.lsnCommit === commitLsn) return stored.eventsProcessed;
  return 0;
}
