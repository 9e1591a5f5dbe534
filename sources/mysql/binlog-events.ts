/**
 * What the binlog reader hands out, and the translation from zongji's events to it. The
 * translation owns the transaction framing and the positions (mysql-binlog.md §2, §3):
 *   - a transaction's start is its GTID event's OWN start (log_pos - event size), not the
 *     position zongji reports after it: resuming there replays the GTID with its rows;
 *   - MariaDB's GTID event replaces BEGIN; a standalone GTID (DDL) is followed by one QUERY;
 *     MySQL writes GTID, QUERY BEGIN ... XID (or QUERY COMMIT) and GTID + QUERY for DDL;
 *   - the executed GTID set / position gains a transaction only at its commit.
 * Translation is pure over the event objects (unit-tested with recorded shapes); the reader
 * feeds it and keeps the connection.
 */
import { GtidTracker } from './gtid-tracker.ts';

export type Row = Record<string, unknown>;
export interface RowChange {
  readonly before: Row | null;
  readonly after: Row | null;
}

interface Located {
  /** Binlog file of the event. */
  readonly file: string;
  /** The event's own start offset in `file` (0 when the server did not say). */
  readonly pos: number;
  /** Offset just after the event (0 when the server did not say, e.g. old MariaDB in-transaction events). */
  readonly nextPos: number;
  /** Binlog timestamp, milliseconds (whole seconds). */
  readonly timestampMs: number;
  /** Size on the wire, for the reader's byte bound. */
  readonly bytes: number;
}

export type BinlogEvent =
  | (Located & { readonly type: 'begin'; readonly gtid: string | null; readonly gtidsBefore: string | null; readonly serverId: number | null; readonly thread: number | null })
  | (Located & {
    readonly type: 'table-map'; readonly tableId: number; readonly db: string; readonly table: string;
    readonly columnNames: readonly string[] | undefined; readonly columnTypes: readonly number[];
    /** the map's own column definitions (binlog_row_metadata=FULL), as zongji builds them; undefined without */
    readonly columnSchemas?: readonly { COLUMN_NAME: string; COLUMN_TYPE: string; CHARACTER_SET_NAME: string | null }[];
    /** primary key column indexes from the map's metadata */
    readonly primaryKey?: readonly number[];
  })
  | (Located & {
    readonly type: 'rows'; readonly op: 'insert' | 'update' | 'delete'; readonly tableId: number; readonly db: string; readonly table: string;
    readonly rows: readonly RowChange[];
    /** 0-based index of this row event within its transaction (offsets' `event`). */
    readonly index: number;
  })
  | (Located & { readonly type: 'commit'; readonly gtid: string | null; readonly gtidsAfter: string | null; readonly xid: string | null })
  | (Located & {
    readonly type: 'ddl'; readonly gtid: string | null; readonly gtidsBefore: string | null; readonly gtidsAfter: string | null;
    readonly db: string; readonly query: string; readonly serverId: number | null; readonly thread: number | null;
  })
  | (Located & { readonly type: 'rows-query'; readonly query: string })
  | (Located & { readonly type: 'rotate' })
  | (Located & { readonly type: 'heartbeat' });

/** The zongji event fields read (duck-typed; see @vlasky/zongji index.d.ts). */
export interface ZongjiEventLike {
  getEventName(): string;
  readonly timestamp: number;
  readonly nextPosition: number;
  readonly size: number;
  readonly gtid?: string;
  readonly [k: string]: unknown;
}

/** Where a transaction started: what a restart inside it resumes from. */
export interface TxStart {
  readonly file: string;
  readonly pos: number;
  readonly gtid: string | null;
}

export class EventTranslator {
  private file: string;
  /** Start of the current transaction (or standalone group) while one is open. */
  private tx: TxStart | null = null;
  private txIsGroup = false; // GTID seen, BEGIN/row/DDL not yet
  private txServerId: number | null = null;
  private txThread: number | null = null;
  private rowIndex = 0;
  /** End of the last event outside any transaction: where a restart between transactions resumes. */
  private lastSafe: { file: string; pos: number };

