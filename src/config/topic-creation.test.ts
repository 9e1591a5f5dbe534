import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectFrameworkConfigDef } from './connect-framework-fields.ts';
import { topicCreationRules } from './topic-creation.ts';

const base = { name: 'inv', 'connector.class': 'io.debezium.connector.postgresql.PostgresConnector' };
const parse = (extra: Record<string, unknown>) => connectFrameworkConfigDef().parse({ ...base, ...extra }, 'connector "inv"');
const rulesOf = (extra: Record<string, unknown>, enabled = true) =>
  topicCreationRules(parse(extra).originalsWithPrefix('topic.creation.', false), enabled);

test('without topic.creation.* properties (or with the worker\'s topic.creation.enable=false) nothing is created', () => {
  assert.equal(rulesOf({}), null);
  assert.equal(rulesOf({ 'topic.creation.default.partitions': 3, 'topic.creation.default.replication.factor': 1 }, false), null);
});

test('the first listed group whose include matches the whole name and whose exclude does not wins; others take the default', () => {
  const r = rulesOf({
    'topic.creation.default.partitions': 3, 'topic.creation.default.replication.factor': -1,
    'topic.creation.default.compression.type': 'zstd',
    'topic.creation.groups': 'orders,compacted',
    'topic.creation.orders.include': 'shop\\.public\\.orders.*, shop\\.public\\.order_lines',
    'topic.creation.orders.exclude': '.*_archive',
    'topic.creation.orders.partitions': 6,
    'topic.creation.orders.retention.ms': '604800000',
    'topic.creation.orders.cleanup.policy': 'delete',
    'topic.creation.compacted.include': 'shop\\..*',
    'topic.creation.compacted.replication.factor': 1,
    'topic.creation.compacted.cleanup.policy': 'compact',
  })!;
  assert.deepEqual(r.specFor('shop.public.orders'), {
    group: 'orders', partitions: 6, replicationFactor: -1, configs: { 'retention.ms': '604800000', 'cleanup.policy': 'delete' },
  });
  assert.equal(r.specFor('shop.public.order_lines').group, 'orders');
  // excluded from orders, so the next group that includes it
  assert.deepEqual(r.specFor('shop.public.orders_archive'), { group: 'compacted', partitions: 3, replicationFactor: 1, configs: { 'cleanup.policy': 'compact' } });
  // include is matched against the whole name, as Java's Pattern.matches
  assert.equal(r.specFor('xshop.public.orders').group, 'default');
  assert.deepEqual(r.specFor('__debezium-heartbeat.shop'), { group: 'default', partitions: 3, replicationFactor: -1, configs: { 'compression.type': 'zstd' } });
});

test('topic.creation problems are refused with what, where and how to fix', () => {
  const problems = (extra: Record<string, unknown>): string => {
    try { parse(extra); return ''; } catch (err) { return (err as Error).message; }
  };
  assert.match(problems({ 'topic.creation.default.partitions': 3 }),
    /topic\.creation\.default\.replication\.factor is not set: set it \(-1 means the broker default\), or remove every topic\.creation\.\* property/);
  const both = { 'topic.creation.default.partitions': 3, 'topic.creation.default.replication.factor': 1 };
  assert.match(problems({ ...both, 'topic.creation.orders.partitions': 2 }),
    /topic\.creation\.orders\.partitions belongs to group "orders", which topic\.creation\.groups does not list: add orders to topic\.creation\.groups/);
  assert.match(problems({ ...both, 'topic.creation.groups': 'g', 'topic.creation.g.include': 'a(b' }),
    /topic\.creation\.g\.include has an invalid regular expression "a\(b"/);
  assert.match(problems({ ...both, 'topic.creation.groups': 'g', 'topic.creation.g.include': 'a', 'topic.creation.g.partitions': 'many' }),
    /topic\.creation\.g\.partitions is "many": use -1 \(the broker default\) or a whole number from 1/);
  assert.match(problems({ ...both, 'topic.creation.groups': 'g' }), /group g has no topic\.creation\.g\.include/);
  assert.match(problems({ ...both, 'topic.creation.default.include': 'x' }), /topic\.creation\.default\.include has no effect/);
  assert.match(problems({ 'topic.creation.default.partitions': 0, 'topic.creation.default.replication.factor': 1 }), /property topic\.creation\.default\.partitions/);
  assert.equal(problems(both), '');
});
