/**
 * The frame of a bench run: each run gets its own cleanup steps, which run on
 * success, failure and Ctrl-C alike; the run's figures go to stdout after its
 * cleanup. Ctrl-C reaches npm, tsx and this process, and tsx relays it once
 * more: later signals must not cut the cleanup short (every step is bounded).
 */
import { Cleanup } from './bench-cleanup.ts';

export interface BenchRunResult {
  /** the figures block and JSON line, printed on stdout */
  readonly output: string;
  readonly ok: boolean;
}

export type BenchRun = (cleanup: Cleanup, interrupted: AbortSignal) => Promise<BenchRunResult>;

/** Runs each bench in turn; exit code 0 only when all were ok, 130 on a signal. */
export async function runBenches(runs: readonly BenchRun[], log: (line: string) => void): Promise<number> {
  const interrupted = new AbortController();
  let current: Cleanup | null = null;
  const onSignal = (sig: string) => {
    if (interrupted.signal.aborted) { log(`${sig}: still cleaning up (each step at most 60 s)`); return; }
    interrupted.abort(new Error(`interrupted by ${sig}`));
    log(`${sig}: cleaning up`);
    void (current?.run() ?? Promise.resolve()).then(() => process.exit(130));
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  let code = 0;
  for (const run of runs) {
    if (interrupted.signal.aborted) break;
    const cleanup = new Cleanup(log);
    current = cleanup;
    try {
      const { output, ok } = await run(cleanup, interrupted.signal);
      await cleanup.run();
      process.stdout.write(output);
      if (!ok) code = 1;
    } catch (err) {
      log(`failed: ${interrupted.signal.aborted ? String(interrupted.signal.reason) : err instanceof Error ? err.stack ?? err.message : String(err)}`);
      await cleanup.run();
      code = 1;
    }
  }
  return code;
}
