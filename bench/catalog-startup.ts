/**
 * Start-up time on a database with many tables: `cdc validate` and a daemon start until the
 * replication stream runs, for a connector that captures a few of N tables (include list) and
 * one that captures all N. Shared by `npm run bench:startup` (prints the figures) and
 * test/integration/pg-catalog-scale.it.test.ts (asserts bounds). Before the catalog queries were
 * filtered in SQL, every start read every column of every table into JavaScript.
 */
import { spawnSync } from 'node:child_process';
import { PgFixture } from '../test/helpers/pg-fixture.ts';
import { Daemon, writeConfig } from '../test/helpers/daemon.ts';
import type { StackEnv } from '../test/helpers/stack-env.ts';

const ROOT = new URL('../', import.meta.url).pathname;

export interface StartupFigures {
  readonly tables: number;
  readonly createSeconds: number;
  /** include list naming `captured` tables */
  readonly filtered: { readonly captured: number; readonly validateSeconds: number; readonly startSeconds: number };
  /** every table captured (snapshot.mode=no_data: no rows to read, only the catalog and the publication) */
  readonly all: { readonly validateSeconds: number; readonly startSeconds: number } | null;
  /** every table captured with snapshot.mode=initial on empty tables: seconds until streaming */
  readonly allWithSnapshot: { readonly startSeconds: number } | null;
}

const seconds = (t0: number) => Math.round((performance.now() - t0) / 100) / 10;

/** N tables of five columns (a key, a domain, an enum, a text and a timestamp) in schema "wide". */
export async function createTables(db: PgFixture, n: number): Promise<void> {
  await db.query(`CREATE SCHEMA wide; CREATE DOMAIN wide.code AS varchar(12); CREATE TYPE wide.state AS ENUM ('a', 'b')`);
  for (let from = 0; from < n; from += 1000) {
    await db.query(`DO $$ BEGIN FOR i IN ${from}..${Math.min(n, from + 1000) - 1} LOOP
      EXECUTE format('CREATE TABLE wide.t%s (id int PRIMARY KEY, c wide.code, s wide.state, note text, at timestamptz)', i);
    END LOOP; END $$`);
  }
}

function validate(file: string, env: StackEnv): number {
  const t0 = performance.now();
  const v = spawnSync(process.execPath, ['bin/cdc.mjs', 'validate', '--config', file], {
    cwd: ROOT, encoding: 'utf8', timeout: 300_000, env: { ...process.env, CDC_TEST_PGPASSWORD: env.pg.password },
  });
  if (v.status !== 0) throw new Error(`cdc validate failed (exit ${v.status ?? v.signal}):\n${v.stdout}${v.stderr}`);
  return seconds(t0);
}

async function start(file: string, env: StackEnv, timeoutMs: number): Promise<number> {
  const t0 = performance.now();
  const daemon = new Daemon(file, env).start();
  try {
    await daemon.waitForLog(/replication stream started/, timeoutMs);
    return seconds(t0);
  } finally {
    await daemon.stop();
  }
}

export async function measureStartup(env: StackEnv, db: PgFixture, o: { tables: number; captured: number; all: boolean; snapshot?: boolean; name: string; timeoutMs: number }): Promise<StartupFigures> {
  let t0 = performance.now();
  await createTables(db, o.tables);
  const createSeconds = seconds(t0);
  const include = Array.from({ length: o.captured }, (_, i) => `wide\\.t${i * Math.floor(o.tables / o.captured)}`).join(',');
  const filteredFile = writeConfig({ env, name: `${o.name}_f`, database: db.database, connector: { 'table.include.list': include, 'publication.autocreate.mode': 'filtered' } });
  const filtered = { captured: o.captured, validateSeconds: validate(filteredFile, env), startSeconds: await start(filteredFile, env, o.timeoutMs) };
  let all: StartupFigures['all'] = null;
  if (o.all) {
    const allFile = writeConfig({ env, name: `${o.name}_a`, database: db.database, connector: { 'schema.include.list': 'wide', 'snapshot.mode': 'no_data' } });
    all = { validateSeconds: validate(allFile, env), startSeconds: await start(allFile, env, o.timeoutMs) };
  }
  let allWithSnapshot: StartupFigures['allWithSnapshot'] = null;
  if (o.snapshot) {
    const snapFile = writeConfig({ env, name: `${o.name}_s`, database: db.database, connector: { 'schema.include.list': 'wide', 'snapshot.mode': 'initial' } });
    allWithSnapshot = { startSeconds: await start(snapFile, env, o.timeoutMs) };
  }
  return { tables: o.tables, createSeconds, filtered, all, allWithSnapshot };
}
