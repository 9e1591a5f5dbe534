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
    ...base, 'tasks.max': '1', transforms: 'unwrap', 'transforms.unwrap.type': 'io.debezium.transforms.ExtractNewRecordState',
    'key.converter.schema.registry.url': 'http://sr:8081', 'producer.override.linger.ms': '5', 'errors.tolerance': 'ALL',
  }, 'connector "inventory"');
  assert.equal(c.get(tasksMax), 1);
  assert.deepEqual(c.get(transforms), ['unwrap']);
  assert.equal(c.getString('errors.tolerance'), 'all');
  assert.equal(c.getString('transaction.boundary'), 'poll');
  assert.equal(c.getString('key.converter'), undefined);
  assert.deepEqual(c.originalsWithPrefix('producer.override.'), { 'linger.ms': '5' });
});

test('transforms need a type and unique aliases; tasks.max at least 1', () => {
  assert.throws(
    () => connectFrameworkConfigDef().parse({ ...base, transforms: 'a,b,a', 'tasks.max': 0 }, 'connector "x"'),
    (err: unknown) => {
      assert.ok(err instanceof CdcErrorList);
      const text = err.errors.map((e) => e.message).join('\n');
      assert.match(text, /alias a is listed twice/);
      assert.match(text, /tasks\.max = "0" is not accepted/);
      return true;
    },
  );
  assert.throws(() => connectFrameworkConfigDef().parse({ ...base, transforms: 'a' }, 'x'), /add transforms\.a\.type/);
});
