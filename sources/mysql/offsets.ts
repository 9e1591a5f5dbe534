/**
 * The MySQL/MariaDB connector's position: one codec between the typed position and the Connect
 * offset map stored in Kafka, with Debezium's key names (BinlogOffsetContext: server_id, gtids,
 * file, pos, event, row, ts_sec, snapshot) so offsets can be read, altered and taken over, plus
 * what exactly-once needs to resume inside a transaction.
 *
 * Meaning of the fields (mysql-binlog.md §3):
 *   file, pos   restart point: the start of the transaction the last written event belongs to
 *               (its GTID event's own start, never the position zongji reports after it), or,
 *               once that transaction is wholly in Kafka, the end of its commit event.
 *   gtids       executed GTID set (MySQL) / GTID position (MariaDB) EXCLUDING the transaction
 *               in progress: a restart by GTID replays that transaction from its first event.
 *   gtid        (ours) GTID of the transaction in progress, checked when it is replayed
 *               ('' for a transaction without one: MySQL with gtid_mode=OFF).
 *   event       row events of that transaction wholly written (Debezium's name and meaning).
 *   row         rows of the next row event already written.
 *   ts_sec      binlog timestamp of the last written event; server_id the server that wrote it.
 *   snapshot    Debezium's flag: true while a snapshot runs (absent otherwise).
 *   snapshot_completed (ours, as in the PostgreSQL codec) false while the chunked initial
 *               snapshot runs beside the stream.
 * A position is "complete" when gtid is null and event = row = 0: nothing of a later transaction
 * is in Kafka, and a restart starts at file/pos (or gtids) with nothing to skip.
 */
import type { JsonMap } from '../../src/events/record.ts';
import { ConfigError } from '../../src/errors/cdc-error.ts';

export const MYSQL_OFFSET_VERSION = 1;

export interface MySqlPosition {
  readonly serverId: number;
  readonly file: string;
  readonly pos: number;
  readonly gtids: string | null;
  /** GTID of the partly written transaction; null when the position is complete. */
  readonly gtid: string | null;
  readonly events: number;
  readonly rows: number;
  readonly tsSec: number;
  /** Debezium's `snapshot`: a snapshot is running. */
  readonly snapshot: boolean;
  readonly snapshotCompleted: boolean;
}

/** Debezium's source partition for the binlog connectors: {server: topic.prefix}. */
export function mysqlPartition(topicPrefix: string): JsonMap {
  return { server: topicPrefix };
}

export function encodeMySqlPosition(p: MySqlPosition): JsonMap {
  const out: Record<string, string | number | boolean | null> = {
    ts_sec: p.tsSec,
    file: p.file,
    pos: p.pos,
  };
  if (p.gtids !== null) out.gtids = p.gtids;
  if (p.events > 0) out.event = p.events;
  if (p.rows > 0) out.row = p.rows;
  if (p.gtid !== null) out.gtid = p.gtid;
  out.server_id = p.serverId;
  if (p.snapshot) out.snapshot = true;
  out.snapshot_completed = p.snapshotCompleted;
  out.offset_version = MYSQL_OFFSET_VERSION;
  return out;
}

function invalid(key: string, v: unknown, where: string, expected: string): ConfigError {
  return new ConfigError({
    code: 'CDC_MYSQL_OFFSET_INVALID',
    what: `stored offset field ${key}=${JSON.stringify(v)} is not ${expected}`,
    where,
    fix: 'stop the connector and correct or reset its offset with PATCH/DELETE /connectors/<name>/offsets',
  });
}

export function decodeMySqlPosition(m: JsonMap, where: string): MySqlPosition {
  const version = m.offset_version;
  if (typeof version === 'number' && version > MYSQL_OFFSET_VERSION) {
    throw new ConfigError({
      code: 'CDC_MYSQL_OFFSET_VERSION',
      what: `stored offset has version ${version}, newer than this release understands (${MYSQL_OFFSET_VERSION})`,
      where,
      fix: 'run the release that wrote it, or reset the offset with DELETE /connectors/<name>/offsets',
    });
  }
  const count = (k: string, required = false): number => {
    const v = m[k];
    if (v === undefined || v === null) {
      if (required) throw invalid(k, v, where, 'present');
      return 0;
    }
    const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0) throw invalid(k, v, where, 'a non-negative integer');
    return n;
  };
  const text = (k: string): string | null => {
    const v = m[k];
    if (v === undefined || v === null) return null;
    if (typeof v !== 'string') throw invalid(k, v, where, 'a string');
    return v;
  };
  const file = text('file');
  if (file === null || file === '') throw invalid('file', m.file, where, 'a binlog file name');
  const gtids = text('gtids');
  return {
    serverId: count('server_id'),
    file,
    pos: count('pos', true),
    gtids: gtids === '' ? null : gtids,
    gtid: text('gtid'),
    events: count('event'),
    rows: count('row'),
    tsSec: count('ts_sec'),
    snapshot: m.snapshot === true || m.snapshot === 'true',
    // Debezium marks an unfinished snapshot with `snapshot`; any other stored offset is past it.
    snapshotCompleted: m.snapshot_completed === true || (m.snapshot === undefined && m.snapshot_completed !== false),
  };
}

