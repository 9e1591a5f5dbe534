#!/usr/bin/env node
// The Node.js the project's own scripts run on. package.json engines names the oldest release
// line the daemon supports; .node-version names the exact release the image ships and CI tests.
// When the node running a script is older than engines allows (a machine with only Node 20,
// whose support ended in April 2026), this fetches the .node-version release from the npm
// registry with npm itself (the `node-<platform>-<arch>` package, which holds the official
// binary; npm checks its integrity) into the cache dir, once, and the script re-executes under it.
// Plain JavaScript that any Node >= 18 runs, so it works before the right Node exists.
//   node scripts/ensure-node.mjs        prints the path of a node binary that satisfies engines
import { readFileSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join, dirname, delimiter } from 'node:path';
import { homedir } from 'node:os';

const root = new URL('..', import.meta.url).pathname;

/** The oldest major release engines.node admits (">=22" -> 22). */
export function minimumMajor() {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const m = /^>=\s*(\d+)(\.\d+){0,2}$/.exec(String(pkg.engines?.node ?? '').trim());
  if (!m) throw new Error(`package.json engines.node is "${pkg.engines?.node}"; this script understands only ">=N"`);
  return Number(m[1]);
}

/** The exact release from .node-version ("24.15.0"). */
export function pinnedVersion() {
  const v = readFileSync(join(root, '.node-version'), 'utf8').trim().replace(/^v/, '');
  if (!/^\d+\.\d+\.\d+$/.test(v)) throw new Error(`.node-version holds "${v}"; expected an exact release such as 24.15.0`);
  return v;
}

function cacheDir() {
  return process.env.CDC_CACHE_DIR ?? join(homedir(), '.cache', 'cdcd');
}

/** Path to a node binary satisfying engines: this one if new enough, else the cached pinned release (fetched on first use). */
export function ensureNode({ quiet = false } = {}) {
  if (Number(process.versions.node.split('.')[0]) >= minimumMajor()) return process.execPath;
  const version = pinnedVersion();
  const dir = join(cacheDir(), 'node', `v${version}-${process.platform}-${process.arch}`);
  const bin = join(dir, 'bin', 'node');
  if (existsSync(bin)) return bin;
  const pkgName = `node-${process.platform}-${process.arch}`;
  if (!quiet) console.error(`node ${process.versions.node} is older than package.json engines (>=${minimumMajor()}); fetching Node.js ${version} (npm package ${pkgName}) into ${dir}`);
  mkdirSync(dirname(dir), { recursive: true });
  const tmp = mkdtempSync(join(dirname(dir), '.fetch-'));
  try {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const pack = spawnSync(npm, ['pack', `${pkgName}@${version}`, '--silent', '--pack-destination', tmp], { cwd: tmp, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    if (pack.status !== 0) throw new Error(`npm pack ${pkgName}@${version} failed (exit ${pack.status}); install Node.js ${minimumMajor()} or newer yourself and run the command with it`);
    const tgz = readdirSync(tmp).find((f) => f.endsWith('.tgz'));
    if (!tgz) throw new Error(`npm pack ${pkgName}@${version} wrote no archive into ${tmp}`);
    const untar = spawnSync('tar', ['-xzf', tgz], { cwd: tmp, stdio: 'inherit' });
    if (untar.status !== 0) throw new Error(`cannot unpack ${join(tmp, tgz)}`);
    const got = spawnSync(join(tmp, 'package', 'bin', 'node'), ['--version'], { encoding: 'utf8' });
    if (got.stdout?.trim() !== `v${version}`) throw new Error(`${pkgName}@${version} holds no working node binary (it printed ${JSON.stringify(got.stdout ?? got.error?.message)})`);
    try {
      renameSync(join(tmp, 'package'), dir);
    } catch (err) {
      // Another script fetched the same release at the same time and was first: use its copy.
      if (!existsSync(bin)) throw err;
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return bin;
}

/**
 * Called first by a script: when this node is too old, runs the same script with the same
 * arguments under the right one (its directory first on PATH, so `node`, `npm` and `npx` in
 * child processes use it too) and exits with its status. Returns when this node is right.
 */
export function reexecUnderRequiredNode() {
  const bin = ensureNode();
  if (bin === process.execPath) return;
  console.error(`node ${process.versions.node} is older than package.json engines (>=${minimumMajor()}): running under ${bin}`);
  const env = { ...process.env, PATH: `${dirname(bin)}${delimiter}${process.env.PATH ?? ''}` };
  const r = spawnSync(bin, [...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit', env });
  if (r.error) { console.error(`cannot run ${bin}: ${r.error.message}`); process.exit(1); }
  process.exit(r.status ?? 1);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    console.log(ensureNode());
  } catch (err) {
    console.error(err.message);
    process.exit(1);
  }
}
