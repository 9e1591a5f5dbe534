/**
 * A request built from a RecordSet must be, byte for byte, the one kafkajs builds from the same
 * records as messages: the same partition for every record (the same partitioner), the same batch
 * per partition (offset deltas from 0, timestamps from the batch's first record), compressed or not.
 * kafkajs's side is its own produce request encoder (loaded unpatched), so a mistake shared by our
 * two encoders cannot hide.
 */
import './kafkajs-patch.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { groupMessagesPerPartition } from './kafkajs-patch.ts';
import { defaultPartitioner } from './partitioner.ts';
import { murmur2 } from './murmur2.ts';
import { compressSlices, encodeProduceV3, type ProduceV3Args } from './produce-encoding.ts';
import { RecordSet, TopicRecords } from './record-set.ts';
import type { OutRecord } from './txn-producer.ts';
import { kafkajsModule, kafkajsOriginal } from '../../test/helpers/kafkajs-original.ts';

type Encoded = { buf: Buffer; offset: number };
const kafkajsProduceV3 = kafkajsOriginal<(a: ProduceV3Args) => { encode(): Promise<Encoded> }>('protocol/requests/produce/v3/request.js');
const { Codecs } = kafkajsModule<{ Codecs: Parameters<typeof compressSlices>[1] }>('protocol/message/compression/index.js');

let seed = 11;
function rand(n: number): number {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed % n;
}

const SHARED_HEADERS = Object.freeze({ 'debezium.op': 'c', 'trace': ['a', 'bé'] });

function randomRecords(n: number, topic: string, partitions: number): OutRecord[] {
  const out: OutRecord[] = [];
  for (let i = 0; i < n; i++) {
    const r: { -readonly [K in keyof OutRecord]: OutRecord[K] } = {
      topic,
      key: rand(8) === 0 ? null : randomBytes(1 + rand(40)),
      value: rand(10) === 0 ? null : randomBytes(rand(700)),
      // Ascending, same number of digits: kafkajs sorts timestamps as text.
      timestamp: 1_700_000_000_000 + i * 3 + rand(3),
    };
    if (rand(7) === 0) r.partition = rand(partitions);
    const h = rand(4);
    if (h === 1) r.headers = SHARED_HEADERS;
    if (h === 2) r.headers = { k: 'v'.repeat(rand(50)), other: ['1', '2', '3'] };
    out.push(r);
  }
  return out;
}

const asMessage = (r: OutRecord) => ({ key: r.key, value: r.value, timestamp: String(r.timestamp), ...(r.partition !== undefined ? { partition: r.partition } : {}), ...(r.headers ? { headers: r.headers } : {}) });

function requestArgs(topic: string, perPartition: Record<number, unknown>, compression: number): ProduceV3Args {
  const partitions = Object.keys(perPartition).map(Number).sort((a, b) => a - b)
    .map((partition) => ({ partition, firstSequence: 40 + partition, messages: perPartition[partition] as never }));
  return { acks: -1, timeout: 30_000, transactionalId: 'cdc-x-0', producerId: 9001n, producerEpoch: 3, compression, topicData: [{ topic, partitions }] };
}

async function bothWays(records: OutRecord[], partitionCount: number, compression: number): Promise<{ ours: Buffer; kafkajs: Buffer; slices: number }> {
  const topic = records[0]!.topic;
  const partitionMetadata = Array.from({ length: partitionCount }, (_, partitionId) => ({ partitionId, leader: 1 }));
  const partitioner = () => defaultPartitioner(murmur2, () => 5)();
  const messages = records.map(asMessage);
  const kafkajsGroups = groupMessagesPerPartition({ topic, partitionMetadata, messages, partitioner: partitioner() as never });
  const e = await kafkajsProduceV3(requestArgs(topic, kafkajsGroups, compression)).encode();
  const set = new RecordSet(64 * 1024 * 1024);
  for (const r of records) assert.equal(set.add(r), true);
  const [tm] = set.topicMessages(true);
  assert.ok(tm!.messages[0] instanceof TopicRecords);
  const slices = groupMessagesPerPartition({ topic, partitionMetadata, messages: tm!.messages, partitioner: partitioner() as never });
  const args = requestArgs(topic, slices, compression);
  await compressSlices(args, Codecs);
  const ours = encodeProduceV3(args, Date.now());
  assert.ok(ours !== null);
  return { ours, kafkajs: e.buf.subarray(0, e.offset), slices: Object.keys(slices).length };
}

