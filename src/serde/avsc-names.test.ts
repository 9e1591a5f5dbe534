import { test } from 'node:test';
import assert from 'node:assert/strict';
import avro from 'avsc';
import { avscSafeSchema } from './avsc-names.ts';

test('namespace parts avsc refuses are renamed everywhere the name appears; valid ones are untouched', () => {
  const schema = {
    type: 'record', name: 'Envelope', namespace: 'orders-db.public.my_t',
    fields: [
      { name: 'before', type: ['null', { type: 'record', name: 'Value', fields: [{ name: 'id', type: 'int' }] }], default: null },
      { name: 'after', type: ['null', 'Value'], default: null },
      { name: 'again', type: ['null', 'orders-db.public.my_t.Value'], default: null },
      { name: 'list', type: { type: 'array', items: 'orders-db.public.my_t.Value' } },
      { name: 'src', type: { type: 'record', name: 'x.y.Source', fields: [{ name: 'db', type: 'string' }] } },
    ],
  };
  const safe = avscSafeSchema(schema) as typeof schema;
  const dashed = `avsc_${Buffer.from('orders-db').toString('hex')}`;
  assert.equal(safe.namespace, `${dashed}.public.my_t`);
  assert.deepEqual(safe.fields[2]!.type, ['null', `${dashed}.public.my_t.Value`]);
  assert.equal((safe.fields[4]!.type as { name: string }).name, 'x.y.Source');
  const type = avro.Type.forSchema(safe as avro.Schema);
  const v = { before: null, after: { id: 1 }, again: { id: 2 }, list: [{ id: 3 }], src: { db: 'd' } };
  assert.deepEqual(JSON.parse(JSON.stringify(type.fromBuffer(type.toBuffer(v)))), v);
  assert.equal(avscSafeSchema(schema) !== schema && schema.namespace, 'orders-db.public.my_t', 'the input is not changed');
});
