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
import { PgChangeUnit } from './change-unit.ts';
import type { TableModel } from './table-model.ts';
import type { Lsn } from './lsn.ts';
import { HEARTBEAT_MESSAGE_PREFIX, messageRecord, type MessageOptions } from './logical-messages.ts';
import type { SourceFacts } from './source-info.ts';
import { parseLsn } from './lsn.ts';
import type { TextRow } from './table-model.ts';
import { isWatermark, watermarkWindow } from './watermark.ts';

/**
 * What the chunked snapshot needs to see of the stream (chunked-snapshot.ts): every
 * transaction begun, every changed row of a captured table (its old and new key
 * columns), and every watermark, in stream order.
 */
export interface SnapshotHooks {
  onBegin(xid: number): void;
  /** `change`'s rows whose keys it touches: changedRows(change) (only computed by a hook that needs them). */
  onRowChange(model: TableModel, change: RowChange): void;
  /** the table was truncated (its rows changed without keys in the stream) */
  onTruncate(model: TableModel): void;
  /** `at`: the stream position of the watermark, which the chunk's read records carry */
  onWatermark(windowId: string, at: { readonly lsn: Lsn; readonly xid: number | null; readonly lastCommitLsn: Lsn | null }): void;
}

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
  /** Logical decoding messages: which prefixes to write and how; absent = none written. */
  readonly messages?: { readonly include: (prefix: string) => boolean; readonly record: MessageOptions };
  /** The chunked snapshot's view of the stream; absent = no hooks. */
  readonly snapshot?: SnapshotHooks;
  /** A change of a table the connector does not capture (Debezium's NumberOfEventsFiltered). */
  readonly onFiltered?: () => void;
}

/** Debezium counts transactional messages under this data collection in transaction metadata. */
const MESSAGE_COLLECTION = 'LOGICAL_DECODING_MESSAGE';
/** The transaction block of an event when transaction metadata is off. */
const NO_TX_BLOCK = (): TransactionBlock | null => null;

interface OpenTx {
  readonly commitLsn: Lsn;
  /** LSN of the BEGIN message (the transaction's first WAL record): the BEGIN record's id. */
  readonly beginLsn: Lsn;
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
  /** COMMIT message LSN of the last transaction written (source.sequence[0]); null until one commits. */
  private lastCommitLsn: Lsn | null;
  /** Source time of the last transaction, which a non-transactional message carries (it has none). */
  private lastTsUs: bigint;

