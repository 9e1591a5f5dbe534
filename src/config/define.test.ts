import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CdcErrorList, ConfigError } from '../errors/cdc-error.ts';
import { ConfigDef, defineField } from './define.ts';
import { Secret } from './secret.ts';

const host = defineField({ name: 'database.hostname', type: 'string', group: 'Connection', importance: 'high', doc: 'Host of the database. More text.' });
const port = defineField({ name: 'database.port', type: 'int', default: 5432, group: 'Connection', doc: 'Port.', check: (v) => v > 0 || 'use a port from 1 to 65535' });
const password = defineField({ name: 'database.password', type: 'password', group: 'Connection', doc: 'Password.' });
const mode = defineField({ name: 'snapshot.mode', type: 'string', enum: ['initial', 'never'], default: 'initial', group: 'Snapshot', doc: 'Mode.', aliases: ['snapshot.kind'] });
const tables = defineField({ name: 'table.include.list', type: 'list', required: false, group: 'Filters', doc: 'Tables.' });
const heartbeat = defineField({ name: 'heartbeat.interval.ms', type: 'long', default: 0, group: 'Advanced', doc: 'Heartbeat.' });
const incremental = defineField({
  name: 'incremental.snapshot', type: 'boolean', default: false, group: 'Snapshot', doc: 'Incremental.',
  check: (v, all) => !v || all.get(heartbeat) > 0 || 'a quiet table never advances without heartbeats; set heartbeat.interval.ms > 0',
});

const def = () => new ConfigDef([host, port, password, mode, tables, heartbeat, incremental], { allowedPrefixes: ['driver.'] });

function problems(raw: Record<string, unknown>): ConfigError[] {
  try {
    def().parse(raw, 'connector "inventory"');
  } catch (err) {
    assert.ok(err instanceof CdcErrorList);
    return err.errors as ConfigError[];
  }
  assert.fail('expected parse to throw');
}

test('parse coerces strings and YAML scalars alike and applies defaults', () => {
  const fromStrings = def().parse({ 'database.hostname': ' db ', 'database.port': '6543', 'database.password': 's3cret', 'table.include.list': 'a, b,' }, 'x');
  const fromYaml = def().parse({ 'database.hostname': 'db', 'database.port': 6543, 'database.password': 's3cret', 'table.include.list': ['a', 'b'] }, 'x');
  for (const c of [fromStrings, fromYaml]) {
    assert.equal(c.get(host), 'db');
    assert.equal(c.get(port), 6543);
    assert.deepEqual(c.get(tables), ['a', 'b']);
    assert.equal(c.get(mode), 'initial');
    assert.ok(c.get(password) instanceof Secret);
    assert.equal(c.get(password).reveal(), 's3cret');
    assert.equal(c.isSet('database.port'), true);
    assert.equal(c.isSet('snapshot.mode'), false);
  }
  assert.equal(fromStrings.getInt('database.port'), 6543);
  assert.equal(fromStrings.getString('database.hostname'), 'db');
  assert.equal(def().parse({ 'database.hostname': 'h', 'database.password': 'p' }, 'x').get(tables), undefined);
});

test('parse collects every problem with code, where and fix', () => {
  const errs = problems({ 'database.hostnme': 'db', 'database.port': 'abc', 'snapshot.mode': 'always', 'incremental.snapshot': 'true' });
  const byCode = new Map(errs.map((e) => [e.code, e]));
  assert.deepEqual([...byCode.keys()].sort(), ['CDC_CONFIG_ENUM', 'CDC_CONFIG_INVALID', 'CDC_CONFIG_REQUIRED', 'CDC_CONFIG_TYPE', 'CDC_CONFIG_UNKNOWN']);
  assert.match(byCode.get('CDC_CONFIG_UNKNOWN')!.fix!, /did you mean database\.hostname\?/);
  assert.equal(byCode.get('CDC_CONFIG_UNKNOWN')!.where, 'connector "inventory", property database.hostnme');
  assert.match(byCode.get('CDC_CONFIG_TYPE')!.what, /database\.port must be a whole number .* but is "abc"/);
  assert.match(byCode.get('CDC_CONFIG_ENUM')!.fix!, /initial, never/);
  assert.match(byCode.get('CDC_CONFIG_INVALID')!.fix!, /set heartbeat\.interval\.ms > 0/);
  // both required fields are reported, not only the first
  assert.deepEqual(errs.filter((e) => e.code === 'CDC_CONFIG_REQUIRED').map((e) => e.where), [
    'connector "inventory", property database.hostname',
    'connector "inventory", property database.password',
  ]);
});

