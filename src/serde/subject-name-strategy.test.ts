import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../errors/cdc-error.ts';
import { parseSubjectNameStrategy, subjectName } from './subject-name-strategy.ts';

test('strategies accept Confluent class names and simple names', () => {
  assert.equal(parseSubjectNameStrategy(undefined, 'p'), 'TopicNameStrategy');
  assert.equal(parseSubjectNameStrategy('io.confluent.kafka.serializers.subject.RecordNameStrategy', 'p'), 'RecordNameStrategy');
  assert.equal(parseSubjectNameStrategy('TopicRecordNameStrategy', 'p'), 'TopicRecordNameStrategy');
  assert.throws(() => parseSubjectNameStrategy('com.example.Mine', 'value.converter.value.subject.name.strategy'),
    (e: unknown) => e instanceof ConfigError && e.where === 'property value.converter.value.subject.name.strategy');
});

test('subject names per strategy', () => {
  const rec = 'shop.public.orders.Envelope';
  assert.equal(subjectName('TopicNameStrategy', 'shop.public.orders', false, rec), 'shop.public.orders-value');
  assert.equal(subjectName('TopicNameStrategy', 'shop.public.orders', true, rec), 'shop.public.orders-key');
  assert.equal(subjectName('RecordNameStrategy', 'shop.public.orders', false, rec), rec);
  assert.equal(subjectName('TopicRecordNameStrategy', 'shop.public.orders', false, rec), `shop.public.orders-${rec}`);
});
