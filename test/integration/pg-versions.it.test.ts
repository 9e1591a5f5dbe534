/**
 * PostgreSQL versions the connector cannot serve are refused at once with what, where and the
 * fix, by `cdc validate` and by `cdc run` (no retry loop): a real PostgreSQL 13 server
 * (`stack.sh up --with pg13`), and slot.failover=true against a standby (`--with pg17-standby`).
 * The supported majors themselves run in `npm run test:matrix`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { stackEnv, requireServices, SKIP_REASON, type StackEnv } from '../helpers/stack-env.ts';
import { writeConfig } from '../helpers/daemon.ts';
import { topicsWithPrefix } from '../helpers/kafka-reader.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
const base = stackEnv();
const have = base ? requireServices(['PG13_PORT', 'PG17_STANDBY_PORT'], 'PostgreSQL 13 and the PostgreSQL 17 standby', 'run `bash test/stack/stack.sh up --with pg13 --with pg17-standby` and source $CDC_STACK_DIR/env (npm test starts them)') : null;
const on = (port: string | undefined): StackEnv | null => (base && have ? { ...base, pg: { ...base.pg, port: Number(port) } } : null);
const pg13 = on(process.env['PG13_PORT']);
const standby = on(process.env['PG17_STANDBY_PORT']);
const skip = pg13 ? false : SKIP_REASON;

function cdc(command: 'validate' | 'run', config: string, env: StackEnv, timeout = 60_000): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, ['bin/cdc.mjs', command, '--config', config], {
    cwd: ROOT, encoding: 'utf8', timeout, env: { ...process.env, CDC_TEST_PGPASSWORD: env.pg.password },
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

test('PostgreSQL 13: cdc validate and cdc run refuse it with CDC_PG_VERSION, without retrying', { skip, timeout: 120_000 }, async () => {
  const name = `v13_${Date.now().toString(36)}`;
  const file = writeConfig({ env: pg13!, name, database: 'postgres', connector: {} });
  const v = cdc('validate', file, pg13!);
  assert.equal(v.code, 1, v.out);
  assert.match(v.out, /CDC_PG_VERSION/);
  assert.match(v.out, /runs PostgreSQL 13\.\d+; this connector needs PostgreSQL 14 or newer/);
  assert.match(v.out, /database\.hostname/);
  assert.match(v.out, /fix: upgrade PostgreSQL to 14 or newer/);
  // Before the check, slot creation failed with a syntax error that was retried forever.
  const r = cdc('run', file, pg13!, 20_000);
  assert.match(r.out, /CDC_PG_VERSION/);
  assert.match(r.out, /task failed; fix the cause/);
  assert.doesNotMatch(r.out, /restarting from the committed offset/, 'not retried');
  assert.doesNotMatch(r.out, /syntax error/);
  assert.deepEqual(await topicsWithPrefix(pg13!, `${name}.`), [], 'nothing written');
});

test('slot.failover=true against a standby: refused with CDC_PG_FAILOVER_SLOT', { skip, timeout: 60_000 }, () => {
  const file = writeConfig({ env: standby!, name: `vfo_${Date.now().toString(36)}`, database: 'postgres', connector: { 'slot.failover': true, 'publication.autocreate.mode': 'disabled' } });
  const v = cdc('validate', file, standby!);
  assert.equal(v.code, 1, v.out);
  assert.match(v.out, /CDC_PG_FAILOVER_SLOT/);
  assert.match(v.out, /is a standby: PostgreSQL creates failover slots only on the primary/);
  assert.match(v.out, /point database\.hostname at the primary/);
});

test('a standby cannot create the publication: the start fails with CDC_PG_NO_PUBLICATION naming the primary, not a retry loop', { skip, timeout: 60_000 }, () => {
  const file = writeConfig({ env: standby!, name: `vpub_${Date.now().toString(36)}`, database: 'postgres', connector: {} });
  const r = cdc('run', file, standby!, 20_000);
  assert.match(r.out, /CDC_PG_NO_PUBLICATION/);
  assert.match(r.out, /read-only \(a standby\)/);
  assert.match(r.out, /create the publication on the primary/);
  assert.match(r.out, /task failed; fix the cause/);
  assert.doesNotMatch(r.out, /restarting from the committed offset/, 'not retried');
});
