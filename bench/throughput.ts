/**
 * `npm run bench`: the end-to-end throughput benches, Avro + exactly-once, each
 * beside the ceiling its database sets. --source picks PostgreSQL
 * (bench/pg-throughput.ts, the default), MariaDB (bench/mysql-throughput.ts)
 * or both, one after the other. --vs-debezium runs the PostgreSQL bench, then the same load
 * through Kafka Connect + Debezium (bench/debezium/), and prints both and the ratio.
 * Method and figures: docs/benchmarks.md.
 */
import './quiet-timeout-warning.ts';
import { parseBenchOptions, type BenchOptions } from './bench-options.ts';
import { runBenches, type BenchRun } from './bench-main.ts';
import { pgBench } from './pg-throughput.ts';
import { mysqlBench } from './mysql-throughput.ts';
import type { BenchFigures } from './bench-report.ts';
import { debeziumRun } from './debezium/debezium-run.ts';
import { compare, formatComparison, formatComparisonJson } from './debezium/vs-report.ts';

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
  let daemonFigures: BenchFigures | null = null;
  if (opts.source !== 'mariadb') runs.push(async (cleanup, signal) => { const r = await pgBench(opts, cleanup, signal); daemonFigures = r.figures; return r; });
  if (opts.vsDebezium) {
    runs.push(async (cleanup, signal) => {
      const daemon = daemonFigures as BenchFigures | null;
      if (!daemon) throw new Error('the daemon run failed (see above): nothing to compare Debezium with, so it was not run');
      const { figures, ok } = await debeziumRun(opts, cleanup, signal);
      const c = compare(daemon, figures);
      return { output: `${formatComparison(c)}\n${formatComparisonJson(c)}\n`, ok };
    });
  }
  if (opts.source !== 'postgres') runs.push((cleanup, signal) => mysqlBench(opts, cleanup, signal));
  return runBenches(runs, log);
}

main().then((code) => process.exit(code));
