import { test } from 'node:test';
import assert from 'node:assert/strict';
import { plugin, predicate, row, tombstone, transform } from '../../../test/doubles/transform-kit.ts';

test('RegexRouter renames topics the regex matches whole, Java replacement syntax', () => {
  const t = transform('RegexRouter', { regex: '(.*)\\.public\\.(.*)', replacement: '$1.$2' });
  assert.equal(t.apply(row({ id: 1 }))!.topic, 'shop.users');
  assert.equal(t.apply({ ...tombstone, topic: 'shop.public.orders' })!.topic, 'shop.orders');
  const partial = transform('RegexRouter', { regex: 'public', replacement: 'x' });
  assert.equal(partial.apply(row({ id: 1 }))!.topic, 'shop.public.users');
  const issue = transform('RegexRouter', { regex: '([^.]+)\\.([^.]+)\\.([^.]+)', replacement: 'cdc.$3' });
  assert.equal(issue.apply({ ...row({ id: 1 }), topic: 'orders-db.public.order_items' })!.topic, 'cdc.order_items');
  const named = transform('RegexRouter', { regex: '(?<db>[^.]+)\\..*', replacement: '${db}-all\\$' });
  assert.equal(named.apply(row({ id: 1 }))!.topic, 'shop-all$');
});

test('RegexRouter refuses a regex that does not compile, at validation', () => {
  const p = plugin('RegexRouter');
  assert.throws(() => p.configDef.parse({ regex: '(', replacement: 'x' }, 't'), /does not compile/);
});

test('TimestampRouter formats the record timestamp in UTC and fails without one', () => {
  const t = transform('TimestampRouter');
  assert.equal(t.apply({ ...row({ id: 1 }), topic: 'orders', timestamp: Date.UTC(2024, 2, 5, 23) })!.topic, 'orders-20240305');
  const custom = transform('TimestampRouter', { 'topic.format': 'x_${timestamp}_${topic}', 'timestamp.format': "yyyy-MM-dd'T'HH" });
  assert.equal(custom.apply({ ...row({ id: 1 }), topic: 'o', timestamp: Date.UTC(2024, 0, 9, 7) })!.topic, 'x_2024-01-09T07_o');
  assert.throws(() => t.apply(row({ id: 1 })), /Timestamp missing on record/);
  assert.throws(() => plugin('TimestampRouter').configDef.parse({ 'timestamp.format': 'yyyyQQ' }, 't'), /Illegal pattern character 'Q'/);
});

test('Filter drops everything it is applied to', () => {
  assert.equal(transform('Filter').apply(row({ id: 1 })), null);
});

test('TopicNameMatches matches the whole topic; HasHeaderKey; RecordIsTombstone ignores the schema', () => {
  const p = predicate('TopicNameMatches', { pattern: 'shop\\.public\\..*' });
  assert.equal(p.test(row({ id: 1 })), true);
  assert.equal(p.test({ ...tombstone, topic: 'x.shop.public.users' }), false);
  assert.throws(() => plugin('TopicNameMatches').configDef.parse({ pattern: '' }, 't'), /non-empty/);
  const h = predicate('HasHeaderKey', { name: 'id' });
  assert.equal(h.test(row({ id: 1 }, { headers: [{ key: 'a', schema: null, value: 'y' }, { key: 'id', schema: null, value: 'x' }, { key: 'id', schema: null, value: 'z' }] })), true);
  assert.equal(h.test(row({ id: 1 }, { headers: [{ key: 'a', schema: null, value: 'y' }] })), false);
  assert.equal(h.test(row({ id: 1 })), false);
  const tomb = predicate('RecordIsTombstone');
  assert.equal(tomb.test(tombstone), true);
  assert.equal(tomb.test(row(null)), true);
  assert.equal(tomb.test(row({ id: 1 })), false);
});