test('secrets never appear in messages, validate output or redaction', () => {
  const errs = problems({ 'database.hostname': 'h', 'database.password': ['hunter2', 'x'] });
  assert.equal(errs.length, 1);
  assert.doesNotMatch(errs[0].message, /hunter2/);
  assert.match(errs[0].message, /a hidden value/);
  const providerSecret = problems({ 'database.hostname': 'h', 'database.password': 'p', 'database.port': 'tops3cret-from-env' });
  assert.match(providerSecret[0].message, /tops3cret/); // not marked secret: shown
  try {
    def().parse({ 'database.hostname': 'h', 'database.password': 'p', 'database.port': 'tops3cret' }, 'x', { secretKeys: new Set(['database.port']) });
    assert.fail();
  } catch (err) {
    assert.doesNotMatch((err as Error).message, /tops3cret/);
  }
  const validated = JSON.stringify(def().validate({ 'database.password': 'hunter2', 'driver.sslpassword': 'pw2' }));
  assert.doesNotMatch(validated, /hunter2/);
  const redacted = def().redact({ 'database.password': 'hunter2', 'driver.sslpassword': 'pw2', 'database.hostname': 'h' });
  assert.deepEqual(redacted, { 'database.password': '[hidden]', 'driver.sslpassword': '[hidden]', 'database.hostname': 'h' });
  assert.equal(String(def().parse({ 'database.hostname': 'h', 'database.password': 'hunter2' }, 'x').get(password)), '[hidden]');
});

test('deprecated aliases map to the canonical name with a warning', () => {
  const c = def().parse({ 'database.hostname': 'h', 'database.password': 'p', 'snapshot.kind': 'NEVER' }, 'x');
  assert.equal(c.get(mode), 'never'); // enum match is case-insensitive, normalised to the declared spelling
  assert.equal(c.warnings.length, 1);
  assert.equal(c.warnings[0].replacement, 'snapshot.mode');
  const errs = problems({ 'database.hostname': 'h', 'database.password': 'p', 'snapshot.kind': 'never', 'snapshot.mode': 'initial' });
  assert.equal(errs[0].code, 'CDC_CONFIG_INVALID');
  assert.match(errs[0].fix!, /remove snapshot\.kind/);
});

test('passthrough prefixes are accepted and exposed with originalsWithPrefix', () => {
  const c = def().parse({ 'database.hostname': 'h', 'database.password': 'p', 'driver.ssl': true, 'driver.connectTimeout': 10 }, 'x');
  assert.deepEqual(c.originalsWithPrefix('driver.'), { ssl: 'true', connectTimeout: '10' });
  assert.deepEqual(c.originalsWithPrefix('driver.', false), { 'driver.ssl': 'true', 'driver.connectTimeout': '10' });
  assert.equal(c.raw()['database.password'], 'p');
});

test('null values mean unset, as in YAML `key:`', () => {
  const c = def().parse({ 'database.hostname': 'h', 'database.password': 'p', 'database.port': null }, 'x');
  assert.equal(c.get(port), 5432);
});

test('asking for an undeclared property or the wrong type is a programming error', () => {
  const c = def().parse({ 'database.hostname': 'h', 'database.password': 'p' }, 'x');
  assert.throws(() => c.getString('nope'), /not declared/);
  assert.throws(() => c.getString('database.port'), /has type int/);
});

