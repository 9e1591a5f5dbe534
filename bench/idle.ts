/**
 * `npm run bench:idle [-- --connectors N] [--seconds S] [--cpu-prof DIR]`: what an idle daemon
 * costs. Starts one worker with N PostgreSQL connectors (default 1) on an empty table each, waits
 * until every one streams, lets it settle, then measures the daemon's CPU (utime + stime from
 * /proc) and RSS over S seconds (default 60) in which nothing is written. Prints a block and a
 * JSON line. With --cpu-prof the daemon writes a V8 CPU profile of the idle window's process to DIR
 * (summarise it with `npx tsx bench/cpu-profile-summary.ts <file>`): what wakes up, by module.
 * Each connector holds a replication slot: N is bounded by the server's max_replication_slots.
 */
import './quiet-timeout-warning.ts';
import { parseArgs } from 'node:util';
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ensureStack } from './bench-stack.ts';
import { PgFixture } from '../test/helpers/pg-fixture.ts';
import { Daemon, writeConfig } from '../test/helpers/daemon.ts';
import { sampleProcess } from './process-stats.ts';

const ROOT = new URL('../', import.meta.url).pathname;
const log = (line: string) => process.stderr.write(`bench: ${line}\n`);
const { values } = parseArgs({ options: { connectors: { type: 'string', default: '1' }, seconds: { type: 'string', default: '60' }, 'cpu-prof': { type: 'string' }, 'settle-s': { type: 'string', default: '15' } } });
const n = Number(values.connectors), seconds = Number(values.seconds), settle = Number(values['settle-s']);
if (!Number.isInteger(n) || n < 1) throw new Error(`--connectors "${values.connectors}" must be a positive integer`);
if (!(seconds > 0)) throw new Error(`--seconds "${values.seconds}" must be a positive number`);

const { env } = ensureStack(log);
const db = await PgFixture.create(env, 'idle');
const slots = await db.query(`SELECT current_setting('max_replication_slots')::int - count(*) AS free FROM pg_replication_slots`);
const free = Number(slots.rows[0].free);
if (n > free) throw new Error(`--connectors ${n}: the server has ${free} free replication slots (max_replication_slots); use at most ${free}`);
if (values['cpu-prof']) {
  process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --import ${resolve(ROOT, 'bench/cpu-profile-preload.mjs')}`.trim();
  process.env.CDC_BENCH_CPU_PROF_DIR = resolve(values['cpu-prof']);
}
const name = `idle_${db.database.slice(-8)}`;
let daemon: Daemon | null = null;
try {
  for (let i = 0; i < n; i++) await db.query(`CREATE TABLE t${i} (id int PRIMARY KEY, v text)`);
  const file = writeConfig({ env, name, database: db.database, connector: { 'table.include.list': 'public.t0' } });
  const config = JSON.parse(readFileSync(file, 'utf8')) as { connectors: { name: string; config: Record<string, unknown> }[] };
  const first = config.connectors[0]!;
  config.connectors = Array.from({ length: n }, (_, i) => ({
    name: `${name}_${i}`,
    config: { ...first.config, 'topic.prefix': `${name}_${i}`, 'slot.name': `${name}_${i}`, 'publication.name': `pub_${name}_${i}`, 'table.include.list': `public.t${i}` },
  }));
  writeFileSync(file, JSON.stringify(config, null, 2));
  const t0 = performance.now();
  daemon = new Daemon(file, env).start();
  const pid = await waitForPid(daemon);
  let lastProgress = performance.now();
  while ((daemon.output.match(/replication stream started/g) ?? []).length < n) {
    if (!daemon.running && daemon.exitCode !== undefined) throw new Error(`daemon exited (${daemon.exitCode}):\n${daemon.output.slice(-3000)}`);
    if (performance.now() - t0 > 300_000) throw new Error(`not every connector streams after 300 s:\n${daemon.output.slice(-3000)}`);
    if (performance.now() - lastProgress > 10_000) {
      lastProgress = performance.now();
      log(`${(daemon.output.match(/replication stream started/g) ?? []).length} of ${n} connector(s) streaming after ${((lastProgress - t0) / 1000).toFixed(0)} s`);
    }
    await sleep(200);
  }
  const startSeconds = (performance.now() - t0) / 1000;
  log(`${n} connector(s) streaming after ${startSeconds.toFixed(1)} s; settling ${settle} s, then measuring ${seconds} s`);
  await sleep(settle * 1000);
  const a = sampleProcess(pid);
  await sleep(seconds * 1000);
  const b = sampleProcess(pid);
  // What the connectors hold on the server: sessions of their application_name (cdc-<connector>) and walsenders.
  const held = await db.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name LIKE $1`, [`cdc-${name}\\_%`]);
  const pgConnections = Number(held.rows[0].n);
  const cpuPercent = ((b.cpuSeconds - a.cpuSeconds) / ((b.atMs - a.atMs) / 1000)) * 100;
  const figures = {
    bench: 'idle', connectors: n, windowSeconds: Math.round((b.atMs - a.atMs) / 1000), startSeconds: Math.round(startSeconds * 10) / 10,
    cpuPercentOfOneCore: Math.round(cpuPercent * 100) / 100, cpuSecondsInWindow: Math.round((b.cpuSeconds - a.cpuSeconds) * 100) / 100,
    rssMiB: Math.round(b.rssBytes / 2 ** 20), peakRssMiB: Math.round(b.peakRssBytes / 2 ** 20),
    pgConnections, pgConnectionsPerConnector: Math.round((pgConnections / n) * 10) / 10,
  };
  process.stdout.write([
    `idle connectors           ${n} (one worker, PostgreSQL, empty tables, nothing written)`,
    `CPU over ${figures.windowSeconds} s           ${figures.cpuPercentOfOneCore} % of one core (${figures.cpuSecondsInWindow} CPU s)`,
    `RSS                       ${figures.rssMiB} MiB (peak ${figures.peakRssMiB} MiB)`,
    `PostgreSQL connections    ${pgConnections} (${figures.pgConnectionsPerConnector} per connector, walsenders included)`,
    JSON.stringify(figures), '',
  ].join('\n'));
} finally {
  if (daemon?.running) await daemon.stop();
  await db.drop();
}

async function waitForPid(d: Daemon): Promise<number> {
  for (let i = 0; i < 100 && d.pid === undefined; i++) await sleep(50);
  if (d.pid === undefined) throw new Error('the daemon did not start');
  return d.pid;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
