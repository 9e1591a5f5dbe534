/**
 * The MySQL 8 branches of the server checks (task start and `cdc validate` share serverProblems),
 * against a test double of a MySQL 8.0 server's answers (none runs here; MariaDB branches are
 * covered by server-checks.it.test.ts against a real server). Above all: a compressed binlog
 * (binlog_transaction_compression=ON) is refused before streaming, because zongji skips
 * TRANSACTION_PAYLOAD events and their rows would otherwise be missing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectFrameworkConfigDef } from '../../src/config/connect-framework-fields.ts';
import { MYSQL_CONFIG_DEF, MYSQL_CONNECTOR_CLASS } from './config-spec.ts';
import { readMysqlTaskConfig } from './config-task.ts';
import { checkServer, serverProblems } from './server-checks.ts';
import { goodMysql8, mysql8Session } from '../../test/doubles/mysql8-check-answers.ts';

const def = connectFrameworkConfigDef().merge(MYSQL_CONFIG_DEF);
const cfg = (extra: Record<string, string> = {}) => readMysqlTaskConfig(def.parse({
  name: 'm8', 'connector.class': MYSQL_CONNECTOR_CLASS, 'database.hostname': 'db8', 'database.user': 'cdc', 'database.password': 'pw',
  'topic.prefix': 'm8', 'database.include.list': 'shop', 'database.server.id': '5401', ...extra,
}, 'connector "m8"'));
const WHERE = 'connector "m8"';

test('a well set up MySQL 8.0 passes with no problem', async () => {
  const r = await serverProblems(mysql8Session(goodMysql8()), cfg(), WHERE);
  assert.equal(r.facts.version.flavour, 'mysql');
  assert.deepEqual(r.problems.map((p) => p.message), []);
});

test('binlog_transaction_compression=ON is refused at task start and by validate, with what, where and fix', async () => {
  const a = goodMysql8();
  a.vars['binlog_transaction_compression'] = 'ON';
  const r = await serverProblems(mysql8Session(a), cfg(), WHERE);
  assert.deepEqual(r.problems.map((p) => p.code), ['CDC_MYSQL_BINLOG_COMPRESSION']);
  const msg = r.problems[0]!.message;
  assert.match(msg, /MySQL server db8:3306 has binlog_transaction_compression=ON; .*TRANSACTION_PAYLOAD.*would be missing/);
  assert.match(msg, /connector "m8"/);
  assert.match(msg, /SET GLOBAL binlog_transaction_compression = OFF/);
  await assert.rejects(checkServer(mysql8Session(a), cfg(), WHERE), (e: { code?: string }) => e.code === 'CDC_MYSQL_BINLOG_COMPRESSION');
});

test('PARTIAL_JSON, STATEMENT format and gtid_mode=OFF with GTID filters each give their own code', async () => {
  const a = goodMysql8();
  a.vars['binlog_row_value_options'] = 'PARTIAL_JSON';
  a.vars['binlog_format'] = 'STATEMENT';
  a.vars['gtid_mode'] = 'OFF';
  const r = await serverProblems(mysql8Session(a), cfg({ 'gtid.source.includes': '3e11fa47-71ca-11e1-9e33-c80aa9429562' }), WHERE);
  assert.deepEqual(r.problems.map((p) => p.code).sort(), ['CDC_MYSQL_BINLOG_COMPRESSION', 'CDC_MYSQL_BINLOG_FORMAT', 'CDC_MYSQL_GTID_MODE']);
});

test('MySQL before 8.0.20 has no compression variable: absent is not ON', async () => {
  const a = goodMysql8();
  a.version = '8.0.19';
  delete a.vars['binlog_transaction_compression'];
  assert.deepEqual((await serverProblems(mysql8Session(a), cfg(), WHERE)).problems.map((p) => p.code), []);
});
