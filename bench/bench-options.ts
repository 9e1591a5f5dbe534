/**
 * Command line of `npm run bench` (bench/throughput.ts: --source picks
 * bench/pg-throughput.ts, bench/mysql-throughput.ts or both). Flags win over the
 * environment; BENCH_ROWS is the only variable read, so CI can pick the quick
 * size without editing the command.
 */
import { parseArgs } from 'node:util';

export type BenchSource = 'postgres' | 'mariadb' | 'both';

export interface BenchOptions {
  /** which source's bench runs: PostgreSQL (default), MariaDB, or both one after the other */
  readonly source: BenchSource;
  /** MariaDB: rows per second of the steady live load that follows the catch-up */
  readonly liveRate: number;
  /** MariaDB: how long the steady live load runs */
  readonly liveSeconds: number;
  readonly rows: number;
  readonly maxTxnRows: number;
  readonly seed: number;
  /** width of the note column when set (--note-chars), else short random text */
  readonly noteChars: number | null;
  /** longest wait for the last event to become visible after the load ended */
  readonly drainTimeoutMs: number;
  /** directory for the daemon's V8 CPU profile (bench/cpu-profile-preload.mjs), or null */
  readonly cpuProfDir: string | null;
  /** rewrite the figures table of docs/benchmarks.md with this run */
  readonly updateDocs: boolean;
  /** postgres: after the burst, an unpaced small-transaction load, then loads at 25, 50 and 75 % of its delivered rate, this many seconds each (0: none) */
  readonly steadySeconds: number;
  /** after the daemon's PostgreSQL run, the same load through Kafka Connect + Debezium (bench/debezium/) */
  readonly vsDebezium: boolean;
  /** postgres: the reader is stopped while the rows are written and measured from its resume (bench/catch-up.ts) */
  readonly catchUp: boolean;
  /** postgres: the key and value converter of the daemon (and of Debezium's worker): Avro through the registry, or JSON with schemas */
  readonly converter: 'avro' | 'json';
  /** connector properties to add or override (--set key=value), for tuning experiments */
  readonly connectorOverrides: Readonly<Record<string, string>>;
}

/** --converter json: Connect's JSON converter (schemas.enable=true by default), on both sides */
export const JSON_CONVERTER_CLASS = 'org.apache.kafka.connect.json.JsonConverter';

export const BENCH_USAGE = `usage: npm run bench -- [--source postgres|mariadb|both] [--rows N] [--max-txn-rows N] [--seed N]
                        [--note-chars N] [--drain-timeout-s S] [--live-rate R] [--live-seconds S]
                        [--cpu-prof DIR] [--set KEY=VALUE ...] [--update-docs] [--vs-debezium] [--catch-up] [--converter avro|json]
                        [--steady-seconds S]
  --source S          postgres (default), mariadb (the stack's MariaDB, started with --with mariadb),
                      or both, one after the other
  --rows N            rows to insert (default 500000; env BENCH_ROWS); --rows 50000 is the quick CI size;
                      mariadb: the rows of the pre-written binlog the daemon catches up on
  --live-rate R       mariadb: rows per second of the steady live load after the catch-up (default 2000)
  --live-seconds S    mariadb: how long the live load runs (default 30)
  --max-txn-rows N    transactions hold a random 1..N rows (default 1000)
  --seed N            seed of transaction sizes and values (default 1)
  --note-chars N      make every row's note N characters long (wide rows; default: 2..9 short words)
  --drain-timeout-s S give up when the last event is not visible S seconds after the load ended (default 900)
  --cpu-prof DIR      profile the daemon (V8 sampling profiler, 1 ms), writing DIR/daemon-<pid>.cpuprofile
  --update-docs       put this run's figures into docs/benchmarks.md (postgres only)
  --set KEY=VALUE     override a connector property (repeatable), e.g. --set max.batch.size=512
                      (the daemon's connector only, not Debezium's)
  --steady-seconds S  postgres: after the burst, the daemon still running, an unpaced load in
                      transactions of 1..10 rows (the maximum sustained rate of that workload), then
                      three loads paced at 25, 50 and 75 % of that maximum, S seconds each; prints
                      commit->visible p50/p95/p99 of each (default 0: none)
  --vs-debezium       postgres only: after the daemon's run, the same load (rows, sizes, seed) through
                      Kafka Connect 4.3.1 + Debezium 3.6.1's PostgreSQL connector (exactly-once, Avro),
                      measured the same way; prints both rows and the ratio daemon/Debezium
  --catch-up          postgres: the daemon (and with --vs-debezium, Kafka Connect) is stopped (SIGSTOP)
                      while the rows are written and resumed after the load: a catch-up of a
                      pre-written WAL, events/s counted from the resume (keep the load under ~10 s:
                      a stopped Connect worker leaves its group after session.timeout.ms)
  --converter C       postgres: avro (default; Avro through the Schema Registry) or json (Connect's
                      JsonConverter, schemas.enable=true), for the daemon and, with --vs-debezium,
                      for Kafka Connect too
`;

