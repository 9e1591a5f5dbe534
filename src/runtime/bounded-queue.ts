/**
 * A bounded FIFO between a producer that must wait when it is full (the
 * replication socket: waiting pauses it, so PostgreSQL holds the WAL, not our
 * heap) and a consumer that drains in batches with a timeout.
 */
export class BoundedQueue<T> {
  private readonly items: T[] = [];
  private head = 0;
  private spaceWaiters: (() => void)[] = [];
  private dataWaiter: (() => void) | null = null;
  private failure: unknown = null;

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.items.length - this.head;
  }

  async put(item: T): Promise<void> {
    while (this.size >= this.capacity && this.failure === null) {
      await new Promise<void>((r) => this.spaceWaiters.push(r));
    }
    if (this.failure !== null) return;
    this.items.push(item);
    const w = this.dataWaiter;
    this.dataWaiter = null;
    w?.();
  }

  /** Makes every waiting and later take() throw err. */
  fail(err: unknown): void {
    if (this.failure === null) this.failure = err;
    const w = this.dataWaiter;
    this.dataWaiter = null;
    w?.();
    this.releaseSpace();
  }

  /** Up to max items; waits up to waitMs for the first one. */
  async take(max: number, waitMs: number): Promise<T[]> {
    if (this.size === 0 && this.failure === null && waitMs > 0) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => { this.dataWaiter = null; resolve(); }, waitMs);
        this.dataWaiter = () => { clearTimeout(t); resolve(); };
      });
    }
    if (this.size === 0 && this.failure !== null) throw this.failure;
    const n = Math.min(max, this.size);
    const out = this.items.slice(this.head, this.head + n);
    this.head += n;
    if (this.head > 4096 && this.head * 2 > this.items.length) {
      this.items.splice(0, this.head);
      this.head = 0;
    }
    this.releaseSpace();
    return out;
  }

  private releaseSpace(): void {
    const ws = this.spaceWaiters;
    this.spaceWaiters = [];
    for (const w of ws) w();
  }
}
