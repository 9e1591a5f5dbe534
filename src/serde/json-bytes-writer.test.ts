import { test } from 'node:test';
import assert from 'node:assert/strict';
import { S, type ConnectSchema } from '../events/schema.ts';
import { compileJsonPayloadWriter, type ConnectJsonOptions } from './connect-json.ts';
import { compileJsonBytesWriter, writeJsonRecord } from './json-bytes-writer.ts';

const rand = (n: number): number => Math.floor(Math.random() * n);
const pick = <T>(xs: readonly T[]): T => xs[rand(xs.length)]!;

const DECIMAL = { name: 'org.apache.kafka.connect.data.Decimal', version: 1, parameters: { scale: '2', 'connect.decimal.precision': '10' } };
const STRINGS = ['', 'a', 'paid', 'x'.repeat(70), 'quote " only', 'back\\slash only', 'tab\tnew\nline\u0001', 'é ü ß', '中文', '😀 emoji', 'lone \ud800 high', 'lone \udc00 low', '</script>', '\u007f\u0080'];

function schemaFor(opts: { defaults: boolean }): ConnectSchema {
  const row = S.struct('db.public.t.Value', [
    S.field('id', S.int64()),
    S.field('i8', S.int8()), S.field('i16', S.int16()), S.field('i32', S.int32()),
    S.field('b', S.boolean()),
    S.field('s', S.string()),
    S.field('os', S.optional(S.string())),
    S.field('ds', opts.defaults ? S.withDefault(S.optional(S.string()), 'dflt') : S.optional(S.string())),
    S.field('di', opts.defaults ? S.withDefault(S.optional(S.int32()), 7) : S.optional(S.int32())),
    S.field('f', S.float32()), S.field('d', S.optional(S.float64())),
    S.field('dec', S.bytes(DECIMAL)), S.field('raw', S.optional(S.bytes())),
    S.field('arr', S.optional(S.array(S.optional(S.string())))),
    S.field('m', S.optional(S.map(S.string(), S.int64()))),
    S.field('mi', S.optional(S.map(S.int32(), S.string()))),
    S.field('empty', S.optional(S.struct('E', []))),
  ]);
  return S.struct('db.public.t.Envelope', [
    S.field('before', S.optional(row)), S.field('after', S.optional(row)),
    S.field('op', S.string()), S.field('ts_ms', S.optional(S.int64())),
  ]);
}

function randomRow(): Record<string, unknown> {
  const big = (): bigint => BigInt(rand(2) ? rand(1000) : Number.MAX_SAFE_INTEGER - rand(1000)) * (rand(2) ? 1n : -1n) * (rand(5) === 0 ? 1000n : 1n);
  return {
    id: rand(3) === 0 ? pick([0, -0, 5, -17, 2 ** 53 - 1, -(2 ** 53) + 1, 2 ** 53, 1e21]) : big(),
    i8: rand(256) - 128, i16: rand(65536) - 32768, i32: pick([0, -0, 1, -1, 9, 10, 99, 100, 2147483647, -2147483648, rand(1e9)]),
    b: rand(2) === 0, s: pick(STRINGS), os: rand(3) === 0 ? null : pick(STRINGS), ds: rand(2) ? null : pick(STRINGS), di: rand(2) ? undefined : rand(100),
    f: pick([0, 1.5, -2.25, 1e10, 3.4028234663852886e38, 1e-7]), d: pick([null, 0.1, -0, 1 / 3, Infinity, NaN, 123456789.125]),
    dec: Buffer.from([rand(256), rand(256)]), raw: rand(2) ? null : Buffer.from(Array.from({ length: rand(80) }, () => rand(256))),
    arr: rand(2) ? null : Array.from({ length: rand(4) }, () => (rand(3) ? pick(STRINGS) : null)),
    m: rand(2) ? null : new Map([['a', 1n], ['b"q', -2n]]),
    mi: rand(2) ? null : new Map([[1, 'x'], [2, 'é']]),
    empty: rand(2) ? null : {},
  };
}

