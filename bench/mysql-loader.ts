/**
 * The load generator of the MariaDB throughput bench, run as its own process
 * (its CPU and event loop never share the bench consumer's clock):
 *   node --import tsx bench/mysql-loader.ts '<json MysqlLoadPlan>'
 * Inserts plan.rows rows with ids firstId.. into bench_events, in transactions of
 * a random size 1..maxTxnRows (seeded, values drawn as bench/row-loader.ts draws
 * them), each one multi-row INSERT in autocommit mode (one round trip per
 * transaction). Without a rate, back to back as fast as the server takes them
 * (the pre-written binlog of the catch-up); with one, transaction k is sent when
 * rate says the rows before it are due (a steady live load; a late start is sent
 * at once and counted in maxLagMs).
 *
 * Why the loader notes commit times: the binlog event header carries seconds, so
 * the events' source.ts_ms is whole seconds on MariaDB; commit -> visible latency
 * is measured from the moment each transaction's commit was acknowledged here.
 * Prints one JSON MysqlLoadResult line on stdout when done.
 */
import mysql from 'mysql2/promise';
import { seededRandom, transactionSizes } from './row-loader.ts';
import { MYSQL_BENCH_TABLE_NAME } from './mysql-table.ts';

export interface MysqlLoadPlan {
  readonly mysql: { host: string; port: number; user: string; password: string };
  readonly database: string;
  readonly firstId: number;
  readonly rows: number;
  readonly maxTxnRows: number;
  readonly seed: number;
  readonly noteChars: number | null;
  /** rows per second, or null for as fast as possible */
  readonly rate: number | null;
}

export interface BinlogPoint { readonly file: string; readonly pos: number }

export interface MysqlLoadResult {
  readonly rows: number;
  readonly transactions: number;
  readonly startedAtMs: number;
  readonly finishedAtMs: number;
  /** binlog head just before the first and just after the last transaction */
  readonly binlogStart: BinlogPoint;
  readonly binlogEnd: BinlogPoint;
  /** per transaction, in order: the last id it inserted and when its commit was acknowledged */
  readonly lastIds: number[];
  readonly commitAckMs: number[];
  /** with a rate: the most a transaction was sent after its due time */
  readonly maxLagMs: number;
}

const STATUSES = ['new', 'paid', 'shipped', 'delivered', 'returned', 'cancelled'];
const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel', 'india', 'juliet', 'kilo', 'lima'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function head(c: mysql.Connection): Promise<BinlogPoint> {
  const [rows] = await c.query('SHOW MASTER STATUS');
  const r = (rows as { File: string; Position: number }[])[0];
  if (!r) throw new Error('SHOW MASTER STATUS returned nothing: is log_bin on?');
  return { file: r.File, pos: Number(r.Position) };
}

function mysqlTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace('Z', '');
}

export async function loadMysqlRows(plan: MysqlLoadPlan): Promise<MysqlLoadResult> {
  const random = seededRandom(plan.seed);
  const sizes = transactionSizes(plan.rows, plan.maxTxnRows, random);
  const c = await mysql.createConnection({ ...plan.mysql, database: plan.database, timezone: 'Z' });
  const insert = `INSERT INTO ${MYSQL_BENCH_TABLE_NAME} (id, account_id, quantity, status, note, amount, updated_at) VALUES ?`;
  try {
    await c.query("SET time_zone = '+00:00'");
    const binlogStart = await head(c);
    const lastIds: number[] = [], commitAckMs: number[] = [];
    let id = plan.firstId, sent = 0, maxLagMs = 0;
    const startedAtMs = Date.now();
    for (const n of sizes) {
      if (plan.rate !== null) {
        const due = startedAtMs + (sent / plan.rate) * 1000;
        const now = Date.now();
        if (due > now) await sleep(due - now);
        else maxLagMs = Math.max(maxLagMs, now - due);
      }
      const values: unknown[][] = [];
      for (let i = 0; i < n; i++) {
        const words = 2 + Math.floor(random() * 8);
        const text = Array.from({ length: words }, () => WORDS[Math.floor(random() * WORDS.length)]).join(' ');
        const account = 1 + Math.floor(random() * 100_000), qty = 1 + Math.floor(random() * 50);
        const status = STATUSES[Math.floor(random() * STATUSES.length)]!;
        const note = plan.noteChars !== null ? text.repeat(Math.ceil(plan.noteChars / text.length)).slice(0, plan.noteChars) : random() < 0.1 ? null : text;
        const amount = (random() * 10_000).toFixed(2);
        const updated = random() < 0.5 ? null : mysqlTimestamp(Date.now() - Math.floor(random() * 86_400_000));
        values.push([id++, account, qty, status, note, amount, updated]);
      }
      await c.query(insert, [values]);
      lastIds.push(id - 1);
      commitAckMs.push(Date.now());
      sent += n;
    }
    const finishedAtMs = Date.now();
    return { rows: plan.rows, transactions: sizes.length, startedAtMs, finishedAtMs, binlogStart, binlogEnd: await head(c), lastIds, commitAckMs, maxLagMs };
  } finally {
    await c.end().catch(() => undefined);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const plan = JSON.parse(process.argv[2] ?? '') as MysqlLoadPlan;
  loadMysqlRows(plan).then(
    (r) => { process.stdout.write(`${JSON.stringify(r)}\n`); process.exit(0); },
    (err: unknown) => { process.stderr.write(`mysql-loader failed: ${err instanceof Error ? err.stack : String(err)}\n`); process.exit(1); },
  );
}
