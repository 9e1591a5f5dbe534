/**
 * The chunked snapshot's SQL connections: snapshot.max.threads of them, each
 * used by one caller at a time (a chunk read is a transaction of several
 * statements, which must not interleave with another caller's on the same
 * connection), opened with the value options the binlog reader uses so that
 * snapshot rows have the binlog rows' forms (types.it.test.ts checks the pair).
 */
import type mysql from 'mysql2/promise';

/** What the chunk source needs of a connection (mysql2/promise Connection). */
export type SqlSession = Pick<mysql.Connection, 'query' | 'execute'>;

/**
 * Session settings of every snapshot connection: UTC, so TIMESTAMP values print as the binlog
 * reader prints them (timezone 'Z'); REPEATABLE READ, without which WITH CONSISTENT SNAPSHOT
 * takes no snapshot.
 */
export const SNAPSHOT_SESSION_STATEMENTS: readonly string[] = [
  "SET time_zone = '+00:00'",
  'SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ',
];

export class SessionPool {
  private readonly idle: SqlSession[];
  private readonly waiting: ((s: SqlSession) => void)[] = [];

  constructor(sessions: readonly SqlSession[]) {
    if (sessions.length === 0) throw new RangeError('the snapshot needs at least one SQL connection');
    this.idle = [...sessions];
  }

  /** Runs fn with a connection no one else uses meanwhile. */
  async use<T>(fn: (s: SqlSession) => Promise<T>): Promise<T> {
    const s = this.idle.pop() ?? await new Promise<SqlSession>((res) => this.waiting.push(res));
    try {
      return await fn(s);
    } finally {
      const next = this.waiting.shift();
      if (next) next(s); else this.idle.push(s);
    }
  }
}
