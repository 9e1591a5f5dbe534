/**
 * Binlog positions as the chunked snapshot uses them, and the windows waiting
 * for the stream to reach theirs.
 *
 * The watermark without writes: a chunk is read in a transaction WITH
 * CONSISTENT SNAPSHOT that also reports the binlog position P its rows are
 * the state of (chunk-source.ts). Its window closes once the stream has
 * processed the binlog up to P: every change the chunk sees came through the
 * stream by then, and every change it does not see comes after. Nothing is
 * written to the user's database.
 *
 * Positions compare as (file sequence number, offset): binlog files are
 * <basename>.<number>, numbered upwards, and offsets grow within a file.
 */

export interface BinlogPoint {
  readonly file: string;
  readonly pos: number;
}

/** The sequence number of a binlog file name (the digits after the last dot). */
export function fileSequence(file: string): number {
  const m = /\.(\d+)$/.exec(file);
  if (!m) throw new Error(`binlog file name "${file}" does not end in a sequence number`);
  return Number(m[1]);
}

/** <0, 0, >0 as a is before, at, after b. */
export function comparePoints(a: BinlogPoint, b: BinlogPoint): number {
  const fa = fileSequence(a.file), fb = fileSequence(b.file);
  return fa !== fb ? fa - fb : a.pos - b.pos;
}

export function pointText(p: BinlogPoint | null): string {
  return p === null ? 'none' : `${p.file}:${p.pos}`;
}

/**
 * The stream's progress as the snapshot needs it, and the windows waiting on it.
 *
 * `processed`: where the stream has got to (after the last event or heartbeat it
 * handled); windows with P at or before it may close.
 * `lastChange`: the processed position right after the last event that carried a
 * captured row change. The re-read rule compares a chunk's P with it, not with
 * `processed`: a change at or before it was emitted already, so a chunk must see
 * it (P at or after it), while positions after it hold only events without
 * captured rows (the header events of a new binlog file, heartbeats), which a
 * consistent snapshot's P does not pass (after FLUSH BINARY LOGS, P is the end
 * of the new file's header events, which the stream may never report).
 * A rows event of a transaction ends before that transaction's commit, so a
 * snapshot sees the transaction exactly when its P is at or after the end of
 * the rows event.
 */
export class WindowPoints {
  private processedAt: BinlogPoint | null = null;
  private lastChangeAt: BinlogPoint | null = null;
  /** a captured change was handed over since the last position: its own position is not known yet */
  private changeOpen = false;
  private waiters: (() => void)[] = [];
  /** windows waiting for the stream, in registration order */
  private readonly pending: { readonly windowId: string; readonly point: BinlogPoint }[] = [];

  get processed(): BinlogPoint | null { return this.processedAt; }
  get waiting(): number { return this.pending.length; }

  /** The stream handed over a captured row change (before the position of its event is reported). */
  noteChange(): void {
    this.changeOpen = true;
  }

  /**
   * The stream processed an event (or heartbeat) ending at `point`. A position of 0 (an event
   * the server sent without one) says nothing: an open change then waits for the next real one.
   */
  advance(point: BinlogPoint): void {
    if (!(point.pos > 0)) return;
    if (this.processedAt === null || comparePoints(point, this.processedAt) >= 0) this.processedAt = point;
    if (this.changeOpen) {
      this.lastChangeAt = this.processedAt;
      this.changeOpen = false;
      for (const w of this.waiters.splice(0)) w();
    }
  }

  /**
   * The position a chunk read from now on must be at or after (null: none yet). Waits while a
   * change was handed over whose position the stream has not reported yet.
   */
  async mustSee(): Promise<BinlogPoint | null> {
    while (this.changeOpen) await new Promise<void>((res) => this.waiters.push(res));
    return this.lastChangeAt;
  }

  /** Window `windowId` closes when the stream has processed the binlog up to `point`. */
  register(windowId: string, point: BinlogPoint): void {
    this.pending.push({ windowId, point });
  }

  /**
   * The windows whose point the stream has reached, in registration order, taken out. Also true
   * when the stream is idle: a point already at or before the processed position is due at once.
   */
  due(): string[] {
    const at = this.processedAt;
    if (at === null || this.pending.length === 0) return [];
    const out: string[] = [];
    for (let i = 0; i < this.pending.length;) {
      const w = this.pending[i]!;
      if (comparePoints(w.point, at) <= 0) { out.push(w.windowId); this.pending.splice(i, 1); } else i++;
    }
    return out;
  }
}
