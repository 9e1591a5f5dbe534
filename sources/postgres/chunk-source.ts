/**
 * PostgreSQL's ChunkSource (src/snapshot/contracts.ts): the chunk key of a
 * table, its largest key, one keyset chunk, a row estimate, and the watermark.
 *
 * Chunk selects run as single statements in autocommit (READ COMMITTED), as
 * COPY (SELECT ...) TO STDOUT whose lines are held until the chunk is emitted
 * (copy-chunk.ts: far less memory than pg's row objects), so
 * each sees everything committed when it starts; the statement also returns
 * its own snapshot (pg_current_snapshot), which the visibility check needs:
 * WAL commit order is not visibility order, so a transaction the stream has
 * already processed (its BEGIN decoded before the chunk's window opened) can
 * still be in progress for a new snapshot for a moment. Its change was emitted
 * before the window existed, so a select that does not see it would emit an
 * older row after it. Such a chunk is read again until the select sees every
 * transaction the stream processed before the window opened.
 *
 * Reads are spread over snapshot.max.threads connections of their own, never
 * the task's catalog session (whose queries must not run in a chunk's view).
 * Watermarks are written on one more connection, in the order they are asked
 * for (one connection runs its statements in order), so that a table's next
 * select runs while the previous chunk's watermark commits. These connections
 * are open only while a snapshot uses them (chunk-sessions.ts).
 */
import type { ChunkKey, ChunkSource, KeyValues } from '../../src/snapshot/contracts.ts';
import type { Logger } from '../../src/log/logger.ts';
import { SourceError } from '../../src/errors/cdc-error.ts';
import { quoteIdent } from './connection.ts';
import type { TableModel, TextRow } from './table-model.ts';
import { chunkCopySql, inProgress, keyValue, maxKeySql, parseSnapshot, rowKey, SNAPSHOT_COLUMN, type ChunkTable, type KeyColumnInfo } from './chunk-sql.ts';
import { copyChunk, CopyColumns, type CopyRow } from './copy-chunk.ts';
import { WATERMARK_PREFIX } from './watermark.ts';
import type { ChunkSessions } from './chunk-sessions.ts';

/** A row read by a chunk: its COPY line, held until its record is built (copy-chunk.ts). */
export type ChunkRow = CopyRow;

export interface ChunkSourceDeps {
  /** the sessions chunk reads and the snapshot's catalog queries run on, and the watermark session */
  readonly sessions: ChunkSessions;
  /** the captured table of an id, with its current model (loaded through the chunk connection) */
  readonly table: (id: string) => Promise<{ model: TableModel; partitioned: boolean } | null>;
  /** snapshot.select.statement.overrides: a SELECT of the user's, read instead of the table */
  readonly override: (id: string) => string | undefined;
  /** xids the stream has begun so far (their changes may already be out) */
  readonly processedXids: () => readonly number[];
  readonly log: Logger;
}

interface Prepared {
  readonly table: ChunkTable;
  readonly keyNames: readonly string[];
  /** the select's columns: the snapshot column, then the table's (and key columns it lacks) */
  readonly columns: CopyColumns;
  /** position of each key column among them */
  readonly keyAt: readonly number[];
}

export class PgChunkSource implements ChunkSource<ChunkRow> {
  private readonly prepared = new Map<string, Prepared>();

  constructor(private readonly deps: ChunkSourceDeps) {}

