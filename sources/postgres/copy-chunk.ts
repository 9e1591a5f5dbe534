/**
 * A snapshot chunk read with `COPY (SELECT ...) TO STDOUT` and held as the bytes PostgreSQL
 * sent, one text-format line per row, until its window closes (chunk-source.ts).
 *
 * Why not the rows of a SELECT: a chunk waits in memory from its select until the stream
 * reaches its high watermark and its records are encoded, long enough for V8 to promote it to
 * the old generation. As pg's rows that is an object and a string per column per row (about
 * 700 bytes promoted per row of the bench's table, docs/benchmarks.md); as COPY's bytes it is
 * the line itself, outside the JavaScript heap, and a small handle per row. A row's text values
 * are made only when its record is built, and die young.
 *
 * COPY's text format (https://www.postgresql.org/docs/current/sql-copy.html): columns
 * separated by a tab, rows ended by a newline, NULL as `\N`, and in a value a backslash
 * escapes the next character (`\b \f \n \r \t \v`, octal `\ddd`, hex `\xhh`, otherwise the
 * character itself). A value's text is that of the column type's output function, as in a
 * SELECT's text results. The session's client_encoding is UTF8 (node-postgres sets it), where
 * the bytes of tab, newline and backslash never occur inside a multi-byte character.
 */
import type pg from 'pg';
import type { TextRow } from './table-model.ts';
import { rowClass, utf8Text } from './text-rows.ts';

const TAB = 0x09, NL = 0x0a, BACKSLASH = 0x5c;

type Row = Record<string, string | null>;
type RowClass = new () => Row;

/** The columns of a chunk's rows, in select order, with the class their text rows are made of. */
export class CopyColumns {
  /** One hidden class for every row of the table; a column may be named __proto__ (null-prototype chain). */
  readonly Row: RowClass;

  constructor(readonly names: readonly string[]) {
    this.Row = rowClass<Row>();
  }
}

/** One row of a chunk: where its line is. Its values are read when asked for. */
export class CopyRow {
  constructor(private readonly chunk: CopyChunk, private readonly index: number) {}

  /** The text of column `col` (select order), null for SQL NULL. */
  value(col: number): string | null {
    return this.chunk.value(this.index, col);
  }

  /** Every column as the table's text row (column name -> text). */
  text(): TextRow {
    return this.chunk.text(this.index);
  }
}

/** The lines of one COPY, back to back in one buffer, and where each ends. */
export class CopyChunk {
  private bytes: Buffer;
  private ends: Uint32Array;
  private used = 0;
  private count = 0;

  constructor(private readonly columns: CopyColumns, expectedRows = 64) {
    this.bytes = Buffer.allocUnsafe(Math.max(4096, expectedRows * 128));
    this.ends = new Uint32Array(Math.max(16, expectedRows + 1));
  }

  get length(): number {
    return this.count;
  }

  /** bytes received, including a last line not ended yet */
  get bytesUsed(): number {
    return this.used;
  }

  /** Whether the bytes received so far end with a whole row. */
  atRowEnd(): boolean {
    return this.used === (this.count === 0 ? 0 : this.ends[this.count]! + 1);
  }

  /** Appends CopyData bytes (the server sends a row per message; lines are found either way). */
  append(data: Uint8Array): void {
    if (data.length === 0) return;
    const base = this.used;
    const need = base + data.length;
    if (need > this.bytes.length) {
      const grown = Buffer.allocUnsafe(Math.max(need, this.bytes.length * 2));
      this.bytes.copy(grown, 0, 0, base);
      this.bytes = grown;
    }
    this.bytes.set(data, base);
    this.used = need;
    // Searched in the message, not in the buffer (whose unused tail is arbitrary bytes).
    const last = data.length - 1;
    let nl = data[last] === NL ? data.indexOf(NL) : -1;
    if (nl === last) { this.rowEnd(base + nl); return; }
    if (nl < 0) nl = data.indexOf(NL);
    while (nl >= 0) {
      this.rowEnd(base + nl);
      nl = nl < last ? data.indexOf(NL, nl + 1) : -1;
    }
  }

