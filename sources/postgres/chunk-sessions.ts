/**
 * The chunked snapshot's SQL sessions (snapshot.max.threads readers and the
 * watermark writer), opened when a snapshot needs them and closed once none
 * has run for a while. A connector that only streams holds no snapshot session:
 * an idle connector keeps three server connections (its task's session, the slot
 * monitor's and its walsender) instead of five.
 */
import type pg from 'pg';
import type { Logger } from '../../src/log/logger.ts';

export interface ChunkSessionsDeps {
  /** opens one session, ready for chunk reads and watermark commits */
  readonly open: () => Promise<pg.Client>;
  /** snapshot.max.threads: sessions for chunk reads */
  readonly readers: number;
  readonly log: Logger;
  /** now, in ms (tests) */
  readonly now?: () => number;
}

/** Sessions unused this long (and none in use) are closed at the next idle check. */
export const SESSION_IDLE_CLOSE_MS = 30_000;

export class ChunkSessions {
  private readers: (Promise<pg.Client> | null)[];
  private writer: Promise<pg.Client> | null = null;
  private next = 0;
  private inUse = 0;
  private lastUsed = 0;
  private closed = false;

  constructor(private readonly deps: ChunkSessionsDeps) {
    this.readers = Array.from({ length: Math.max(1, deps.readers) }, () => null);
  }

  /** Runs `fn` on the next reader session in turn (opened first if need be). */
  withReader<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
    const i = this.next++ % this.readers.length;
    return this.use(() => (this.readers[i] ??= this.opened(() => { this.readers[i] = null; })), fn);
  }

  /** Runs `fn` on the watermark session: one session, so watermarks commit in the order asked. */
  withWatermark<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
    return this.use(() => (this.writer ??= this.opened(() => { this.writer = null; })), fn);
  }

  /** Number of sessions open or opening. */
  get open(): number {
    return this.readers.filter((r) => r !== null).length + (this.writer ? 1 : 0);
  }

  /**
   * Closes every session when `idle` (no snapshot has work), none is in use and none was used
   * for SESSION_IDLE_CLOSE_MS. The next snapshot opens them again.
   */
  closeIfIdle(idle: boolean): void {
    if (!idle || this.inUse > 0 || this.open === 0) return;
    if (this.now() - this.lastUsed < SESSION_IDLE_CLOSE_MS) return;
    const all = this.takeAll();
    this.deps.log.debug({ sessions: all.length }, 'snapshot sessions closed (no snapshot running)');
    void Promise.all(all.map(end));
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.takeAll().map(end));
  }

  private async use<T>(session: () => Promise<pg.Client>, fn: (c: pg.Client) => Promise<T>): Promise<T> {
    if (this.closed) throw new Error('snapshot sessions closed');
    this.inUse++;
    try {
      return await fn(await session());
    } finally {
      this.inUse--;
      this.lastUsed = this.now();
    }
  }

  /** A session being opened; a failed open is forgotten so that the next use tries again. */
  private opened(forget: () => void): Promise<pg.Client> {
    const p = this.deps.open();
    p.catch(() => forget());
    return p;
  }

  private takeAll(): Promise<pg.Client>[] {
    const all = [...this.readers, this.writer].filter((s): s is Promise<pg.Client> => s !== null);
    this.readers = this.readers.map(() => null);
    this.writer = null;
    return all;
  }

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }
}

async function end(s: Promise<pg.Client>): Promise<void> {
  await s.then((c) => c.end()).catch(() => undefined);
}
