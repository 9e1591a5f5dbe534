import { test } from 'node:test';
import assert from 'node:assert/strict';
import { S } from '../../events/schema.ts';
import { change, heartbeat, ordersTable, tombstone } from '../../../test/doubles/debezium-records.ts';
import { byLogicalTableRouterPlugin, toLogicalTopicRouterPlugin } from './by-logical-table-router.ts';
import type { TransformationPlugin } from '../contracts.ts';
import { recordingLogger } from '../../../test/doubles/recording-logger.ts';

const make = (props: Record<string, string>, plugin: TransformationPlugin = byLogicalTableRouterPlugin) =>
  plugin.create(plugin.configDef.parse(props, 'transforms.route'));
const shard = ordersTable('app.shard_3.users');

test('reference §7.2 example: shard topics merge, key gets __dbz__physicalTableIdentifier, schemas renamed', () => {
  const smt = make({ 'topic.regex': '(.*)\\.shard_[0-9]+\\.(.*)', 'topic.replacement': '$1.all.$2' });
  const out = smt.apply(change(shard, 'c', null, { id: 7, name: 'x', qty: 1 }))!;
  assert.equal(out.topic, 'app.all.users');
  assert.deepEqual(out.key, { id: 7, __dbz__physicalTableIdentifier: 'app.shard_3.users' });
  assert.equal(out.keySchema!.name, 'app.all.users.Key');
  assert.deepEqual(out.keySchema!.fields!.map((f) => [f.name, f.schema.type, f.schema.optional]), [['id', 'int32', false], ['__dbz__physicalTableIdentifier', 'string', false]]);
  assert.equal(out.valueSchema!.name, 'app.all.users.Envelope');
  assert.equal(out.valueSchema!.version, 2);
  const after = out.valueSchema!.fields!.find((f) => f.name === 'after')!.schema;
  assert.equal(after.name, 'app.all.users.Value');
  assert.equal(after.optional, true);
  assert.deepEqual((out.value as any).after, { id: 7, name: 'x', qty: 1 }, 'the value data is unchanged');
  const again = smt.apply(change(shard, 'u', null, { id: 8, name: 'y', qty: 1 }))!;
  assert.equal(again.valueSchema, out.valueSchema, 'schemas are cached per input schema and topic');
});

test('a topic that does not match is unchanged; a match replaced by "" is unchanged', () => {
  const rec = change(ordersTable('shop.public.orders'), 'c', null, { id: 1 });
  assert.equal(make({ 'topic.regex': 'app\\..*', 'topic.replacement': 'x' }).apply(rec), rec);
  assert.equal(make({ 'topic.regex': '(.*)', 'topic.replacement': '' }).apply(rec), rec);
});

test('tombstones are rerouted with their key; heartbeats matching the regex get their key rewritten too', () => {
  const smt = make({ 'topic.regex': '(.*)', 'topic.replacement': 'all', 'key.field.name': 'src' });
  const out = smt.apply(tombstone(shard, 7))!;
  assert.equal(out.topic, 'all');
  assert.deepEqual(out.key, { id: 7, src: 'app.shard_3.users' });
  assert.equal(out.value, null);
  const hb = smt.apply(heartbeat())!;
  assert.deepEqual(hb.key, { serverName: 'shop', src: '__debezium-heartbeat.shop' });
  assert.equal(hb.valueSchema!.name, 'io.debezium.connector.common.Heartbeat');
});

test('key.field.regex/replacement compute the key field; uniqueness off keeps the key fields; avro adjustment', () => {
  const smt = make({ 'topic.regex': '(.*)\\.shard_([0-9]+)\\.(.*)', 'topic.replacement': '$1.all-$3', 'key.field.regex': '.*shard_([0-9]+).*', 'key.field.replacement': 'shard$1', 'schema.name.adjustment.mode': 'avro' });
  const out = smt.apply(change(shard, 'c', null, { id: 7 }))!;
  assert.equal(out.topic, 'app.all-users');
  assert.equal(out.keySchema!.name, 'app.all_users.Key');
  assert.deepEqual(out.key, { id: 7, __dbz__physicalTableIdentifier: 'shard3' });
  const plain = make({ 'topic.regex': '(.*)', 'topic.replacement': 'all', 'key.enforce.uniqueness': 'false' }).apply(change(shard, 'c', null, { id: 7 }))!;
  assert.deepEqual(plain.key, { id: 7 });
  assert.deepEqual(plain.keySchema, { ...S.struct('all.Key', [S.field('id', S.int32())]) });
});

test('key.field.regex without key.field.replacement is refused; ToLogicalTopicRouter has its own default key field', () => {
  assert.throws(() => make({ 'topic.regex': '(.*)', 'topic.replacement': 'x', 'key.field.regex': '(.*)' }), /key\.field\.replacement must be set/);
  const out = make({ 'topic.regex': '(.*)', 'topic.replacement': 'all', 'logical.table.cache.size': '4' }, toLogicalTopicRouterPlugin).apply(change(shard, 'c', null, { id: 7 }))!;
  assert.deepEqual(out.key, { id: 7, __dbz__sourceIdentifier: 'app.shard_3.users' });
});

test('a regex match rewritten to an empty topic keeps the record as it is, with Debezium\'s WARN', () => {
  const { log, lines } = recordingLogger();
  const smt = byLogicalTableRouterPlugin.create(byLogicalTableRouterPlugin.configDef.parse({ 'topic.regex': '(.*)', 'topic.replacement': '' }, 'transforms.route'), log);
  const rec = change(shard, 'c', null, { id: 7, name: 'x', qty: 1 });
  assert.equal(smt.apply(rec), rec);
  assert.deepEqual(lines.map((l) => [l.level, l.msg, l.obj]), [
    ['warn', 'Routing regex returned an empty topic name, propagating original record', { topic: 'app.shard_3.users', property: 'topic.replacement' }],
  ]);
  smt.apply(heartbeat());
  assert.equal(lines.length, 2, 'once per such record, as Debezium');
});
