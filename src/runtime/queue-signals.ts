/**
 * The waiting half of a bounded queue between a socket and a task: the consumer waits for data
 * (with a timeout), the producer for space, and a failure wakes both. The queues own their
 * storage and bounds and ask this for the rest: bounded-queue.ts (a list of items) and the
 * PostgreSQL stream's frame-queue.ts (bytes in a ring).
 */
export class QueueSignals {
  private spaceWaiters: (() => void)[] = [];
  private dataWaiter: (() => void) | null = null;
  /** The failure every later take() throws once the queue is drained; null while none. */
  failure: unknown = null;

  /** Data arrived: wakes the consumer waiting in waitForData(). */
  dataArrived(): void {
    const d = this.dataWaiter;
    this.dataWaiter = null;
    d?.();
  }

  /** Room was made (or the queue failed): every space waiter checks again. */
  spaceFreed(): void {
    const ws = this.spaceWaiters;
    this.spaceWaiters = [];
    for (const w of ws) w();
  }

  /** Keeps the first failure and wakes everyone. */
  fail(err: unknown): void {
    if (this.failure === null) this.failure = err;
    this.dataArrived();
    this.spaceFreed();
  }

  /** Resolves once space was freed or the queue failed (put() loops on its bounds). */
  nextSpace(): Promise<void> {
    return new Promise<void>((r) => this.spaceWaiters.push(r));
  }

  /** Calls back once the queue is not full (at once if it is not) or failed. */
  whenSpace(full: () => boolean, cb: () => void): void {
    if (!full() || this.failure !== null) cb();
    else this.spaceWaiters.push(() => { if (full() && this.failure === null) this.whenSpace(full, cb); else cb(); });
  }

  /** Waits up to waitMs for dataArrived() when the queue is empty and has not failed. */
  async waitForData(empty: boolean, waitMs: number): Promise<void> {
    if (!empty || this.failure !== null || waitMs <= 0) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => { this.dataWaiter = null; resolve(); }, waitMs);
      this.dataWaiter = () => { clearTimeout(t); resolve(); };
    });
  }
}
