/**
 * `npm run bench:startup [-- N] [--runtime-only] [--node=<path>...]`: first the daemon's start-up time and idle RSS
 * compiled (bin/cdc.mjs -> dist/) against through tsx (bench/runtime-startup.ts), on the node of
 * package.json engines and, when the node running the bench is older (Node 20), tsx on that one
 * too (how the daemon ran before); then seconds for `cdc validate` and for a daemon start (until the
 * replication stream runs) on a fresh database with N tables (default 10000), capturing 10 of
 * them and capturing all of them (without and with an initial snapshot of the empty tables). Prints a block and a JSON line; drops its database after.
 */
import './quiet-timeout-warning.ts';
import { ensureStack } from './bench-stack.ts';
import { PgFixture } from '../test/helpers/pg-fixture.ts';
import { measureStartup } from './catalog-startup.ts';
import { measureRuntimes } from './runtime-startup.ts';
// @ts-expect-error plain JavaScript modules without types
import { ensureNode } from '../scripts/ensure-node.mjs';
// @ts-expect-error plain JavaScript modules without types
import { buildDist } from '../scripts/build.mjs';

const log = (line: string) => process.stderr.write(`bench: ${line}\n`);
const runtimeOnly = process.argv.includes('--runtime-only');
const n = Number(process.argv.slice(2).find((a) => !a.startsWith('--')) ?? 10_000);
if (!Number.isInteger(n) || n < 10) throw new Error(`table count "${process.argv[2]}" must be an integer of at least 10`);
const { env } = ensureStack(log);
if (!(buildDist as () => boolean)()) process.exit(1);
const required = (ensureNode as () => string)();
const rtDb = await PgFixture.create(env, 'runtime');
try {
  // --node=<path>: another node binary to compare (e.g. ~/.cache/cdcd/node/v22.../bin/node)
  const extra = process.argv.filter((a) => a.startsWith('--node=')).map((a) => a.slice('--node='.length));
  const nodes = [...new Set([process.execPath, required, ...extra])];
  for (const f of await measureRuntimes(env, rtDb, { nodes, runs: 3, idleMs: 10_000, log })) {
    process.stdout.write(`start-up ${f.launcher.padEnd(8)} node ${f.node.padEnd(8)}  first log line ${f.firstLogSeconds} s, replication stream ${f.startSeconds} s, idle RSS ${f.idleRssMiB} MiB\n`);
    process.stdout.write(`${JSON.stringify({ bench: 'runtime-startup', ...f })}\n`);
  }
} finally {
  await rtDb.drop();
}
if (runtimeOnly) process.exit(0);
const db = await PgFixture.create(env, 'startup');
try {
  log(`creating ${n} tables`);
  const f = await measureStartup(env, db, { tables: n, captured: 10, all: true, snapshot: true, name: `startup_${db.database.slice(-8)}`, timeoutMs: 600_000 });
  process.stdout.write([
    `tables in database        ${f.tables} (created in ${f.createSeconds} s)`,
    `capture ${f.filtered.captured} (include list)  validate ${f.filtered.validateSeconds} s, start ${f.filtered.startSeconds} s`,
    f.all ? `capture all ${f.tables}         validate ${f.all.validateSeconds} s, start ${f.all.startSeconds} s` : '',
    f.allWithSnapshot ? `capture all, initial snapshot of the empty tables: start ${f.allWithSnapshot.startSeconds} s` : '',
    JSON.stringify({ bench: 'pg-startup', ...f }),
    '',
  ].filter((l) => l !== '').join('\n') + '\n');
} finally {
  await db.drop();
}
