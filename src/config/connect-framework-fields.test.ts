import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CdcErrorList } from '../errors/cdc-error.ts';
import { ConfigDef, defineField } from './define.ts';
import { connectFrameworkConfigDef, tasksMax, transforms } from './connect-framework-fields.ts';

const base = { name: 'inventory', 'connector.class': 'io.debezium.connector.postgresql.PostgresConnector' };

test('source connector groups come in Kafka Connect order, plugin groups after', () => {
  const plugin = new ConfigDef([defineField({ name: 'topic.prefix', type: 'string', group: 'Connector', doc: 'Prefix.' })]);
  const result = connectFrameworkConfigDef().merge(plugin).validate({ 'connector.class': base['connector.class'] });
  assert.deepEqual(result.groups, [
    'Common', 'Transforms', 'Predicates', 'Error Handling', 'Topic Creation', 'Exactly Once Support', 'offsets.topic', 'Connector',
  ]);
  assert.equal(result.name, base['connector.class']);
  assert.equal(result.error_count, 2); // name and topic.prefix missing
});

test('a typical Debezium connector config parses with defaults and passthrough keys', () => {
  const c = connectFrameworkConfigDef().parse({
    ...base, 'tasks.max': '1', transforms: '', 'key.converter.schema.registry.url': 'http://sr:8081',
    'producer.override.linger.ms': '5', 'errors.tolerance': 'ALL',
  }, 'connector "inventory"');
  assert.equal(c.get(tasksMax), 1);
  assert.deepEqual(c.get(transforms), []);
  assert.equal(c.getString('errors.tolerance'), 'all');
  assert.equal(c.getString('transaction.boundary'), 'poll');
  assert.equal(c.getString('key.converter'), undefined);
  assert.deepEqual(c.originalsWithPrefix('producer.override.'), { 'linger.ms': '5' });
});

test('transforms and predicates need a type per alias and no repeated alias; tasks.max at least 1', () => {
  assert.throws(
    () => connectFrameworkConfigDef().parse({ ...base, transforms: 'unwrap,route,unwrap', 'transforms.unwrap.type': 'io.debezium.transforms.ExtractNewRecordState', 'tasks.max': 0 }, 'connector "x"'),
    (err: unknown) => {
      assert.ok(err instanceof CdcErrorList);
      const text = err.errors.map((e) => e.message).join('\n');
      assert.match(text, /alias unwrap is listed twice/);
      assert.match(text, /tasks\.max = "0" is not accepted/);
      return true;
    },
  );
  assert.throws(() => connectFrameworkConfigDef().parse({ ...base, predicates: 'p' }, 'x'), /add predicates\.p\.type/);
  const ok = connectFrameworkConfigDef().parse({ ...base, transforms: 'r', 'transforms.r.type': 'org.apache.kafka.connect.transforms.RegexRouter' }, 'x');
  assert.deepEqual(ok.get(transforms), ['r']);
});

test('no-effect framework properties warn once, naming why', () => {
  const c = connectFrameworkConfigDef().parse({ ...base, 'tasks.max.enforce': 'false', 'config.action.reload': 'none', 'value.converter.plugin.version': '7.5.0' }, 'x');
  assert.deepEqual(c.warnings.map((w) => [w.property, w.kind]), [
    ['tasks.max.enforce', 'no-effect'], ['value.converter.plugin.version', 'no-effect'], ['config.action.reload', 'no-effect'],
  ]);
  assert.match(c.warnings[2]!.message, /no time to live/);
});

test('header.converter: SimpleHeaderConverter and StringConverter, by class or simple name; others refused', () => {
  for (const ok of ['org.apache.kafka.connect.storage.SimpleHeaderConverter', 'StringConverter']) {
    assert.equal(connectFrameworkConfigDef().parse({ ...base, 'header.converter': ok }, 'x').getString('header.converter'), ok);
  }
  assert.throws(() => connectFrameworkConfigDef().parse({ ...base, 'header.converter': 'org.apache.kafka.connect.json.JsonConverter' }, 'x'),
    /header\.converter[\s\S]*SimpleHeaderConverter \(the default\) or org\.apache\.kafka\.connect\.storage\.StringConverter/);
});

test('transaction.boundary=connector is refused as Connect refuses it for Debezium; poll and interval are accepted', () => {
  assert.throws(() => connectFrameworkConfigDef().parse({ ...base, 'transaction.boundary': 'connector' }, 'x'),
    /CDC_CONFIG_UNSUPPORTED: transaction\.boundary[\s\S]*fix: use transaction\.boundary=poll/);
  assert.equal(connectFrameworkConfigDef().parse({ ...base, 'transaction.boundary': 'interval' }, 'x').getString('transaction.boundary'), 'interval');
});
