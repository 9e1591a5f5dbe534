import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../errors/cdc-error.ts';
import { decodeSnapshotOffset, encodeSnapshotOffset, unwrapCondition, type SnapshotOffsetState } from './offset-codec.ts';

const WHERE = 'connector "shop", offset ["shop",{"server":"shop"}]';

const STATE: SnapshotOffsetState = {
  correlationId: 'ad-hoc-1',
  collections: [
    { collection: { id: 'public.orders', filter: "color='blue'", surrogateKey: null }, kind: 'initial', lastKey: [1], maxKey: [1000], rowsDone: 1024, chunks: 1, keyColumns: ['id'] },
    { collection: { id: 'public.lines', filter: null, surrogateKey: 'line_id' }, kind: 'initial', lastKey: [7n, 'a'], maxKey: [9n, 'z'], rowsDone: 5, chunks: 2, keyColumns: ['line_id', 'code'] },
    { collection: { id: 'public.users', filter: null, surrogateKey: null }, kind: 'incremental', lastKey: null, maxKey: null, rowsDone: 0, chunks: 0, keyColumns: null },
  ],
};

test('nothing queued: no field at all (as Debezium, which removes its keys once the queue is empty)', () => {
  assert.deepEqual(encodeSnapshotOffset({ collections: [], correlationId: 'x' }), {});
  assert.equal(decodeSnapshotOffset({ lsn: 5 }, WHERE), null);
  assert.equal(decodeSnapshotOffset({ incremental_snapshot_collections: '[]' }, WHERE), null);
});

test("Debezium's keys: collections JSON with the condition in parentheses, first table's keys as Java hex, correlation id", () => {
  const m = encodeSnapshotOffset(STATE);
  assert.deepEqual(JSON.parse(m.incremental_snapshot_collections as string), [
    { incremental_snapshot_collections_id: 'public.orders', incremental_snapshot_collections_additional_condition: "(color='blue')", incremental_snapshot_collections_surrogate_key: null },
    { incremental_snapshot_collections_id: 'public.lines', incremental_snapshot_collections_additional_condition: null, incremental_snapshot_collections_surrogate_key: 'line_id' },
    { incremental_snapshot_collections_id: 'public.users', incremental_snapshot_collections_additional_condition: null, incremental_snapshot_collections_surrogate_key: null },
  ]);
  // [Integer 1], byte for byte the reference's example
  assert.equal(m.incremental_snapshot_primary_key, 'aced0005757200135b4c6a6176612e6c616e672e4f626a6563743b90ce589f1073296c020000787000000001737200116a6176612e6c616e672e496e746567657212e2a0a4f781873802000149000576616c7565787200106a6176612e6c616e672e4e756d62657286ac951d0b94e08b020000787000000001');
  assert.equal(m.incremental_snapshot_correlation_id, 'ad-hoc-1');
  const own = JSON.parse(m.cdc_snapshot as string);
  assert.equal(own.v, 1);
  assert.deepEqual(own.collections.map((c: { kind: string }) => c.kind), ['initial', 'initial', 'incremental']);
  assert.equal(own.collections[0].primary_key, undefined, 'the first table is in Debezium\'s keys only');
  assert.equal(typeof own.collections[1].primary_key, 'string');
});

test('round trip keeps queue order, kinds, filters, surrogate keys, positions of every table and progress', () => {
  assert.deepEqual(decodeSnapshotOffset(encodeSnapshotOffset(STATE), WHERE), STATE);
});

test('an offset written by Debezium (no cdc_snapshot): incremental snapshots, first table resumes after its stored key', () => {
  const debezium = {
    lsn: 123, txId: 5,
    incremental_snapshot_collections: '[{"incremental_snapshot_collections_id":"public.a","incremental_snapshot_collections_additional_condition":"(id > 10)","incremental_snapshot_collections_surrogate_key":null},{"incremental_snapshot_collections_id":"public.b","incremental_snapshot_collections_additional_condition":null,"incremental_snapshot_collections_surrogate_key":null}]',
    incremental_snapshot_primary_key: 'aced0005757200135b4c6a6176612e6c616e672e4f626a6563743b90ce589f1073296c02000078700000000174000161',
    incremental_snapshot_maximum_key: 'aced000570',
    incremental_snapshot_correlation_id: null,
  };
  const s = decodeSnapshotOffset(debezium, WHERE)!;
  assert.deepEqual(s.collections.map((c) => [c.collection.id, c.kind, c.collection.filter, c.lastKey, c.maxKey]), [
    ['public.a', 'incremental', 'id > 10', ['a'], null],
    ['public.b', 'incremental', null, null, null],
  ]);
  assert.equal(s.correlationId, null);
});