  private rowEnd(at: number): void {
    if (this.count + 1 >= this.ends.length) {
      const grown = new Uint32Array(this.ends.length * 2);
      grown.set(this.ends);
      this.ends = grown;
    }
    // ends[i + 1] is the end of row i (its newline excluded); row i starts after ends[i]'s newline.
    this.ends[++this.count] = at;
  }

  /** The COPY ended: a last line without its newline is a protocol error, not a row. */
  finish(): void {
    const lastEnd = this.count === 0 ? 0 : this.ends[this.count]! + 1;
    if (lastEnd !== this.used) throw new Error(`COPY output ended inside a row (${this.used - lastEnd} bytes after the last newline)`);
    // Most of a grown buffer may be unused: keep what the rows take, not twice that.
    if (this.bytes.length > this.used * 1.25 + 4096) this.bytes = Buffer.from(this.bytes.subarray(0, this.used));
  }

  /** A handle for row `i` (in the order the server sent them), made when asked for. */
  row(i: number): CopyRow {
    return new CopyRow(this, i);
  }

  /** Handles for the rows, in the order the server sent them. */
  rows(): CopyRow[] {
    const out: CopyRow[] = new Array(this.count);
    for (let i = 0; i < this.count; i++) out[i] = new CopyRow(this, i);
    return out;
  }

  private start(row: number): number {
    return row === 0 ? 0 : this.ends[row]! + 1;
  }

  value(row: number, col: number): string | null {
    const end = this.ends[row + 1]!;
    const buf = this.bytes;
    let s = this.start(row);
    for (let c = 0; c < col; c++) {
      while (s < end && buf[s] !== TAB) s++;
      if (s === end) throw new Error(`COPY row ${row} has ${c + 1} columns, column ${col} was asked for`);
      s++;
    }
    let e = s, escaped = false;
    for (let b; e < end && (b = buf[e]) !== TAB; e++) if (b === BACKSLASH) escaped = true;
    return this.field(s, e, escaped);
  }

  text(row: number): TextRow {
    const names = this.columns.names;
    const out = new this.columns.Row();
    const end = this.ends[row + 1]!;
    const buf = this.bytes;
    let s = this.start(row);
    for (let c = 0; c < names.length; c++) {
      // One pass per value: where it ends, and whether it has an escape.
      let e = s, escaped = false;
      for (let b; e < end && (b = buf[e]) !== TAB; e++) if (b === BACKSLASH) escaped = true;
      if (e === end && c < names.length - 1) throw new Error(`COPY row ${row} has ${c + 1} columns, ${names.length} expected`);
      out[names[c]!] = this.field(s, e, escaped);
      s = e + 1;
    }
    // A table without columns sends an empty line per row.
    if (names.length === 0 ? end !== s : s <= end) throw new Error(`COPY row ${row} has more than ${names.length} columns`);
    return out;
  }

  private field(s: number, e: number, escaped: boolean): string | null {
    if (!escaped) return utf8Text(this.bytes, s, e);
    if (e - s === 2 && this.bytes[s + 1] === 0x4e) return null; // \N
    return unescapeCopyText(this.bytes, s, e);
  }
}

let scratch = Buffer.allocUnsafe(4096);

const SIMPLE: Record<number, number> = { 0x62: 0x08, 0x66: 0x0c, 0x6e: 0x0a, 0x72: 0x0d, 0x74: 0x09, 0x76: 0x0b };
const isOctal = (b: number | undefined): boolean => b !== undefined && b >= 0x30 && b <= 0x37;
const hexValue = (b: number | undefined): number => {
  if (b === undefined) return -1;
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  if (b >= 0x41 && b <= 0x46) return b - 0x37;
  if (b >= 0x61 && b <= 0x66) return b - 0x57;
  return -1;
};

