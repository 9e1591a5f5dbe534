/**
 * The replication stream's queue (max.queue.size messages, max.queue.size.in.bytes bytes),
 * holding each pgoutput message as bytes in a ring buffer rather than as a Buffer object per
 * message. Under load the queue is full, and a message waits in it for the few hundred
 * milliseconds the daemon takes to work through the thousands before it: every object queued
 * per message outlived V8's young generation, was copied by each scavenge on the way and then
 * promoted, the largest share of what the old generation collected (docs/benchmarks.md). Here a
 * queued message is a few numbers in typed arrays and its bytes in the ring; the objects of a
 * message (its item, a view of its bytes, its LSN) are made by take(), when it is handled.
 *
 * The bounds behave as src/runtime/bounded-queue.ts's, which the MySQL stream uses: offer()
 * admits a message whatever the bounds and answers whether the socket should pause; take()
 * waits up to waitMs for the first message. What take() hands out stays valid until the next
 * take(): the ring's bytes of those messages are released then, so a frame must not be kept (or
 * viewed) past the handling of its batch; pgoutput.ts copies the bytes it keeps.
 * The ring starts small (an idle connector touches little memory) and is replaced by one twice
 * its size, up to MAX_RING, when a message does not fit; a message that still does not fit gets
 * a Buffer of its own, so a message of any size passes.
 */
import { QueueSignals } from '../../src/runtime/queue-signals.ts';
import type { Lsn } from './lsn.ts';

export type StreamItem =
  | { readonly kind: 'message'; readonly lsn: Lsn; readonly frame: Buffer }
  | { readonly kind: 'keepalive'; readonly walEnd: Lsn };

const FIRST_RING = 256 * 1024;
const MAX_RING = 4 * 1024 * 1024;
const KEEPALIVE = -1;

export class FrameQueue {
  // Queued slots, circular: head is the oldest, count how many; arrays grow by doubling.
  private head = 0;
  private count = 0;
  private lsn = new BigUint64Array(1024);
  /** start in its buffer, or KEEPALIVE */
  private start = new Int32Array(1024);
  private len = new Int32Array(1024);
  /** the ring (or a message's own Buffer) holding each queued message; undefined for a keepalive */
  private buf: (Buffer | undefined)[] = new Array(1024);

  private ring: Buffer = Buffer.allocUnsafeSlow(FIRST_RING);
  /** [readPos, writePos) is held when not wrapped; [readPos, ring end) and [0, writePos) when wrapped */
  private readPos = 0;
  private writePos = 0;
  private wrapped = false;

  private bytesHeld = 0;
  /** Most bytes ever queued (tests, diagnostics). */
  peakBytes = 0;
  private readonly signals = new QueueSignals();

  constructor(private readonly capacity: number, private readonly maxBytes: number) {}

  get size(): number {
    return this.count;
  }

  /** Bytes of the messages queued (pgoutput message sizes). */
  get bytes(): number {
    return this.bytesHeld;
  }

  /** Bytes of the ring now (diagnostics, tests). */
  get ringBytes(): number {
    return this.ring.length;
  }

  private full(): boolean {
    return this.count >= this.capacity || (this.maxBytes > 0 && this.bytesHeld >= this.maxBytes);
  }

  /**
   * Queues the message chunk[from, end) (copied: chunk may be a read buffer that is reused);
   * false when the queue is full afterwards: pause the producer until whenSpace() calls back.
   */
  offerFrame(lsn: Lsn, chunk: Buffer, from: number): boolean {
    if (this.signals.failure !== null) return true;
    const n = chunk.length - from;
    const i = this.slot();
    const at = this.reserve(n);
    if (at >= 0) {
      chunk.copy(this.ring, at, from);
      this.buf[i] = this.ring;
      this.start[i] = at;
    } else {
      const own = Buffer.allocUnsafe(n);
      chunk.copy(own, 0, from);
      this.buf[i] = own;
      this.start[i] = 0;
    }
    this.len[i] = n;
    this.lsn[i] = lsn;
    this.bytesHeld += n;
    if (this.bytesHeld > this.peakBytes) this.peakBytes = this.bytesHeld;
    this.signals.dataArrived();
    return !this.full();
  }

