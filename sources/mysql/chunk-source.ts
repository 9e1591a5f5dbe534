/**
 * MySQL's and MariaDB's ChunkSource (src/snapshot/contracts.ts): the chunk key
 * of a table, its largest key, one keyset chunk with the binlog position its
 * rows are the state of, a row estimate, and the watermark without writes.
 *
 * Each chunk is read in a transaction of its own, START TRANSACTION WITH
 * CONSISTENT SNAPSHOT, READ ONLY, on a connection of its own:
 *  - MariaDB (and Percona Server) freeze binlog_snapshot_file/position at
 *    that start: the rows are exactly the state at that binlog position P,
 *    with no lock and no write.
 *  - MySQL has no such status: P is the binlog end (SHOW BINARY LOG STATUS,
 *    SHOW MASTER STATUS before 8.2) read after the select, at or after the
 *    snapshot's point. The window then closes a little late, which only drops
 *    more rows the stream changed (docs/mysql.md).
 * writeWatermark registers "the window closes when the stream has processed
 * the binlog up to P" (chunk-position.ts); nothing is written to the server.
 *
 * The re-read rule (as the PostgreSQL source's with xids): the stream may have
 * emitted a change whose transaction a new snapshot does not show yet (the
 * binlog is written before the storage engine's commit completes). Such a
 * chunk would emit an older row after that change, so it is read again until
 * its P is at or after the last captured change the stream processed before
 * the window opened.
 */
import type { ChunkKey, ChunkSource, KeyValues } from '../../src/snapshot/contracts.ts';
import type { Logger } from '../../src/log/logger.ts';
import { SourceError } from '../../src/errors/cdc-error.ts';
import type { MySqlRow } from './event-model.ts';
import { comparePoints, pointText, type BinlogPoint, type WindowPoints } from './chunk-position.ts';
import { chunkQuery, keyKindOf, maxKeySql, quoteId, rowKey, tableRef, type ChunkTable, type KeyColumnInfo } from './chunk-sql.ts';
import type { SessionPool, SqlSession } from './chunk-sessions.ts';

export interface MySqlChunkSourceDeps {
  /** connections for chunk reads, each used by one read at a time */
  readonly sessions: SessionPool;
  /** whether a table id ("db.table") is captured */
  readonly captured: (tableId: string) => boolean;
  /** message.key.columns for a table, or undefined when no rule names it */
  readonly messageKeyColumns: (tableId: string) => readonly string[] | undefined;
  /** the stream's progress and the windows waiting on it (shared with chunked-snapshot.ts) */
  readonly points: WindowPoints;
  readonly log: Logger;
  /** pause between reads of a chunk that missed a change the stream processed (tests shorten it) */
  readonly retryDelayMs?: (attempt: number) => number;
}

interface Prepared { readonly table: ChunkTable }

interface ColumnRow { name: string; data_type: string; column_type: string; nullable: string; prec: number | string | null; scale: number | string | null }

/** "db.table" split at the first dot (MySQL database names cannot hold a dot in an id the filters match). */
export function splitTableId(tableId: string): { db: string; table: string } {
  const i = tableId.indexOf('.');
  if (i <= 0) throw new Error(`table id "${tableId}" is not "database.table"`);
  return { db: tableId.slice(0, i), table: tableId.slice(i + 1) };
}

export class MySqlChunkSource implements ChunkSource<MySqlRow> {
  private readonly prepared = new Map<string, Prepared>();
  /** the P of each table's last chunk read, until its watermark registers the window */
  private readonly readAt = new Map<string, BinlogPoint>();
  /** how this server reports a snapshot's binlog position, once known */
  private positionMode: 'snapshot-status' | 'binary-log-status' | 'master-status' | null = null;

  constructor(private readonly deps: MySqlChunkSourceDeps) {}

