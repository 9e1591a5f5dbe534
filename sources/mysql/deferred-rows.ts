/**
 * zongji's rows events with their rows decoded when the task takes them, not when they arrive.
 *
 * zongji decodes every row of a rows event in the event's constructor, as the packet arrives,
 * and the reader's queue then holds those objects (an object and a value per column per row)
 * until the task takes them. Through a catch-up the queue stays full, the objects outlive V8's
 * young generation and are promoted: the daemon's peak RSS was 240–260 MiB at Debezium's
 * max.queue.size=8192 (docs/benchmarks.md). Here the constructor keeps a copy of the event's
 * row images instead (its bytes as the server sent them, a few times smaller than the
 * objects), and the rows are decoded by zongji's own code the first time they are read, in
 * the task, so they die young. As PostgreSQL's queue holds pgoutput bytes.
 *
 * How: zongji's RowsEvent constructor reads rows by calling `this._fetchOneRow(parser)` until
 * the packet ends. That prototype method (RowsEvent's and UpdateRows's own) is replaced by
 * one that takes every remaining byte as one DeferredRows and leaves the parser at the
 * packet end, so the event's `rows` is `[DeferredRows]`. The original method decodes them
 * later, over a parser of the copied bytes, with the table map and column bitmaps the event
 * had (copied: a later TABLE_MAP event rewrites zongji's entry for the table id).
 * zongji's modules are loaded by path (its package exports only its entry point); another
 * version than the one written for gets no patch and decodes as before.
 */
import { dirname, join } from 'node:path';
import { readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const PATCHED_VERSION = '0.9.0';

interface ZParser {
  _offset: number;
  _packetEnd: number;
  parseBuffer(n: number): Buffer;
  reachedPacketEnd(): boolean;
  append(b: Buffer): void;
}

interface TableMapEntry { readonly columns: readonly unknown[]; readonly columnSchemas: readonly unknown[]; readonly [k: string]: unknown }

/** What `_fetchOneRow` reads from its `this`. */
interface RowsContext {
  readonly tableMap: Record<number, TableMapEntry>;
  readonly tableId: number;
  readonly columns_present_bitmap: Buffer;
  readonly columns_present_bitmap2?: Buffer;
  readonly _zongji: unknown;
}

type FetchOneRow = (this: RowsContext, parser: ZParser) => unknown;

/** Per column list of a table map entry (zongji replaces the list at each TABLE_MAP): the entry as it was then. */
const entrySnapshots = new WeakMap<readonly unknown[], TableMapEntry>();
/** Bytes per row seen when a table's rows were last decoded, by schema.table: the queue's row estimate. */
const bytesPerRow = new Map<string, number>();
const tableKey = (e: TableMapEntry): string => `${String(e['parentSchema'])}.${String(e['tableName'])}`;
/** Assumed until a table's first rows event is decoded. */
const FIRST_GUESS_BYTES_PER_ROW = 64;

function snapshotOf(entry: TableMapEntry): TableMapEntry {
  let s = entrySnapshots.get(entry.columns);
  if (!s) {
    // columnSchemas' objects are updated in place (signedness) when a TABLE_MAP is applied.
    s = { ...entry, columnSchemas: entry.columnSchemas.map((c) => (c !== null && typeof c === 'object' ? { ...c } : c)) };
    entrySnapshots.set(entry.columns, s);
  }
  return s;
}

/** The rows of one rows event, as bytes until first read. */
export class DeferredRows {
  private decoded: unknown[] | null = null;

  constructor(
    private bytes: Buffer | null,
    private readonly ctx: RowsContext,
    private readonly fetch: FetchOneRow,
    private readonly Parser: new () => ZParser,
  ) {}

  /** Rows this event holds, estimated from its size until decoded (for the queue's row bound). */
  get estimatedRows(): number {
    if (this.decoded) return this.decoded.length;
    const per = bytesPerRow.get(tableKey(this.ctx.tableMap[this.ctx.tableId]!)) ?? FIRST_GUESS_BYTES_PER_ROW;
    return Math.max(1, Math.round(this.bytes!.length / per));
  }

  /** zongji's rows (a row, or { before, after } for an update), decoded on the first call. */
  rows(): unknown[] {
    if (this.decoded) return this.decoded;
    const bytes = this.bytes!;
    const p = new this.Parser();
    p.append(bytes);
    const out: unknown[] = [];
    while (!p.reachedPacketEnd()) out.push(this.fetch.call(this.ctx, p));
    if (out.length > 0) bytesPerRow.set(tableKey(this.ctx.tableMap[this.ctx.tableId]!), bytes.length / out.length);
    this.decoded = out;
    this.bytes = null;
    return out;
  }
}

export interface DeferredRowsPatch {
  readonly applied: boolean;
  readonly note: string | null;
}

async function install(): Promise<DeferredRowsPatch> {
  let root: string;
  try {
    // The entry point the reader imports; lib/ beside it.
    root = dirname(fileURLToPath(import.meta.resolve('@vlasky/zongji')));
  } catch {
    return { applied: false, note: '@vlasky/zongji not found' };
  }
  let version: string | null = null;
  try {
    version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: string }).version ?? null;
  } catch { /* reported below */ }
  if (version !== PATCHED_VERSION) return { applied: false, note: `@vlasky/zongji ${version ?? '(unknown version)'} is not the version the patch was written for (${PATCHED_VERSION})` };
  const lib = (f: string) => pathToFileURL(join(root, 'lib', f)).href;
  const rowsModule = await import(lib('rows_event.js')) as { WriteRows: { prototype: object }; UpdateRows: { prototype: { _fetchOneRow: FetchOneRow } } };
  const { Parser } = await import(lib('reader.js')) as { Parser: new () => ZParser };
  const RowsEventProto = Object.getPrototypeOf(rowsModule.WriteRows.prototype) as { _fetchOneRow: FetchOneRow };
  const UpdateProto = rowsModule.UpdateRows.prototype;
  if (typeof RowsEventProto._fetchOneRow !== 'function' || !Object.hasOwn(UpdateProto, '_fetchOneRow')) {
    return { applied: false, note: 'zongji\'s RowsEvent has no _fetchOneRow to replace' };
  }
  for (const proto of [RowsEventProto, UpdateProto]) {
    const original = proto._fetchOneRow;
    proto._fetchOneRow = function deferredFetch(this: RowsContext, parser: ZParser): DeferredRows {
      const entry = this.tableMap[this.tableId]!;
      const ctx: RowsContext = {
        tableMap: { [this.tableId]: snapshotOf(entry) },
        tableId: this.tableId,
        // Copies: these and the row images are views of the packet, which they would keep alive.
        columns_present_bitmap: Buffer.from(this.columns_present_bitmap),
        ...(this.columns_present_bitmap2 ? { columns_present_bitmap2: Buffer.from(this.columns_present_bitmap2) } : {}),
        _zongji: this._zongji,
      };
      const bytes = Buffer.from(parser.parseBuffer(parser._packetEnd - parser._offset));
      return new DeferredRows(bytes, ctx, original, Parser);
    };
  }
  return { applied: true, note: null };
}

/** Applied once, when the MySQL source is first loaded (before any binlog is read). */
export const deferredRowsPatch: DeferredRowsPatch = await install();
