import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectFrameworkConfigDef } from '../../src/config/connect-framework-fields.ts';
import { configProblems } from '../../test/helpers/config-problems.ts';
import { MARIADB_CONFIG_DEF, MARIADB_CONNECTOR_CLASS, MYSQL_CONFIG_DEF, MYSQL_CONNECTOR_CLASS } from './config-spec.ts';
import { readMysqlTaskConfig, splitStatements } from './config-task.ts';
import { derivedServerId } from './config-server-id.ts';

const mysqlDef = connectFrameworkConfigDef().merge(MYSQL_CONFIG_DEF);
const mariaDef = connectFrameworkConfigDef().merge(MARIADB_CONFIG_DEF);

const BASE = {
  name: 'inventory', 'connector.class': MYSQL_CONNECTOR_CLASS,
  'database.hostname': 'db', 'database.user': 'cdc', 'database.password': 'secret', 'topic.prefix': 'shop',
};
const MARIA = { ...BASE, 'connector.class': MARIADB_CONNECTOR_CLASS };

test('defaults are Debezium 3.6\'s for the MySQL connector', () => {
  const cfg = readMysqlTaskConfig(mysqlDef.parse(BASE, 'connector "inventory"'));
  assert.equal(cfg.flavour, 'mysql');
  assert.equal(cfg.connection.port, 3306);
  assert.equal(cfg.connection.tls.mode, 'preferred');
  assert.equal(cfg.connection.connectTimeoutMs, 30000);
  assert.equal(cfg.binlog.keepAlive, true);
  assert.equal(cfg.binlog.keepAliveIntervalMs, 60000);
  assert.equal(cfg.binlog.includeQuery, false);
  assert.equal(cfg.snapshot.mode, 'initial');
  assert.equal(cfg.snapshot.lockingMode, 'minimal');
  assert.equal(cfg.types.bigintUnsignedHandlingMode, 'long');
  assert.equal(cfg.types.timePrecisionMode, 'adaptive_time_microseconds');
  assert.equal(cfg.types.decimalHandlingMode, 'precise');
  assert.equal(cfg.events.includeSchemaChanges, true);
  assert.deepEqual([...cfg.events.skippedOperations], ['t']);
  assert.equal(cfg.events.tombstonesOnDelete, true);
  assert.equal(cfg.gtid.filterDmlEvents, true);
});

test('MariaDB: its own TLS mode names, mapped to one meaning', () => {
  const d = readMysqlTaskConfig(mariaDef.parse(MARIA, 'c'));
  assert.equal(d.flavour, 'mariadb');
  assert.equal(d.connection.tls.mode, 'disabled');
  const v = readMysqlTaskConfig(mariaDef.parse({ ...MARIA, 'database.ssl.mode': 'verify-full' }, 'c'));
  assert.equal(v.connection.tls.mode, 'verify_identity');
  assert.match(configProblems(() => mariaDef.parse({ ...MARIA, 'database.ssl.mode': 'verify_identity' }, 'c')), /database\.ssl\.mode/);
  assert.match(configProblems(() => mysqlDef.parse({ ...BASE, 'database.ssl.mode': 'verify-full' }, 'c')), /database\.ssl\.mode/);
});

test('database.server.id: derived, stable, never 1, different per connector; an explicit one wins', () => {
  const a = readMysqlTaskConfig(mysqlDef.parse(BASE, 'c'));
  const again = readMysqlTaskConfig(mysqlDef.parse(BASE, 'c'));
  const other = readMysqlTaskConfig(mysqlDef.parse({ ...BASE, name: 'billing' }, 'c'));
  assert.equal(a.serverId, again.serverId);
  assert.notEqual(a.serverId, other.serverId);
  assert.equal(a.serverIdConfigured, false);
  for (const id of [a.serverId, other.serverId, derivedServerId(undefined, 'x'), derivedServerId('', '')]) {
    assert.ok(id >= 1 << 20 && id <= 4294967295, String(id));
  }
  const set = readMysqlTaskConfig(mysqlDef.parse({ ...BASE, 'database.server.id': '5400' }, 'c'));
  assert.equal(set.serverId, 5400);
  assert.equal(set.serverIdConfigured, true);
  assert.match(configProblems(() => mysqlDef.parse({ ...BASE, 'database.server.id': '0' }, 'c')), /database\.server\.id[\s\S]*1 to 4294967295/);
});

test('snapshot.mode: Debezium\'s old names accepted with a warning; recovery and custom refused', () => {
  for (const [old, now] of [['schema_only', 'no_data'], ['never', 'no_data']] as const) {
    const parsed = mysqlDef.parse({ ...BASE, 'snapshot.mode': old }, 'c');
    assert.equal(readMysqlTaskConfig(parsed).snapshot.mode, now);
    assert.ok(parsed.warnings.some((w) => w.property === 'snapshot.mode' && w.message.includes(now)), JSON.stringify(parsed.warnings));
  }
  for (const mode of ['when_needed', 'initial_only', 'no_data', 'always']) {
    assert.equal(readMysqlTaskConfig(mysqlDef.parse({ ...BASE, 'snapshot.mode': mode }, 'c')).snapshot.mode, mode);
  }
  for (const mode of ['recovery', 'schema_only_recovery', 'custom', 'configuration_based']) {
    const msg = configProblems(() => mysqlDef.parse({ ...BASE, 'snapshot.mode': mode }, 'c'));
    assert.match(msg, /CDC_CONFIG_UNSUPPORTED[\s\S]*snapshot\.mode[\s\S]*fix: remove snapshot\.mode or set it to initial/);
  }
});

