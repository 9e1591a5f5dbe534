#!/usr/bin/env node
// Runs the test suite with node's own test runner (the test files are TypeScript, through tsx;
// the daemon the integration tests start is the compiled one, as users run it: a run that
// includes integration tests builds dist/ first with `npm run build`'s compiler settings).
// Under a node older than package.json engines (Node 20), it first re-executes itself under
// the release in .node-version, fetched once into the cache dir (scripts/ensure-node.mjs).
//   node scripts/run-tests.mjs            unit + integration (starts test/stack first unless
//                                         KAFKA_BOOTSTRAP_SERVERS is set or CDC_NO_STACK=1)
//   node scripts/run-tests.mjs --unit     unit tests only (*.test.ts that are not *.it.test.ts)
//   node scripts/run-tests.mjs --it       integration tests only
//   node scripts/run-tests.mjs --serial   every file in one lane (default: MySQL/MariaDB files and unit
//                                         tests in a second lane beside the others; see below)
//   node scripts/run-tests.mjs ... <substring or file>   only matching files (a path to a file
//                                         is taken as it is, even outside the usual folders)
// Integration tests read .stack/env (written by test/stack/stack.sh up) when
// the variables are not already set.
//
// A run that includes integration tests requires their services: it sets
// CDC_REQUIRE_STACK=1, so an integration test that finds no stack fails instead
// of skipping (test/helpers/stack-env.ts), and after the run it checks that
// every integration file executed at least one test and skipped none
// (scripts/test-census.mjs). Only --unit runs without services.
import { readdirSync, statSync, existsSync, readFileSync, mkdtempSync, rmSync, openSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { spawnSync, spawn } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { checkCensus, readCensus } from './test-census.mjs';
import { reexecUnderRequiredNode } from './ensure-node.mjs';
import { buildDist } from './build.mjs';

reexecUnderRequiredNode();

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const only = args.includes('--unit') ? 'unit' : args.includes('--it') ? 'it' : 'all';
const filters = args.filter((a) => !a.startsWith('--'));

function walk(dir, out) {
  for (const name of readdirSync(dir)) {
    // fixtures are data for tests (some are test files on purpose), not tests of this project
    if (name === 'node_modules' || name === 'fixtures' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (name.endsWith('.test.ts')) out.push(relative(root, p));
  }
  return out;
}

let files = ['src', 'sources', 'test', 'bench'].filter((d) => existsSync(join(root, d))).flatMap((d) => walk(join(root, d), []));
files = files.filter((f) => (only === 'unit' ? !f.endsWith('.it.test.ts') : only === 'it' ? f.endsWith('.it.test.ts') : true));
if (filters.length) {
  const given = filters.filter((x) => x.endsWith('.test.ts') && existsSync(resolve(root, x)) && statSync(resolve(root, x)).isFile()).map((x) => relative(root, resolve(root, x)));
  files = [...new Set([...files.filter((f) => filters.some((x) => f.includes(x))), ...given])];
  files = files.filter((f) => (only === 'unit' ? !f.endsWith('.it.test.ts') : only === 'it' ? f.endsWith('.it.test.ts') : true));
}
files.sort((a, b) => Number(a.endsWith('.it.test.ts')) - Number(b.endsWith('.it.test.ts')) || a.localeCompare(b));

const env = { ...process.env };
// Set by a surrounding node --test run; a nested runner would otherwise report to its parent instead of running.
delete env.NODE_TEST_CONTEXT;
const integrationFiles = files.filter((f) => f.endsWith('.it.test.ts'));
if (only !== 'unit') env.CDC_REQUIRE_STACK = '1';
const stackEnv = join(process.env.CDC_STACK_DIR ?? join(root, '.stack'), 'env');
// Integration tests need the real services: start them (idempotent) unless told not to.
if (only !== 'unit' && !process.env.CDC_NO_STACK && !process.env.KAFKA_BOOTSTRAP_SERVERS) {
  // pg17-standby: a PostgreSQL 17 primary and standby for the standby and failover-slot tests;
  // pg13: an unsupported release, which the connector must refuse clearly; mariadb: the MySQL/MariaDB source.
  const up = spawnSync('bash', [join(root, 'test/stack/stack.sh'), 'up', '--with', 'prometheus', '--with', 'pg17-standby', '--with', 'pg13', '--with', 'mariadb'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (up.status !== 0) { console.error('test stack failed to start (see above); integration tests need it. Services started elsewhere: set CDC_NO_STACK=1 and their variables (see test/stack/README.md); unit tests alone: npm run test:unit'); process.exit(1); }
}
if (only !== 'unit' && existsSync(stackEnv)) {
  for (const m of readFileSync(stackEnv, 'utf8').matchAll(/([A-Z_][A-Z0-9_]*)=("[^"]*"|'[^']*'|\S+)/g)) {
    if (env[m[1]] === undefined) env[m[1]] = m[2].replace(/^["']|["']$/g, '');
  }
}
if (files.length === 0) { console.error('no test files matched'); process.exit(1); }
// The integration tests run bin/cdc.mjs, which runs dist/: build it from the current sources.
if (integrationFiles.length > 0 && !buildDist()) process.exit(1);
// Files run one at a time inside a lane. Integration tests of one database share it, and all
// share one broker, so files never run side by side, except in two lanes that touch disjoint
// services besides Kafka and the registry: the files that use only MySQL/MariaDB or no database (with
// the unit tests) beside the rest. Files that stop or pause a shared service (Kafka, the main PostgreSQL)
// or use both databases (one lane restarts MariaDB, the other pauses PostgreSQL) run alone after
// both lanes. --serial (or CDC_TEST_SERIAL=1) runs everything in one lane, in the old order.
const serial = args.includes('--serial') || process.env.CDC_TEST_SERIAL === '1';
const STOPS_SHARED_SERVICE = ['test/integration/outage.it.test.ts', 'test/integration/stall.it.test.ts'];
const usesMysql = (f) => /MYSQL_|'mariadb'|mysql2/.test(readFileSync(join(root, f), 'utf8'));
const usesPg = (f) => /PgFixture|PGHOST|env!?\.pg\b/.test(readFileSync(join(root, f), 'utf8'));
const runsAlone = (f) => STOPS_SHARED_SERVICE.includes(f) || (f.endsWith('.it.test.ts') && usesMysql(f) && usesPg(f));
// The second lane also takes the files that need no database (Kafka and registry only).
const isMysqlLane = (f) => !f.endsWith('.it.test.ts') || usesMysql(f) || !usesPg(f);
const laneMode = !serial && files.length >= 2;
const EXCLUSIVE = laneMode ? files.filter(runsAlone) : [];
const lanes = !laneMode
  ? [{ name: 'all', files }]
  : [
      { name: 'main', files: files.filter((f) => !EXCLUSIVE.includes(f) && !isMysqlLane(f)) },
      { name: 'mysql+unit', files: files.filter((f) => !EXCLUSIVE.includes(f) && isMysqlLane(f)) },
    ].filter((l) => l.files.length > 0);
const alone = EXCLUSIVE;
const censusDir = mkdtempSync(join(tmpdir(), 'cdc-test-census-'));

/** One node --test process over `laneFiles`; the first lane prints live, the others into a file printed at the end. */
function runLane(name, laneFiles, live) {
  const censusFile = join(censusDir, `census-${name.replace(/\W/g, '_')}.jsonl`);
  const logFile = join(censusDir, `log-${name.replace(/\W/g, '_')}.txt`);
  const out = live ? 'inherit' : openSync(logFile, 'w');
  const child = spawn(process.execPath, [
    // kafkajs asks for negative timer delays, which Node.js 23+ warns about (bin/cdc.mjs drops it for the daemon)
    '--disable-warning=TimeoutNegativeWarning',
    '--import', 'tsx', '--test', '--test-concurrency=1',
    '--test-reporter=spec', '--test-reporter-destination=stdout',
    `--test-reporter=${pathToFileURL(join(root, 'scripts/test-census.mjs')).href}`, `--test-reporter-destination=${censusFile}`,
    ...laneFiles,
  ], { cwd: root, env, stdio: ['ignore', out, out] });
  const started = Date.now();
  return new Promise((done) => child.on('close', (code, signal) => {
    if (!live) {
      console.log(`\n===== lane ${name}: ${laneFiles.length} files, ${Math.round((Date.now() - started) / 1000)} s, exit ${code ?? signal} =====`);
      console.log(readFileSync(logFile, 'utf8'));
    } else console.log(`\n===== lane ${name}: ${laneFiles.length} files, ${Math.round((Date.now() - started) / 1000)} s, exit ${code ?? signal} =====`);
    done({ status: code ?? 1, census: readCensus(censusFile) });
  }));
}

if (lanes.length > 1) console.log(`running ${lanes.map((l) => `lane ${l.name} (${l.files.length} files)`).join(' beside ')}${alone.length ? `, then ${alone.join(', ')} alone` : ''}; lanes other than the first print when they end`);
const results = await Promise.all(lanes.map((l, i) => runLane(l.name, l.files, i === 0)));
if (alone.length) results.push(await runLane('alone', alone, true));
const census = results.flatMap((x) => x.census);
rmSync(censusDir, { recursive: true, force: true });
const r = { status: results.find((x) => x.status !== 0)?.status ?? 0 };
const problems = checkCensus(census, integrationFiles.map((f) => resolve(root, f)));
if (problems.length > 0) {
  console.error(`\nnot green: integration tests that did not run (their services are part of this run):\n  ${problems.join('\n  ')}`);
  console.error('start the services with `bash test/stack/stack.sh up` (npm test does), or run `npm run test:unit` for unit tests only');
  process.exit(r.status || 1);
}
const ran = census.filter((e) => e.state !== 'skipped').length;
if (r.status === 0 && ran === 0) { console.error('not green: no test ran'); process.exit(1); }
process.exit(r.status ?? 1);
