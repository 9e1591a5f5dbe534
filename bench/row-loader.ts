/**
 * The load generator of the PostgreSQL throughput bench, run as its own process
 * (so its CPU and event loop never share the bench's consumer clock):
 *   node --import tsx bench/row-loader.ts '<json LoadPlan>'
 * Inserts plan.rows rows into bench_events in transactions of a random size
 * 1..plan.maxTxnRows, each one INSERT ... SELECT FROM unnest($1..$6) statement
 * (an implicit transaction: one round trip per transaction, no BEGIN/COMMIT
 * round trips), back to back on one connection, as fast as PostgreSQL takes them.
 * The sizes come from a seeded generator, so a seed replays the same transactions.
 * With a rate (rows/s), each transaction waits until the rows before it are due (the steady
 * mode of the bench); one that starts late is sent at once and counted in maxLagMs.
 * Prints one JSON LoadResult line on stdout when done.
 */
import pg from 'pg';
import { BENCH_TABLE } from './bench-table.ts';

export interface LoadPlan {
  readonly pg: { host: string; port: number; user: string; password: string };
  readonly database: string;
  readonly rows: number;
  readonly maxTxnRows: number;
  readonly seed: number;
  /** when set, every note is this many characters (wide rows); else 2..9 short words */
  readonly noteChars: number | null;
  /** rows per second to pace the load at; absent or null: as fast as PostgreSQL takes it */
  readonly rate?: number | null;
  /**
   * synchronous_commit=on for the loader's session: each commit flushes its WAL, so the walsender
   * sees it at once. The stack runs with synchronous_commit=off, where the WAL writer flushes every
   * wal_writer_delay (200 ms) and a commit reaches logical decoding up to that much later: fine for
   * a burst, but it would be most of a steady load's latency, and no default server has it.
   */
  readonly syncCommit?: boolean;
}

export interface LoadResult {
  readonly rows: number;
  readonly transactions: number;
  /** wall clock (ms since epoch) just before the first INSERT was sent */
  readonly startedAtMs: number;
  /** wall clock when the last INSERT's commit was acknowledged */
  readonly finishedAtMs: number;
  /** pg_current_wal_lsn() after the last commit */
  readonly endLsn: string;
  /** with a rate: the most a transaction was sent after its due time */
  readonly maxLagMs: number;
}

/** mulberry32: small, fast, good enough for transaction sizes and column values. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Transaction sizes: uniform in 1..maxTxnRows, the last one cut to what remains. */
export function transactionSizes(rows: number, maxTxnRows: number, random: () => number): number[] {
  const sizes: number[] = [];
  let left = rows;
  while (left > 0) {
    const n = Math.min(left, 1 + Math.floor(random() * maxTxnRows));
    sizes.push(n);
    left -= n;
  }
  return sizes;
}

const STATUSES = ['new', 'paid', 'shipped', 'delivered', 'returned', 'cancelled'];
const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet', 'kilo', 'lima'];

const INSERT = `INSERT INTO ${BENCH_TABLE} (account_id, quantity, status, note, amount, updated_at)
  SELECT * FROM unnest($1::int[], $2::int[], $3::text[], $4::text[], $5::numeric[], $6::timestamptz[])`;

export async function loadRows(plan: LoadPlan): Promise<LoadResult> {
  const random = seededRandom(plan.seed);
  const sizes = transactionSizes(plan.rows, plan.maxTxnRows, random);
  const client = new pg.Client({ ...plan.pg, database: plan.database, application_name: 'cdc-bench-loader' });
  await client.connect();
  try {
    if (plan.syncCommit) await client.query('SET synchronous_commit = on');
    const startedAtMs = Date.now();
    const rate = plan.rate ?? null;
    let sent = 0, maxLagMs = 0;
    for (const n of sizes) {
      if (rate !== null) {
        const due = startedAtMs + (sent / rate) * 1000;
        const now = Date.now();
        if (now < due) await new Promise((r) => setTimeout(r, due - now));
        else maxLagMs = Math.max(maxLagMs, now - due);
      }
      sent += n;
      const account: number[] = [], qty: number[] = [], status: string[] = [], note: (string | null)[] = [], amount: string[] = [], updated: (string | null)[] = [];
      for (let i = 0; i < n; i++) {
        account.push(1 + Math.floor(random() * 100_000));
        qty.push(1 + Math.floor(random() * 50));
        status.push(STATUSES[Math.floor(random() * STATUSES.length)]!);
        const words = 2 + Math.floor(random() * 8);
        const text = Array.from({ length: words }, () => WORDS[Math.floor(random() * WORDS.length)]).join(' ');
        if (plan.noteChars !== null) note.push(text.repeat(Math.ceil(plan.noteChars / text.length)).slice(0, plan.noteChars));
        else note.push(random() < 0.1 ? null : text);
        amount.push((random() * 10_000).toFixed(2));
        updated.push(random() < 0.5 ? null : new Date(Date.now() - Math.floor(random() * 86_400_000)).toISOString());
      }
      await client.query(INSERT, [account, qty, status, note, amount, updated]);
    }
    const finishedAtMs = Date.now();
    const lsn = await client.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
    return { rows: plan.rows, transactions: sizes.length, startedAtMs, finishedAtMs, endLsn: lsn.rows[0]!.lsn, maxLagMs };
  } finally {
    await client.end().catch(() => undefined);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const plan = JSON.parse(process.argv[2] ?? '') as LoadPlan;
  loadRows(plan).then(
    (r) => { process.stdout.write(`${JSON.stringify(r)}\n`); process.exit(0); },
    (err: unknown) => { process.stderr.write(`row-loader failed: ${err instanceof Error ? err.stack : String(err)}\n`); process.exit(1); },
  );
}
