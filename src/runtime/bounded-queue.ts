/**
 * A bounded FIFO between a producer that must wait when it is full (the
 * replication socket: waiting pauses it, so PostgreSQL holds the WAL, not our
 * heap) and a consumer that drains in batches with a timeout. The producer
 * either awaits put() per item or offers items and pauses itself (offer/whenSpace).
 *
 * Bounded by a count (max.queue.size) and, when maxBytes > 0, by bytes
 * (max.queue.size.in.bytes) as `weigh` measures each item, the way Debezium's
 * change event queue is: put() waits while either bound is reached. An item is
 * admitted whenever the queue is below both bounds, so the bytes held exceed
 * the bound by at most one item, and an item larger than the bound still passes
 * (alone), instead of blocking the stream forever.
 */
import { QueueSignals } from './queue-signals.ts';

export interface QueueByteBound<T> {
  /** 0 = no byte bound */
  readonly maxBytes: number;
  readonly weigh: (item: T) => number;
}

export class BoundedQueue<T> {
  private readonly items: T[] = [];
  private readonly weights: number[] = [];
  private head = 0;
  private bytesHeld = 0;
  private readonly signals = new QueueSignals();
  /** Most bytes ever held (tests, diagnostics). */
  peakBytes = 0;

  constructor(private readonly capacity: number, private readonly byteBound: QueueByteBound<T> | null = null) {}

  get size(): number {
    return this.items.length - this.head;
  }

  /** Bytes held, as the byte bound's `weigh` counts them (0 without a byte bound). */
  get bytes(): number {
    return this.bytesHeld;
  }

  private full(): boolean {
    if (this.size >= this.capacity) return true;
    const b = this.byteBound;
    return b !== null && b.maxBytes > 0 && this.bytesHeld >= b.maxBytes;
  }

  async put(item: T): Promise<void> {
    while (this.full() && this.signals.failure === null) await this.signals.nextSpace();
    if (this.signals.failure !== null) return;
    this.push(item);
  }

  /**
   * Adds the item now, whatever the bounds, for a producer that cannot wait per item (a socket
   * whose frames are parsed synchronously): false when the queue is full afterwards, and the
   * producer should pause until whenSpace() calls back. The bounds are then exceeded by what
   * the producer hands over before its pause takes effect (the rest of one socket read).
   */
  offer(item: T): boolean {
    if (this.signals.failure !== null) return true;
    this.push(item);
    return !this.full();
  }

  /** Calls back once when the queue has room (at once if it has) or failed. */
  whenSpace(cb: () => void): void {
    this.signals.whenSpace(() => this.full(), cb);
  }

  private push(item: T): void {
    const w = this.byteBound ? this.byteBound.weigh(item) : 0;
    this.items.push(item);
    this.weights.push(w);
    this.bytesHeld += w;
    if (this.bytesHeld > this.peakBytes) this.peakBytes = this.bytesHeld;
    this.signals.dataArrived();
  }

  /** Makes every waiting and later take() throw err. */
  fail(err: unknown): void {
    this.signals.fail(err);
  }

  /** Up to max items; waits up to waitMs for the first one. */
  async take(max: number, waitMs: number): Promise<T[]> {
    await this.signals.waitForData(this.size === 0, waitMs);
    if (this.size === 0 && this.signals.failure !== null) throw this.signals.failure;
    const n = Math.min(max, this.size);
    const out = this.items.slice(this.head, this.head + n);
    // A taken item is no longer referenced from here: a replication message can pin the whole
    // socket read it was cut from (64 KiB), and a slow stream (a chunked snapshot's watermarks)
    // would otherwise keep thousands of them until the array is compacted.
    const slots = this.items as (T | undefined)[];
    for (let i = this.head; i < this.head + n; i++) { this.bytesHeld -= this.weights[i]!; slots[i] = undefined; }
    this.head += n;
    if (this.head === this.items.length) {
      this.items.length = 0;
      this.weights.length = 0;
      this.head = 0;
    } else if (this.head > 4096 && this.head * 2 > this.items.length) {
      this.items.splice(0, this.head);
      this.weights.splice(0, this.head);
      this.head = 0;
    }
    this.signals.spaceFreed();
    return out;
  }
}
