/**
 * Turns pgoutput messages, in order, into source units: one unit per change
 * message (its records never split across Kafka transactions) and one per
 * commit. Keeps the in-transaction message index that travels in the offset,
 * and skips what a previous run already wrote (offsets.ts, alreadyWritten).
 */
import type { Pgoutput } from 'pg-logical-replication';
import type { JsonMap, SourceRecord, SourceUnit } from '../../src/events/record.ts';
import { TX_METADATA_KEY_SCHEMA, TX_METADATA_VALUE_SCHEMA, type TransactionBlock } from '../../src/events/envelope.ts';
import { changeRecords, type EventOptions, type RowChange } from './change-events.ts';
import { alreadyWritten, encodePosition, type PgPosition } from './offsets.ts';
import type { TableModel } from './table-model.ts';
import type { Lsn } from './lsn.ts';
import { parseLsn } from './lsn.ts';

export interface TableResolver {
  /** Called for every Relation message; returns the model, or null when the table is not captured. */
  onRelation(rel: Pgoutput.MessageRelation): Promise<TableModel | null>;
  byOid(oid: number): TableModel | null | undefined;
  /** A partition whose changes are emitted as its root's: its own TRUNCATE is not the root's. */
  isPartitionOfCaptured?(oid: number): boolean;
}

export interface DecoderOptions {
  readonly serverName: string;
  readonly db: string;
  readonly partition: JsonMap;
  readonly events: EventOptions;
  readonly txMetadata: boolean;
  readonly txTopic: string;
}

interface OpenTx {
  readonly commitLsn: Lsn;
  readonly xid: number;
  readonly commitTimeUs: bigint;
  /** change messages seen so far in this transaction */
  index: number;
  /** leading change messages already in Kafka, or 'all' */
  readonly skip: 'all' | number;
  /** events emitted per table (transaction metadata), incl. those of earlier runs */
  readonly orders: Record<string, number>;
  lastLsn: Lsn;
  began: boolean;
}

export class ChangeDecoder {
  private tx: OpenTx | null = null;
  private lastComplete: Lsn;
  private lastSnapshotCompleted: boolean;

  constructor(private readonly opts: DecoderOptions, private readonly tables: TableResolver,
    private stored: PgPosition | null, startLsn: Lsn) {
    this.lastComplete = stored ? (stored.lsnProc > startLsn ? stored.lsnProc : startLsn) : startLsn;
    this.lastSnapshotCompleted = stored?.snapshotCompleted ?? true;
  }

  get inTransaction(): boolean {
    return this.tx !== null;
  }

  get lastCompleteLsn(): Lsn {
    return this.lastComplete;
  }

  private position(extra: Partial<PgPosition>): JsonMap {
    return encodePosition({
      lsnProc: this.lastComplete, lsnCommit: null, lsn: null, eventsProcessed: 0, txId: null, tsUsec: null,
      snapshotCompleted: this.lastSnapshotCompleted, ...extra,
    });
  }

  async handle(lsn: Lsn, msg: Pgoutput.Message): Promise<SourceUnit | null> {
    switch (msg.tag) {
      case 'begin': {
        const commitLsn = parseLsn(msg.commitLsn);
        const skip = alreadyWritten(this.stored, commitLsn);
        const resumed = this.stored && this.stored.lsnCommit === commitLsn && skip !== 'all' && skip > 0;
        this.tx = {
          commitLsn, xid: msg.xid >>> 0, commitTimeUs: BigInt(msg.commitTime as bigint), index: 0, skip,
          orders: resumed && this.stored!.txOrders ? { ...this.stored!.txOrders } : {},
          lastLsn: commitLsn, began: Boolean(resumed && this.stored!.txOrders),
        };
        return null;
      }
      case 'relation':
        await this.tables.onRelation(msg);
        return null;
      case 'insert': case 'update': case 'delete': case 'truncate':
        return this.change(lsn, msg);
      case 'commit': {
        const tx = this.tx;
        this.tx = null;
        const end = parseLsn(msg.commitEndLsn);
        if (!tx) return null;
        if (tx.skip === 'all') return null;
        this.lastComplete = end;
        this.stored = null; // past the resume point: nothing more to skip
        const records: SourceRecord[] = [];
        if (this.opts.txMetadata && tx.began) records.push(this.txRecord('END', tx));
        return {
          records,
          partition: this.opts.partition,
          offset: this.position({ lsnCommit: tx.commitLsn, lsn: tx.lastLsn, eventsProcessed: tx.index, txId: tx.xid, tsUsec: tx.commitTimeUs }),
          sourceCommitTimeMs: Number(tx.commitTimeUs / 1000n),
        };
      }
      default:
        return null; // type, origin, logical messages: nothing to emit
    }
  }

