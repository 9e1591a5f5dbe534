/**
 * The daemon's start-up time and idle memory by launcher: the compiled JavaScript (bin/cdc.mjs
 * running dist/, as users and the image run it) against the TypeScript sources through tsx (how
 * the daemon ran before it was compiled), each on every node given. Part of `npm run bench:startup`.
 * Per start: seconds from spawn to the first log line (module loading: tsx compiles every
 * source file then, the compiled daemon only reads JavaScript) and to "replication stream
 * started" on a small database; then RSS after idling. The median of `runs` starts is kept.
 */
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { PgFixture } from '../test/helpers/pg-fixture.ts';
import { Daemon, writeConfig } from '../test/helpers/daemon.ts';
import type { StackEnv } from '../test/helpers/stack-env.ts';
import { sampleProcess } from './process-stats.ts';

const ROOT = new URL('../', import.meta.url).pathname;

export interface RuntimeFigures {
  readonly launcher: 'compiled' | 'tsx';
  readonly node: string;
  readonly firstLogSeconds: number;
  readonly startSeconds: number;
  readonly idleRssMiB: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** `node` path -> its version ("v24.22.3"). */
function nodeVersion(node: string): string {
  return spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
}

export async function measureRuntimes(env: StackEnv, db: PgFixture, o: { nodes: readonly string[]; runs: number; idleMs: number; log: (l: string) => void }): Promise<RuntimeFigures[]> {
  await db.query(`CREATE TABLE small (id int PRIMARY KEY, note text, at timestamptz)`);
  const out: RuntimeFigures[] = [];
  for (const node of o.nodes) {
    const version = nodeVersion(node);
    const launchers: [RuntimeFigures['launcher'], string[]][] = [['tsx', [node, '--import', 'tsx', join(ROOT, 'src/cli.ts')]]];
    // bin/cdc.mjs refuses a node older than engines; only tsx runs there
    if (Number(version.slice(1).split('.')[0]) >= 22) launchers.push(['compiled', [node, join(ROOT, 'bin/cdc.mjs')]]);
    for (const [launcher, command] of launchers) {
      const first: number[] = [], start: number[] = [], rss: number[] = [];
      for (let i = 0; i < o.runs; i++) {
        const name = `rt_${launcher}_${version.replace(/\W/g, '_')}_${i}_${db.database.slice(-6)}`;
        const file = writeConfig({ env, name, database: db.database, connector: { 'table.include.list': 'public.small', 'snapshot.mode': 'no_data' } });
        const t0 = performance.now();
        const daemon = new Daemon(file, env, command).start();
        try {
          await daemon.waitForLog(/^\{/m, 120_000);
          first.push((performance.now() - t0) / 1000);
          await daemon.waitForLog(/replication stream started/, 120_000);
          start.push((performance.now() - t0) / 1000);
          await new Promise((r) => setTimeout(r, o.idleMs));
          rss.push(sampleProcess(daemon.pid!).rssBytes / 1024 / 1024);
        } finally {
          await daemon.stop();
        }
      }
      const f: RuntimeFigures = { launcher, node: version, firstLogSeconds: round(median(first), 2), startSeconds: round(median(start), 2), idleRssMiB: round(median(rss), 1) };
      o.log(`${launcher} on node ${version}: ${JSON.stringify(f)}`);
      out.push(f);
    }
  }
  return out;
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;
