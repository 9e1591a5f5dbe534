import { test } from 'node:test';
import assert from 'node:assert/strict';
import { S } from '../../events/schema.ts';
import { keySchema, plugin, row, rowSchema, tombstone, transform } from '../../../test/doubles/transform-kit.ts';

test('ReplaceField: exclude wins, survivors keep order then are renamed; the struct becomes required', () => {
  const t = transform('ReplaceField$Value', { exclude: 'pw', renames: 'nm:name' });
  const out = t.apply(row({ id: 1, pw: 'x', nm: 'a' }))!;
  assert.deepEqual(out.value, { id: 1, name: 'a' });
  assert.deepEqual(out.valueSchema, { type: 'struct', optional: false, name: 'shop.public.users.Value', fields: [rowSchema.fields![0], { name: 'name', schema: rowSchema.fields![2]!.schema }] });
  assert.equal(t.apply(row({ id: 2, pw: null, nm: null }))!.valueSchema, out.valueSchema, 'one output schema object per input schema');
  const inc = transform('ReplaceField$Value', { include: 'id,pw', exclude: 'pw' });
  assert.deepEqual(inc.apply(row({ id: 1, pw: 'x', nm: 'a' }))!.value, { id: 1 });
  assert.equal(t.apply(tombstone), tombstone);
  assert.throws(() => plugin('ReplaceField$Value').configDef.parse({ renames: 'a:b:c' }, 't'), /Invalid rename mapping: a:b:c/);
});

test('ReplaceField accepts the legacy whitelist/blacklist names with a deprecation warning', () => {
  const c = plugin('ReplaceField$Key').configDef.parse({ blacklist: 'pw', whitelist: 'id' }, 't');
  assert.deepEqual(c.getList('exclude'), ['pw']);
  assert.deepEqual(c.getList('include'), ['id']);
  assert.equal(c.warnings.filter((w) => w.kind === 'deprecated').length, 2);
});

test('InsertField appends topic, partition, timestamp and static fields in that order; ! makes one required', () => {
  const t = transform('InsertField$Value', { 'static.field': 'region', 'static.value': 'eu', 'topic.field': 'src!', 'timestamp.field': 'ts' });
  const out = t.apply(row({ id: 1, pw: null, nm: 'a' }, { timestamp: 1000 }))!;
  assert.deepEqual(out.value, { id: 1, pw: null, nm: 'a', src: 'shop.public.users', ts: 1000, region: 'eu' });
  assert.deepEqual(out.valueSchema!.fields!.slice(3).map((f) => [f.name, f.schema.type, f.schema.optional, f.schema.name]), [
    ['src', 'string', false, undefined], ['ts', 'int64', true, 'org.apache.kafka.connect.data.Timestamp'], ['region', 'string', true, undefined],
  ]);
  assert.equal(out.valueSchema!.optional, false);
  assert.equal(t.apply(tombstone), tombstone);
  const p = plugin('InsertField$Value');
  assert.throws(() => p.create(p.configDef.parse({}, 't')), /No field insertion configured/);
  assert.throws(() => p.create(p.configDef.parse({ 'static.field': 'x' }, 't')), /No value specified for static field: x/);
  assert.throws(() => transform('InsertField$Value', { 'offset.field': 'o' }).apply(row({ id: 1 })), /Only SinkRecord supported for \[offset insertion\]/);
});

test('MaskField: zero of the type, or the replacement parsed to it; nulls stay null; tombstones fail', () => {
  const t = transform('MaskField$Value', { fields: 'pw,id' });
  assert.deepEqual(t.apply(row({ id: 7, pw: 'secret', nm: 'a' }))!.value, { id: 0, pw: '', nm: 'a' });
  assert.deepEqual(t.apply(row({ id: 7, pw: null, nm: 'a' }))!.value, { id: 0, pw: null, nm: 'a' });
  const r = transform('MaskField$Value', { fields: 'pw', replacement: '****' });
  const out = r.apply(row({ id: 7, pw: 'secret', nm: 'a' }))!;
  assert.deepEqual(out.value, { id: 7, pw: '****', nm: 'a' });
  assert.equal(out.valueSchema, rowSchema);
  assert.throws(() => transform('MaskField$Value', { fields: 'id', replacement: 'abc' }).apply(row({ id: 1, pw: null, nm: null })), /For input string: "abc"/);
  assert.throws(() => t.apply(tombstone), /Only Map objects supported in absence of schema for \[masking\], found: null/);
  assert.throws(() => t.apply(row(null)), /Only Struct objects supported for \[masking\], found: null/);
});

test('ValueToKey: an unnamed required struct of the listed fields; missing field and tombstones fail', () => {
  const t = transform('ValueToKey', { fields: 'nm,id' });
  const out = t.apply(row({ id: 1, pw: null, nm: 'a' }))!;
  assert.deepEqual(out.key, { nm: 'a', id: 1 });
  assert.deepEqual(out.keySchema, { type: 'struct', optional: false, fields: [rowSchema.fields![2], rowSchema.fields![0]] });
  assert.throws(() => transform('ValueToKey', { fields: 'zz' }).apply(row({ id: 1 })), /Field does not exist: zz/);
  assert.throws(() => t.apply(tombstone), /found: null/);
});

test('ExtractField: the field value with its schema; a null value keeps the field schema; V2 paths', () => {
  const envelope = S.struct('shop.public.users.Envelope', [S.field('before', rowSchema), S.field('after', rowSchema), S.field('op', S.string())]);
  const t = transform('ExtractField$Value', { field: 'after' });
  const rec = { topic: 't', keySchema, key: { id: 1 }, valueSchema: envelope, value: { before: null, after: { id: 1, pw: null, nm: 'a' }, op: 'c' } };
  const out = t.apply(rec)!;
  assert.equal(out.valueSchema, rowSchema);
  assert.deepEqual(out.value, { id: 1, pw: null, nm: 'a' });
  const del = t.apply({ ...rec, value: { before: { id: 1 }, after: null, op: 'd' } })!;
  assert.equal(del.value, null);
  assert.equal(del.valueSchema, rowSchema);
  const n = t.apply({ ...rec, value: null })!;
  assert.equal(n.value, null);
  assert.equal(n.valueSchema, rowSchema);
  assert.deepEqual(t.apply(tombstone), { ...tombstone, value: null, valueSchema: null });
  assert.throws(() => transform('ExtractField$Value', { field: 'nope' }).apply(rec), /Unknown field: nope/);
  const v2 = transform('ExtractField$Value', { field: 'after.nm', 'field.syntax.version': 'V2' });
  assert.equal(v2.apply(rec)!.value, 'a');
  assert.equal(transform('ExtractField$Key', { field: 'id' }).apply(rec)!.key, 1);
});

test('MaskField fails on a bytes field only when it holds a value', () => {
  const schema = S.struct('B', [S.field('id', S.int32()), S.field('blob', S.optional(S.bytes()))]);
  const t = transform('MaskField$Value', { fields: 'blob' });
  const rec = (blob: Buffer | null) => ({ topic: 't', keySchema: null, key: null, valueSchema: schema, value: { id: 1, blob } });
  assert.deepEqual(t.apply(rec(null))!.value, { id: 1, blob: null });
  assert.throws(() => t.apply(rec(Buffer.from('x'))), /Cannot mask value of type: bytes/);
});
