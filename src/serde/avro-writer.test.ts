import { test } from 'node:test';
import assert from 'node:assert/strict';
import avro from 'avsc';
import { S, type ConnectSchema } from '../events/schema.ts';
import { compileDatumConverter, type DatumOptions } from './avro-datum.ts';
import { exactLongOptions } from './avro-long-type.ts';
import { connectToAvro } from './avro-schema.ts';
import { compileFramedWriter, encodeFramedDatum } from './avro-writer.ts';

/**
 * Differential: the one-pass writer against the datum path it replaces
 * (header + avsc toBuffer of avro-datum.ts's datum). Where the datum path writes,
 * the writer must write the same bytes or step aside (throw); where it throws, the writer must throw.
 */
function reference(schema: ConnectSchema, type: avro.Type, opts: DatumOptions, v: unknown): Buffer | Error {
  try {
    const body = type.toBuffer(compileDatumConverter(schema, opts)(v));
    const out = Buffer.alloc(5 + body.length);
    out.writeInt32BE(77, 1);
    body.copy(out, 5);
    return out;
  } catch (err) {
    return err as Error;
  }
}

function check(schema: ConnectSchema, values: readonly unknown[], opts: DatumOptions = {}, mustUseFastPath = true): void {
  const type = avro.Type.forSchema(JSON.parse(connectToAvro(schema).text), exactLongOptions());
  const writer = compileFramedWriter(schema, type, opts);
  assert.ok(writer, `a writer for ${JSON.stringify(schema, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x))}`);
  for (const v of values) {
    const want = reference(schema, type, opts, v);
    let got: Buffer | Error;
    try {
      got = Buffer.from(writer.encode(v, 77));
    } catch (err) {
      got = err as Error;
    }
    const what = `value ${typeof v === 'bigint' ? `${v}n` : String(v)} (${typeof v}) of ${schema.type}${schema.name ? ` ${schema.name}` : ''}`;
    if (want instanceof Error) {
      assert.ok(got instanceof Error, `${what}: the datum path refuses it (${want.message}), the writer wrote ${got instanceof Buffer ? got.toString('hex') : ''}`);
    } else if (got instanceof Error) {
      assert.ok(!mustUseFastPath, `${what}: the writer refused a value the datum path writes: ${got.message}`);
    } else {
      assert.deepStrictEqual(got, want, what);
    }
    // The datum path of the converter (encodeFramedDatum) gives the reference bytes too.
    if (!(want instanceof Error)) assert.deepStrictEqual(Buffer.from(encodeFramedDatum(type, compileDatumConverter(schema, opts)(v), 77)), want);
  }
}

const INTS = [0, 1, -1, 63, 64, -64, -65, 8191, 8192, 2 ** 30 - 1, 2 ** 30, -(2 ** 30), -(2 ** 30) - 1, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, -0, 1.5, NaN, Infinity, '1', null, undefined, true, 1n];
const LONGS = [
  ...INTS, 2 ** 52, -(2 ** 52), 2 ** 52 + 2, -(2 ** 52) - 2, 2 ** 53 - 1, -(2 ** 53) + 1, 2 ** 53, -(2 ** 53), 2 ** 60, -(2 ** 60), 2 ** 63, -(2 ** 63),
  0n, -1n, 1n, 63n, -64n, 64n, 2n ** 31n, -(2n ** 31n), 2n ** 32n - 1n, 2n ** 32n, -(2n ** 32n), 2n ** 53n + 1n, -(2n ** 53n) - 3n,
  2n ** 63n - 1n, -(2n ** 63n), 2n ** 63n, -(2n ** 63n) - 1n, 9223372036825200000n, -9223372036832400000n, 1_795_244_640_123_456_789n,
  new Date(0), new Date(1_700_000_000_123), new Date(NaN),
];
const STRINGS = [
  '', 'a', 'paid', 'x'.repeat(63), 'x'.repeat(64), 'x'.repeat(65), 'x'.repeat(200), 'é', 'ü'.repeat(31), 'ü'.repeat(32), 'ü'.repeat(33),
  '€uro', '😀', 'a😀b'.repeat(20), '\ud800', 'x\udc00y', '\ud800'.repeat(30), 'ab\ud83d', 'ﬀ'.repeat(22), 'é'.repeat(100), 5, null, Buffer.from('a'),
];
const BYTES = [Buffer.alloc(0), Buffer.from([1]), Buffer.from([0xff, 0x00]), Buffer.alloc(16, 7), Buffer.alloc(17, 9), Buffer.alloc(300, 3), new Uint8Array([1, 2, 3]), 'ab', [1], null];

