import { test } from 'node:test';
import assert from 'node:assert/strict';
import { S } from '../../events/schema.ts';
import { keySchema, plugin, row, rowSchema, tombstone, transform } from '../../../test/doubles/transform-kit.ts';

test('Cast: fields keep optional and lose logical names; Java narrowing and texts; whole-value casts', () => {
  const schema = S.struct('V', [
    S.field('a', S.int64()), S.field('b', S.optional(S.float64())), S.field('c', S.string()), S.field('d', S.int32()),
    S.field('price', S.bytes({ name: 'org.apache.kafka.connect.data.Decimal', parameters: { scale: '2' } })),
  ]);
  const t = transform('Cast$Value', { spec: 'a:int8,b:string,c:boolean,d:float32,price:string' });
  const out = t.apply({ topic: 't', keySchema: null, key: null, valueSchema: schema, value: { a: 300, b: 1e10, c: 'TRUE', d: 7, price: Buffer.from([0x30, 0x39]) } })!;
  assert.deepEqual(out.value, { a: 44, b: '1.0E10', c: true, d: 7, price: '123.45' });
  assert.deepEqual(out.valueSchema!.fields!.map((f) => [f.schema.type, f.schema.optional, f.schema.name]), [
    ['int8', false, undefined], ['string', true, undefined], ['boolean', false, undefined], ['float32', false, undefined], ['string', false, undefined],
  ]);
  const whole = transform('Cast$Key', { spec: 'string' });
  assert.deepEqual(whole.apply({ topic: 't', keySchema: S.int32(), key: 5, valueSchema: null, value: null })!.key, '5');
  assert.throws(() => plugin('Cast$Value').configDef.parse({ spec: 'a:uuid' }, 't'), /Invalid type found in casting spec: a:uuid/);
  assert.throws(() => plugin('Cast$Value').configDef.parse({ spec: 'int8,a:int8' }, 't'), /only specify a single cast/);
  assert.equal(t.apply(tombstone), tombstone);
  assert.throws(() => transform('Cast$Value', { spec: 'c:int32' }).apply({ topic: 't', keySchema: null, key: null, valueSchema: schema, value: { a: 1, b: null, c: 'x', d: 1, price: Buffer.from([0]) } }), /For input string: "x"/);
});

test('Flatten: nested leaves named parent.child, optional under an optional parent; null parents give null leaves', () => {
  const envelope = S.struct('shop.public.users.Envelope', [S.field('before', rowSchema), S.field('after', rowSchema), S.field('op', S.string())]);
  const t = transform('Flatten$Value', { delimiter: '_' });
  const out = t.apply({ topic: 't', keySchema, key: { id: 1 }, valueSchema: envelope, value: { before: null, after: { id: 1, pw: null, nm: 'a' }, op: 'c' } })!;
  assert.deepEqual(Object.keys(out.value as object), ['before_id', 'before_pw', 'before_nm', 'after_id', 'after_pw', 'after_nm', 'op']);
  assert.deepEqual(out.value, { before_id: null, before_pw: null, before_nm: null, after_id: 1, after_pw: null, after_nm: 'a', op: 'c' });
  assert.equal(out.valueSchema!.fields![0]!.schema.optional, true, 'id is optional under the optional before');
  assert.equal(out.valueSchema!.fields![6]!.schema.optional, false);
  assert.equal(out.valueSchema!.name, 'shop.public.users.Envelope');
  assert.equal(t.apply(tombstone), tombstone);
  const nullValue = t.apply({ topic: 't', keySchema, key: { id: 1 }, valueSchema: envelope, value: null })!;
  assert.equal(nullValue.value, null);
  assert.equal(nullValue.valueSchema!.fields!.length, 7);
  assert.throws(() => t.apply({ topic: 't', keySchema: null, key: null, valueSchema: S.struct('M', [S.field('m', S.map(S.string(), S.string()))]), value: { m: {} } }), /does not support MAP/);
});

test('SetSchemaMetadata renames and versions the schema, keeping optional; schemaless values fail', () => {
  const t = transform('SetSchemaMetadata$Value', { 'schema.name': 'com.acme.User', 'schema.version': '3' });
  const out = t.apply(row({ id: 1, pw: null, nm: 'a' }))!;
  assert.equal(out.valueSchema!.name, 'com.acme.User');
  assert.equal(out.valueSchema!.version, 3);
  assert.equal(out.valueSchema!.optional, true);
  assert.deepEqual(out.value, { id: 1, pw: null, nm: 'a' });
  assert.equal(t.apply(tombstone), tombstone);
  assert.throws(() => t.apply({ ...tombstone, value: 'x' }), /Schema required for \[updating schema metadata\]/);
  const p = plugin('SetSchemaMetadata$Key');
  assert.throws(() => p.create(p.configDef.parse({}, 't')), /Neither schema name nor version configured/);
});

test('InsertHeader appends a typed header, keeping one already under that key; DropHeaders removes every occurrence; HeaderFrom appends', () => {
  const hdr = (key: string, value: string) => ({ key, schema: null, value });
  const ins = transform('InsertHeader', { header: 'n', 'value.literal': '42' });
  const once = ins.apply(row({ id: 1 }))!;
  assert.deepEqual(once.headers, [{ key: 'n', schema: { type: 'int8', optional: false }, value: 42 }]);
  const twice = ins.apply(ins.apply(row({ id: 1 }, { headers: [hdr('n', 'x'), hdr('m', 'y')] }))!)!;
  assert.deepEqual(twice.headers!.map((h) => [h.key, h.value]), [['n', 'x'], ['m', 'y'], ['n', 42], ['n', 42]]);
  const input = row({ id: 1 }, { headers: [hdr('a', '1'), hdr('c', '3'), hdr('a', '2'), hdr('b', '4')] });
  const dropped = transform('DropHeaders', { headers: 'a,b' }).apply(input)!;
  assert.deepEqual(dropped.headers, [hdr('c', '3')]);
  assert.equal(input.headers!.length, 4, 'the input record keeps its headers');
  const untouched = row({ id: 1 }, { headers: [hdr('c', '3')] });
  assert.equal(transform('DropHeaders', { headers: 'a' }).apply(untouched), untouched, 'nothing to drop: the same record');
  const copy = transform('HeaderFrom$Value', { fields: 'nm', headers: 'name', operation: 'copy' }).apply(row({ id: 1, pw: null, nm: 'a' }, { headers: [hdr('name', 'old')] }))!;
  assert.deepEqual(copy.headers, [hdr('name', 'old'), { key: 'name', schema: rowSchema.fields![2]!.schema, value: 'a' }]);
  assert.equal(copy.valueSchema, rowSchema);
  const move = transform('HeaderFrom$Value', { fields: 'nm,pw', headers: 'name,pw', operation: 'move' }).apply(row({ id: 1, pw: null, nm: 'a' }))!;
  assert.deepEqual(move.value, { id: 1 });
  assert.deepEqual(move.headers!.map((h) => h.key), ['name', 'pw']);
  assert.equal(move.valueSchema!.optional, false);
  assert.throws(() => plugin('HeaderFrom$Value').configDef.parse({ fields: 'a,b', headers: 'x', operation: 'copy' }, 't'), /same number of elements/);
  assert.throws(() => transform('HeaderFrom$Value', { fields: 'nm', headers: 'name', operation: 'copy' }).apply(row(null)), /Only Struct objects supported for \[header copy\], found: null/);
});