test('cdc_snapshot entries follow their table by id when the list was edited by hand', () => {
  const m = { ...encodeSnapshotOffset(STATE) };
  const listed = JSON.parse(m.incremental_snapshot_collections as string);
  m.incremental_snapshot_collections = JSON.stringify([listed[0], listed[2]]); // public.lines removed
  const s = decodeSnapshotOffset(m, WHERE)!;
  assert.deepEqual(s.collections.map((c) => [c.collection.id, c.kind, c.rowsDone]), [['public.orders', 'initial', 1024], ['public.users', 'incremental', 0]]);
});

test('a key of a Java class outside the subset: CDC_SNAPSHOT_OFFSET_KEY_TYPE naming the field, the class and the REST fix', () => {
  const bigDecimal = 'aced0005757200135b4c6a6176612e6c616e672e4f626a6563743b90ce589f1073296c020000787000000001737200146a6176612e6d6174682e426967446563696d616c54c71557f981284f0300024900057363616c654c0006696e7456616c7400164c6a6176612f6d6174682f426967496e74656765723b7872';
  const m = { ...encodeSnapshotOffset(STATE), incremental_snapshot_primary_key: bigDecimal };
  assert.throws(() => decodeSnapshotOffset(m, WHERE), (e: unknown) => {
    assert.ok(e instanceof ConfigError);
    assert.equal(e.code, 'CDC_SNAPSHOT_OFFSET_KEY_TYPE');
    assert.match(e.what, /incremental_snapshot_primary_key/);
    assert.match(e.what, /java\.math\.BigDecimal/);
    assert.equal(e.where, WHERE);
    assert.match(e.fix!, /PATCH \/connectors\/<name>\/offsets/);
    assert.match(e.fix!, /DELETE \/connectors\/<name>\/offsets/);
    return true;
  });
});

test('malformed fields: CDC_SNAPSHOT_OFFSET_INVALID naming the field', () => {
  const cases: [Record<string, string | number | null>, RegExp][] = [
    [{ incremental_snapshot_collections: 'not json' }, /incremental_snapshot_collections is not valid JSON/],
    [{ incremental_snapshot_collections: '{"a":1}' }, /not a JSON array/],
    [{ incremental_snapshot_collections: '[{"x":1}]' }, /entry 0 has no incremental_snapshot_collections_id/],
    [{ incremental_snapshot_collections: '[{"incremental_snapshot_collections_id":"a.b"}]', incremental_snapshot_primary_key: 5 }, /primary_key is not a hexadecimal string/],
    [{ incremental_snapshot_collections: '[{"incremental_snapshot_collections_id":"a.b"}]', cdc_snapshot: '{"v":1,"collections":[{"id":"a.b","kind":"huge"}]}' }, /cdc_snapshot entry 0 lacks an id or a kind/],
    [{ incremental_snapshot_collections: '[{"incremental_snapshot_collections_id":"a.b"}]', cdc_snapshot: '{"v":9,"collections":[]}' }, /version 9, newer/],
  ];
  for (const [m, re] of cases) {
    assert.throws(() => decodeSnapshotOffset(m, WHERE), (e: unknown) => e instanceof ConfigError && e.code === 'CDC_SNAPSHOT_OFFSET_INVALID' && re.test(e.what), JSON.stringify(m));
  }
});

test('conditions: one matching outer pair of parentheses comes off, quoted parentheses do not count', () => {
  assert.equal(unwrapCondition("(color='blue')"), "color='blue'");
  assert.equal(unwrapCondition('((a) OR (b))'), '(a) OR (b)');
  assert.equal(unwrapCondition('(a) OR (b)'), '(a) OR (b)');
  assert.equal(unwrapCondition("(name = ')(')"), "name = ')('");
  assert.equal(unwrapCondition('id > 3'), 'id > 3');
  assert.equal(unwrapCondition(null), null);
});