test('primitives, required and optional, with and without defaults', () => {
  const cases: Array<[ConnectSchema, readonly unknown[]]> = [
    [S.int8(), INTS], [S.int16(), INTS], [S.int32(), INTS],
    [S.int64(), LONGS],
    [S.float32(), [0, -0, 1.5, 3.4e38, 1e39, NaN, -Infinity, 1n, '1', null]],
    [S.float64(), [0, -0, 1.5, Number.MAX_VALUE, Number.MIN_VALUE, NaN, Infinity, 1n, null]],
    [S.boolean(), [true, false, 0, 1, 'true', null]],
    [S.string(), STRINGS],
    [S.bytes(), BYTES],
    [S.bytes({ name: 'org.apache.kafka.connect.data.Decimal', version: 1, parameters: { scale: '2', 'connect.decimal.precision': '12' } }), BYTES],
    [S.int32({ name: 'org.apache.kafka.connect.data.Date', version: 1 }), [0, 19_000, new Date(0), new Date(86_400_000 * 19_000 + 5), new Date(-86_400_000 * 3 - 1), new Date(NaN), 1.5]],
    [S.int32({ name: 'org.apache.kafka.connect.data.Time', version: 1 }), [0, 1000, new Date(3_600_000 + 12), new Date(-1), new Date(NaN)]],
    [S.int32({ name: 'io.debezium.time.Date', version: 1 }), [0, 5, new Date(0)]],
    [S.int64({ name: 'org.apache.kafka.connect.data.Timestamp', version: 1 }), LONGS],
    [S.int64({ name: 'io.debezium.time.MicroTimestamp', version: 1 }), LONGS],
  ];
  for (const [schema, values] of cases) {
    check(schema, values);
    check(S.optional(schema), values);
  }
  // Defaults: required with default, optional with default (union [T, null]), and ignore.default.for.nullables.
  check(S.withDefault(S.int32(), 7), INTS);
  check(S.withDefault(S.optional(S.int32()), 7), INTS);
  check(S.withDefault(S.optional(S.int32()), 7), INTS, { ignoreDefaultForNullables: true });
  check(S.withDefault(S.int64(), 0n), LONGS);
  check(S.withDefault(S.optional(S.int64()), 5n), LONGS);
  check(S.withDefault(S.optional(S.string({ name: 'io.debezium.data.Enum', version: 1, parameters: { allowed: 'true,false' } })), 'false'), STRINGS);
  check(S.withDefault(S.optional(S.string()), 'dflt'), STRINGS, { ignoreDefaultForNullables: true });
  check(S.withDefault(S.bytes(), Buffer.from([1, 2])), BYTES);
  check(S.withDefault(S.optional(S.boolean()), true), [true, false, null, 1]);
  check(S.withDefault(S.optional(S.float64()), 1.5), [0, 2.5, null, 'x']);
});

test('structs, arrays and maps, nested', () => {
  const inner = S.struct('a.b.Inner', [S.field('n', S.int32()), S.field('s', S.optional(S.string()))]);
  const schema = S.struct('a.b.Outer', [
    S.field('id', S.int64()),
    S.field('before', S.optional(inner)),
    S.field('after', S.optional(inner)),
    S.field('tags', S.optional(S.array(S.string()))),
    S.field('nums', S.array(S.optional(S.int64()))),
    S.field('inners', S.optional(S.array(inner))),
    S.field('attrs', S.optional(S.map(S.string(), S.optional(S.string())))),
    S.field('counts', S.optional(S.map(S.int32(), S.int64()))),
    S.field('flag', S.withDefault(S.optional(S.boolean()), false)),
  ]);
  const ok = {
    id: 1n, before: null, after: { n: 5, s: 'x' }, tags: ['a', 'b'], nums: [1n, null, 3, 2n ** 62n],
    inners: [{ n: 1, s: null }, { n: 2 }], attrs: new Map([['k', 'v'], ['n', null], ['1', 'one']]), counts: new Map([[1, 10n], [2, 20n]]), flag: null,
  };
  check(schema, [
    ok,
    { ...ok, tags: [], nums: [], inners: null, attrs: { b: 'x', a: null, 2: 'two' }, counts: null, flag: true },
    { ...ok, before: { n: 9, s: '😀' }, tags: null },
    { id: 2, nums: [] }, // unset optional fields: null; unset flag: its default
    { ...ok, nums: [1.5] },
    { ...ok, after: { n: 'x' } },
    { ...ok, after: [] },
    { ...ok, after: Buffer.from('x') },
    { ...ok, tags: 'a' },
    { ...ok, id: null },
    { ...ok, attrs: new Map([['k', 5]]) },
    { ...ok, attrs: [] },
    [], 'x', null, 5,
  ], {}, false);
  // The envelope shape Debezium sources produce: optional row structs sharing one record name.
  const row = S.optional(S.struct('srv.public.t.Value', [S.field('id', S.int32()), S.field('note', S.optional(S.string()))]));
  const envelope = S.struct('srv.public.t.Envelope', [
    S.field('before', row), S.field('after', row), S.field('op', S.string()), S.field('ts_ms', S.optional(S.int64())),
  ], { version: 2 });
  check(envelope, [
    { before: null, after: { id: 1, note: 'n' }, op: 'c', ts_ms: 1_700_000_000_000n },
    { before: { id: 1, note: null }, after: { id: 2, note: 'x'.repeat(100) }, op: 'u', ts_ms: null },
    { before: { id: 1 }, after: null, op: 'd', ts_ms: 5 },
  ]);
});

test('records longer than the slab move to a new one; earlier records stay intact', () => {
  const schema = S.struct('big.Row', [S.field('id', S.int32()), S.field('blob', S.bytes()), S.field('text', S.string())]);
  const type = avro.Type.forSchema(JSON.parse(connectToAvro(schema).text), exactLongOptions());
  const writer = compileFramedWriter(schema, type)!;
  const values = Array.from({ length: 400 }, (_, i) => ({
    id: i, blob: Buffer.alloc((i * 977) % 5000 + (i % 50 === 0 ? 200_000 : 0), i % 256), text: `row ${i} ${'é'.repeat(i % 70)}`,
  }));
  const outs = values.map((v) => writer.encode(v, 3));
  values.forEach((v, i) => {
    const body = type.toBuffer(compileDatumConverter(schema)(v));
    assert.deepStrictEqual(outs[i]!.subarray(5), body, `row ${i}`);
    assert.equal(outs[i]!.readInt32BE(1), 3);
  });
  // A refused value leaves nothing behind: the next record starts where it would have.
  assert.throws(() => writer.encode({ id: 'x', blob: Buffer.alloc(1), text: '' }, 3));
  const next = writer.encode(values[1], 3);
  assert.deepStrictEqual(next, outs[1]);
});