test('the bytes are those of the string writer, UTF-8 encoded, for every type, escape and null/default case', () => {
  for (const opts of [{ decimalFormat: 'BASE64', replaceNullWithDefault: true }, { decimalFormat: 'NUMERIC', replaceNullWithDefault: false }] as ConnectJsonOptions[]) {
    for (const defaults of [true, false]) {
      const schema = schemaFor({ defaults });
      const text = compileJsonPayloadWriter(schema, opts);
      const bytes = compileJsonBytesWriter(schema, opts);
      for (let i = 0; i < 3000; i++) {
        const v = { before: rand(3) === 0 ? randomRow() : null, after: randomRow(), op: pick(['c', 'u', 'd', 'r']), ts_ms: rand(2) ? BigInt(Date.now()) : null };
        const expected = Buffer.from(text(v), 'utf8');
        assert.deepEqual(writeJsonRecord(null, bytes, v), expected);
        const head = Buffer.from('{"schema":{},"payload":');
        assert.deepEqual(writeJsonRecord(head, bytes, v), Buffer.concat([head, expected, Buffer.from('}')]));
      }
    }
  }
});

test('integers and int64 bigints of every length, sign and boundary print as String() does', () => {
  const schema = S.struct('T', [S.field('i', S.int64()), S.field('n', S.int32())]);
  const opts: ConnectJsonOptions = { decimalFormat: 'BASE64', replaceNullWithDefault: true };
  const bytes = compileJsonBytesWriter(schema, opts);
  const edges = [0n, 1n, 9n, 10n, 99n, 100n, 999_999_999n, 1_000_000_000n, 2n ** 31n - 1n, 2n ** 31n, 2n ** 32n - 1n, 2n ** 32n,
    2n ** 53n - 1n, 2n ** 53n, 2n ** 53n + 1n, 10n ** 17n - 1n, 10n ** 18n, 10n ** 18n - 1n, 2n ** 63n - 1n, 2n ** 63n, 2n ** 64n, 10n ** 30n];
  const values = [...edges, ...edges.map((x) => -x), -(2n ** 63n), -(2n ** 63n) - 1n];
  for (let i = 0; i < 20_000; i++) {
    // Random magnitudes of 1..19 digits, and timestamps in ms, µs and ns around now.
    const digits = 1 + rand(19);
    let x = 0n;
    for (let d = 0; d < digits; d++) x = x * 10n + BigInt(rand(10));
    values.push(rand(2) ? x : -x, BigInt(Date.now() - rand(1e9)) * pick([1n, 1000n, 1_000_000n]) + BigInt(rand(1_000_000)));
  }
  for (const i of values) {
    const n = Number(BigInt.asIntN(32, i));
    assert.equal(writeJsonRecord(null, bytes, { i, n }).toString('latin1'), `{"i":${i},"n":${n}}`);
    if (i >= -(2n ** 53n) && i <= 2n ** 53n) assert.equal(writeJsonRecord(null, bytes, { i: Number(i), n }).toString('latin1'), `{"i":${i},"n":${n}}`);
  }
});

test('a value that does not match throws as the string writer does, and the next record is whole', () => {
  const schema = schemaFor({ defaults: false });
  const opts: ConnectJsonOptions = { decimalFormat: 'BASE64', replaceNullWithDefault: true };
  const text = compileJsonPayloadWriter(schema, opts);
  const bytes = compileJsonBytesWriter(schema, opts);
  const good = { before: null, after: randomRow(), op: 'c', ts_ms: null };
  const bads: Record<string, unknown>[] = [
    { ...good, op: null }, { ...good, op: 5 }, { ...good, after: { ...good.after, i32: 1.5 } }, { ...good, after: { ...good.after, id: 'x' } },
    { ...good, after: { ...good.after, b: 'true' } }, { ...good, after: { ...good.after, s: null } }, { ...good, after: [] }, { ...good, after: { ...good.after, dec: 'x' } },
  ];
  for (const bad of bads) {
    const expected = (() => { try { text(bad); return null; } catch (err) { return (err as Error).message; } })();
    assert.ok(expected !== null, JSON.stringify(bad, (_, x) => (typeof x === 'bigint' ? String(x) : x)));
    assert.throws(() => writeJsonRecord(null, bytes, bad), (err: Error) => err.message === expected);
    assert.deepEqual(writeJsonRecord(null, bytes, good), Buffer.from(text(good), 'utf8'));
  }
});

test('records past the slab move whole, and earlier records keep their bytes', () => {
  const schema = S.struct('T', [S.field('s', S.string())]);
  const opts: ConnectJsonOptions = { decimalFormat: 'BASE64', replaceNullWithDefault: true };
  const bytes = compileJsonBytesWriter(schema, opts);
  const out: [Buffer, string][] = [];
  for (let i = 0; i < 400; i++) {
    const s = 'y'.repeat(rand(3) === 0 ? 70_000 : rand(2000)) + String(i);
    out.push([writeJsonRecord(null, bytes, { s }), `{"s":"${s}"}`]);
  }
  for (const [b, t] of out) assert.equal(b.toString('utf8'), t);
});
