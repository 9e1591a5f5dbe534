import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinTransformRegistry } from '../builtin.ts';

test('the built-in registry finds every Debezium transform by its 3.6 class name (and 3.7 ToLogicalTopicRouter)', () => {
  const registry = builtinTransformRegistry();
  for (const name of [
    'io.debezium.transforms.ExtractNewRecordState', 'io.debezium.transforms.ByLogicalTableRouter', 'io.debezium.transforms.ToLogicalTopicRouter',
    'io.debezium.transforms.outbox.EventRouter', 'io.debezium.transforms.partitions.PartitionRouting', 'io.debezium.transforms.HeaderToValue',
  ]) {
    assert.equal(registry.find('transformation', name)?.className, name);
  }
});