/** A COPY text value with backslash escapes, as the server meant it (COPY FROM's rules). */
export function unescapeCopyText(buf: Uint8Array, s: number, e: number): string {
  if (scratch.length < e - s) scratch = Buffer.allocUnsafe(Math.max(e - s, scratch.length * 2));
  const out = scratch;
  let n = 0;
  for (let i = s; i < e; i++) {
    const b = buf[i]!;
    if (b !== BACKSLASH || i + 1 >= e) { out[n++] = b; continue; }
    const c = buf[++i]!;
    const simple = SIMPLE[c];
    if (simple !== undefined) { out[n++] = simple; continue; }
    if (isOctal(c)) {
      let v = c - 0x30;
      for (let k = 0; k < 2 && i + 1 < e && isOctal(buf[i + 1]); k++) v = v * 8 + (buf[++i]! - 0x30);
      out[n++] = v & 0xff;
      continue;
    }
    if (c === 0x78 && i + 1 < e && hexValue(buf[i + 1]) >= 0) { // \x with one or two hex digits
      let v = hexValue(buf[++i]);
      if (i + 1 < e && hexValue(buf[i + 1]) >= 0) v = v * 16 + hexValue(buf[++i]);
      out[n++] = v;
      continue;
    }
    out[n++] = c; // any other character stands for itself (\\ included)
  }
  return utf8Text(out, 0, n);
}

/**
 * What every `COPY (...) TO STDOUT` query object (node-postgres Submittable) answers to the
 * messages a COPY TO never brings: a statement that is not one would, and that fails it.
 * `label` names what is read, for the messages.
 */
export abstract class CopyToQuery {
  protected failed: Error | null = null;

  protected constructor(private readonly label: string) {}

  handleRowDescription(): void { this.failed ??= new Error(`the ${this.label} statement returned rows instead of COPY data`); }
  handleDataRow(): void { /* reported by handleRowDescription */ }
  handleEmptyQuery(): void { this.failed ??= new Error(`the ${this.label} statement was empty`); }
  handlePortalSuspended(): void { /* not used by the simple query protocol */ }
  handleCopyInResponse(connection: { sendCopyFail(msg: string): void }): void {
    connection.sendCopyFail(`a ${this.label} is read with COPY TO, never COPY FROM`);
  }
}

/**
 * `COPY (...) TO STDOUT` as a node-postgres query object (client.query(q) runs it in the
 * client's queue like any query); `result` settles with the chunk once the server is ready again.
 */
export class CopyChunkQuery extends CopyToQuery {
  readonly result: Promise<CopyChunk>;
  /** node-postgres calls this on errors it detects itself (a read timeout, a lost connection) */
  callback: (err: Error | null, chunk?: CopyChunk) => void;
  private readonly chunk: CopyChunk;
  private settled = false;

  constructor(private readonly sql: string, columns: CopyColumns, expectedRows: number) {
    super('snapshot chunk');
    this.chunk = new CopyChunk(columns, expectedRows);
    let resolve!: (c: CopyChunk) => void, reject!: (e: Error) => void;
    this.result = new Promise<CopyChunk>((res, rej) => { resolve = res; reject = rej; });
    this.callback = (err, chunk) => {
      if (this.settled) return;
      this.settled = true;
      if (err) reject(err); else resolve(chunk!);
    };
  }

  submit(connection: { query(text: string): void }): void {
    connection.query(this.sql);
  }

  handleCopyData(msg: { chunk: Buffer }): void {
    if (!this.failed) this.chunk.append(msg.chunk);
  }

  handleCommandComplete(): void {
    if (this.failed) return;
    try {
      this.chunk.finish();
    } catch (err) {
      this.failed = err as Error;
    }
  }

  handleError(err: Error): void {
    this.failed ??= err;
    this.callback(err);
  }

  handleReadyForQuery(): void {
    if (this.failed) this.callback(this.failed);
    else this.callback(null, this.chunk);
  }
}

/** Runs a chunk's COPY on `client`. */
export function copyChunk(client: pg.Client, sql: string, columns: CopyColumns, expectedRows: number): Promise<CopyChunk> {
  const q = new CopyChunkQuery(sql, columns, expectedRows);
  client.query(q as unknown as pg.Submittable);
  return q.result;
}