test('snapshot.locking.mode: minimal and none (the chunked snapshot takes no lock); extended and the others refused per flavour', () => {
  assert.match(configProblems(() => mysqlDef.parse({ ...BASE, 'snapshot.locking.mode': 'extended' }, 'c')), /CDC_CONFIG_UNSUPPORTED[\s\S]*set it to minimal or none/);
  for (const m of ['minimal', 'none']) {
    assert.equal(readMysqlTaskConfig(mysqlDef.parse({ ...BASE, 'snapshot.locking.mode': m }, 'c')).snapshot.lockingMode, m);
    assert.equal(readMysqlTaskConfig(mariaDef.parse({ ...MARIA, 'snapshot.locking.mode': m }, 'c')).snapshot.lockingMode, m);
  }
  assert.match(configProblems(() => mysqlDef.parse({ ...BASE, 'snapshot.locking.mode': 'minimal_percona' }, 'c')), /CDC_CONFIG_UNSUPPORTED[\s\S]*Percona/);
  // MariaDB has no Percona modes: not a refusal but an unknown value.
  assert.match(configProblems(() => mariaDef.parse({ ...MARIA, 'snapshot.locking.mode': 'minimal_percona' }, 'c')), /CDC_CONFIG_ENUM/);
  assert.match(configProblems(() => mariaDef.parse({ ...MARIA, 'snapshot.locking.mode': 'custom' }, 'c')), /CDC_CONFIG_UNSUPPORTED/);
});

test('Debezium 1.x names: database.server.name, whitelists, database.history.* are accepted with warnings', () => {
  const { 'topic.prefix': _p, ...noPrefix } = BASE;
  const parsed = mysqlDef.parse({
    ...noPrefix, 'database.server.name': 'legacy', 'database.whitelist': 'inventory', 'table.whitelist': 'inventory\\.orders',
    'database.history.kafka.topic': 'dbhistory.inventory', 'database.history.kafka.bootstrap.servers': 'kafka:9092',
  }, 'c');
  const cfg = readMysqlTaskConfig(parsed);
  assert.equal(cfg.events.topicPrefix, 'legacy');
  assert.deepEqual(cfg.filters.databaseInclude, ['inventory']);
  assert.deepEqual(cfg.filters.tableInclude, ['inventory\\.orders']);
  const props = parsed.warnings.map((w) => w.property);
  for (const p of ['database.server.name', 'database.whitelist', 'table.whitelist']) assert.ok(props.includes(p), `${p} in ${props}`);
  // database.history.kafka.topic is the 1.x name of schema.history.internal.kafka.topic: read as it.
  assert.equal(parsed.getString('schema.history.internal.kafka.topic'), 'dbhistory.inventory');
});

test('schema.history.internal.kafka.topic names the history topic; the history\'s own Kafka client settings have no effect, with the reason', () => {
  const parsed = mysqlDef.parse({ ...BASE, 'schema.history.internal.kafka.topic': 'schema-changes.shop', 'schema.history.internal.kafka.bootstrap.servers': 'k:9092' }, 'c');
  assert.equal(parsed.getString('schema.history.internal.kafka.topic'), 'schema-changes.shop');
  const w = parsed.warnings.find((x) => x.property === 'schema.history.internal.kafka.bootstrap.servers');
  assert.ok(w, JSON.stringify(parsed.warnings));
  assert.equal(w.kind, 'no-effect');
  assert.match(w.message, /same Kafka transaction/);
});

test('refusals name the reason and a fix with real properties', () => {
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ 'database.ssl.truststore': '/x.jks' }, /database\.ssl\.truststore[\s\S]*fix: remove it and give PEM files instead: database\.ssl\.ca/],
    [{ 'inconsistent.schema.handling.mode': 'warn' }, /inconsistent\.schema\.handling\.mode[\s\S]*binlog_row_metadata=FULL/],
    [{ 'event.deserialization.failure.handling.mode': 'ignore' }, /fix: remove event\.deserialization\.failure\.handling\.mode or set it to fail/],
    [{ 'topic.naming.strategy': 'io.debezium.schema.SchemaTopicNamingStrategy' }, /DefaultTopicNamingStrategy/],
    [{ 'snapshot.locking.minimal': 'true' }, /set snapshot\.locking\.mode to minimal/],
    [{ 'database.dbname': 'inventory' }, /set database\.include\.list/],
    [{ 'table.ignore.builtin': 'false' }, /performance_schema/],
    [{ 'schema.include.list': 'shop' }, /rename schema\.include\.list to database\.include\.list/],
  ];
  for (const [extra, re] of cases) {
    const msg = configProblems(() => mysqlDef.parse({ ...BASE, ...extra }, 'connector "inventory"'));
    assert.match(msg, /CDC_CONFIG_UNSUPPORTED/, msg);
    assert.match(msg, re, msg);
  }
});

