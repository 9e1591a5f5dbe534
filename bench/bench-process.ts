/**
 * Small process-level helpers every throughput bench needs: a free local port
 * for the daemon's metrics, a load generator run as its own node process, a
 * metrics scrape, the commit under test, and the daemon's complaints.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import type { LoadPlan, LoadResult } from './row-loader.ts';

const ROOT = new URL('../', import.meta.url).pathname;

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => res(port));
    });
  });
}

/**
 * Runs `script` (relative to the repository root) in its own node process with one JSON
 * argument; resolves with the JSON of the last line it prints on stdout. `onLine` sees every
 * stderr line as it comes (progress of long loads).
 */
export function runNodeScript<T>(script: string, arg: unknown, timeoutMs: number, onLine?: (line: string) => void): Promise<T> {
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(ROOT, script), JSON.stringify(arg)], {
    cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '', err = '';
  child.stdout.on('data', (b: Buffer) => { out += b.toString(); });
  child.stderr.on('data', (b: Buffer) => {
    err += b.toString();
    if (onLine) for (const l of b.toString().split('\n')) if (l.trim()) onLine(l);
  });
  return new Promise((res, rej) => {
    const timer = setTimeout(() => { child.kill('SIGKILL'); rej(new Error(`${script} did not finish within ${timeoutMs / 1000} s`)); }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (code !== 0) { rej(new Error(`${script} exited with ${code}: ${err.slice(-2000)}`)); return; }
      try { res(JSON.parse(out.trim().split('\n').pop() ?? '') as T); } catch { rej(new Error(`${script} printed no result: ${out.slice(-500)} ${err.slice(-500)}`)); }
    });
  });
}

/**
 * The burst load of the PostgreSQL benches (bench/row-loader.ts in its own process): `rows` rows in
 * seeded random transactions of 1..maxTxnRows rows, as fast as PostgreSQL takes them; with the
 * seconds it took.
 */
export async function runBurstLoad(plan: LoadPlan): Promise<LoadResult & { readonly seconds: number }> {
  const load = await runNodeScript<LoadResult>('bench/row-loader.ts', plan, 120_000 + plan.rows * 2);
  return { ...load, seconds: (load.finishedAtMs - load.startedAtMs) / 1000 };
}

export async function scrapeMetrics(port: number): Promise<string> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(5_000) });
    return res.ok ? await res.text() : '';
  } catch {
    return '';
  }
}

export function gitCommit(): string {
  const r = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : 'unknown';
}

/** The daemon's log lines that say something went wrong (pino JSON: level >= 40), last few. */
export function daemonTrouble(output: string): string {
  const lines = output.split('\n').filter((l) => /"level":(4|5|6)\d/.test(l) || /^(unexpected failure|connector .* FAILED|\s+at )/.test(l));
  return lines.slice(-15).join('\n');
}
