/**
 * The reader's queue, bounded by rows AND bytes rather than by events: one binlog rows event
 * holds many rows, and one 1,000,000-row transaction is a few hundred thousand events. The
 * producer (zongji's synchronous 'binlog' emitter) cannot wait, so the bound is enforced by
 * telling the reader to pause the socket (`onHigh`) once a bound is passed, and to resume it
 * (`onLow`) once the consumer drained below half of both: MariaDB then holds the binlog, not
 * our heap (issue 10: without it one transaction queued 830,000 rows and ran out of heap).
 */
export interface QueueBounds {
  readonly maxRows: number;
  readonly maxBytes: number;
}

export interface QueueWeight {
  readonly rows: number;
  readonly bytes: number;
}

export class EventQueue<T> {
  private items: { item: T; w: QueueWeight }[] = [];
  private head = 0;
  private rows = 0;
  private bytes = 0;
  private high = false;
  private waiter: (() => void) | null = null;
  private failure: unknown = null;
  private closed = false;
  /** Largest row count ever held (for tests and metrics). */
  peakRows = 0;
  peakBytes = 0;

  constructor(private readonly bounds: QueueBounds, private readonly hooks: { onHigh: () => void; onLow: () => void }) {}

  get queuedRows(): number { return this.rows; }
  get queuedBytes(): number { return this.bytes; }
  get size(): number { return this.items.length - this.head; }
  /** True between onHigh and onLow. */
  get isHigh(): boolean { return this.high; }

  push(item: T, w: QueueWeight): void {
    this.items.push({ item, w });
    this.rows += w.rows;
    this.bytes += w.bytes;
    if (this.rows > this.peakRows) this.peakRows = this.rows;
    if (this.bytes > this.peakBytes) this.peakBytes = this.bytes;
    if (!this.high && (this.rows >= this.bounds.maxRows || this.bytes >= this.bounds.maxBytes)) {
      this.high = true;
      this.hooks.onHigh();
    }
    this.wake();
  }

  /** Makes the next take() (once the queue is empty) throw err. */
  fail(err: unknown): void {
    if (this.failure === null) this.failure = err;
    this.wake();
  }

  /** After close, take() returns null once drained. */
  close(): void {
    this.closed = true;
    this.wake();
  }

  /** The next item; waits for one. null once closed and drained. */
  async take(signal?: AbortSignal): Promise<T | null> {
    while (this.size === 0) {
      if (this.failure !== null) throw this.failure;
      if (this.closed || signal?.aborted) return null;
      await new Promise<void>((resolve) => {
        const onAbort = () => resolve();
        signal?.addEventListener('abort', onAbort, { once: true });
        this.waiter = () => { signal?.removeEventListener('abort', onAbort); resolve(); };
      });
    }
    const { item, w } = this.items[this.head]!;
    this.items[this.head] = undefined as never;
    this.head++;
    if (this.head > 4096 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    this.rows -= w.rows;
    this.bytes -= w.bytes;
    if (this.high && this.rows <= this.bounds.maxRows / 2 && this.bytes <= this.bounds.maxBytes / 2) {
      this.high = false;
      this.hooks.onLow();
    }
    return item;
  }

  /** Drops everything queued (the reader restarts from a position before it). */
  clear(): void {
    this.items = [];
    this.head = 0;
    this.rows = 0;
    this.bytes = 0;
    if (this.high) {
      this.high = false;
      this.hooks.onLow();
    }
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }
}
