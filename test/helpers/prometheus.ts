/**
 * The stack's Prometheus (test/stack/stack.sh up --with prometheus): register a
 * scrape target through file-based service discovery and query the HTTP API.
 */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireServices } from './stack-env.ts';

export interface PromSample {
  readonly metric: Record<string, string>;
  readonly value: number;
}

export const PROMETHEUS_SKIP_REASON = 'Prometheus not running: run `bash test/stack/stack.sh up --with prometheus` (npm test does)';

export class Prometheus {
  constructor(readonly url: string, readonly targetsDir: string) {}

  /**
   * From PROMETHEUS_URL and PROMETHEUS_TARGETS_DIR (the stack's env); null (skip)
   * when unset, or an error when the run requires its services (stack-env.ts).
   */
  static fromEnv(): Prometheus | null {
    if (!requireServices(['PROMETHEUS_URL', 'PROMETHEUS_TARGETS_DIR'], 'Prometheus', 'run `bash test/stack/stack.sh up --with prometheus` (npm test does)')) return null;
    return new Prometheus(process.env['PROMETHEUS_URL']!.replace(/\/$/, ''), process.env['PROMETHEUS_TARGETS_DIR']!);
  }

  /**
   * Adds a target file for one job: `address` is scraped every `intervalSeconds`
   * (the __scrape_interval__ label overrides the stack's global interval per
   * target). Written under another name and renamed, so Prometheus never reads
   * half a file. Returns a function that removes it.
   */
  addTarget(job: string, address: string, intervalSeconds = 1): () => void {
    const file = join(this.targetsDir, `${job}.json`);
    const tmp = `${file}.tmp`;
    const every = `${intervalSeconds}s`;
    writeFileSync(tmp, JSON.stringify([{ targets: [address], labels: { job, __scrape_interval__: every, __scrape_timeout__: every } }]));
    renameSync(tmp, file);
    return () => rmSync(file, { force: true });
  }

  /** An instant query; throws on an API error. */
  async query(promql: string): Promise<PromSample[]> {
    const res = await fetch(`${this.url}/api/v1/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ query: promql }),
      signal: AbortSignal.timeout(5000),
    });
    const body = (await res.json()) as { status: string; error?: string; data?: { resultType: string; result: { metric: Record<string, string>; value: [number, string] }[] } };
    if (body.status !== 'success' || !body.data) throw new Error(`Prometheus query ${promql} failed: ${res.status} ${body.error ?? ''}`);
    if (body.data.resultType !== 'vector') throw new Error(`Prometheus query ${promql}: expected a vector, got ${body.data.resultType}`);
    return body.data.result.map((r) => ({ metric: r.metric, value: Number(r.value[1]) }));
  }

  /** The single value of a query, or null when it returns nothing. */
  async value(promql: string): Promise<number | null> {
    const r = await this.query(promql);
    if (r.length > 1) throw new Error(`Prometheus query ${promql} returned ${r.length} series: ${JSON.stringify(r)}`);
    return r[0]?.value ?? null;
  }

  /**
   * Polls a single-valued query until ok(value) holds; returns that value.
   * On timeout, the error names the query and the values seen.
   */
  async waitFor(promql: string, ok: (v: number | null) => boolean, timeoutMs: number, what: string): Promise<number | null> {
    const t0 = Date.now();
    const seen: string[] = [];
    for (;;) {
      const v = await this.value(promql).catch((err: Error) => { seen.push(`error: ${err.message}`); return undefined; });
      if (v !== undefined) {
        if (ok(v)) return v;
        const s = String(v);
        if (seen[seen.length - 1] !== s) seen.push(s);
      }
      if (Date.now() - t0 > timeoutMs) {
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}: ${promql}; values seen (changes only): ${seen.slice(-12).join(', ')}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