  constructor(start: { file: string; pos: number }, private readonly headerBytes: number, readonly gtids: GtidTracker) {
    this.file = start.file;
    this.lastSafe = { ...start };
  }

  /** Restart point: the open transaction's start, else the end of the last complete one. */
  get resumePoint(): { file: string; pos: number; inTransaction: boolean } {
    if (this.tx) return { file: this.tx.file, pos: this.tx.pos, inTransaction: true };
    return { ...this.lastSafe, inTransaction: false };
  }

  get openTransaction(): TxStart | null {
    return this.tx;
  }

  /** zongji event -> our event (or null for events nobody downstream needs). */
  translate(e: ZongjiEventLike): BinlogEvent | null {
    const name = e.getEventName();
    const bytes = e.size + this.headerBytes;
    const nextPos = e.nextPosition;
    const pos = nextPos > 0 ? nextPos - bytes : 0;
    const base = { file: this.file, pos, nextPos, timestampMs: e.timestamp, bytes };
    switch (name) {
      case 'rotate': {
        this.file = String(e.binlogName);
        const p = Number(e.position);
        if (!this.tx) this.lastSafe = { file: this.file, pos: p };
        return { ...base, type: 'rotate', file: this.file, pos: p, nextPos: p };
      }
      case 'heartbeat': {
        const hbFile = String(e.binlogName ?? this.file);
        const hbPos = typeof e.position === 'number' ? e.position : nextPos;
        // Sent when idle (and in place of transactions a GTID dump skips): a transaction boundary.
        if (!this.tx && hbPos > 0) {
          this.file = hbFile;
          this.lastSafe = { file: hbFile, pos: hbPos };
        }
        return { ...base, type: 'heartbeat', file: hbFile, pos: hbPos };
      }
      case 'mariadbgtid': {
        this.openGroup(base, e.gtid ?? null, typeof e.serverId === 'number' ? e.serverId : null, typeof e.threadId === 'number' ? e.threadId : null);
        if (e.standalone === true) return null; // DDL or another standalone group: the QUERY that follows says
        return this.begin(base);
      }
      case 'gtid':
      case 'anonymousgtid':
        this.openGroup(base, name === 'gtid' ? e.gtid ?? null : null, null, null);
        return null;
      case 'query': {
        const q = String(e.query ?? '');
        const upper = q.trim().toUpperCase();
        if (upper === 'BEGIN' || upper.startsWith('XA START')) {
          if (!this.tx) this.openGroup(base, null, null, typeof e.slaveProxyId === 'number' ? e.slaveProxyId : null);
          else if (this.txThread === null && typeof e.slaveProxyId === 'number') this.txThread = e.slaveProxyId;
          return this.begin(base);
        }
        if (upper === 'COMMIT' || upper === 'ROLLBACK' || upper.startsWith('XA COMMIT') || upper.startsWith('XA ROLLBACK')) {
          return this.tx && !this.txIsGroup ? this.commit(base, null) : null;
        }
        if (this.tx && !this.txIsGroup) return null; // SAVEPOINT and the like inside a transaction
        // A statement on its own (DDL): closes the standalone group opened by its GTID, if any.
        const start = this.tx ?? { file: this.file, pos, gtid: null };
        const before = this.gtids.toString();
        if (start.gtid) this.gtids.add(start.gtid);
        const out: BinlogEvent = {
          ...base, type: 'ddl', gtid: start.gtid, gtidsBefore: before, gtidsAfter: this.gtids.toString(), db: String(e.schema ?? ''), query: q,
          serverId: this.txServerId, thread: typeof e.slaveProxyId === 'number' ? e.slaveProxyId : this.txThread, pos: start.pos,
        };
        this.closeTx(nextPos);
        return out;
      }
      case 'xid':
        return this.tx ? this.commit(base, e.xid === undefined ? null : String(e.xid)) : null;
      case 'tablemap':
        this.txIsGroup = false;
        return {
          ...base, type: 'table-map', tableId: Number(e.tableId), db: String(e.schemaName), table: String(e.tableName),
          columnNames: e.columnNames as string[] | undefined, columnTypes: (e.columnTypes as number[]) ?? [],
          ...selfDescribed(e),
        };
      case 'writerows':
      case 'updaterows':
      case 'deleterows': {
        const map = (e.tableMap as Record<string, { parentSchema: string; tableName: string }> | undefined)?.[String(e.tableId)];
        const raw = (e.rows as unknown[]) ?? [];
        const rows: RowChange[] = name === 'updaterows'
          ? raw.map((r) => { const u = r as { before: Row; after: Row }; return { before: u.before, after: u.after }; })
          : raw.map((r) => (name === 'writerows' ? { before: null, after: r as Row } : { before: r as Row, after: null }));
        return {
          ...base, type: 'rows', op: name === 'writerows' ? 'insert' : name === 'updaterows' ? 'update' : 'delete',
          tableId: Number(e.tableId), db: map?.parentSchema ?? '', table: map?.tableName ?? '', rows, index: this.rowIndex++,
        };
      }
      case 'annotaterows':
      case 'rowsquery':
        // zongji 0.9 puts the statement text of ANNOTATE_ROWS and ROWS_QUERY in `statement`.
        return { ...base, type: 'rows-query', query: String(e.statement ?? '') };
      default:
        if (!this.tx && nextPos > 0) this.lastSafe = { file: this.file, pos: nextPos };
        return null;
    }
  }

