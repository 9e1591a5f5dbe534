/**
 * The stream side of the MySQL chunked snapshot's integration test (sources/mysql/chunk-source.it.test.ts):
 * the real binlog reader driving the companion as sources/mysql/streaming.ts does, recording what it
 * emits in order, and window positions recorded for inspection.
 */
import { pulled } from './pulled-units.ts';
import type { SourceUnit } from '../../src/events/record.ts';
import type { BinlogReader } from '../../sources/mysql/binlog-reader.ts';
import type { BinlogEvent } from '../../sources/mysql/binlog-events.ts';
import { WindowPoints, type BinlogPoint } from '../../sources/mysql/chunk-position.ts';
import type { MySqlChunkedRun } from '../../sources/mysql/chunked-run.ts';
import type { MySqlRow } from '../../sources/mysql/event-model.ts';

/** Positions registered for windows, so tests can hold a chunk's rows against its P. */
export class RecordingPoints extends WindowPoints {
  readonly registered = new Map<string, BinlogPoint>();
  override register(windowId: string, point: BinlogPoint): void {
    this.registered.set(windowId, point);
    super.register(windowId, point);
  }
}


/** What the emulated stream emitted, in order: changes as the binlog gave them, reads as the companion gave them. */
export type Emitted = { kind: 'change'; table: string; key: string; before: MySqlRow | null; after: MySqlRow | null } | { kind: 'read'; table: string; key: string; row: MySqlRow };


/**
 * The stream: reads the binlog and drives the companion as streaming.ts does (rows, positions,
 * transaction boundaries, decorate after every event and when idle) until `done` says stop.
 */
export async function stream(r: BinlogReader, run: MySqlChunkedRun, db: string, keyOfRow: (table: string, row: MySqlRow) => string, out: Emitted[], done: () => boolean, ms = 120_000, lagMs = 0): Promise<void> {
  const c = run.companion;
  let between = true;
  const idle = (): SourceUnit => ({ records: [], partition: {}, offset: {} });
  const take = (units: readonly SourceUnit[]) => {
    for (const u of pulled(units)) for (const rec of u.records) {
      const v = rec.value as { table: string; row: MySqlRow };
      out.push({ kind: 'read', table: v.table, key: keyOfRow(v.table, v.row), row: v.row });
    }
  };
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`stream emulation timed out; ${out.length} events so far; progress ${c.status()}`);
    const ac = new AbortController();
    const t = setTimeout(() => ac.abort(), 100);
    let e: BinlogEvent | null;
    try { e = await r.next(ac.signal); } finally { clearTimeout(t); }
    if (e === null) { take(c.decorate(null, between, idle)); continue; }
    if (e.type === 'begin') between = false;
    if (e.type === 'rows' && e.db === db) {
      const id = `${db}.${e.table}`;
      const rows: MySqlRow[] = [];
      for (const ch of e.rows) {
        if (ch.before) rows.push(ch.before);
        if (ch.after) rows.push(ch.after);
        const k = keyOfRow(e.table, (ch.after ?? ch.before)!);
        const kb = ch.before ? keyOfRow(e.table, ch.before) : k;
        if (kb !== k) out.push({ kind: 'change', table: e.table, key: kb, before: ch.before, after: null });
        out.push({ kind: 'change', table: e.table, key: k, before: kb === k ? ch.before : null, after: ch.after });
      }
      c.onRowChange(id, rows);
      // a stream that lags behind the writes keeps windows open while rows they hold change
      if (lagMs > 0) await new Promise((res) => setTimeout(res, lagMs));
    }
    if (e.nextPos > 0) c.onPosition(e.file, e.nextPos);
    if (e.type === 'commit' || e.type === 'ddl') between = true;
    take(c.decorate(null, between, idle));
  }
}
