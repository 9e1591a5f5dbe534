/**
 * Binlog events -> units (records + the offset they make true), the exactly-once core of the
 * MySQL/MariaDB stream (mysql-binlog.md §3):
 *   - a transaction's records may span several units (and so several Kafka transactions): a
 *     unit inside a transaction carries the transaction's start, the GTID, and how many row
 *     events of it are wholly in the unit's records, so a restart replays the transaction and
 *     skips exactly those (ReplaySkip), and memory stays bounded by max.batch.size records;
 *   - the unit that ends a transaction carries the position after its commit;
 *   - a DDL is a unit of its own that closes the Kafka transaction (a schema boundary);
 *   - a restart inside a transaction checks its GTID and skips what Kafka already holds.
 * Pure over the events it is fed, apart from loading table models through the registry.
 */
import type { JsonMap, SourceRecord, SourceUnit } from '../../src/events/record.ts';
import type { Logger } from '../../src/log/logger.ts';
import type { BinlogEvent } from './binlog-events.ts';
import type { ChangeRecords, MySqlEventOptions, MySqlRowChange, MySqlRow, MySqlSourceFacts, MySqlTableModel } from './event-model.ts';
import { encodeMySqlPosition, positionAfter, positionInTransaction, ReplaySkip, type MySqlPosition } from './offsets.ts';
import type { MySqlTableRegistry } from './table-registry.ts';
import { TxMetadata } from './tx-metadata.ts';

type Begin = Extract<BinlogEvent, { type: 'begin' }>;

/** What a snapshot running beside the stream needs to see of it (the chunked snapshot's companion). */
export interface StreamObserver {
  /** rows of a captured table changed by the stream (their keys leave any open chunk window) */
  onRowChange(model: MySqlTableModel, rows: readonly MySqlRow[]): void;
  /** the stream processed the binlog up to (file, pos) */
  onPosition(file: string, pos: number): void;
}

export interface BinlogUnitsDeps {
  readonly serverName: string;
  readonly partition: JsonMap;
  readonly registry: MySqlTableRegistry;
  readonly changeRecords: ChangeRecords;
  readonly events: MySqlEventOptions;
  readonly includeQuery: boolean;
  /** max.batch.size: records of one transaction per unit before a unit is cut inside it */
  readonly maxRecordsPerUnit: number;
  /** the server's own @@server_id, for events that do not name their origin */
  readonly serverId: () => number;
  readonly txMetadata: TxMetadata | null;
  readonly observer: StreamObserver | null;
  readonly log: Logger;
  readonly where: string;
  /** gtid.source.includes/excludes with gtid.source.filter.dml.events: false = the transaction of this GTID emits no row change */
  readonly gtidPasses?: (gtid: string) => boolean;
  /** rows dropped by the connector's filters (table/database lists, gtid.source.*): Debezium's NumberOfEventsFiltered */
  readonly onFiltered?: (rows: number) => void;
  /** inserted rows of the signal table (signal.data.collection), in binlog order, before the rest of the event is handled */
  readonly onSignalRows?: (db: string, table: string, rows: readonly MySqlRow[]) => boolean;
  /** the DDL hook (schema history, schema change topic); returns the records and internal records of the DDL's unit */
  readonly onDdl?: (e: Extract<BinlogEvent, { type: 'ddl' }>, position: JsonMap) => Promise<Pick<SourceUnit, 'records' | 'internalRecords'>>;
}

interface OpenTx {
  readonly begin: Begin;
  records: SourceRecord[];
  /** row events of this transaction wholly handled (captured or not) */
  rowEvents: number;
  /** row events wholly in units already handed out */
  rowEventsOut: number;
  query: string | null;
  /** its GTID source is filtered out (gtid.source.*): rows are counted, not emitted */
  filtered: boolean;
}

export class BinlogUnits {
  private readonly skip: ReplaySkip;
  private tx: OpenTx | null = null;
  private readonly maps = new Map<number, Extract<BinlogEvent, { type: 'table-map' }>>();
  private last: MySqlPosition;

  constructor(private readonly deps: BinlogUnitsDeps, stored: MySqlPosition | null, start: MySqlPosition) {
    this.skip = new ReplaySkip(stored);
    this.last = start;
  }

  get inTransaction(): boolean {
    return this.tx !== null;
  }

  /** The last complete position (between transactions). */
  get position(): MySqlPosition {
    return this.last;
  }

  /** A unit at the current position with these records, or null inside a transaction. */
  unitHere(records: SourceRecord[]): SourceUnit | null {
    if (this.tx) return null;
    return { records, partition: this.deps.partition, offset: encodeMySqlPosition(this.last) };
  }

