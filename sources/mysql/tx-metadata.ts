/**
 * provide.transaction.metadata for the binlog connectors: the transaction block of each event
 * and the BEGIN / END records on <topic.prefix>.transaction (debezium-events.md §7). The id is
 * the GTID, or "file=<binlog>,pos=<pos>" without one. As in Debezium, a transaction that emits
 * no captured event gets no BEGIN/END: BEGIN goes out before its first event.
 */
import type { SourceRecord } from '../../src/events/record.ts';
import { TX_METADATA_KEY_SCHEMA, TX_METADATA_VALUE_SCHEMA, type TransactionBlock } from '../../src/events/envelope.ts';

export interface TxStartFacts {
  readonly file: string;
  readonly pos: number;
  readonly gtid: string | null;
  readonly timestampMs: number;
}

export class TxMetadata {
  private current: { id: string; total: number; perTable: Map<string, number> } | null = null;
  private startedFor: TxStartFacts | null = null;

  constructor(private readonly topic: string) {}

  /** The block of the next event of `table` in the transaction begun by `begin`; BEGIN goes into `records` first. */
  next(begin: TxStartFacts, table: string, records: SourceRecord[]): TransactionBlock {
    if (this.startedFor !== begin || !this.current) {
      this.startedFor = begin;
      this.current = { id: txId(begin), total: 0, perTable: new Map() };
      records.push(this.record('BEGIN', begin.timestampMs));
    }
    const c = this.current;
    c.total++;
    const n = (c.perTable.get(table) ?? 0) + 1;
    c.perTable.set(table, n);
    return { id: c.id, total_order: BigInt(c.total), data_collection_order: BigInt(n) };
  }

  /** The transaction ended: END goes into `records` if it emitted anything. */
  end(begin: TxStartFacts, commitMs: number, records: SourceRecord[]): void {
    if (this.startedFor === begin && this.current) records.push(this.record('END', commitMs));
    this.current = null;
    this.startedFor = null;
  }

  private record(status: 'BEGIN' | 'END', tsMs: number): SourceRecord {
    const c = this.current!;
    return {
      topic: this.topic,
      keySchema: TX_METADATA_KEY_SCHEMA,
      key: { id: c.id },
      valueSchema: TX_METADATA_VALUE_SCHEMA,
      value: {
        status,
        id: c.id,
        event_count: status === 'END' ? BigInt(c.total) : null,
        data_collections: status === 'END' ? [...c.perTable].map(([data_collection, n]) => ({ data_collection, event_count: BigInt(n) })) : null,
        ts_ms: BigInt(tsMs),
      },
    };
  }
}

/** Debezium's transaction id for the binlog connectors. */
export function txId(begin: { file: string; pos: number; gtid: string | null }): string {
  return begin.gtid ? begin.gtid : `file=${begin.file},pos=${begin.pos}`;
}
