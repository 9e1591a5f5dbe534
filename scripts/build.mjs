#!/usr/bin/env node
// Compiles src/ and sources/ to dist/ (tsconfig.build.json: the .ts import specifiers become
// .js), the JavaScript bin/cdc.mjs runs. Incremental: a build with nothing changed only checks.
// `npm run build` runs this; so do the test runner (before integration tests) and the demo.
// CDC_BUILT=1 skips it (a caller that has just built, such as scripts/test-matrix.mjs).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const root = new URL('..', import.meta.url).pathname;

/** Builds dist/; false (after printing the compiler's errors) when it fails. */
export function buildDist() {
  if (process.env.CDC_BUILT === '1') return true;
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) console.error('build failed: dist/ was not written (see the compiler errors above); fix them and run `npm run build`');
  return r.status === 0;
}

if (import.meta.url === `file://${process.argv[1]}`) process.exit(buildDist() ? 0 : 1);