test('one partition: the records are the batch as added, byte for byte what kafkajs writes', async () => {
  for (let run = 0; run < 5; run++) {
    const records = randomRecords(1 + rand(300), 'db.t', 1).map((r) => ({ ...r, partition: undefined })).map(({ partition: _p, ...r }) => r);
    const { ours, kafkajs, slices } = await bothWays(records, 1, 0);
    assert.equal(slices, 1);
    assert.ok(ours.equals(kafkajs), `run ${run}: ${ours.length} against ${kafkajs.length} bytes`);
  }
});

test('several partitions: the same partition for every record, each batch renumbered as kafkajs numbers it', async () => {
  for (let run = 0; run < 8; run++) {
    const { ours, kafkajs, slices } = await bothWays(randomRecords(1 + rand(600), 'db.t', 6), 6, 0);
    assert.ok(run === 0 || slices > 1);
    assert.ok(ours.equals(kafkajs), `run ${run}: ${ours.length} against ${kafkajs.length} bytes`);
  }
});

test('compressed (gzip): the records of each batch compressed as kafkajs compresses them', async () => {
  for (const partitions of [1, 4]) {
    const records = randomRecords(200, 'db.t', partitions).map(({ partition: _p, ...r }) => r);
    const { ours, kafkajs } = await bothWays(records, partitions, 1);
    assert.ok(ours.equals(kafkajs), `${partitions} partition(s): ${ours.length} against ${kafkajs.length} bytes`);
  }
});

test('the records read back as they were added, topic by topic, and growth past the first buffers keeps them', () => {
  const set = new RecordSet(64 * 1024 * 1024);
  const a = randomRecords(700, 'a', 3), b = randomRecords(300, 'b', 1);
  for (let i = 0; i < 1000; i++) set.add(i % 10 < 7 ? a[Math.floor(i / 10) * 7 + (i % 10)]! : b[Math.floor(i / 10) * 3 + (i % 10) - 7]!);
  assert.equal(set.count, 1000);
  const norm = (r: OutRecord) => ({ ...r, headers: r.headers ? JSON.parse(JSON.stringify(r.headers)) : undefined });
  assert.deepEqual(set.records().map(norm), [...a, ...b].map(norm));
});

test('a record the set refuses for its limit is not kept; the next set takes it', () => {
  const set = new RecordSet(2000);
  const r = (n: number): OutRecord => ({ topic: 't', key: Buffer.from('k'), value: Buffer.alloc(n, 1), timestamp: 1_700_000_000_000 + n });
  assert.equal(set.add(r(900)), true);
  assert.equal(set.add(r(900)), true);
  assert.equal(set.add(r(900)), false);
  assert.deepEqual(set.records().map((x) => x.value!.length), [900, 900]);
  const t = set.topics.get('t')!;
  assert.equal(t.maxStamp, 1_700_000_000_900);
  assert.equal(t.pos, set.bytes);
});

test('a released set\'s buffers serve the next set, which holds only its own records', () => {
  const first = new RecordSet(64 * 1024 * 1024);
  for (const r of randomRecords(500, 'a', 2)) first.add(r);
  const reused = first.topics.get('a')!;
  first.release();
  assert.equal(first.count, 0);
  assert.deepEqual(first.records(), []);
  const next = new RecordSet(64 * 1024 * 1024);
  const records = randomRecords(20, 'b', 1);
  for (const r of records) next.add(r);
  assert.equal(next.topics.get('b'), reused, 'the spare topic buffers are taken again');
  const norm = (r: OutRecord) => ({ ...r, headers: r.headers ? JSON.parse(JSON.stringify(r.headers)) : undefined });
  assert.deepEqual(next.records().map(norm), records.map(norm));
  assert.equal(next.topics.get('b')!.maxStamp, records[records.length - 1]!.timestamp);
});

test('a timestamp that is not a whole number of milliseconds is refused, not written as garbage', () => {
  const set = new RecordSet(1 << 20);
  for (const bad of [1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60]) {
    assert.throws(() => set.add({ topic: 't', key: null, value: null, timestamp: bad }), /not a whole number of milliseconds/);
  }
  assert.equal(set.count, 0);
});