  async chunkKey(tableId: string, surrogateKey: string | null): Promise<ChunkKey> {
    const t = await this.deps.table(tableId);
    if (!t) return { ok: false, what: `table ${tableId} is not captured (or no longer exists)`, fix: `check table.include.list and that ${tableId} exists` };
    const names = surrogateKey ? [surrogateKey] : t.model.keyColumns;
    if (names.length === 0) {
      return {
        ok: false,
        what: `table ${tableId} has no primary key, so it cannot be read in key-ordered chunks`,
        fix: `add a primary key to ${tableId}, or name unique NOT NULL columns for it in message.key.columns (e.g. ${tableId}:id), or set snapshot.strategy=single_transaction`,
      };
    }
    const info = await this.keyInfo(t.model, names);
    const missing = names.filter((n) => !info.some((k) => k.name === n));
    if (missing.length > 0) return { ok: false, what: `table ${tableId} has no column ${missing.join(', ')} (chunk key)`, fix: surrogateKey ? 'name an existing column as surrogate-key' : `correct message.key.columns for ${tableId}` };
    const nullable = info.filter((k) => !k.notNull);
    if (nullable.length > 0) {
      return {
        ok: false,
        what: `chunk key column ${nullable.map((k) => k.name).join(', ')} of ${tableId} may be NULL, and NULL keys cannot be walked in order`,
        fix: `ALTER TABLE ${tableId} ALTER COLUMN ${quoteIdent(nullable[0]!.name)} SET NOT NULL, or choose NOT NULL columns in message.key.columns, or set snapshot.strategy=single_transaction`,
      };
    }
    const plain = `${quoteIdent(t.model.schemaName)}.${quoteIdent(t.model.tableName)}`;
    const override = this.deps.override(tableId);
    // Each row once: a partitioned root is read through the root (its partitions are not
    // captured tables); an ordinary table ONLY, without rows of tables that INHERIT from it.
    const from = override !== undefined ? `(${override}) AS cdc_override` : `${t.partitioned ? '' : 'ONLY '}${plain}`;
    const selected = t.model.columns.map((c) => c.name);
    for (const k of names) if (!selected.includes(k)) selected.push(k);
    const table: ChunkTable = { from, columns: selected.map(quoteIdent), key: names.map((n) => info.find((k) => k.name === n)!) };
    const copyColumns = new CopyColumns([SNAPSHOT_COLUMN, ...selected]);
    this.prepared.set(tableId, { table, keyNames: names, columns: copyColumns, keyAt: names.map((n) => 1 + selected.indexOf(n)) });
    return { ok: true, columns: names };
  }

  private async keyInfo(model: TableModel, names: readonly string[]): Promise<KeyColumnInfo[]> {
    const r = await this.deps.sessions.withReader((c) => c.query(`SELECT a.attname::text AS name, format_type(a.atttypid, NULL) AS cast_type,
        bt.typname::text AS base_type, a.attnotnull::text AS not_null,
        CASE WHEN a.attcollation = 0 THEN NULL ELSE quote_ident(cn.nspname) || '.' || quote_ident(co.collname) END AS coll
      FROM pg_attribute a
      JOIN pg_type t ON t.oid = a.atttypid
      JOIN pg_type bt ON bt.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
      LEFT JOIN pg_collation co ON co.oid = a.attcollation
      LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace
     WHERE a.attrelid = $1 AND a.attname = ANY ($2::text[]) AND a.attnum > 0 AND NOT a.attisdropped`, [model.oid, [...names]]));
    return (r.rows as { name: string; cast_type: string; base_type: string; not_null: string; coll: string | null }[]).map((row) => ({
      name: row.name, castType: row.cast_type, baseType: row.base_type, collation: row.coll, notNull: row.not_null === 'true',
    }));
  }

  private get(tableId: string): Prepared {
    const p = this.prepared.get(tableId);
    if (!p) throw new Error(`chunk key of ${tableId} not resolved before reading it`);
    return p;
  }

  /** Snapshot work done: its sessions may close (called at the end of each poll). */
  idle(noSnapshotWork: boolean): void {
    this.deps.sessions.closeIfIdle(noSnapshotWork);
  }

  async maxKey(tableId: string, _key: readonly string[], filter: string | null): Promise<KeyValues | null> {
    const p = this.get(tableId);
    const r = await this.deps.sessions.withReader((c) => c.query({ text: maxKeySql(p.table, filter), rowMode: 'array' })).catch((err: unknown) => { throw this.sqlError(tableId, err); });
    const row = r.rows[0] as (string | null)[] | undefined;
    return row ? p.table.key.map((k, i) => keyValue(k, row[i])) : null;
  }

