import { test } from 'node:test';
import assert from 'node:assert/strict';
import { atLeast, parseVersion } from './server-checks-facts.ts';
import { globalNeeds, hasGlobal, hasOnTable, parseGrant, parseGrants } from './server-checks-privileges.ts';
import { binlogDistance, retention, retentionWarning } from './server-checks-binlog.ts';
import { filterTables, unmatchedIncludes } from './server-checks-tables.ts';

test('versions: MariaDB and MySQL told apart, the old 5.5.5- prefix dropped', () => {
  assert.deepEqual({ ...parseVersion('10.11.19-MariaDB-0+deb12u1-log') }, { flavour: 'mariadb', major: 10, minor: 11, patch: 19, text: '10.11.19-MariaDB-0+deb12u1-log' });
  assert.equal(parseVersion('5.5.5-10.6.12-MariaDB').major, 10);
  const my = parseVersion('8.0.36-commercial');
  assert.equal(my.flavour, 'mysql');
  assert.ok(atLeast(my, 8, 0, 1) && atLeast(my, 8, 0, 36) && !atLeast(my, 8, 0, 37) && !atLeast(my, 8, 4));
});

test('SHOW GRANTS lines: global, database, table and column grants; synonyms; role lines ignored', () => {
  const g = parseGrants([
    "GRANT SELECT, REPLICATION SLAVE, BINLOG MONITOR ON *.* TO `cdc`@`%` IDENTIFIED BY PASSWORD '*AB'",
    'GRANT SELECT, LOCK TABLES ON `shop`.* TO `cdc`@`%`',
    'GRANT SELECT (`a`, `b`), INSERT ON `crm`.`orders` TO `cdc`@`%`',
    'GRANT `cdc_role` TO `cdc`@`%`',
    'GRANT REPLICATION CLIENT, REPLICATION REPLICA ON *.* TO `x`@`%`',
  ]);
  assert.equal(g.length, 4);
  assert.ok(hasGlobal(g, 'REPLICATION SLAVE'));
  assert.ok(hasGlobal(g, 'BINLOG MONITOR'));
  assert.ok(!hasGlobal(g, 'RELOAD'));
  assert.ok(hasOnTable(g, 'LOCK TABLES', 'shop', '*'));
  assert.ok(!hasOnTable(g, 'LOCK TABLES', 'crm', '*'));
  // column-level SELECT does not count as SELECT on the table
  assert.deepEqual([...g[2]!.privileges], ['INSERT']);
  assert.deepEqual([...g[3]!.privileges].sort(), ['BINLOG MONITOR', 'REPLICATION SLAVE']);
  assert.equal(parseGrant('GRANT USAGE ON *.* TO `u`@`%`')!.database, '*');
  assert.ok(hasOnTable(parseGrants(['GRANT ALL PRIVILEGES ON `sh\\_op`.* TO `u`@`%`']), 'SELECT', 'sh_op', 't'));
  assert.ok(!hasOnTable(parseGrants(['GRANT ALL PRIVILEGES ON `sh\\_op`.* TO `u`@`%`']), 'SELECT', 'shXop', 't'));
  assert.ok(hasOnTable(parseGrants(['GRANT SELECT ON `sh_p`.* TO `u`@`%`']), 'SELECT', 'shop', 't'), '_ is a wildcard');
});

test('needed privileges follow the flavour; the chunked snapshot needs no lock privilege', () => {
  const names = (n: ReturnType<typeof globalNeeds>) => n.map((x) => x.privilege);
  assert.deepEqual(names(globalNeeds('mariadb', true, 'minimal')), ['REPLICATION SLAVE', 'BINLOG MONITOR']);
  assert.deepEqual(names(globalNeeds('mysql', false, 'minimal')), ['REPLICATION SLAVE', 'REPLICATION CLIENT']);
  assert.deepEqual(names(globalNeeds('mysql', false, 'none')), ['REPLICATION SLAVE', 'REPLICATION CLIENT']);
});

const FILES = [{ name: 'binlog.000007', size: 1000 }, { name: 'binlog.000008', size: 2000 }, { name: 'binlog.000009', size: 500 }];

test('binlog distance: from the oldest file and to the end', () => {
  const d = binlogDistance(FILES, { file: 'binlog.000008', pos: 300 }, 'connector "c"', 'server s:1');
  assert.deepEqual(d, { kind: 'available', oldest: 'binlog.000007', newest: 'binlog.000009', filesFromOldest: 2, bytesFromOldest: 1300, filesToEnd: 1, bytesToEnd: 2200 });
});