  async chunkKey(tableId: string, surrogateKey: string | null): Promise<ChunkKey> {
    const { db, table } = splitTableId(tableId);
    const cols = this.deps.captured(tableId) ? await this.columns(db, table) : [];
    if (cols.length === 0) return { ok: false, what: `table ${tableId} is not captured (or no longer exists)`, fix: `check table.include.list and that ${tableId} exists` };
    const names = surrogateKey ? [surrogateKey] : this.deps.messageKeyColumns(tableId) ?? await this.primaryKey(db, table);
    if (names.length === 0) {
      return {
        ok: false,
        what: `table ${tableId} has no primary key, so it cannot be read in key-ordered chunks`,
        fix: `add a primary key to ${tableId}, or name unique NOT NULL columns for it in message.key.columns (e.g. ${tableId}:id)`,
      };
    }
    const missing = names.filter((n) => !cols.some((c) => c.name === n));
    if (missing.length > 0) return { ok: false, what: `table ${tableId} has no column ${missing.join(', ')} (chunk key)`, fix: surrogateKey ? 'name an existing column as surrogate-key' : `correct message.key.columns for ${tableId}` };
    const key: KeyColumnInfo[] = [];
    for (const n of names) {
      const c = cols.find((x) => x.name === n)!;
      const kind = keyKindOf({ dataType: c.data_type, columnType: c.column_type, precision: c.prec === null ? null : Number(c.prec), scale: c.scale === null ? null : Number(c.scale) });
      if ('refused' in kind) {
        return { ok: false, what: `chunk key column ${n} of ${tableId} cannot order chunks: ${kind.refused}`, fix: `name other unique NOT NULL columns for ${tableId} in message.key.columns, or use the signal's surrogate-key` };
      }
      key.push({ name: n, kind: kind.kind, decimalType: kind.decimalType, notNull: c.nullable !== 'YES' });
    }
    const nullable = key.filter((k) => !k.notNull);
    if (nullable.length > 0) {
      const c = cols.find((x) => x.name === nullable[0]!.name)!;
      return {
        ok: false,
        what: `chunk key column ${nullable.map((k) => k.name).join(', ')} of ${tableId} may be NULL, and NULL keys cannot be walked in order`,
        fix: `ALTER TABLE ${tableRef(db, table)} MODIFY ${quoteId(c.name)} ${c.column_type} NOT NULL, or choose NOT NULL columns in message.key.columns`,
      };
    }
    this.prepared.set(tableId, { table: { from: tableRef(db, table), columns: cols.map((c) => quoteId(c.name)), key } });
    return { ok: true, columns: names };
  }

  private columns(db: string, table: string): Promise<ColumnRow[]> {
    return this.deps.sessions.use(async (s) => {
      const [rows] = await s.query(`SELECT COLUMN_NAME AS name, DATA_TYPE AS data_type, COLUMN_TYPE AS column_type, IS_NULLABLE AS nullable,
          NUMERIC_PRECISION AS prec, NUMERIC_SCALE AS scale
        FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`, [db, table]);
      return rows as ColumnRow[];
    });
  }

  private primaryKey(db: string, table: string): Promise<string[]> {
    return this.deps.sessions.use(async (s) => {
      const [rows] = await s.query(`SELECT COLUMN_NAME AS name FROM information_schema.STATISTICS
        WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND INDEX_NAME = 'PRIMARY' ORDER BY SEQ_IN_INDEX`, [db, table]);
      return (rows as { name: string }[]).map((r) => r.name);
    });
  }

  private get(tableId: string): Prepared {
    const p = this.prepared.get(tableId);
    if (!p) throw new Error(`chunk key of ${tableId} not resolved before reading it`);
    return p;
  }

  async maxKey(tableId: string, _key: readonly string[], filter: string | null): Promise<KeyValues | null> {
    const p = this.get(tableId);
    const rows = await this.deps.sessions.use(async (s) => (await s.execute(maxKeySql(p.table, filter), []))[0] as MySqlRow[]).catch((err: unknown) => { throw this.sqlError(tableId, err); });
    return rows[0] ? rowKey(p.table.key, rows[0]) : null;
  }

