/**
 * Plays the source task around a SnapshotEngine for unit tests, over the
 * InMemoryDatabase double: a stream that reads the double's log in order, a
 * Kafka that commits units in transactions (chunk outputs commit at once, as
 * commitAfter asks), crashes that lose the open transaction and rebuild the
 * engine from the committed offset, and checks of the snapshot invariants
 * over what was committed.
 */
import type { JsonMap } from '../../src/events/record.ts';
import { silentLogger, type Logger } from '../../src/log/logger.ts';
import type { KeyValues, SnapshotKind } from '../../src/snapshot/contracts.ts';
import { keyText } from '../../src/snapshot/chunk-windows.ts';
import { decodeSnapshotOffset } from '../../src/snapshot/offset-codec.ts';
import { SnapshotEngine } from '../../src/snapshot/snapshot-engine.ts';
import { compareKeys, type InMemoryDatabase, type TestRow } from './in-memory-chunk-source.ts';

export interface Emitted {
  readonly table: string;
  readonly id: string;
  readonly op: 'c' | 'u' | 'd' | 'r';
  readonly row: TestRow | null;
  readonly windowId?: string;
  readonly kind?: SnapshotKind;
  /** the chunk-key form of the row's key (reads only) */
  readonly chunkKey?: KeyValues;
}

export interface HarnessOptions {
  readonly chunkSize: number;
  readonly maxThreads?: number;
  readonly pipelineDepth?: number;
  /** false: the stream does not tell the engine about changes (a broken task; the checks must catch it) */
  readonly forwardChanges?: boolean;
  readonly log?: Logger;
}

export class SnapshotHarness {
  engine!: SnapshotEngine<TestRow>;
  /** log index the stream reads next */
  pos = 0;
  committed: Emitted[] = [];
  committedOffset: JsonMap | null = null;
  pending: Emitted[] = [];
  pendingOffset: JsonMap | null = null;
  /** problems found while running (window rule, re-read committed chunk) */
  readonly violations: string[] = [];
  restarts = 0;
  private windowSeq = 0;
  /** stream sequence number of each change processed, for the window rule */
  private streamSeq = 0;
  private readonly changedAt: { seq: number; table: string; key: string }[] = [];
  private readonly openedAt = new Map<string, number>();
  /** after a restart: per table, the committed position reads must stay strictly after */
  private resumeAfter = new Map<string, KeyValues | null>();
  private doneAtRestart = new Set<string>();
  /** per table, the chunk key of the last initial-snapshot read emitted by this engine (reset at a restart) */
  private lastInitialRead = new Map<string, KeyValues>();

  constructor(readonly db: InMemoryDatabase, readonly opts: HarnessOptions) {
    this.start();
  }

  private start(): void {
    this.lastInitialRead = new Map();
    this.engine = new SnapshotEngine<TestRow>({
      source: this.db, log: this.opts.log ?? silentLogger(), chunkSize: this.opts.chunkSize,
      maxThreads: this.opts.maxThreads, pipelineDepth: this.opts.pipelineDepth, where: 'connector "test"',
      newWindowId: () => {
        const id = `w${++this.windowSeq}`;
        this.openedAt.set(id, this.streamSeq);
        return id;
      },
    });
    const offset = this.committedOffset;
    this.engine.restore(offset ?? {}, 'test offset');
    this.pos = typeof offset?.pos === 'number' ? offset.pos : 0;
    if (offset === null) this.engine.startInitial(this.db.tableIds().map((id) => ({ id, filter: null, surrogateKey: null })));
  }

  /** Kill -9: the open transaction is lost; a new engine starts from the committed offset. */
  crash(): void {
    this.pending = [];
    this.pendingOffset = null;
    this.restarts++;
    const state = this.committedOffset ? decodeSnapshotOffset(this.committedOffset, 'test') : null;
    // Judged by what was committed, not by what the offset claims: the largest key read and committed per table.
    this.resumeAfter = new Map((state?.collections ?? []).map((c) => [c.collection.id, null]));
    for (const e of this.committed) {
      if (e.op !== 'r' || !this.resumeAfter.has(e.table)) continue;
      const seen = this.resumeAfter.get(e.table);
      if (seen === null || seen === undefined || compareKeys(e.chunkKey!, seen) > 0) this.resumeAfter.set(e.table, e.chunkKey!);
    }
    // tables whose initial snapshot was committed as done must not be read again
    this.doneAtRestart = new Set(this.committedOffset ? this.db.tableIds().filter((t) => !this.resumeAfter.has(t)) : []);
    this.start();
  }

  commit(): void {
    this.committed.push(...this.pending);
    if (this.pendingOffset) this.committedOffset = this.pendingOffset;
    this.pending = [];
    this.pendingOffset = null;
  }