test('validate answers in Kafka Connect shape', () => {
  const result = def().validate({ 'connector.class': 'X', 'database.port': 'abc', 'database.password': 'p', typo: 1 });
  assert.equal(result.name, 'X');
  assert.deepEqual(result.groups, ['Connection', 'Snapshot', 'Filters', 'Advanced']);
  const byName = new Map(result.configs.map((c) => [c.definition.name, c]));
  assert.deepEqual(byName.get('database.hostname'), {
    definition: {
      name: 'database.hostname', type: 'STRING', required: true, default_value: null, importance: 'HIGH',
      documentation: 'Host of the database. More text.', group: 'Connection', width: 'NONE', display_name: 'database.hostname',
      dependents: [], order_in_group: 1,
    },
    value: {
      name: 'database.hostname', value: null, recommended_values: [],
      errors: ['required property database.hostname is not set; fix: add database.hostname (a string): Host of the database.'],
      visible: true,
    },
  });
  assert.equal(byName.get('database.port')!.value.value, 'abc');
  assert.equal(byName.get('database.port')!.definition.default_value, '5432');
  assert.equal(byName.get('database.password')!.value.value, '[hidden]');
  assert.deepEqual(byName.get('snapshot.mode')!.value.recommended_values, ['initial', 'never']);
  // Connect reports what the request carried: an unsent property is null, not its default.
  assert.equal(byName.get('snapshot.mode')!.value.value, null);
  assert.equal(def().validate({ 'snapshot.mode': 'NEVER' }).configs.find((c) => c.definition.name === 'snapshot.mode')!.value.value, 'never');
  assert.equal('order' in byName.get('database.port')!.definition, false);
  assert.equal(byName.get('incremental.snapshot')!.definition.order_in_group, 2);
  assert.equal(byName.get('typo')!.definition.group, null);
  assert.equal(byName.get('typo')!.value.errors.length, 1);
  assert.equal(result.error_count, 4); // hostname required, port type, connector.class unknown here, typo unknown
});

test('merge: other wins on a name clash, prefixes add up, group order is first appearance', () => {
  const framework = new ConfigDef([defineField({ name: 'tasks.max', type: 'int', default: 1, group: 'Common', doc: 'd' }), host], { allowedPrefixes: ['transforms.'] });
  const plugin = new ConfigDef([defineField({ name: 'tasks.max', type: 'int', default: 1, group: 'Common', doc: 'one task only', check: (v) => v === 1 || 'use 1' }), port]);
  const merged = framework.merge(plugin);
  assert.deepEqual(merged.fields().map((f) => f.name), ['tasks.max', 'database.hostname', 'database.port']);
  assert.equal(merged.field('tasks.max')!.doc, 'one task only');
  assert.deepEqual(merged.allowedPrefixes(), ['transforms.']);
  assert.deepEqual(merged.groups(), ['Common', 'Connection']);
});

test('declaring a name twice or an enum default outside the enum fails fast', () => {
  assert.throws(() => new ConfigDef([host, host]), /declared twice/);
  assert.throws(() => new ConfigDef([mode, defineField({ name: 'snapshot.kind', type: 'string', default: 'x', group: 'g', doc: 'd' })]), /declared twice/);
  assert.throws(() => new ConfigDef([{ ...mode, default: 'bogus' }]), /not in its enum/);
});

test('describe lists ConfigKeyInfo with order within group', () => {
  const keys = def().describe();
  assert.deepEqual(keys.map((k) => [k.name, k.group, k.order_in_group]).slice(0, 4), [
    ['database.hostname', 'Connection', 1], ['database.port', 'Connection', 2], ['database.password', 'Connection', 3], ['snapshot.mode', 'Snapshot', 1],
  ]);
  assert.equal(keys.find((k) => k.name === 'table.include.list')!.required, false);
});

test('validate with `sent`: values filled in from elsewhere take part in checks but report null', () => {
  const v = def().validate({ 'database.hostname': 'h', 'database.port': '6543', 'snapshot.kind': 'never' }, { sent: ['database.hostname', 'snapshot.kind'] });
  const value = (n: string) => v.configs.find((c) => c.definition.name === n)!.value.value;
  assert.equal(value('database.hostname'), 'h');
  assert.equal(value('snapshot.mode'), 'never'); // sent under its deprecated name
  assert.equal(value('database.port'), null); // filled in, not sent
});