export function parseBenchOptions(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): BenchOptions {
  const { values } = parseArgs({
    args: [...argv], strict: true, allowPositionals: false,
    options: {
      rows: { type: 'string' }, 'max-txn-rows': { type: 'string' }, seed: { type: 'string' }, 'note-chars': { type: 'string' },
      'drain-timeout-s': { type: 'string' }, 'cpu-prof': { type: 'string' }, 'update-docs': { type: 'boolean' },
      set: { type: 'string', multiple: true }, help: { type: 'boolean', short: 'h' },
      source: { type: 'string' }, 'live-rate': { type: 'string' }, 'live-seconds': { type: 'string' },
      'vs-debezium': { type: 'boolean' }, 'steady-seconds': { type: 'string' }, 'catch-up': { type: 'boolean' }, converter: { type: 'string' },
    },
  });
  if (values.help) { process.stdout.write(BENCH_USAGE); process.exit(0); }
  const int = (name: string, raw: string | undefined, dflt: number, min: number): number => {
    if (raw === undefined || raw === '') return dflt;
    const n = Number(raw.replace(/_/g, ''));
    if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer >= ${min}, got "${raw}"\n\n${BENCH_USAGE}`);
    return n;
  };
  const source = values.source ?? 'postgres';
  if (source !== 'postgres' && source !== 'mariadb' && source !== 'both') throw new Error(`--source must be postgres, mariadb or both, got "${source}"\n\n${BENCH_USAGE}`);
  const vsDebezium = values['vs-debezium'] === true;
  if (values['steady-seconds'] !== undefined && Number(values['steady-seconds']) > 0 && source === 'mariadb') {
    throw new Error(`--steady-seconds is the PostgreSQL bench's steady mode; MariaDB's live load is --live-rate and --live-seconds\n\n${BENCH_USAGE}`);
  }
  const catchUp = values['catch-up'] === true;
  if (catchUp && source !== 'postgres') throw new Error(`--catch-up is the PostgreSQL bench's mode (MariaDB's bench always starts with a catch-up): drop --source ${source}\n\n${BENCH_USAGE}`);
  const converter = values.converter ?? 'avro';
  if (converter !== 'avro' && converter !== 'json') throw new Error(`--converter must be avro or json, got "${converter}"\n\n${BENCH_USAGE}`);
  if (converter === 'json' && source !== 'postgres') throw new Error(`--converter json is a mode of the PostgreSQL bench: drop --source ${source}\n\n${BENCH_USAGE}`);
  if (vsDebezium && source !== 'postgres') throw new Error(`--vs-debezium compares the PostgreSQL source only: drop --source ${source}\n\n${BENCH_USAGE}`);
  return {
    source,
    liveRate: int('--live-rate', values['live-rate'], 2000, 1),
    liveSeconds: int('--live-seconds', values['live-seconds'], 30, 1),
    rows: int('--rows (or BENCH_ROWS)', values.rows ?? env.BENCH_ROWS, 500_000, 1),
    maxTxnRows: int('--max-txn-rows', values['max-txn-rows'], 1000, 1),
    seed: int('--seed', values.seed, 1, 0),
    noteChars: values['note-chars'] === undefined ? null : int('--note-chars', values['note-chars'], 0, 0),
    drainTimeoutMs: int('--drain-timeout-s', values['drain-timeout-s'], 900, 1) * 1000,
    cpuProfDir: values['cpu-prof'] ?? null,
    updateDocs: values['update-docs'] === true,
    vsDebezium,
    catchUp,
    converter,
    steadySeconds: int('--steady-seconds', values['steady-seconds'], 0, 0),
    connectorOverrides: Object.fromEntries((values.set ?? []).map((kv) => {
      const i = kv.indexOf('=');
      if (i <= 0) throw new Error(`--set needs KEY=VALUE, got "${kv}"\n\n${BENCH_USAGE}`);
      return [kv.slice(0, i), kv.slice(i + 1)];
    })),
  };
}
