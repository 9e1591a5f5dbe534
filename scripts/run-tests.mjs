#!/usr/bin/env node
// Runs the test suite with node's own test runner (TypeScript through tsx).
//   node scripts/run-tests.mjs            unit + integration (starts test/stack first unless
//                                         KAFKA_BOOTSTRAP_SERVERS is set or CDC_NO_STACK=1)
//   node scripts/run-tests.mjs --unit     unit tests only (*.test.ts that are not *.it.test.ts)
//   node scripts/run-tests.mjs --it       integration tests only
// Integration tests read .stack/env (written by test/stack/stack.sh up) when
// the variables are not already set.
import { readdirSync, statSync, existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const only = args.includes('--unit') ? 'unit' : args.includes('--it') ? 'it' : 'all';
const filters = args.filter((a) => !a.startsWith('--'));

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.test.ts')) out.push(relative(root, p));
  }
  return out;
}

let files = ['src', 'sources', 'test', 'bench'].filter((d) => existsSync(join(root, d))).flatMap((d) => walk(join(root, d), []));
files = files.filter((f) => (only === 'unit' ? !f.endsWith('.it.test.ts') : only === 'it' ? f.endsWith('.it.test.ts') : true));
if (filters.length) files = files.filter((f) => filters.some((x) => f.includes(x)));
files.sort((a, b) => Number(a.endsWith('.it.test.ts')) - Number(b.endsWith('.it.test.ts')) || a.localeCompare(b));

const env = { ...process.env };
const stackEnv = join(process.env.CDC_STACK_DIR ?? join(root, '.stack'), 'env');
// Integration tests need the real services: start them (idempotent) unless told not to.
if (only !== 'unit' && !process.env.CDC_NO_STACK && !process.env.KAFKA_BOOTSTRAP_SERVERS) {
  const up = spawnSync('bash', [join(root, 'test/stack/stack.sh'), 'up', '--with', 'prometheus'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (up.status !== 0) { console.error('test stack failed to start (see above); set CDC_NO_STACK=1 to run without it'); process.exit(1); }
}
if (only !== 'unit' && existsSync(stackEnv)) {
  for (const m of readFileSync(stackEnv, 'utf8').matchAll(/([A-Z_][A-Z0-9_]*)=("[^"]*"|'[^']*'|\S+)/g)) {
    if (env[m[1]] === undefined) env[m[1]] = m[2].replace(/^["']|["']$/g, '');
  }
}
if (files.length === 0) { console.error('no test files matched'); process.exit(1); }
// Integration tests share one database and one broker: run files one at a time.
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...files], { cwd: root, env, stdio: 'inherit' });
process.exit(r.status ?? 1);
