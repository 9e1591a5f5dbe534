/**
 * The server checks against a real MariaDB 10.11 (bash test/stack/stack.sh up --with mariadb;
 * source $CDC_STACK_DIR/env). Each bad setting is made at runtime with SET GLOBAL (binlog_format,
 * binlog_row_image, binlog_row_metadata, binlog_annotate_row_events), each missing privilege with a
 * user of its own, and a purged position with PURGE BINARY LOGS; every test restores what it
 * changed. Works in its own database and users, dropped afterwards.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import mysql from 'mysql2/promise';
import { connectFrameworkConfigDef } from '../../src/config/connect-framework-fields.ts';
import { requireServices } from '../../test/helpers/stack-env.ts';
import { MARIADB_CONFIG_DEF, MARIADB_CONNECTOR_CLASS, MYSQL_CONFIG_DEF, MYSQL_CONNECTOR_CLASS } from './config-spec.ts';
import { readMysqlTaskConfig } from './config-task.ts';
import { openSql } from './server-checks-connect.ts';
import { serverProblems, type ServerReport } from './server-checks.ts';
import { binlogDistance, listBinaryLogs } from './server-checks-binlog.ts';
import { validateMysqlEnvironment } from './server-checks-validate.ts';
import { registerReplica } from '../../test/helpers/mysql-replica.ts';
import { gtidPositionProblem } from './server-checks-gtid.ts';

const SKIP = requireServices(['MYSQL_HOST', 'MYSQL_PORT'], 'MariaDB', 'bash test/stack/stack.sh up --with mariadb; . $CDC_STACK_DIR/env') ? false : 'MYSQL_HOST is unset (bash test/stack/stack.sh up --with mariadb)';
const env = process.env;
const DB = `cdc_checks_it_${process.pid % 100000}`;
const USER_PW = 'it-secret-pw';
const def = connectFrameworkConfigDef().merge(MARIADB_CONFIG_DEF);
const quiet = { debug() {}, info() {}, warn() {}, error() {}, child() { return quiet; } };

function config(extra: Record<string, string> = {}) {
  return def.parse({
    name: 'checks-it', 'connector.class': MARIADB_CONNECTOR_CLASS,
    'database.hostname': env['MYSQL_HOST'], 'database.port': env['MYSQL_PORT'],
    'database.user': env['MYSQL_USER'] ?? 'root', 'database.password': env['MYSQL_PASSWORD'] ?? '',
    'topic.prefix': 'checks', 'database.include.list': DB, ...extra,
  }, 'connector "checks-it"');
}

describe('MySQL/MariaDB server checks against a real MariaDB', { skip: SKIP }, () => {
  let admin: mysql.Connection;
  const users: string[] = [];

  async function report(extra: Record<string, string> = {}): Promise<ServerReport> {
    const cfg = readMysqlTaskConfig(config(extra));
    const sql = await openSql(cfg.connection, 'connector "checks-it"');
    try {
      return await serverProblems(sql, cfg, 'connector "checks-it"');
    } finally {
      await sql.end();
    }
  }
  const codes = (r: ServerReport) => r.problems.map((p) => p.code);

  /** Runs `fn` with a global variable changed, then puts the old value back. */
  async function withGlobal(name: string, value: string, fn: () => Promise<void>): Promise<void> {
    const [[row]] = await admin.query(`SELECT @@GLOBAL.${name} AS v`) as unknown as [[{ v: string | number }]];
    await admin.query(`SET GLOBAL ${name} = ?`, [value]);
    try { await fn(); } finally { await admin.query(`SET GLOBAL ${name} = ?`, [row.v]); }
  }

  async function user(name: string, grants: string[]): Promise<Record<string, string>> {
    users.push(name);
    await admin.query(`CREATE OR REPLACE USER '${name}'@'%' IDENTIFIED BY '${USER_PW}'`);
    for (const g of grants) await admin.query(`GRANT ${g} TO '${name}'@'%'`);
    return { 'database.user': name, 'database.password': USER_PW };
  }

  before(async () => {
    admin = await mysql.createConnection({ host: env['MYSQL_HOST'], port: Number(env['MYSQL_PORT']), user: env['MYSQL_USER'] ?? 'root', password: env['MYSQL_PASSWORD'] ?? '' });
    await admin.query(`CREATE DATABASE IF NOT EXISTS ${DB}`);
    await admin.query(`CREATE TABLE IF NOT EXISTS ${DB}.orders (id int PRIMARY KEY, note varchar(20))`);
  });

  after(async () => {
    for (const u of users) await admin.query(`DROP USER IF EXISTS '${u}'@'%'`);
    await admin.query(`DROP DATABASE IF EXISTS ${DB}`);
    await admin.end();
  });

  test('the stack\'s server passes every check; its 2-day retention gives a warning', async () => {
    const r = await report();
    assert.equal(r.facts.version.flavour, 'mariadb');
    assert.deepEqual(r.problems.map((p) => p.message), []);
    assert.ok(r.warnings.some((w) => /keeps binlogs 48 h \(binlog_expire_logs_seconds=172800\)/.test(w)), r.warnings.join('\n'));
  });

  test('binlog_format=STATEMENT', async () => {
    await withGlobal('binlog_format', 'STATEMENT', async () => {
      const r = await report();
      assert.deepEqual(codes(r), ['CDC_MYSQL_BINLOG_FORMAT']);
      assert.match(r.problems[0]!.message, /has binlog_format=STATEMENT[\s\S]*fix: run SET GLOBAL binlog_format = 'ROW' and put binlog_format=ROW in my\.cnf/);
    });
  });

  test('binlog_row_image=MINIMAL', async () => {
    await withGlobal('binlog_row_image', 'MINIMAL', async () => {
      const r = await report();
      assert.deepEqual(codes(r), ['CDC_MYSQL_ROW_IMAGE']);
      assert.match(r.problems[0]!.message, /binlog_row_image=MINIMAL[\s\S]*look like NULL[\s\S]*SET GLOBAL binlog_row_image = 'FULL'/);
    });
  });

  test('binlog_row_metadata=MINIMAL', async () => {
    await withGlobal('binlog_row_metadata', 'MINIMAL', async () => {
      const r = await report();
      assert.deepEqual(codes(r), ['CDC_MYSQL_ROW_METADATA']);
      assert.match(r.problems[0]!.message, /binlog_row_metadata=MINIMAL[\s\S]*SET GLOBAL binlog_row_metadata = 'FULL'/);
    });
  });

  test('include.query needs binlog_annotate_row_events=ON', async () => {
    await withGlobal('binlog_annotate_row_events', 'OFF', async () => {
      assert.deepEqual(codes(await report()), []);
      const r = await report({ 'include.query': 'true' });
      assert.deepEqual(codes(r), ['CDC_MYSQL_QUERY_EVENTS']);
      assert.match(r.problems[0]!.message, /property include\.query[\s\S]*SET GLOBAL binlog_annotate_row_events = ON/);
    });
  });

  test('database.server.id equal to the server\'s own server_id', async () => {
    const r = await report({ 'database.server.id': '1' });
    assert.deepEqual(codes(r), ['CDC_MYSQL_SERVER_ID']);
    assert.match(r.problems[0]!.message, /has server_id=1 itself[\s\S]*property database\.server\.id/);
  });

  test('a replica registered with the same server id (SHOW SLAVE HOSTS); a user who may not list replicas is warned', async () => {
    const replica = await registerReplica({ host: env['MYSQL_HOST']!, port: Number(env['MYSQL_PORT']), user: env['MYSQL_USER'] ?? 'root', password: env['MYSQL_PASSWORD'] ?? '', serverId: 777123, reportHost: 'replica-b' });
    try {
      const r = await report({ 'database.server.id': '777123' });
      assert.deepEqual(codes(r), ['CDC_MYSQL_SERVER_ID']);
      assert.match(r.problems[0]!.message, /has a replica registered with server id 777123 \(replica-b:3306\)[\s\S]*property database\.server\.id[\s\S]*fix: set database\.server\.id to a number no server or other binlog reader uses$/);
      assert.deepEqual(codes(await report({ 'database.server.id': '777124' })), []);
      const limited = await user('cdc_it_norma', ['REPLICATION SLAVE, BINLOG MONITOR ON *.*', `SELECT ON ${DB}.*`]);
      const l = await report({ ...limited, 'database.server.id': '777123' });
      assert.deepEqual(codes(l), []);
      assert.ok(l.warnings.some((w) => /may not list the replicas[\s\S]*REPLICATION MASTER ADMIN[\s\S]*777123 cannot be ruled out/.test(w)), l.warnings.join('\n'));
    } finally {
      await replica.close();
    }
  });

  test('GTID filters with gtid_strict_mode=OFF warn', async () => {
    const r = await report({ 'gtid.source.includes': '0-1' });
    assert.deepEqual(codes(r), []);
    assert.ok(r.warnings.some((w) => /gtid_strict_mode=OFF while gtid\.source\.includes is set/.test(w)));
  });

  test('a user without BINLOG MONITOR; no lock privilege is needed (the chunked snapshot takes no lock)', async () => {
    const noMonitor = await user('cdc_it_nomon', ['REPLICATION SLAVE ON *.*', `SELECT ON ${DB}.*`]);
    const r = await report(noMonitor);
    assert.deepEqual(codes(r), ['CDC_MYSQL_PRIVILEGE']);
    assert.match(r.problems[0]!.message, /does not give user 'cdc_it_nomon' the BINLOG MONITOR privilege[\s\S]*property database\.user[\s\S]*GRANT BINLOG MONITOR ON \*\.\*/);
    const minimal = await user('cdc_it_min', ['REPLICATION SLAVE, BINLOG MONITOR ON *.*', `SELECT ON ${DB}.*`]);
    assert.deepEqual(codes(await report(minimal)), [], 'minimal locking needs no RELOAD');
    assert.deepEqual(codes(await report({ ...minimal, 'snapshot.locking.mode': 'none' })), [], 'none needs no RELOAD either');
  });

  test('a user without SELECT on a captured table; a user who sees no table', async () => {
    const insertOnly = await user('cdc_it_nosel', ['REPLICATION SLAVE, BINLOG MONITOR ON *.*', `INSERT ON ${DB}.orders`]);
    const r = await report(insertOnly);
    assert.deepEqual(codes(r), ['CDC_MYSQL_PRIVILEGE']);
    assert.match(r.problems[0]!.message, new RegExp(`SELECT on the captured table ${DB}\\.orders[\\s\\S]*GRANT SELECT ON ${DB}\\.\\*`));
    const blind = await user('cdc_it_blind', ['REPLICATION SLAVE, BINLOG MONITOR ON *.*']);
    const b = await report(blind);
    assert.deepEqual(codes(b), ['CDC_MYSQL_NO_TABLES']);
    assert.ok(b.warnings.some((w) => w.includes(`database.include.list entry "${DB}" matches no table database.user can see`)));
  });

  test('a purged position: what was lost and how to recover', async () => {
    const [[status]] = await admin.query('SHOW MASTER STATUS') as unknown as [[{ File: string; Position: number }]];
    const [[{ gtid }]] = await admin.query('SELECT @@GLOBAL.gtid_binlog_pos AS gtid') as unknown as [[{ gtid: string }]];
    await admin.query(`INSERT INTO ${DB}.orders VALUES (1, 'lost')`);
    await admin.query('FLUSH BINARY LOGS');
    await admin.query('FLUSH BINARY LOGS');
    const before = await listBinaryLogs(admin);
    const live = binlogDistance(before, { file: status.File, pos: Number(status.Position) }, 'connector "checks-it"', 'server');
    assert.equal(live.kind, 'available');
    assert.ok(live.kind === 'available' && live.filesToEnd >= 2 && live.bytesToEnd > 0);
    // MariaDB keeps a binlog until InnoDB has flushed the commits it holds (binlog checkpoint):
    // PURGE skips such a file silently, so repeat it until the file is gone (a few seconds at most).
    const newest = before[before.length - 1]!.name;
    for (let i = 0; i < 100; i++) {
      await admin.query(`PURGE BINARY LOGS TO '${newest}'`);
      if (!(await listBinaryLogs(admin)).some((f) => f.name === status.File)) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const d = binlogDistance(await listBinaryLogs(admin), { file: status.File, pos: Number(status.Position) }, 'connector "checks-it"', 'server');
    assert.equal(d.kind, 'purged');
    assert.ok(d.kind === 'purged');
    const byGtid = await gtidPositionProblem(admin, 'mariadb', gtid, 'connector "checks-it"', 'server');
    assert.match(byGtid?.message ?? '', new RegExp(`CDC_MYSQL_POSITION_PURGED: the transactions after the stored GTID position ${gtid} are no longer all on server: domain 0 seq[\\s\\S]*were in binlogs purged[\\s\\S]*fix: set snapshot\\.mode=when_needed`));
    const [[{ now }]] = await admin.query('SELECT @@GLOBAL.gtid_binlog_pos AS now') as unknown as [[{ now: string }]];
    assert.equal(await gtidPositionProblem(admin, 'mariadb', now, 'c', 'server'), undefined);
    assert.match(d.error.message, new RegExp(`CDC_MYSQL_POSITION_PURGED: the stored binlog position ${status.File.replace('.', '\\.')}:${status.Position} is no longer on server[\\s\\S]*were purged[\\s\\S]*fix: set snapshot\\.mode=when_needed`));
  });

  test('TLS: preferred falls back to plain on a server without TLS; required and trust say the server offers none', async () => {
    // The stack's MariaDB has no certificate (have_ssl=DISABLED).
    const mysqlDef = connectFrameworkConfigDef().merge(MYSQL_CONFIG_DEF);
    const raw = { ...config().raw(), 'connector.class': MYSQL_CONNECTOR_CLASS };
    const preferred = await validateMysqlEnvironment(mysqlDef.parse(raw, 'c'), quiet);
    assert.deepEqual(preferred.map((p) => p.code), [], 'the MySQL connector class on MariaDB is a warning, not a problem');
    const required = await validateMysqlEnvironment(mysqlDef.parse({ ...raw, 'database.ssl.mode': 'required' }, 'c'), quiet);
    assert.deepEqual(required.map((p) => [p.code, p.property]), [['CDC_MYSQL_TLS', 'database.ssl.mode']]);
    assert.match(required[0]!.what, /offers no TLS, and database\.ssl\.mode=required requires it/);
    const trust = await validateMysqlEnvironment(config({ 'database.ssl.mode': 'trust' }), quiet);
    assert.deepEqual(trust.map((p) => p.code), ['CDC_MYSQL_TLS']);
  });

  test('cdc validate: wrong password and an unreachable port, one error each', async () => {
    const bad = await validateMysqlEnvironment(config({ 'database.password': 'wrong-pw-xyz' }), quiet);
    assert.deepEqual(bad.map((p) => [p.code, p.property]), [['CDC_MYSQL_AUTH', 'database.user']]);
    assert.doesNotMatch(JSON.stringify(bad), /wrong-pw-xyz/);
    const down = await validateMysqlEnvironment(config({ 'database.port': '1', 'connect.timeout.ms': '3000' }), quiet);
    assert.deepEqual(down.map((p) => p.code), ['CDC_MYSQL_UNREACHABLE']);
    assert.deepEqual(await validateMysqlEnvironment(config(), quiet), []);
  });
});
