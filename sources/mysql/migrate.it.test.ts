/**
 * `cdc migrate` for MariaDB against the stack's MariaDB 10.11: the least-privilege user and the
 * signal table are created, a second run changes nothing and fails on nothing, the user can
 * connect, and every server check passes for it, with no privilege beyond what the files list.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import mysql from 'mysql2/promise';
import { connectFrameworkConfigDef } from '../../src/config/connect-framework-fields.ts';
import { requireServices } from '../../test/helpers/stack-env.ts';
import { MARIADB_CONFIG_DEF, MARIADB_CONNECTOR_CLASS } from './config-spec.ts';
import { readMysqlTaskConfig } from './config-task.ts';
import { migrateMysql } from './migrate.ts';
import { openSql } from './server-checks-connect.ts';
import { serverProblems } from './server-checks.ts';

const SKIP = requireServices(['MYSQL_HOST', 'MYSQL_PORT'], 'MariaDB', 'bash test/stack/stack.sh up --with mariadb; . $CDC_STACK_DIR/env') ? false : 'MYSQL_HOST is unset (bash test/stack/stack.sh up --with mariadb)';
const env = process.env;
const DB = `cdc_migrate_it_${process.pid % 100000}`;
const ROLE = 'cdc_migrate_it';
const ROLE_PW = 'Migrate-it-pw1';
const def = connectFrameworkConfigDef().merge(MARIADB_CONFIG_DEF);
const quiet = { debug() {}, info() {}, warn() {}, error() {}, child() { return quiet; } };

function config(extra: Record<string, string> = {}) {
  return def.parse({
    name: 'migrate-it', 'connector.class': MARIADB_CONNECTOR_CLASS,
    'database.hostname': env['MYSQL_HOST'], 'database.port': env['MYSQL_PORT'],
    'database.user': env['MYSQL_USER'] ?? 'root', 'database.password': env['MYSQL_PASSWORD'] ?? '',
    'topic.prefix': 'migrate', 'database.include.list': DB, 'signal.data.collection': `${DB}.dbz_signal`, ...extra,
  }, 'connector "migrate-it"');
}

describe('cdc migrate for MariaDB', { skip: SKIP }, () => {
  let admin: mysql.Connection;
  const grants = async () => {
    const [rows] = await admin.query(`SHOW GRANTS FOR '${ROLE}'@'%'`) as unknown as [Array<Record<string, string>>];
    return rows.map((r) => String(Object.values(r)[0]).replace(/ IDENTIFIED BY PASSWORD '[^']*'/, '')).sort();
  };

  before(async () => {
    admin = await mysql.createConnection({ host: env['MYSQL_HOST'], port: Number(env['MYSQL_PORT']), user: env['MYSQL_USER'] ?? 'root', password: env['MYSQL_PASSWORD'] ?? '' });
    await admin.query(`DROP USER IF EXISTS '${ROLE}'@'%'`);
    await admin.query(`CREATE DATABASE IF NOT EXISTS ${DB}`);
    await admin.query(`CREATE TABLE IF NOT EXISTS ${DB}.orders (id int PRIMARY KEY, note varchar(20))`);
  });

  after(async () => {
    await admin.query(`DROP USER IF EXISTS '${ROLE}'@'%'`);
    await admin.query(`DROP DATABASE IF EXISTS ${DB}`);
    await admin.end();
  });

  test('applied twice: the same least privileges, and the user passes every check', async () => {
    const first = await migrateMysql(config(), { role: ROLE, rolePassword: ROLE_PW, log: quiet });
    assert.deepEqual(first, ['001_cdc_user.sql', '002_signal_table.sql']);
    const once = await grants();
    assert.deepEqual(once, [
      `GRANT REPLICATION SLAVE, BINLOG MONITOR ON *.* TO \`${ROLE}\`@\`%\``,
      `GRANT SELECT ON \`${DB}\`.* TO \`${ROLE}\`@\`%\``,
      `GRANT SELECT, INSERT, DELETE ON \`${DB}\`.\`dbz_signal\` TO \`${ROLE}\`@\`%\``,
    ].sort());
    assert.deepEqual(await migrateMysql(config(), { role: ROLE, rolePassword: ROLE_PW, log: quiet }), first);
    assert.deepEqual(await grants(), once);

    const cfg = readMysqlTaskConfig(config({ 'database.user': ROLE, 'database.password': ROLE_PW }));
    const sql = await openSql(cfg.connection, 'connector "migrate-it"');
    try {
      const r = await serverProblems(sql, cfg, 'connector "migrate-it"');
      assert.deepEqual(r.problems.map((p) => p.message), []);
    } finally {
      await sql.end();
    }
  });

  test('without a role only the signal table is made; a failing file names itself and hides the password', async () => {
    assert.deepEqual(await migrateMysql(config(), { log: quiet }), ['002_signal_table.sql']);
    const err = await migrateMysql(config({ 'signal.data.collection': 'no_such_db_xyz.sig' }), { role: ROLE, rolePassword: ROLE_PW, log: quiet }).catch((e: unknown) => e);
    assert.ok(err instanceof Error);
    assert.match(err.message, /CDC_MYSQL_MIGRATION: migration 002_signal_table\.sql failed[\s\S]*fix: run cdc migrate with an administrator/);
    assert.doesNotMatch(err.message, new RegExp(ROLE_PW));
  });
});