  /** Queues a keepalive's end-of-WAL position (it weighs nothing). */
  offerKeepalive(walEnd: Lsn): boolean {
    if (this.signals.failure !== null) return true;
    const i = this.slot();
    this.buf[i] = undefined;
    this.start[i] = KEEPALIVE;
    this.len[i] = 0;
    this.lsn[i] = walEnd;
    this.signals.dataArrived();
    return !this.full();
  }

  /** Calls back once when the queue has room (at once if it has) or failed. */
  whenSpace(cb: () => void): void {
    this.signals.whenSpace(() => this.full(), cb);
  }

  /** Makes every waiting and later take() throw err. */
  fail(err: unknown): void {
    this.signals.fail(err);
  }

  /**
   * Up to max items, waiting up to waitMs for the first one. Releases the bytes of what the
   * previous take() handed out: its frames must no longer be read.
   */
  async take(max: number, waitMs: number): Promise<StreamItem[]> {
    await this.signals.waitForData(this.count === 0, waitMs);
    if (this.count === 0 && this.signals.failure !== null) throw this.signals.failure;
    this.release();
    const n = Math.min(max, this.count);
    const out: StreamItem[] = new Array(n);
    const mask = this.start.length - 1;
    for (let k = 0; k < n; k++) {
      const i = (this.head + k) & mask;
      const s = this.start[i]!;
      if (s === KEEPALIVE) {
        out[k] = { kind: 'keepalive', walEnd: this.lsn[i]! };
      } else {
        const b = this.buf[i]!;
        const l = this.len[i]!;
        this.bytesHeld -= l;
        out[k] = { kind: 'message', lsn: this.lsn[i]!, frame: s === 0 && l === b.length ? b : b.subarray(s, s + l) };
        this.buf[i] = undefined;
      }
    }
    this.head = (this.head + n) & mask;
    this.count -= n;
    this.signals.spaceFreed();
    return out;
  }

  /**
   * Frees the ring up to the oldest message still queued in it (what take() hands out next is
   * the oldest, so it stays held until the take() after).
   */
  private release(): void {
    const mask = this.start.length - 1;
    for (let k = 0; k < this.count; k++) {
      const i = (this.head + k) & mask;
      if (this.buf[i] === this.ring) {
        const s = this.start[i]!;
        if (this.wrapped && s < this.writePos) this.wrapped = false;
        this.readPos = s;
        return;
      }
    }
    this.readPos = 0;
    this.writePos = 0;
    this.wrapped = false;
  }

  /** Where n bytes go in the ring (a bigger ring when they do not fit), or -1: a Buffer of their own. */
  private reserve(n: number): number {
    if (n <= 0) return -1;
    const size = this.ring.length;
    if (!this.wrapped) {
      if (this.writePos + n <= size) return this.advance(this.writePos, n);
      if (n <= this.readPos) { this.wrapped = true; return this.advance(0, n); }
    } else if (this.writePos + n <= this.readPos) {
      return this.advance(this.writePos, n);
    }
    if (size >= MAX_RING || n > MAX_RING / 2) return -1;
    // A new ring; the old one stays alive as long as queued or handed-out messages refer to it.
    this.ring = Buffer.allocUnsafeSlow(Math.min(MAX_RING, Math.max(size * 2, n * 2)));
    this.readPos = 0;
    this.wrapped = false;
    return this.advance(0, n);
  }

  private advance(at: number, n: number): number {
    this.writePos = at + n;
    return at;
  }

  /** The next free slot at the tail (the slot arrays doubled when full). */
  private slot(): number {
    let cap = this.start.length;
    if (this.count === cap) {
      const grow = <A extends BigUint64Array | Int32Array>(a: A, make: (n: number) => A): A => {
        const b = make(cap * 2);
        for (let k = 0; k < this.count; k++) b[k] = a[(this.head + k) & (cap - 1)]!;
        return b;
      };
      this.lsn = grow(this.lsn, (n) => new BigUint64Array(n));
      this.start = grow(this.start, (n) => new Int32Array(n));
      this.len = grow(this.len, (n) => new Int32Array(n));
      const buf: (Buffer | undefined)[] = new Array(cap * 2);
      for (let k = 0; k < this.count; k++) buf[k] = this.buf[(this.head + k) & (cap - 1)];
      this.buf = buf;
      this.head = 0;
      cap *= 2;
    }
    const i = (this.head + this.count) & (cap - 1);
    this.count++;
    return i;
  }
}
