import { test } from 'node:test';
import assert from 'node:assert/strict';
import { S } from '../../events/schema.ts';
import { change, heartbeat, ordersTable, tombstone } from '../../../test/doubles/debezium-records.ts';
import { debeziumMurmurHash, javaHashCode, javaLongHash, javaStringHash, murmurHash3x64Upper32 } from './java-hash.ts';
import { partitionRoutingPlugin } from './partition-routing.ts';

const make = (props: Record<string, string>) => partitionRoutingPlugin.create(partitionRoutingPlugin.configDef.parse(props, 'transforms.part'));
const t = ordersTable();

test('Java hashCode: String, Integer, Long, Boolean, Double, Float, BigDecimal as the JDK computes them', () => {
  assert.equal(javaStringHash('hello'), 99162322);
  assert.equal(javaStringHash(''), 0);
  assert.equal(javaStringHash('hello-world'), -2128682281);
  assert.equal(javaHashCode(-7, S.int32()), -7);
  assert.equal(javaLongHash(-1n), 0);
  assert.equal(javaLongHash(1n << 40n), 256);
  assert.equal(javaHashCode(true, S.boolean()), 1231);
  assert.equal(javaHashCode(false, S.boolean()), 1237);
  assert.equal(javaHashCode(1.0, S.float64()), 1072693248); // Double.valueOf(1.0).hashCode()
  assert.equal(javaHashCode(1.0, S.float32()), 1065353216); // Float.valueOf(1f).hashCode()
  // new BigDecimal("12.34").hashCode() = 31 * BigInteger(1234).hashCode() + 2 = 38256
  assert.equal(javaHashCode(Buffer.from([0x04, 0xd2]), S.bytes({ name: 'org.apache.kafka.connect.data.Decimal', parameters: { scale: '2' } })), 38256);
});

test('Debezium MurmurHash3: "hello-world" bytes over 100 partitions is 70 (Debezium\'s own test vector)', () => {
  let h = murmurHash3x64Upper32(Buffer.from('hello-world')) & 0x7fffffff;
  if (h === 0x7fffffff) h = 0;
  assert.equal(h % 100, 70);
  assert.equal(debeziumMurmurHash('hello-world', S.string()), murmurHash3x64Upper32(Buffer.from('hello-world')), 'strings hash as their UTF-8 bytes');
});

test('java: partition = (Σ hashCode) & 0x7fffffff mod partition.topic.num; change.x reads after, or before for deletes', () => {
  const smt = make({ 'partition.payload.fields': 'change.name,source.table', 'partition.topic.num': '7' });
  const expected = ((javaStringHash('bob') + javaStringHash('orders')) & 0x7fffffff) % 7;
  assert.equal(smt.apply(change(t, 'c', null, { id: 1, name: 'bob', qty: 1 }))!.kafkaPartition, expected);
  assert.equal(smt.apply(change(t, 'd', { id: 1, name: 'bob', qty: 1 }, null))!.kafkaPartition, expected);
});

test('murmur: the same fields give Debezium\'s murmur partition', () => {
  const smt = make({ 'partition.payload.fields': 'after.name', 'partition.topic.num': '100', 'partition.hash.function': 'murmur' });
  assert.equal(smt.apply(change(t, 'c', null, { id: 1, name: 'hello-world', qty: 1 }))!.kafkaPartition, 70);
});

test('missing or null fields are skipped; none left -> unchanged; tombstones, heartbeats and truncates pass; a path through a null struct fails', () => {
  const smt = make({ 'partition.payload.fields': 'after.nope,change.name', 'partition.topic.num': '3' });
  const rec = change(t, 'c', null, { id: 1, name: null, qty: 1 });
  assert.equal(smt.apply(rec), rec);
  assert.equal(smt.apply(tombstone(t, 1))!.kafkaPartition, undefined);
  assert.deepEqual(smt.apply(heartbeat()), heartbeat());
  assert.equal(smt.apply(change(t, 't', null, null))!.kafkaPartition, undefined);
  assert.throws(() => make({ 'partition.payload.fields': 'before.name', 'partition.topic.num': '3' }).apply(change(t, 'c', null, { id: 1, name: 'x', qty: 1 })), /Unprocessable message/);
});

test('partition.topic.num must be positive; the 2.x singular partition.payload.field is read with a warning', () => {
  const c = partitionRoutingPlugin.configDef.parse({ 'partition.payload.field': 'after.name', 'partition.topic.num': '3' }, 'transforms.part');
  assert.deepEqual(c.getList('partition.payload.fields'), ['after.name']);
  assert.equal(c.warnings[0]!.kind, 'deprecated');
  assert.throws(() => make({ 'partition.payload.fields': 'after.id', 'partition.topic.num': '0' }), /partition\.topic\.num/);
});