  private async change(lsn: Lsn, msg: Pgoutput.MessageInsert | Pgoutput.MessageUpdate | Pgoutput.MessageDelete | Pgoutput.MessageTruncate): Promise<SourceUnit | null> {
    const tx = this.tx;
    if (!tx) return null; // cannot happen with pgoutput: changes only arrive inside BEGIN/COMMIT
    tx.index++;
    tx.lastLsn = lsn;
    if (tx.skip === 'all' || tx.index <= tx.skip) return null;
    const records: SourceRecord[] = [];
    const targets: [TableModel, RowChange][] = [];
    if (msg.tag === 'truncate') {
      for (const rel of msg.relations) {
        const m = this.tables.byOid(rel.relationOid);
        if (m && !this.tables.isPartitionOfCaptured?.(rel.relationOid)) targets.push([m, { kind: 'truncate' }]);
      }
    } else {
      const m = this.tables.byOid(msg.relation.relationOid);
      if (m) {
        if (msg.tag === 'insert') targets.push([m, { kind: 'insert', after: msg.new }]);
        else if (msg.tag === 'update') targets.push([m, { kind: 'update', key: msg.key, old: msg.old, after: msg.new }]);
        else targets.push([m, { kind: 'delete', key: msg.key, old: msg.old }]);
      }
    }
    for (const [model, change] of targets) {
      const source = {
        serverName: this.opts.serverName, db: this.opts.db, schema: model.schemaName, table: model.tableName,
        tsUs: tx.commitTimeUs, snapshot: 'false' as const, txId: tx.xid, lsn, lastCommitLsn: tx.commitLsn,
      };
      const block = (): TransactionBlock | null => {
        if (!this.opts.txMetadata) return null;
        if (!tx.began) { tx.began = true; records.push(this.txRecord('BEGIN', tx)); }
        const n = (tx.orders[model.id] ?? 0) + 1;
        tx.orders[model.id] = n;
        const total = Object.values(tx.orders).reduce((a, b) => a + b, 0);
        return { id: txId(tx), total_order: BigInt(total), data_collection_order: BigInt(n) };
      };
      records.push(...changeRecords(model, change, source, block, this.opts.events));
    }
    return {
      records,
      partition: this.opts.partition,
      offset: this.position({
        lsnCommit: tx.commitLsn, lsn, eventsProcessed: tx.index, txId: tx.xid, tsUsec: tx.commitTimeUs,
        ...(this.opts.txMetadata ? { txOrders: { ...tx.orders } } : {}),
      }),
    };
  }

  private txRecord(status: 'BEGIN' | 'END', tx: OpenTx): SourceRecord {
    const id = txId(tx);
    const counts = Object.entries(tx.orders);
    return {
      topic: this.opts.txTopic,
      keySchema: TX_METADATA_KEY_SCHEMA,
      key: { id },
      valueSchema: TX_METADATA_VALUE_SCHEMA,
      value: {
        status,
        id,
        event_count: status === 'END' ? BigInt(counts.reduce((a, [, n]) => a + n, 0)) : null,
        data_collections: status === 'END' ? counts.map(([data_collection, n]) => ({ data_collection, event_count: BigInt(n) })) : null,
        ts_ms: tx.commitTimeUs / 1000n,
      },
    };
  }

  /** A unit at the current position (between transactions only), e.g. carrying a heartbeat record. */
  heartbeatUnit(records: SourceRecord[]): SourceUnit | null {
    if (this.tx) return null;
    return { records, partition: this.opts.partition, offset: this.position({}) };
  }

  /** An idle keepalive: everything before walEnd is decided. */
  idle(walEnd: Lsn): SourceUnit | null {
    if (this.tx || walEnd <= this.lastComplete) return null;
    this.lastComplete = walEnd;
    return { records: [], partition: this.opts.partition, offset: this.position({}) };
  }
}

/** Debezium's PostgreSQL transaction id: "<xid>:<commit lsn>" (LSN as a decimal). */
function txId(tx: OpenTx): string {
  return `${tx.xid}:${tx.commitLsn}`;
}

