import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeChanges, diffAvroSchemas } from './schema-diff.ts';

const v1 = JSON.stringify({ type: 'record', name: 'Envelope', namespace: 't', fields: [
  { name: 'before', type: ['null', { type: 'record', name: 'Value', fields: [
    { name: 'id', type: 'int' }, { name: 'qty', type: 'int' }, { name: 'gone', type: 'string' }] }], default: null },
  { name: 'after', type: ['null', 'Value'], default: null },
  { name: 'op', type: 'string' }] });
const v2 = JSON.stringify({ type: 'record', name: 'Envelope', namespace: 't', fields: [
  { name: 'before', type: ['null', { type: 'record', name: 'Value', fields: [
    { name: 'id', type: 'int' }, { name: 'qty', type: 'long' }, { name: 'note', type: 'string' }] }], default: null },
  { name: 'after', type: ['null', 'Value'], default: null },
  { name: 'op', type: 'string' }] });

test('reports added, removed and retyped fields inside nested rows', () => {
  const changes = diffAvroSchemas(v1, v2);
  assert.deepStrictEqual(changes.map((c) => `${c.kind} ${c.path}`), [
    'type-changed before.qty', 'added before.note', 'removed before.gone',
  ]);
  assert.match(describeChanges(changes), /before\.note: field added \(string, no default\)/);
  assert.match(describeChanges(changes), /before\.qty: type changed from int to long/);
});

test('no differences gives an explicit sentence', () => {
  assert.match(describeChanges(diffAvroSchemas(v1, v1)), /no field-level difference/);
});