  private openGroup(base: { file: string; pos: number }, gtid: string | null, serverId: number | null, thread: number | null): void {
    this.tx = { file: base.file, pos: base.pos, gtid };
    this.txIsGroup = true;
    this.txServerId = serverId;
    this.txThread = thread;
    this.rowIndex = 0;
  }

  private begin(base: Omit<Located, 'pos'> & { pos: number }): BinlogEvent {
    const tx = this.tx!;
    this.txIsGroup = false;
    return { ...base, pos: tx.pos, type: 'begin', gtid: tx.gtid, gtidsBefore: this.gtids.toString(), serverId: this.txServerId, thread: this.txThread };
  }

  private commit(base: Located, xid: string | null): BinlogEvent {
    const gtid = this.tx!.gtid;
    if (gtid) this.gtids.add(gtid);
    const out: BinlogEvent = { ...base, type: 'commit', gtid, gtidsAfter: this.gtids.toString(), xid };
    this.closeTx(base.nextPos);
    return out;
  }

  private closeTx(nextPos: number): void {
    this.tx = null;
    this.txIsGroup = false;
    this.rowIndex = 0;
    if (nextPos > 0) this.lastSafe = { file: this.file, pos: nextPos };
  }
}

/** The map's own column definitions, when zongji built them from FULL metadata (not from information_schema). */
function selfDescribed(e: ZongjiEventLike): { columnSchemas?: readonly { COLUMN_NAME: string; COLUMN_TYPE: string; CHARACTER_SET_NAME: string | null }[]; primaryKey?: readonly number[] } {
  const ev = e as unknown as { hasSelfDescribingMetadata?: () => boolean; buildColumnSchemas?: () => { COLUMN_NAME: string; COLUMN_TYPE: string; CHARACTER_SET_NAME: string | null }[]; primaryKey?: number[] };
  if (typeof ev.hasSelfDescribingMetadata !== 'function' || !ev.hasSelfDescribingMetadata() || typeof ev.buildColumnSchemas !== 'function') return {};
  try {
    return { columnSchemas: ev.buildColumnSchemas(), ...(Array.isArray(ev.primaryKey) ? { primaryKey: ev.primaryKey } : {}) };
  } catch {
    return {};
  }
}