  /** The stream reads up to `n` log entries. */
  stream(n = Infinity): void {
    for (let i = 0; i < n && this.pos < this.db.log.length; i++) {
      const e = this.db.log[this.pos++]!;
      if (e.kind === 'watermark') {
        const [out] = this.engine.onWatermark(e.id);
        if (!out) continue;
        this.checkWindowRule(e.id, out.tableId, out.rows);
        for (const row of out.rows) {
          const chunkKey = this.db.keyOf(out.tableId, row);
          this.checkResume(out.tableId, chunkKey);
          if (out.kind === 'initial') this.checkOnce(out.tableId, chunkKey);
          this.pending.push({ table: out.tableId, id: this.db.identity(out.tableId, row), op: 'r', row, windowId: e.id, chunkKey, kind: out.kind });
        }
        this.pendingOffset = { pos: this.pos, ...out.offset };
        this.commit(); // commitAfter
        continue;
      }
      const keys = [e.before, e.after].filter((r): r is TestRow => r !== null).map((r) => this.db.streamKey(e.table, r));
      for (const k of keys) {
        this.streamSeq++;
        this.changedAt.push({ seq: this.streamSeq, table: e.table, key: keyText(k) });
        if (this.opts.forwardChanges !== false) this.engine.onChange(e.table, k);
      }
      if (e.op === 'u' && e.before && e.after && this.db.identity(e.table, e.before) !== this.db.identity(e.table, e.after)) {
        // a key change is a delete of the old key and a create of the new one, as Debezium emits it
        this.pending.push({ table: e.table, id: this.db.identity(e.table, e.before), op: 'd', row: null });
        this.pending.push({ table: e.table, id: this.db.identity(e.table, e.after), op: 'c', row: e.after });
      } else {
        const row = e.after ?? e.before!;
        this.pending.push({ table: e.table, id: this.db.identity(e.table, row), op: e.op, row: e.after });
      }
      this.pendingOffset = { pos: this.pos, ...this.engine.offsetFields() };
    }
  }

  /** Runs stream and snapshot until the log is read and the snapshot is finished; commits. */
  async drain(maxRounds = 100_000): Promise<void> {
    for (let i = 0; i < maxRounds; i++) {
      this.stream();
      if (this.engine.finished && this.pos === this.db.log.length) { this.commit(); return; }
      await this.engine.step();
      // reads started by pump() may wait for turns of the event loop (the pump-mode source)
      await new Promise((r) => setImmediate(r));
    }
    throw new Error('snapshot did not finish');
  }

  /** One scan reads each key once: within a run, a table's initial-snapshot reads come in strictly increasing key order. */
  private checkOnce(table: string, chunkKey: KeyValues): void {
    const last = this.lastInitialRead.get(table);
    if (last !== undefined && compareKeys(chunkKey, last) <= 0) {
      this.violations.push(`${table}: key ${keyText(chunkKey)} read by the initial snapshot after ${keyText(last)} in the same run (a chunk read twice or out of order)`);
    }
    this.lastInitialRead.set(table, chunkKey);
  }

  private checkWindowRule(windowId: string, table: string, rows: readonly TestRow[]): void {
    const from = this.openedAt.get(windowId);
    if (from === undefined) { this.violations.push(`window ${windowId} emitted rows but was never opened`); return; }
    const changed = new Set(this.changedAt.filter((c) => c.seq > from && c.table === table).map((c) => c.key));
    for (const row of rows) {
      const k = keyText(this.db.keyOf(table, row));
      if (changed.has(k)) this.violations.push(`window ${windowId} of ${table} emitted key ${k}, which the stream changed inside the window`);
    }
  }

  private checkResume(table: string, key: KeyValues): void {
    if (this.doneAtRestart.has(table)) { this.violations.push(`${table} was read again after its snapshot was committed as done`); return; }
    const after = this.resumeAfter.get(table);
    if (after !== undefined && after !== null && compareKeys(key, after) <= 0) {
      this.violations.push(`${table}: key ${keyText(key)} read again after a restart, though reads up to ${keyText(after)} were committed`);
    }
  }

  /** Invariants over what was committed, against the database's final state. */
  finalProblems(): string[] {
    const problems = [...this.violations];
    for (const table of this.db.tableIds()) {
      const last = new Map<string, Emitted>();
      for (const e of this.committed) if (e.table === table) last.set(e.id, e);
      const final = new Map(this.db.rows(table).map((r) => [this.db.identity(table, r), r]));
      for (const [id, row] of final) {
        const e = last.get(id);
        if (!e) problems.push(`${table} ${id}: exists at the end but was never emitted`);
        else if (show(e.row) !== show(row)) problems.push(`${table} ${id}: last event ${e.op} ${show(e.row)} differs from the final row ${show(row)}`);
      }
      for (const [id, e] of last) {
        if (!final.has(id) && e.row !== null) problems.push(`${table} ${id}: deleted at the end, but its last event is ${e.op} ${show(e.row)}`);
      }
    }
    return problems;
  }
}

function show(row: TestRow | null): string {
  return JSON.stringify(row, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v));
}