  constructor(private readonly opts: DecoderOptions, private readonly tables: TableResolver,
    private stored: PgPosition | null, startLsn: Lsn) {
    this.lastComplete = stored ? (stored.lsnProc > startLsn ? stored.lsnProc : startLsn) : startLsn;
    this.lastSnapshotCompleted = stored?.snapshotCompleted ?? true;
    this.lastCommitLsn = stored?.lastCommitLsn ?? null;
    this.lastTsUs = stored?.tsUsec ?? opts.events.clock.nowNs() / 1000n;
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
      snapshotCompleted: this.lastSnapshotCompleted, lastCommitLsn: this.lastCommitLsn, ...extra,
    });
  }

  /**
   * The unit of one message, or null. Synchronous except for a Relation message, which may
   * read the catalog: then a promise (the poll loop awaits only those, not every message).
   */
  handle(lsn: Lsn, msg: Pgoutput.Message): SourceUnit | null | Promise<null> {
    switch (msg.tag) {
      case 'begin': {
        const commitLsn = parseLsn(msg.commitLsn);
        const skip = alreadyWritten(this.stored, commitLsn);
        const resumed = this.stored && this.stored.lsnCommit === commitLsn && skip !== 'all' && skip > 0;
        this.tx = {
          commitLsn, beginLsn: lsn, xid: msg.xid >>> 0, commitTimeUs: BigInt(msg.commitTime as bigint), index: 0, skip,
          orders: resumed && this.stored!.txOrders ? { ...this.stored!.txOrders } : {},
          lastLsn: commitLsn, began: Boolean(resumed && this.stored!.txOrders),
        };
        this.lastTsUs = this.tx.commitTimeUs;
        this.opts.snapshot?.onBegin(this.tx.xid);
        return null;
      }
      case 'relation':
        return this.tables.onRelation(msg).then(() => null);
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
        // Debezium's END id carries the LSN of the COMMIT message (PostgresTransactionMonitor reads the current position).
        if (this.opts.txMetadata && tx.began) records.push(this.txRecord('END', tx, lsn));
        this.lastCommitLsn = lsn;
        return {
          records,
          partition: this.opts.partition,
          offset: this.position({ lsnCommit: tx.commitLsn, lsn: tx.lastLsn, eventsProcessed: tx.index, txId: tx.xid, tsUsec: tx.commitTimeUs }),
          sourceCommitTimeMs: Number(tx.commitTimeUs / 1000n),
        };
      }
      case 'message':
        return this.message(lsn, msg);
      default:
        return null; // type, origin: nothing to emit
    }
  }

  private change(lsn: Lsn, msg: Pgoutput.MessageInsert | Pgoutput.MessageUpdate | Pgoutput.MessageDelete | Pgoutput.MessageTruncate): SourceUnit | null {
    const tx = this.tx;
    if (!tx) return null; // cannot happen with pgoutput: changes only arrive inside BEGIN/COMMIT
    tx.index++;
    tx.lastLsn = lsn;
    if (tx.skip === 'all' || tx.index <= tx.skip) return null;
    if (msg.tag === 'truncate') return this.truncate(tx, lsn, msg);
    // One change message, one table: built without intermediate lists (this runs once per event).
    const records: SourceRecord[] = [];
    const model = this.tables.byOid(msg.relation.relationOid);
    if (!model) {
      this.opts.onFiltered?.();
      return this.changeUnit(tx, lsn, records);
    }
    const change: RowChange = msg.tag === 'insert' ? { kind: 'insert', after: msg.new }
      : msg.tag === 'update' ? { kind: 'update', key: msg.key, old: msg.old, after: msg.new }
        : { kind: 'delete', key: msg.key, old: msg.old };
    // Every change counts, written before or not: a change always beats a read (a conservative drop).
    this.opts.snapshot?.onRowChange(model, change);
    // Without transaction metadata there is no block to build: one shared function, no closure per event.
    const block = this.opts.txMetadata ? () => this.txBlock(tx, model.id, lsn, records) : NO_TX_BLOCK;
    changeRecords(model, change, this.facts(model, tx, lsn), block, this.opts.events, records);
    return this.changeUnit(tx, lsn, records);
  }

  private truncate(tx: OpenTx, lsn: Lsn, msg: Pgoutput.MessageTruncate): SourceUnit {
    const records: SourceRecord[] = [];
    const models: TableModel[] = [];
    for (const rel of msg.relations) {
      const m = this.tables.byOid(rel.relationOid);
      if (m && !this.tables.isPartitionOfCaptured?.(rel.relationOid)) models.push(m);
    }
    for (const model of models) this.opts.snapshot?.onTruncate(model);
    for (const model of models) {
      changeRecords(model, { kind: 'truncate' }, this.facts(model, tx, lsn), () => this.txBlock(tx, model.id, lsn, records), this.opts.events, records);
    }
    return this.changeUnit(tx, lsn, records);
  }

  private facts(model: TableModel, tx: OpenTx, lsn: Lsn): SourceFacts {
    return {
      serverName: this.opts.serverName, db: this.opts.db, schema: model.schemaName, table: model.tableName,
      tsUs: tx.commitTimeUs, snapshot: 'false', txId: tx.xid, lsn, lastCommitLsn: this.lastCommitLsn,
    };
  }

  private changeUnit(tx: OpenTx, lsn: Lsn, records: SourceRecord[]): SourceUnit {
    // Once per change event: the position's values now, its offset map only if the runner reads
    // it (the last unit of a Kafka transaction). The counts change with the next event: a copy.
    const position: PgPosition = {
      lsnProc: this.lastComplete, lsnCommit: tx.commitLsn, lsn, eventsProcessed: tx.index, txId: tx.xid, tsUsec: tx.commitTimeUs,
      snapshotCompleted: this.lastSnapshotCompleted, lastCommitLsn: this.lastCommitLsn,
      txOrders: this.opts.txMetadata ? { ...tx.orders } : undefined,
    };
    return new PgChangeUnit(records, this.opts.partition, position);
  }

  /** The transaction block of one event (BEGIN record first when the transaction had none yet). */
  private txBlock(tx: OpenTx, collection: string, lsn: Lsn, records: SourceRecord[]): TransactionBlock | null {
    if (!this.opts.txMetadata) return null;
    if (!tx.began) { tx.began = true; records.push(this.txRecord('BEGIN', tx, tx.beginLsn)); }
    const n = (tx.orders[collection] ?? 0) + 1;
    tx.orders[collection] = n;
    const total = Object.values(tx.orders).reduce((a, b) => a + b, 0);
    // Each event's id carries its own LSN (source.lsn): Debezium formats it from the position at dispatch.
    return { id: txId(tx.xid, lsn), total_order: BigInt(total), data_collection_order: BigInt(n) };
  }

  /**
   * A logical decoding message. A transactional one is a change message of its transaction
   * (counted for the resume rule, filtered or not). A non-transactional one stands alone, and
   * like Debezium it completes the position: everything before its LSN is decided, and it
   * becomes the last commit LSN (PostgreSQL does not send it again once the slot is past it).
   */
  private message(lsn: Lsn, msg: Pgoutput.MessageMessage): SourceUnit | null {
    const m = this.opts.messages;
    const facts = (txid: number | null, tsUs: bigint): SourceFacts => ({
      serverName: this.opts.serverName, db: this.opts.db, schema: '', table: '', tsUs, snapshot: 'false', txId: txid, lsn, lastCommitLsn: this.lastCommitLsn,
    });
    const tx = this.tx;
    // Our watermark: the engine's, never a record of the user's message topic.
    const watermark = isWatermark(msg.prefix);
    // Ours (a watermark or a heartbeat message): a position, never a record of the user's message topic.
    const ours = watermark || msg.prefix === HEARTBEAT_MESSAGE_PREFIX;
    if (watermark) this.opts.snapshot?.onWatermark(watermarkWindow(msg.content), { lsn, xid: tx?.xid ?? null, lastCommitLsn: this.lastCommitLsn });
    if (msg.transactional && tx) {
      tx.index++;
      tx.lastLsn = lsn;
      if (tx.skip === 'all' || tx.index <= tx.skip) return null;
      const records: SourceRecord[] = [];
      if (m && !ours && m.include(msg.prefix)) {
        const block = this.txBlock(tx, MESSAGE_COLLECTION, lsn, records);
        records.push(messageRecord(msg.prefix, msg.content, facts(tx.xid, tx.commitTimeUs), block, m.record));
      }
      return this.changeUnit(tx, lsn, records);
    }
    if (tx || lsn <= this.lastComplete) return null; // already decided (replayed before the stored position)
    this.lastComplete = lsn;
    this.lastCommitLsn = lsn;
    const records = m && !ours && m.include(msg.prefix) ? [messageRecord(msg.prefix, msg.content, facts(null, this.lastTsUs), null, m.record)] : [];
    return { records, partition: this.opts.partition, offset: this.position({}) };
  }

  private txRecord(status: 'BEGIN' | 'END', tx: OpenTx, at: Lsn): SourceRecord {
    const id = txId(tx.xid, at);
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

/** The rows whose key columns a change touches: the old key (when sent) and the new row. */
export function changedRows(change: RowChange): TextRow[] {
  switch (change.kind) {
    case 'insert': case 'read': return [change.after];
    case 'update': return [...(change.key ? [change.key] : change.old ? [change.old] : []), change.after];
    case 'delete': return change.key ? [change.key] : change.old ? [change.old] : [];
    case 'truncate': return [];
  }
}

/** Debezium's PostgreSQL transaction id: "<xid>:<lsn>" (LSN as a decimal) at the record's position. */
function txId(xid: number, at: Lsn): string {
  return `${xid}:${at}`;
}

