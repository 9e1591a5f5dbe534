/**
 * The per-event path the micro benchmark times (encode-path.ts) builds the events the
 * reference builders build: the source block of source-info.ts's sourceValue, row objects
 * with the columns in table order, and Avro bytes equal to avsc's encoding of
 * avro-datum.ts's datum (the converter's general path).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import avro from 'avsc';
import type { Clock, EnvelopeValue, Op } from '../src/events/envelope.ts';
import { compileDatumConverter } from '../src/serde/avro-datum.ts';
import { exactLongOptions } from '../src/serde/avro-long-type.ts';
import { connectToAvro } from '../src/serde/avro-schema.ts';
import { changeRecords, type EventOptions } from '../sources/postgres/change-events.ts';
import { sourceValue, type SourceFacts } from '../sources/postgres/source-info.ts';
import { buildTableModel } from '../sources/postgres/table-model.ts';
import { DEFAULT_PG_TYPE_OPTIONS } from '../sources/postgres/types.ts';
import { BENCH_PG_TABLE, FIXED_NOW_NS, benchMessages, encodeDigest, encodePath } from './encode-path.ts';

const clock: Clock = { nowMs: () => Number(FIXED_NOW_NS / 1_000_000n), nowNs: () => FIXED_NOW_NS };
const opts: EventOptions = { tombstonesOnDelete: true, skippedOperations: new Set<Op>(), clock };

test('the source block is sourceValue(facts), field for field and in order, as facts change', () => {
  const model = buildTableModel(BENCH_PG_TABLE, { topicPrefix: 'bench', types: DEFAULT_PG_TYPE_OPTIONS, columnFilter: () => true });
  const base: SourceFacts = {
    serverName: 'srv', db: 'shop', schema: 'public', table: 'bench_events', tsUs: 1_690_000_000_000_001n,
    snapshot: 'false', txId: 555, lsn: 0x2000n, lastCommitLsn: 0x1f00n,
  };
  const variants: SourceFacts[] = [
    base, { ...base, lsn: 0x2100n }, { ...base, lsn: 0x2100n }, { ...base, lsn: null }, { ...base, lastCommitLsn: null },
    { ...base, lastCommitLsn: null, lsn: null }, { ...base, tsUs: -5_000_123n }, { ...base, txId: null }, { ...base, txId: 4_294_967_295 },
    { ...base, snapshot: 'last' }, { ...base, origin: 'node1' }, { ...base, origin: null }, { ...base, serverName: 'other', db: 'other' },
    { ...base, schema: 's2', table: 't2' }, { ...base, lsn: 2n ** 63n - 1n, lastCommitLsn: 2n ** 62n }, base,
  ];
  const row = { id: '1', account_id: '2', quantity: '3', status: 'new', note: null, amount: '1.00', created_at: '2024-05-28 12:00:00+00', updated_at: null };
  for (const facts of variants) {
    const [r] = changeRecords(model, { kind: 'insert', after: row }, facts, () => null, opts);
    const got = (r!.value as EnvelopeValue).source;
    const want = sourceValue(facts);
    assert.deepStrictEqual(got, want);
    assert.deepStrictEqual(Object.keys(got), Object.keys(want));
  }
});

test('bench rows: row objects in column order, Avro bytes equal to the datum path', async () => {
  const messages = benchMessages({ rows: 3_000, txnRows: 700 });
  const path = encodePath();
  const records = await path.decode(messages);
  assert.equal(records.length, 3_000);
  const names = BENCH_PG_TABLE.columns.map((c) => c.name);
  const reference = (schema: NonNullable<(typeof records)[0]['valueSchema']>) => {
    const type = avro.Type.forSchema(JSON.parse(connectToAvro(schema).text), exactLongOptions());
    const toDatum = compileDatumConverter(schema);
    return (v: unknown) => type.toBuffer(toDatum(v));
  };
  const keyRef = reference(records[0]!.keySchema!);
  const valueRef = reference(records[0]!.valueSchema!);
  let i = 0;
  await path.convert(records, (key, value) => {
    const r = records[i++]!;
    assert.deepStrictEqual(Object.keys((r.value as EnvelopeValue).after!), names);
    assert.deepStrictEqual(key!.subarray(5), keyRef(r.key), `key ${i}`);
    assert.deepStrictEqual(value!.subarray(5), valueRef(r.value), `value ${i}`);
    assert.equal(key![0], 0);
    assert.equal(value![0], 0);
  });
  assert.equal(i, 3_000);
  // The digest is reproducible: same messages, same bytes.
  assert.deepStrictEqual(await encodeDigest(messages), await encodeDigest(messages));
});