  async readChunk(tableId: string, _key: readonly string[], after: KeyValues | null, max: KeyValues, limit: number, filter: string | null): Promise<readonly MySqlRow[]> {
    const p = this.get(tableId);
    // The window exists now: every captured change the stream processed so far must be visible.
    const mustSee = await this.deps.points.mustSee();
    const q = chunkQuery(p.table, after, max, limit, filter);
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      const { rows, point } = await this.deps.sessions.use((s) => this.readInSnapshot(s, q.sql, q.params)).catch((err: unknown) => { throw this.sqlError(tableId, err); });
      if (mustSee === null || comparePoints(point, mustSee) >= 0) {
        this.readAt.set(tableId, point);
        return rows;
      }
      if (attempt === 20) this.deps.log.warn({ table: tableId, snapshotAt: pointText(point), mustSee: pointText(mustSee), waitedMs: Date.now() - started }, 'chunk select keeps missing a transaction the stream already processed (its commit still finishing on the server); reading again');
      await new Promise((res) => setTimeout(res, this.deps.retryDelayMs?.(attempt) ?? Math.min(200, 5 * (attempt + 1))));
    }
  }

  /** One chunk select and the binlog position its rows are the state of, in one read-only snapshot. */
  private async readInSnapshot(s: SqlSession, sql: string, params: readonly (string | Buffer | null)[]): Promise<{ rows: MySqlRow[]; point: BinlogPoint }> {
    await s.query('START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
    try {
      let point = this.positionMode === null || this.positionMode === 'snapshot-status' ? await this.snapshotStatus(s) : null;
      const [rows] = await s.execute(sql, [...params]);
      point ??= await this.binlogEnd(s);
      await s.query('COMMIT');
      return { rows: rows as MySqlRow[], point };
    } catch (err) {
      await s.query('ROLLBACK').catch(() => undefined);
      throw err;
    }
  }

  /** MariaDB / Percona: the binlog position frozen with the transaction's snapshot. */
  private async snapshotStatus(s: SqlSession): Promise<BinlogPoint | null> {
    const [rows] = await s.query("SHOW STATUS LIKE 'binlog_snapshot_%'");
    const vars = new Map((rows as { Variable_name: string; Value: string }[]).map((r) => [r.Variable_name.toLowerCase(), r.Value]));
    const file = vars.get('binlog_snapshot_file'), pos = vars.get('binlog_snapshot_position');
    if (file && pos !== undefined) {
      this.positionMode = 'snapshot-status';
      return { file, pos: Number(pos) };
    }
    return null;
  }

  /** MySQL: the binlog end after the select (at or after the snapshot's point). */
  private async binlogEnd(s: SqlSession): Promise<BinlogPoint> {
    const tries: ['binary-log-status' | 'master-status', string][] = [['binary-log-status', 'SHOW BINARY LOG STATUS'], ['master-status', 'SHOW MASTER STATUS']];
    for (const [mode, sql] of tries) {
      if (this.positionMode !== null && this.positionMode !== 'snapshot-status' && this.positionMode !== mode) continue;
      let rows: unknown;
      try {
        [rows] = await s.query(sql);
      } catch (err) {
        if ((err as { errno?: number }).errno === 1064) continue; // not this server's spelling
        throw err;
      }
      const r = (rows as { File?: string; Position?: number | string }[])[0];
      if (!r?.File) throw new Error(`${sql} returned no binlog position: binary logging (log_bin) is off`);
      this.positionMode = mode;
      return { file: r.File, pos: Number(r.Position) };
    }
    throw new Error('the server answers neither SHOW BINARY LOG STATUS nor SHOW MASTER STATUS');
  }

  keyOf(tableId: string, row: MySqlRow): KeyValues {
    const k = rowKey(this.get(tableId).table.key, row);
    if (!k) throw new Error(`chunk row of ${tableId} lacks a key column`);
    return k;
  }

  /** The chunk key of a changed row as the stream shows it, or null (table not chunked / key column absent). */
  changedKey(tableId: string, row: MySqlRow): KeyValues | null {
    const p = this.prepared.get(tableId);
    return p ? rowKey(p.table.key, row) : null;
  }

  async estimateRows(tableId: string): Promise<number> {
    const { db, table } = splitTableId(tableId);
    return this.deps.sessions.use(async (s) => {
      const [rows] = await s.query('SELECT TABLE_ROWS AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?', [db, table]);
      return Number((rows as { n: number | string | null }[])[0]?.n ?? 0);
    });
  }

  /** Writes nothing: the window closes when the stream has processed the binlog up to the chunk's P. */
  async writeWatermark(windowId: string, tableId: string): Promise<void> {
    const point = this.readAt.get(tableId);
    if (!point) throw new Error(`no chunk of ${tableId} was read before its watermark`);
    this.readAt.delete(tableId);
    this.deps.points.register(windowId, point);
  }

  private sqlError(tableId: string, err: unknown): SourceError {
    return new SourceError({
      code: 'CDC_MYSQL_CHUNK_READ',
      what: `reading a snapshot chunk of ${tableId} failed: ${(err as Error).message}`,
      where: `table ${tableId}`,
      fix: `check that database.user may SELECT from ${tableId} and that binary logging is on; an additional-conditions filter of an execute-snapshot signal must be a valid WHERE condition`,
      cause: err,
    });
  }
}
