#!/usr/bin/env node
// Launcher: runs the compiled daemon (dist/, written by `npm run build`; the image and the
// project's scripts build it). No TypeScript loader in this path: plain Node.js runs plain JavaScript.
import { existsSync } from 'node:fs';

const MINIMUM_MAJOR = 22; // package.json engines.node; test/package.test.ts keeps the two equal
const major = Number(process.versions.node.split('.')[0]);
if (major < MINIMUM_MAJOR) {
  console.error(`cdc needs Node.js ${MINIMUM_MAJOR} or newer (package.json engines); this is ${process.version}. `
    + `Fix: run it with a newer node; \`node scripts/ensure-node.mjs\` in the repository prints the path of one (it fetches the release in .node-version once).`);
  process.exit(1);
}
const cli = new URL('../dist/src/cli.js', import.meta.url);
if (!existsSync(cli)) {
  console.error(`cdc is not built: ${cli.pathname} is missing. Fix: run \`npm run build\` in ${new URL('..', import.meta.url).pathname}`);
  process.exit(1);
}
// V8 flags the daemon runs with, read by V8 only at start: the launcher replaces itself (execve:
// same pid, so signals and SIGKILL reach the daemon as before) with the flags added, each unless the
// user gave it (on the command line or in NODE_OPTIONS, which allows some of them).
// - The young generation: Node.js 22+ grows V8's semi-spaces up to 64 MiB each on a large heap
//   (Node 20 stopped at 16 MiB), which under a full load adds ~100 MiB of resident memory for a few
//   percent of throughput (a 1,000,000-row transaction peaked at 411 MiB, 303 MiB with 8 MiB semi-
//   spaces).
// - No allocation-site pretenuring: a change event's objects live from the poll that decoded it to
//   the conversion of the last event of that poll, so a collection in the middle of a poll finds many
//   of them alive, and V8 then allocates everything from those sites straight in the old
//   generation. Half of the 1,000,000-row runs fell into that: old space grew to ~90 MiB between
//   full collections (peak RSS 225-236 MiB against 154-165), for no CPU gain (docs/benchmarks.md).
const V8_FLAGS = [['--max-semi-space-size', '--max-semi-space-size=16'], ['-allocation-site-pretenuring', '--no-allocation-site-pretenuring']];
const given = (name) => process.execArgv.some((a) => a.includes(name)) || (process.env.NODE_OPTIONS ?? '').includes(name);
const add = V8_FLAGS.filter(([name]) => !given(name)).map(([, flag]) => flag);
if (typeof process.execve === 'function' && add.length > 0) {
  process.execve(process.execPath, [process.execPath, ...add, ...process.execArgv, ...process.argv.slice(1)], process.env);
}
// kafkajs asks for a timer with a negative delay when a broker is not throttling; Node.js 23 and
// later warn about it on stderr (a line that is not JSON) and, as Node.js 20 did silently, wait
// 1 ms. Only that warning is dropped; every other one is printed as before.
const printWarning = process.listeners('warning');
process.removeAllListeners('warning');
process.on('warning', (w) => { if (w.name !== 'TimeoutNegativeWarning') for (const l of printWarning) l(w); });
await import(cli.href);