  /** Feeds one event; pushes the units it completes. */
  async handle(e: BinlogEvent, out: SourceUnit[]): Promise<void> {
    switch (e.type) {
      case 'begin':
        this.skip.beginTransaction(e.gtid, this.deps.where);
        this.tx = { begin: e, records: [], rowEvents: 0, rowEventsOut: 0, query: null, filtered: e.gtid !== null && this.deps.gtidPasses !== undefined && !this.deps.gtidPasses(e.gtid) };
        return;
      case 'table-map':
        this.maps.set(e.tableId, e);
        return;
      case 'rows-query':
        if (this.tx && this.deps.includeQuery) this.tx.query = e.query;
        return;
      case 'rows':
        await this.rows(e, out);
        return;
      case 'commit':
        this.commit(e, out);
        return;
      case 'ddl':
        await this.ddl(e, out);
        return;
      case 'rotate':
      case 'heartbeat':
        if (!this.tx && e.pos > 0) {
          this.last = { ...this.last, file: e.file, pos: e.pos, gtid: null, events: 0, rows: 0 };
          this.deps.observer?.onPosition(e.file, e.pos);
        }
        return;
    }
  }

  private async rows(e: Extract<BinlogEvent, { type: 'rows' }>, out: SourceUnit[]): Promise<void> {
    const tx = this.tx;
    if (!tx) {
      this.deps.log.warn({ file: e.file, pos: e.pos }, 'row event outside a transaction ignored');
      return;
    }
    const skipN = this.skip.skipRows(e.rows.length);
    tx.rowEvents++;
    // Replayed rows (skipN) were signals already acted on before the restart: only new ones act.
    if (e.op === 'insert' && this.deps.onSignalRows) this.deps.onSignalRows(e.db, e.table, e.rows.slice(skipN).map((r) => r.after!));
    if (skipN >= e.rows.length) return;
    if (tx.filtered || !this.deps.registry.isCaptured(e.db, e.table)) { this.deps.onFiltered?.(e.rows.length - skipN); return; }
    const model = await this.deps.registry.modelFor(e.db, e.table, this.maps.get(e.tableId) ?? null);
    const serverId = tx.begin.serverId ?? this.deps.serverId();
    const changed: MySqlRow[] = [];
    for (let i = skipN; i < e.rows.length; i++) {
      const r = e.rows[i]!;
      const change: MySqlRowChange = e.op === 'insert' ? { kind: 'insert', after: r.after! }
        : e.op === 'delete' ? { kind: 'delete', before: r.before! }
        : { kind: 'update', before: r.before!, after: r.after! };
      if (r.before) changed.push(r.before);
      if (r.after) changed.push(r.after);
      // file/pos: where the rows event itself starts, as Debezium's source block says (its
      // setEventPosition for every event); the restart position lives in the offset only.
      const facts: MySqlSourceFacts = {
        serverName: this.deps.serverName, db: e.db, table: e.table, tsMs: e.timestampMs, snapshot: 'false',
        serverId, gtid: tx.begin.gtid, file: e.file, pos: e.pos, row: i, thread: tx.begin.thread, query: tx.query,
      };
      const meta = this.deps.txMetadata;
      // One block per data event emitted (a key change emits two), BEGIN before the first.
      const block = meta ? () => meta.next(tx.begin, model.id, tx.records) : null;
      for (const rec of this.deps.changeRecords(model, change, facts, block, this.deps.events)) tx.records.push(rec);
    }
    this.deps.observer?.onRowChange(model, changed);
    if (tx.records.length >= this.deps.maxRecordsPerUnit) {
      // Cut inside the transaction: a restart replays it and skips the row events handed out here.
      const at = positionInTransaction(tx.begin, serverId, tx.rowEvents, 0, this.last.snapshotCompleted);
      out.push({ records: tx.records, partition: this.deps.partition, offset: encodeMySqlPosition(at) });
      tx.records = [];
      tx.rowEventsOut = tx.rowEvents;
    }
  }

  private commit(e: Extract<BinlogEvent, { type: 'commit' }>, out: SourceUnit[]): void {
    const tx = this.tx;
    this.skip.endTransaction();
    this.tx = null;
    const serverId = tx?.begin.serverId ?? this.deps.serverId();
    this.last = positionAfter(e, serverId, this.last.snapshotCompleted);
    const records = tx?.records ?? [];
    if (tx) this.deps.txMetadata?.end(tx.begin, e.timestampMs, records);
    out.push({ records, partition: this.deps.partition, offset: encodeMySqlPosition(this.last), sourceCommitTimeMs: e.timestampMs });
    this.deps.observer?.onPosition(e.file, e.nextPos);
  }

  private async ddl(e: Extract<BinlogEvent, { type: 'ddl' }>, out: SourceUnit[]): Promise<void> {
    this.skip.endTransaction();
    this.tx = null;
    const serverId = e.serverId ?? this.deps.serverId();
    this.last = positionAfter(e, serverId, this.last.snapshotCompleted);
    const extra = this.deps.onDdl ? await this.deps.onDdl(e, encodeMySqlPosition(this.last)) : { records: [] };
    out.push({ ...extra, partition: this.deps.partition, offset: encodeMySqlPosition(this.last), commitAfter: true, sourceCommitTimeMs: e.timestampMs });
    this.deps.observer?.onPosition(e.file, e.nextPos);
  }

  /** Marks the stream's position as after (or still inside) the initial snapshot. */
  setSnapshotCompleted(done: boolean): void {
    this.last = { ...this.last, snapshotCompleted: done };
  }
}