  async readChunk(tableId: string, _key: readonly string[], after: KeyValues | null, max: KeyValues, limit: number, filter: string | null): Promise<readonly ChunkRow[]> {
    const p = this.get(tableId);
    // The window exists now: every transaction begun by the stream so far must be visible.
    const mustSee = this.deps.processedXids();
    const sql = chunkCopySql(p.table, after, max, limit, filter);
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      const chunk = await this.deps.sessions.withReader((c) => copyChunk(c, sql, p.columns, limit)).catch((err: unknown) => { throw this.sqlError(tableId, err); });
      const rows = chunk.rows();
      const snap = rows[0]?.value(0);
      // An empty chunk reads nothing that could be older than an emitted change.
      const seen = snap ? parseSnapshot(snap) : null;
      const invisible = seen ? mustSee.filter((x) => inProgress(seen, x)) : [];
      if (invisible.length === 0) return rows;
      if (attempt === 20) this.deps.log.warn({ table: tableId, xids: invisible.slice(0, 5), waitedMs: Date.now() - started }, 'chunk select keeps missing transactions the stream already processed (still finishing on the server, e.g. waiting for a synchronous standby); reading again');
      await new Promise((res) => setTimeout(res, Math.min(200, 5 * (attempt + 1))));
    }
  }

  keyOf(tableId: string, row: ChunkRow): KeyValues {
    const p = this.get(tableId);
    const key = p.table.key;
    if (key.length === 1) return [keyValue(key[0]!, row.value(p.keyAt[0]!))];
    const out: KeyValues[number][] = new Array(key.length);
    for (let i = 0; i < key.length; i++) out[i] = keyValue(key[i]!, row.value(p.keyAt[i]!));
    return out;
  }

  /** The chunk key of a changed row as the stream shows it, or null (table not chunked / key column absent). */
  changedKey(tableId: string, row: TextRow): KeyValues | null {
    const p = this.prepared.get(tableId);
    return p ? rowKey(p.table.key, row) : null;
  }

  async estimateRows(tableId: string): Promise<number> {
    const t = await this.deps.table(tableId);
    if (!t) return 0;
    // A partitioned table has no rows of its own: its estimate is its leaves' sum.
    const r = await this.deps.sessions.withReader((c) => c.query(`SELECT (CASE WHEN c.relkind = 'p' THEN
        (SELECT sum(GREATEST(l.reltuples, 0)) FROM pg_partition_tree(c.oid) pt JOIN pg_class l ON l.oid = pt.relid WHERE pt.isleaf)
        ELSE GREATEST(c.reltuples, 0) END)::bigint::text AS n FROM pg_class c WHERE c.oid = $1`, [t.model.oid]));
    return Number((r.rows[0] as { n: string | null } | undefined)?.n ?? 0);
  }

  async writeWatermark(windowId: string): Promise<void> {
    // Transactional, so it arrives in commit order. A walsender sends only flushed WAL: with the
    // server's synchronous_commit=off the commit would wait for the WAL writer (wal_writer_delay,
    // 200 ms by default) and every chunk with it, so this one transaction commits synchronously.
    await this.deps.sessions.withWatermark((c) => c.query(`SELECT pg_logical_emit_message(true, $1, $2), set_config('synchronous_commit', 'on', true)`, [WATERMARK_PREFIX, windowId])).catch((err: unknown) => {
      throw new SourceError({
        code: 'CDC_PG_WATERMARK',
        what: `could not write the snapshot watermark (pg_logical_emit_message): ${(err as Error).message}`,
        where: 'PostgreSQL, the connector\'s SQL session',
        fix: 'grant EXECUTE ON FUNCTION pg_logical_emit_message(boolean, text, text) to database.user (see docs/postgres.md), or set snapshot.strategy=single_transaction',
        cause: err,
      });
    });
  }

  private sqlError(tableId: string, err: unknown): SourceError {
    const override = this.deps.override(tableId);
    return new SourceError({
      code: 'CDC_PG_CHUNK_READ',
      what: `reading a snapshot chunk of ${tableId} failed: ${(err as Error).message}`,
      where: override !== undefined ? `property snapshot.select.statement.overrides.${tableId}` : `table ${tableId}`,
      fix: override !== undefined ? `make that SELECT return the key columns (${this.prepared.get(tableId)?.keyNames.join(', ') ?? 'the primary key'}) and run as a subquery` : `check that database.user may SELECT from ${tableId}`,
      cause: err,
    });
  }
}
