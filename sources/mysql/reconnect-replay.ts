/**
 * What a reconnect must not hand out twice. After the dump connection drops, the reader resumes
 * at the open transaction's start (rows need their table map, so a restart cannot land in the
 * middle) and the server sends that transaction again from its GTID event; the members of it
 * that were already queued (begin, table maps, row events) are dropped here, in order, and the
 * first replayed begin must carry the same GTID, else the binlog changed under us.
 */
import type { BinlogEvent } from './binlog-events.ts';

export type ReplayVerdict = 'queue' | 'skip' | { readonly mismatch: { readonly expected: string; readonly found: string | null } };

const isMember = (e: BinlogEvent) => e.type === 'begin' || e.type === 'table-map' || e.type === 'rows' || e.type === 'rows-query';

export class ReconnectReplay {
  /** Members of the open transaction queued so far. */
  private received = 0;
  private skip = 0;
  private expectGtid: string | null = null;

  /** Decides for each translated event, in stream order. */
  admit(e: BinlogEvent): ReplayVerdict {
    if (e.type === 'begin') this.received = 0;
    const member = isMember(e);
    if (this.skip > 0 && member) {
      if (e.type === 'begin' && this.expectGtid !== null && e.gtid !== this.expectGtid) {
        this.skip = 0;
        return { mismatch: { expected: this.expectGtid, found: e.gtid } };
      }
      this.skip--;
      this.received++;
      return 'skip';
    }
    this.skip = 0;
    if (member) this.received++;
    if (e.type === 'commit' || e.type === 'ddl') this.received = 0;
    return 'queue';
  }

  /** The connection dropped; `openGtid` is undefined when no transaction was open. */
  onDrop(open: { gtid: string | null } | null): void {
    this.skip = open ? this.received : 0;
    this.expectGtid = open?.gtid ?? null;
    this.received = 0;
  }
}
