/**
 * The stack's Prometheus (test/stack/stack.sh up --with prometheus): register a
 * scrape target through file-based service discovery and query the HTTP API.
 */
import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireServices } from './stack-env.ts';

export interface PromSample {
  readonly metric: Record<string, string>;
  readonly value: number;
}

export const PROMETHEUS_SKIP_REASON = 'Prometheus not running: run `bash test/stack/stack.sh up --with prometheus` (npm test does)';

export class Prometheus {
  constructor(readonly url: string, readonly targetsDir: string, readonly rulesDir: string | null = null) {}

  /**
   * From PROMETHEUS_URL and PROMETHEUS_TARGETS_DIR (the stack's env); null (skip)
   * when unset, or an error when the run requires its services (stack-env.ts).
   */
  static fromEnv(): Prometheus | null {
    if (!requireServices(['PROMETHEUS_URL', 'PROMETHEUS_TARGETS_DIR'], 'Prometheus', 'run `bash test/stack/stack.sh up --with prometheus` (npm test does)')) return null;
    return new Prometheus(process.env['PROMETHEUS_URL']!.replace(/\/$/, ''), process.env['PROMETHEUS_TARGETS_DIR']!, process.env['PROMETHEUS_RULES_DIR'] ?? null);
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

  /**
   * Loads a rule file (YAML text) into the running Prometheus: written to the stack's rules
   * directory, then POST /-/reload; resolves once every group of the file is loaded. Returns a
   * function that removes the file and reloads again.
   */
  async loadRules(name: string, yamlText: string, groups: readonly string[]): Promise<() => Promise<void>> {
    if (!this.rulesDir || !existsSync(this.rulesDir)) throw new Error('PROMETHEUS_RULES_DIR is unset or missing: restart the stack\'s Prometheus (bash test/stack/stack.sh down, then up --with prometheus) so that it loads rule files');
    const file = join(this.rulesDir, `${name}.yml`);
    writeFileSync(`${file}.tmp`, yamlText);
    renameSync(`${file}.tmp`, file);
    await this.reload();
    const t0 = Date.now();
    for (;;) {
      const loaded = new Set((await this.rules()).map((g) => g.name));
      if (groups.every((g) => loaded.has(g))) break;
      if (Date.now() - t0 > 15_000) throw new Error(`Prometheus did not load the rule groups ${groups.join(', ')} of ${file} (loaded: ${[...loaded].join(', ')}); see its log`);
      await new Promise((r) => setTimeout(r, 200));
    }
    return async () => { rmSync(file, { force: true }); await this.reload().catch(() => undefined); };
  }

  private async reload(): Promise<void> {
    const res = await fetch(`${this.url}/-/reload`, { method: 'POST', signal: AbortSignal.timeout(15_000) });
    if (!res.ok) throw new Error(`Prometheus reload failed: ${res.status} ${await res.text()} (it needs --web.enable-lifecycle, which test/stack/stack.sh sets)`);
  }

  /** The loaded rule groups, with their files. */
  async rules(): Promise<{ name: string; file: string; rules: { name: string; health: string; lastError?: string }[] }[]> {
    const res = await fetch(`${this.url}/api/v1/rules`, { signal: AbortSignal.timeout(5000) });
    const body = (await res.json()) as { data: { groups: { name: string; file: string; rules: { name: string; health: string; lastError?: string }[] }[] } };
    return body.data.groups;
  }

  /** Every series name Prometheus holds for a job (its latest scrape). */
  async seriesNames(job: string): Promise<Set<string>> {
    return new Set((await this.query(`group by (__name__) ({job="${job}"})`)).map((s) => s.metric['__name__']!));
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
