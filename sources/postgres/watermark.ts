/**
 * The chunk watermark on PostgreSQL: a transactional logical decoding message
 * (pg_logical_emit_message) under a prefix reserved for this daemon, whose
 * content is the window id. It needs no write access to any user table, and the
 * stream (pgoutput with messages on) delivers it in commit order among the
 * changes. Messages under this prefix are the engine's, never the user's
 * <topic.prefix>.message records.
 *
 * Also the memory of which transactions the stream has begun, for the chunk
 * select's visibility check (chunk-source.ts).
 */

/** Reserved prefix of watermark messages (a prefix no user message should use). */
export const WATERMARK_PREFIX = '__cdcd_snapshot_watermark';

export function isWatermark(prefix: string): boolean {
  return prefix === WATERMARK_PREFIX;
}

/** The window id a watermark message carries (its content, UTF-8). */
export function watermarkWindow(content: Uint8Array | Buffer): string {
  return Buffer.from(content.buffer, content.byteOffset, content.byteLength).toString('utf8');
}

/**
 * The xids of the transactions the stream began most recently. A transaction the
 * stream decoded has committed in WAL; it can stay "in progress" for new snapshots
 * only for the short time before the server marks it ended, so the last few
 * thousand are all that a chunk select might still miss.
 */
export class RecentXids {
  private readonly ring: number[];
  private at = 0;
  private filled = 0;

  constructor(private readonly capacity = 4096) {
    this.ring = new Array<number>(capacity).fill(0);
  }

  add(xid: number): void {
    this.ring[this.at] = xid >>> 0;
    this.at = (this.at + 1) % this.capacity;
    if (this.filled < this.capacity) this.filled++;
  }

  /** The remembered xids, newest last, deduplicated. */
  list(): number[] {
    const out = new Set<number>();
    for (let i = this.filled; i > 0; i--) out.add(this.ring[(this.at - i + this.capacity) % this.capacity]!);
    return [...out];
  }
}