export function isComplete(p: MySqlPosition): boolean {
  return p.gtid === null && p.events === 0 && p.rows === 0;
}

/**
 * What a restart must skip of the first transaction it reads: rows events wholly written, then
 * rows of the next. Built from the stored position; `skipRows` answers per row event.
 */
export class ReplaySkip {
  private rowEvent = 0;
  private active: boolean;

  constructor(private readonly stored: MySqlPosition | null) {
    this.active = stored !== null && !isComplete(stored);
  }

  /** The GTID the first replayed transaction must carry, if any. */
  get expectedGtid(): string | null {
    return this.active ? this.stored!.gtid : null;
  }

  /**
   * Called at the first transaction after the restart: throws when its GTID is not the stored
   * one (the binlog changed under the offset), so nothing is skipped by mistake.
   */
  beginTransaction(gtid: string | null, where: string): void {
    if (!this.active) return;
    const want = this.stored!.gtid;
    if (want !== null && gtid !== null && want !== gtid) {
      this.active = false;
      throw new ConfigError({
        code: 'CDC_MYSQL_OFFSET_REPLAY_MISMATCH',
        what: `the stored offset is inside transaction ${want}, but the binlog at ${this.stored!.file}:${this.stored!.pos} starts transaction ${gtid}`,
        where,
        fix: 'the binlog was replaced or the server changed; reset the offset (DELETE /connectors/<name>/offsets) and snapshot again with snapshot.mode=when_needed',
      });
    }
  }

  /** How many leading rows of the next row event of the replayed transaction to drop. */
  skipRows(rowCount: number): number {
    if (!this.active) return 0;
    const s = this.stored!;
    const idx = this.rowEvent++;
    if (idx < s.events) return rowCount;
    this.active = false;
    return Math.min(s.rows, rowCount);
  }

  /** The replayed transaction ended (commit or DDL): nothing more to skip. */
  endTransaction(): void {
    this.active = false;
  }
}

/** The reader's begin event fields a mid-transaction position is built from. */
export interface TransactionStartLike {
  readonly file: string;
  readonly pos: number;
  readonly gtid: string | null;
  readonly gtidsBefore: string | null;
  readonly timestampMs: number;
}

/**
 * The position of a record inside a transaction: `events` row events of it wholly written and
 * `rows` rows of the next. A restart resumes at the transaction's start and skips them (ReplaySkip).
 */
export function positionInTransaction(begin: TransactionStartLike, serverId: number, events: number, rows: number, snapshotCompleted = true): MySqlPosition {
  return {
    serverId, file: begin.file, pos: begin.pos, gtids: begin.gtidsBefore, gtid: begin.gtid ?? '', events, rows,
    tsSec: Math.floor(begin.timestampMs / 1000), snapshot: false, snapshotCompleted,
  };
}

/** The reader's commit / ddl / heartbeat fields a complete position is built from. */
export interface TransactionEndLike {
  readonly file: string;
  readonly nextPos: number;
  readonly gtidsAfter?: string | null;
  readonly timestampMs: number;
}

/** The position once a transaction (or DDL) is wholly in Kafka: resume after its last event. */
export function positionAfter(end: TransactionEndLike, serverId: number, snapshotCompleted = true): MySqlPosition {
  return {
    serverId, file: end.file, pos: end.nextPos, gtids: end.gtidsAfter ?? null, gtid: null, events: 0, rows: 0,
    tsSec: Math.floor(end.timestampMs / 1000), snapshot: false, snapshotCompleted,
  };
}

/**
 * A binlog position as one number for gauges: file sequence number * 2^32 + offset (exact while
 * the sequence stays below 2^21), so positions of successive files keep increasing.
 */
export function binlogOrdinal(file: string, pos: number): number {
  const m = /\.(\d+)$/.exec(file);
  return (m ? Number(m[1]) : 0) * 2 ** 32 + pos;
}
