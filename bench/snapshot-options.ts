/**
 * Command line of `npm run bench:snapshot` (bench/pg-snapshot.ts). Flags win over
 * the environment; BENCH_SNAPSHOT_ROWS is the only variable read, so CI can pick a
 * quick size without editing the command.
 */
import { parseArgs } from 'node:util';

export interface SnapshotBenchOptions {
  readonly rows: number;
  /** longest wait for the last snapshot record to become visible, from connector start */
  readonly timeoutMs: number;
  /** one RSS sample kept per this many ms for the printed series */
  readonly seriesEveryMs: number;
  /** rewrite the snapshot figures table of docs/benchmarks.md with this run */
  readonly updateDocs: boolean;
  /** a label for the run in the docs table (e.g. "single_transaction", "chunked") */
  readonly label: string | null;
  /** connector properties to add or override (--set key=value) */
  readonly connectorOverrides: Readonly<Record<string, string>>;
  /** keep the loaded database for the next run (--keep-db) or reuse one (--reuse-db NAME) */
  readonly keepDb: boolean;
  readonly reuseDb: string | null;
}

export const SNAPSHOT_BENCH_USAGE = `usage: npm run bench:snapshot -- [--rows N] [--timeout-s S] [--series-every-s S] [--label TEXT]
                                 [--set KEY=VALUE ...] [--keep-db] [--reuse-db NAME] [--update-docs]
  --rows N            rows in the snapshotted table (default 10000000; env BENCH_SNAPSHOT_ROWS)
  --timeout-s S       give up when the last record is not visible S seconds after connector start (default 3600)
  --series-every-s S  print the daemon's RSS every S seconds of the run (default: 1/20 of the run, at least 1 s)
  --label TEXT        what the run measures, for the docs table (default: the commit)
  --set KEY=VALUE     override a connector property (repeatable), e.g. --set snapshot.strategy=single_transaction
  --keep-db           leave the loaded database in place (its name is printed) for --reuse-db
  --reuse-db NAME     snapshot an already loaded database instead of loading a new one (it is kept)
  --update-docs       put this run's figures into docs/benchmarks.md
`;

export function parseSnapshotBenchOptions(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): SnapshotBenchOptions {
  const { values } = parseArgs({
    args: [...argv], strict: true, allowPositionals: false,
    options: {
      rows: { type: 'string' }, 'timeout-s': { type: 'string' }, 'series-every-s': { type: 'string' }, label: { type: 'string' },
      set: { type: 'string', multiple: true }, 'keep-db': { type: 'boolean' }, 'reuse-db': { type: 'string' },
      'update-docs': { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) { process.stdout.write(SNAPSHOT_BENCH_USAGE); process.exit(0); }
  const int = (name: string, raw: string | undefined, dflt: number, min: number): number => {
    if (raw === undefined || raw === '') return dflt;
    const n = Number(raw.replace(/_/g, ''));
    if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer >= ${min}, got "${raw}"\n\n${SNAPSHOT_BENCH_USAGE}`);
    return n;
  };
  const reuseDb = values['reuse-db'] ?? null;
  if (reuseDb !== null && !/^[a-z0-9_]+$/.test(reuseDb)) throw new Error(`--reuse-db must name a database (lowercase letters, digits, _), got "${reuseDb}"`);
  return {
    rows: int('--rows (or BENCH_SNAPSHOT_ROWS)', values.rows ?? env.BENCH_SNAPSHOT_ROWS, 10_000_000, 1),
    timeoutMs: int('--timeout-s', values['timeout-s'], 3600, 1) * 1000,
    seriesEveryMs: int('--series-every-s', values['series-every-s'], 0, 0) * 1000,
    updateDocs: values['update-docs'] === true,
    label: values.label ?? null,
    keepDb: values['keep-db'] === true || reuseDb !== null,
    reuseDb,
    connectorOverrides: Object.fromEntries((values.set ?? []).map((kv) => {
      const i = kv.indexOf('=');
      if (i <= 0) throw new Error(`--set needs KEY=VALUE, got "${kv}"\n\n${SNAPSHOT_BENCH_USAGE}`);
      return [kv.slice(0, i), kv.slice(i + 1)];
    })),
  };
}
