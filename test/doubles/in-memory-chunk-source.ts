/**
 * Test double of a source database for the snapshot engine: tables held in
 * memory, every change and every watermark appended to one log in commit
 * order (what a replication stream would deliver), and a ChunkSource over it.
 *
 * Like a real database it answers a chunk query from its state at the moment
 * of the query (read committed: every change already in the log is visible),
 * orders keys itself (numbers by value, text by code point, composite keys
 * column by column), and runs hooks around a select so tests can commit
 * changes, or let the stream run, while a chunk is being read.
 */
import type { ChunkKey, ChunkSource, KeyValue, KeyValues } from '../../src/snapshot/contracts.ts';

export type TestRow = Readonly<Record<string, KeyValue>>;

export type LogEntry =
  | { readonly kind: 'change'; readonly table: string; readonly op: 'c' | 'u' | 'd'; readonly before: TestRow | null; readonly after: TestRow | null }
  | { readonly kind: 'watermark'; readonly id: string };

interface Table {
  /** identity (primary key) columns; null = the table has none */
  readonly pk: readonly string[] | null;
  /** true: the key columns may hold NULL, so chunking by them is refused */
  readonly nullableKey: boolean;
  readonly rows: Map<string, TestRow>;
  /** columns the engine chunks by, once chunkKey was asked */
  chunkColumns: readonly string[] | null;
}

export interface SelectHooks {
  /** runs after the select was called, before it takes its rows */
  beforeRows?(table: string): void | Promise<void>;
  /** runs after it took its rows, before it returns them */
  afterRows?(table: string): void | Promise<void>;
}