test('binlog distance: a purged position says what was lost and how to recover', () => {
  const d = binlogDistance(FILES, { file: 'binlog.000004', pos: 120 }, 'connector "c"', 'server s:1');
  assert.equal(d.kind, 'purged');
  assert.ok(d.kind === 'purged');
  assert.equal(d.error.code, 'CDC_MYSQL_POSITION_PURGED');
  assert.match(d.error.what, /binlog\.000004:120 is no longer on server s:1 \(oldest binlog: binlog\.000007\)[\s\S]*\(3 files\)[\s\S]*lost/);
  assert.match(d.error.fix!, /snapshot\.mode=when_needed/);
  assert.match(d.error.fix!, /DELETE \/connectors\/<name>\/offsets/);
  const ahead = binlogDistance(FILES, { file: 'binlog.000012', pos: 4 }, 'c', 's');
  assert.equal(ahead.kind, 'ahead');
  assert.ok(ahead.kind === 'ahead' && ahead.error.code === 'CDC_MYSQL_POSITION_UNKNOWN');
});

test('retention: seconds win over days; 0 and auto-purge OFF mean kept; short retention warns', () => {
  const facts = (vars: Record<string, string>) => ({ version: parseVersion('10.11.1-MariaDB'), vars: new Map(Object.entries(vars)) });
  assert.equal(retention(facts({ binlog_expire_logs_seconds: '172800', expire_logs_days: '2.000000' })).seconds, 172800);
  assert.equal(retention(facts({ binlog_expire_logs_seconds: '0', expire_logs_days: '10' })).seconds, 864000);
  assert.equal(retention(facts({ binlog_expire_logs_seconds: '0', expire_logs_days: '0' })).seconds, undefined);
  assert.equal(retention(facts({ binlog_expire_logs_seconds: '3600', binlog_expire_logs_auto_purge: 'OFF' })).seconds, undefined);
  assert.match(retentionWarning(retention(facts({ binlog_expire_logs_seconds: '172800' })), 's')!, /48 h[\s\S]*SET GLOBAL binlog_expire_logs_seconds = 345600/);
  assert.equal(retentionWarning(retention(facts({ binlog_expire_logs_seconds: '2592000' })), 's'), undefined);
});

test('table filters: whole-name patterns, system databases never captured, unmatched includes named', () => {
  const tables = [{ database: 'shop', table: 'orders' }, { database: 'shop', table: 'items' }, { database: 'crm', table: 'people' }, { database: 'mysql', table: 'user' }];
  const f = { databaseInclude: [], databaseExclude: [], tableInclude: [], tableExclude: [], columnInclude: [], columnExclude: [], messageKeyColumns: undefined };
  assert.equal(filterTables(tables, f).length, 3);
  assert.deepEqual(filterTables(tables, { ...f, databaseInclude: ['shop'] }).map((t) => t.table), ['orders', 'items']);
  assert.deepEqual(filterTables(tables, { ...f, tableInclude: ['shop\\.ord'] }), []);
  assert.deepEqual(filterTables(tables, { ...f, tableExclude: ['shop\\..*'] }).map((t) => t.table), ['people']);
  assert.deepEqual(unmatchedIncludes(tables, { ...f, databaseInclude: ['Shop', 'crm'], tableInclude: ['shop\\.ord'] }), [
    { property: 'database.include.list', pattern: 'Shop' }, { property: 'table.include.list', pattern: 'shop\\.ord' },
  ]);
});

test('MariaDB GTID positions against the oldest binlog\'s Gtid_list', async () => {
  const { mariadbPurgedDomains, parseMariadbPosition } = await import('./server-checks-gtid.ts');
  assert.deepEqual([...parseMariadbPosition('0-1-100,1-3-7,0-2-90')], [[0, 100n], [1, 7n]]);
  assert.deepEqual([...parseMariadbPosition('[]')], []);
  assert.deepEqual(mariadbPurgedDomains('0-1-191', '[0-1-191]'), []);
  assert.deepEqual(mariadbPurgedDomains('0-1-200', '[0-1-191]'), []);
  assert.deepEqual(mariadbPurgedDomains('0-1-150', '[0-1-191]'), [{ domain: 0, stored: 150n, purgedUpTo: 191n }]);
  assert.deepEqual(mariadbPurgedDomains('0-1-200', '[0-1-191,2-5-4]'), [{ domain: 2, stored: undefined, purgedUpTo: 4n }]);
  assert.throws(() => parseMariadbPosition('0-1'), /not a MariaDB GTID/);
});