test('values that are what the daemon does anyway are accepted; tuning of absent machinery warns', () => {
  const parsed = mysqlDef.parse({ ...BASE, 'inconsistent.schema.handling.mode': 'fail', 'topic.naming.strategy': 'io.debezium.schema.DefaultTopicNamingStrategy',
    'binlog.buffer.size': '1024', 'enable.time.adjuster': 'false', 'database.server.id.offset': '20000', 'driver.useCursorFetch': 'true' }, 'c');
  const noEffect = parsed.warnings.filter((w) => w.kind === 'no-effect').map((w) => w.property).sort();
  assert.deepEqual(noEffect, ['binlog.buffer.size', 'database.server.id.offset', 'driver.useCursorFetch', 'enable.time.adjuster']);
});

test('cross-field checks: include and exclude lists, GTID filters, TLS key without certificate', () => {
  assert.match(configProblems(() => mysqlDef.parse({ ...BASE, 'database.include.list': 'a', 'database.exclude.list': 'b' }, 'c')), /keep only one of the two lists/);
  assert.match(configProblems(() => mysqlDef.parse({ ...BASE, 'table.include.list': 'a\\.b', 'table.exclude.list': 'a\\.c' }, 'c')), /table\.include\.list is set too/);
  assert.match(configProblems(() => mysqlDef.parse({ ...BASE, 'gtid.source.includes': '0-1', 'gtid.source.excludes': '0-2' }, 'c')), /keep only one of gtid\.source\.includes and gtid\.source\.excludes/);
  assert.match(configProblems(() => mysqlDef.parse({ ...BASE, 'table.include.list': 'a(' }, 'c')), /not a valid regular expression/);
  assert.match(configProblems(() => mysqlDef.parse({ ...BASE, 'database.ssl.key': '/k.pem' }, 'c')), /without database\.ssl\.cert/);
  assert.match(configProblems(() => mysqlDef.parse({ ...BASE, 'message.key.columns': 'inventory.orders' }, 'c')), /database\.table:column/);
  assert.match(configProblems(() => mysqlDef.parse({ ...BASE, 'time.precision.mode': 'adaptive' }, 'c')), /CDC_CONFIG_UNSUPPORTED[\s\S]*time\.precision\.mode[\s\S]*no longer supported/);
  assert.match(configProblems(() => mysqlDef.parse({ ...BASE, 'time.precision.mode': 'isostring' }, 'c')), /CDC_CONFIG_UNSUPPORTED[\s\S]*time\.precision\.mode[\s\S]*adaptive_time_microseconds, connect, microseconds or nanoseconds/);
  assert.equal(readMysqlTaskConfig(mysqlDef.parse({ ...BASE, 'time.precision.mode': 'connect' }, 'c')).types.timePrecisionMode, 'connect');
});

test('unknown property: did you mean', () => {
  const msg = configProblems(() => mysqlDef.parse({ ...BASE, 'database.server.idd': '5' }, 'c'));
  assert.match(msg, /CDC_CONFIG_UNKNOWN[\s\S]*database\.server\.id\b/);
  const msg2 = configProblems(() => mysqlDef.parse({ ...BASE, 'bigint.unsigned.handling': 'precise' }, 'c'));
  assert.match(msg2, /bigint\.unsigned\.handling\.mode/);
});

test('secrets never appear in problems', () => {
  const msg = configProblems(() => mysqlDef.parse({ ...BASE, 'database.password': 'hunter2', 'database.ssl.keystore.password': 'hunter3', 'database.port': 'x' }, 'c'));
  assert.doesNotMatch(msg, /hunter2|hunter3/);
});

test('database.initial.statements split on ";" with ";;" as a literal', () => {
  assert.deepEqual(splitStatements('SET a=1; SET b=\';;\'; '), ['SET a=1', 'SET b=\';\'']);
  assert.deepEqual(splitStatements(undefined), []);
});

test('every implemented field is read into MysqlTaskConfig (config-task.ts), so the connector can honour it', async () => {
  const { readFileSync } = await import('node:fs');
  const { M } = await import('./config-spec.ts');
  const task = readFileSync(new URL('./config-task.ts', import.meta.url), 'utf8');
  const unread = Object.entries(M)
    .filter(([, f]) => !f.unsupported && !(f.noEffect && !f.noEffect.when) && f.name !== 'tasks.max')
    .filter(([key, f]) => !task.includes(`M.${key})`) && !task.includes(`'${f.name}'`))
    .map(([, f]) => f.name);
  assert.deepEqual(unread, []);
  for (const name of ['database.ssl.mode', 'snapshot.locking.mode']) assert.ok(task.includes(`'${name}'`), name);
});