export function compareValues(a: KeyValue, b: KeyValue): number {
  if (a === null || b === null) throw new Error('NULL keys cannot be ordered');
  if (typeof a === 'string' || typeof b === 'string') {
    const x = String(a); const y = String(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  const x = BigInt(a); const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function compareKeys(a: KeyValues, b: KeyValues): number {
  for (let i = 0; i < a.length; i++) {
    const c = compareValues(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return 0;
}

/** A WHERE fragment the double understands: `<column> <op> <number or 'text'>`. */
function parseFilter(filter: string | null): (row: TestRow) => boolean {
  if (filter === null) return () => true;
  const m = /^\s*(\w+)\s*(=|<>|<=|>=|<|>)\s*(?:'([^']*)'|(-?\d+))\s*$/.exec(filter);
  if (!m) throw new Error(`the test double does not understand the filter ${filter}`);
  const [, col, op, text, num] = m;
  const lit: KeyValue = text !== undefined ? text : Number(num);
  return (row) => {
    const v = row[col!];
    if (v === null || v === undefined) return false;
    const c = compareValues(v, lit);
    return op === '=' ? c === 0 : op === '<>' ? c !== 0 : op === '<' ? c < 0 : op === '>' ? c > 0 : op === '<=' ? c <= 0 : c >= 0;
  };
}

export class InMemoryDatabase implements ChunkSource<TestRow> {
  readonly log: LogEntry[] = [];
  readonly calls: { method: string; table?: string; filter?: string | null; after?: KeyValues | null; limit?: number }[] = [];
  hooks: SelectHooks = {};
  /** set to make writeWatermark fail once */
  failNextWatermark = false;
  /** when set, watermark writes wait for it (in call order) before they fail or land in the log */
  watermarkGate: Promise<void> | null = null;
  /** when set, each watermark write first waits for what it returns; writes still land in call order */
  watermarkDelay: (() => Promise<void>) | null = null;
  private watermarkChain: Promise<void> = Promise.resolve();
  private readonly tables = new Map<string, Table>();

  createTable(id: string, pk: readonly string[] | null, opts: { nullableKey?: boolean } = {}): void {
    this.tables.set(id, { pk, nullableKey: opts.nullableKey ?? false, rows: new Map(), chunkColumns: null });
  }

  tableIds(): string[] { return [...this.tables.keys()]; }
  rows(table: string): TestRow[] { return [...this.table(table).rows.values()]; }
  identity(table: string, row: TestRow): string { return JSON.stringify(this.table(table).pk!.map((c) => String(row[c]))); }
  /** The key the stream reports for a row: in the chunk key's columns (PK until chunkKey chose another). */
  streamKey(table: string, row: TestRow): KeyValues {
    const t = this.table(table);
    return (t.chunkColumns ?? t.pk ?? []).map((c) => row[c] ?? null);
  }

  insert(table: string, row: TestRow): void {
    const t = this.table(table);
    const id = this.rowId(t, row);
    if (t.rows.has(id)) throw new Error(`duplicate key ${id} in ${table}`);
    t.rows.set(id, row);
    this.log.push({ kind: 'change', table, op: 'c', before: null, after: row });
  }

  /** Replaces the row with identity of `before` by `after` (which may change the key). */
  update(table: string, before: TestRow, after: TestRow): void {
    const t = this.table(table);
    const from = this.rowId(t, before);
    const id = this.rowId(t, after);
    if (id !== from && t.rows.has(id)) throw new Error(`duplicate key ${id} in ${table}`);
    t.rows.delete(from);
    t.rows.set(id, after);
    this.log.push({ kind: 'change', table, op: 'u', before, after });
  }

  delete(table: string, before: TestRow): void {
    const t = this.table(table);
    t.rows.delete(this.rowId(t, before));
    this.log.push({ kind: 'change', table, op: 'd', before, after: null });
  }

  // --- ChunkSource ---

  async chunkKey(table: string, surrogateKey: string | null): Promise<ChunkKey> {
    this.calls.push({ method: 'chunkKey', table });
    const t = this.table(table);
    if (surrogateKey !== null) { t.chunkColumns = [surrogateKey]; return { ok: true, columns: [surrogateKey] }; }
    if (t.pk === null) return { ok: false, what: `table ${table} has no primary key`, fix: `add a primary key to ${table} or name its key columns in message.key.columns` };
    if (t.nullableKey) return { ok: false, what: `key column(s) ${t.pk.join(', ')} of ${table} are nullable`, fix: `make them NOT NULL` };
    t.chunkColumns = t.pk;
    return { ok: true, columns: t.pk };
  }

  async maxKey(table: string, key: readonly string[], filter: string | null): Promise<KeyValues | null> {
    this.calls.push({ method: 'maxKey', table, filter });
    const keys = this.matching(table, key, filter).map((r) => key.map((c) => r[c] ?? null));
    return keys.length === 0 ? null : keys[keys.length - 1]!;
  }

  async readChunk(table: string, key: readonly string[], after: KeyValues | null, max: KeyValues, limit: number, filter: string | null): Promise<readonly TestRow[]> {
    this.calls.push({ method: 'readChunk', table, filter, after, limit });
    await this.hooks.beforeRows?.(table);
    const keyOf = (r: TestRow): KeyValues => key.map((c) => r[c] ?? null);
    const rows = this.matching(table, key, filter)
      .filter((r) => (after === null || compareKeysNullsLast(keyOf(r), after) > 0) && compareKeysNullsLast(keyOf(r), max) <= 0)
      .slice(0, limit);
    await this.hooks.afterRows?.(table);
    return rows;
  }

  keyOf(table: string, row: TestRow): KeyValues {
    const t = this.table(table);
    return (t.chunkColumns ?? t.pk ?? []).map((c) => row[c] ?? null);
  }

  async estimateRows(table: string): Promise<number> {
    return this.table(table).rows.size;
  }

  async writeWatermark(windowId: string): Promise<void> {
    const fail = this.failNextWatermark;
    this.failNextWatermark = false;
    if (this.watermarkDelay) {
      const delay = this.watermarkDelay;
      const turn = this.watermarkChain.then(delay);
      this.watermarkChain = turn.catch(() => undefined);
      await turn;
    }
    if (this.watermarkGate) await this.watermarkGate;
    if (fail) throw new Error('watermark write failed');
    this.log.push({ kind: 'watermark', id: windowId });
  }

  private matching(table: string, key: readonly string[], filter: string | null): TestRow[] {
    const pass = parseFilter(filter);
    const keyOf = (r: TestRow): KeyValues => key.map((c) => r[c] ?? null);
    return this.rows(table).filter(pass).sort((a, b) => compareKeysNullsLast(keyOf(a), keyOf(b)));
  }

  private rowId(t: Table, row: TestRow): string {
    return JSON.stringify((t.pk ?? Object.keys(row).sort()).map((c) => String(row[c])));
  }

  private table(id: string): Table {
    const t = this.tables.get(id);
    if (!t) throw new Error(`no table ${id}`);
    return t;
  }
}

/** PostgreSQL's default: NULLs sort after every value. */
function compareKeysNullsLast(a: KeyValues, b: KeyValues): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!; const y = b[i]!;
    if (x === null || y === null) { if (x === y) continue; return x === null ? 1 : -1; }
    const c = compareValues(x, y);
    if (c !== 0) return c;
  }
  return 0;
}
