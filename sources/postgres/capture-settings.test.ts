/** Pure parts of the connector settings handled by the plugin: overrides, include checks, no-effect fields. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CdcErrorList } from '../../src/errors/cdc-error.ts';
import { createPostgresPlugin } from './connector.ts';
import { readPgTaskConfig } from './task-config.ts';
import { unmatchedIncludes } from './capture-check.ts';

const base = {
  name: 'c', 'connector.class': 'PostgresConnector', 'database.hostname': 'h', 'database.user': 'u', 'database.dbname': 'd', 'topic.prefix': 'p',
};
const parse = (extra: Record<string, string>) => createPostgresPlugin().configDef.parse({ ...base, ...extra }, 'test');
const problems = (extra: Record<string, string>): string => {
  try { parse(extra); return ''; } catch (e) { assert.ok(e instanceof CdcErrorList); return e.message; }
};

test('snapshot.select.statement.overrides: each listed table needs its SELECT, each SELECT its listing', () => {
  const c = readPgTaskConfig(parse({
    'snapshot.select.statement.overrides': 'public.a,s.b',
    'snapshot.select.statement.overrides.public.a': 'SELECT * FROM public.a WHERE id > 10;',
    'snapshot.select.statement.overrides.s.b': 'SELECT id FROM s.b',
  }));
  assert.equal(c.snapshotSelects.get('public.a'), 'SELECT * FROM public.a WHERE id > 10');
  assert.equal(c.snapshotSelects.get('s.b'), 'SELECT id FROM s.b');
  assert.match(problems({ 'snapshot.select.statement.overrides': 'public.a' }), /snapshot\.select\.statement\.overrides\.public\.a is not set/);
  assert.match(problems({ 'snapshot.select.statement.overrides.public.z': 'SELECT 1' }), /would be ignored: add public\.z to snapshot\.select\.statement\.overrides/);
});

test('database.initial.statements, TLS files and plugin.name reach the task settings', () => {
  const c = readPgTaskConfig(parse({
    'database.initial.statements': 'SET a = 1;SET b = 2', 'database.sslmode': 'VERIFY-FULL', 'database.sslrootcert': '/ca.pem',
    'database.sslpassword': 'pw', 'include.schema.comments': 'true',
  }));
  assert.deepEqual(c.connection.initialStatements, ['SET a = 1', 'SET b = 2']);
  assert.deepEqual(c.connection.tls, { mode: 'verify-full', rootCert: '/ca.pem', password: 'pw' });
  assert.equal(c.pluginName, 'pgoutput');
  assert.equal(c.types.includeSchemaComments, true);
  assert.equal(readPgTaskConfig(parse({})).types.includeSchemaComments, false, 'Debezium default');
  assert.equal(readPgTaskConfig(parse({})).connection.tls.mode, 'prefer');
  assert.match(problems({ 'database.sslmode': 'sometimes' }), /disable, allow, prefer, require, verify-ca, verify-full/);
});

test('tasks.max above 1 and lsn.flush.timeout.* are accepted with a no-effect warning', () => {
  assert.deepEqual(parse({ 'tasks.max': '1' }).warnings, []);
  const w = parse({ 'tasks.max': '3', 'lsn.flush.timeout.ms': '5000', 'lsn.flush.timeout.action': 'warn' }).warnings;
  assert.deepEqual(w.map((x) => [x.property, x.kind]), [['tasks.max', 'no-effect'], ['lsn.flush.timeout.ms', 'no-effect'], ['lsn.flush.timeout.action', 'no-effect']]);
  assert.match(w[0]!.message, /one task/);
});

test('include patterns that match nothing are named, per list', () => {
  const tables = [{ schema: 'public', name: 'orders', selectable: true }, { schema: 'inv', name: 'items', selectable: true }];
  assert.deepEqual(unmatchedIncludes({ schema: ['public', 'nope'], table: ['public\\.orders', 'public\\.Orders', 'inv\\..*'] }, tables), [
    { property: 'schema.include.list', pattern: 'nope' },
    { property: 'table.include.list', pattern: 'public\\.Orders' },
  ]);
});
