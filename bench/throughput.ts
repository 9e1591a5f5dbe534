/**
 * `npm run bench`: the end-to-end throughput benches, Avro + exactly-once, each
 * beside the ceiling its database sets. --source picks PostgreSQL
 * (bench/pg-throughput.ts, the default), MariaDB (bench/mysql-throughput.ts)
 * or both, one after the other. Method and figures: docs/benchmarks.md.
 */
import './quiet-timeout-warning.ts';
import { parseBenchOptions, type BenchOptions } from './bench-options.ts';
import { runBenches, type BenchRun } from './bench-main.ts';
import { pgBench } from './pg-throughput.ts';
import { mysqlBench } from './mysql-throughput.ts';

const log = (line: string) => process.stderr.write(`bench: ${line}\n`);

async function main(): Promise<number> {
  let opts: BenchOptions;
  try {
    opts = parseBenchOptions(process.argv.slice(2), process.env);
  } catch (err) {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
  const runs: BenchRun[] = [];
  if (opts.source !== 'mariadb') runs.push((cleanup, signal) => pgBench(opts, cleanup, signal));
  if (opts.source !== 'postgres') runs.push((cleanup, signal) => mysqlBench(opts, cleanup, signal));
  return runBenches(runs, log);
}

main().then((code) => process.exit(code));
