import { test } from 'node:test';
import assert from 'node:assert/strict';
import { S } from '../../events/schema.ts';
import { createHeaderConverter } from '../../serde/header-converter.ts';
import { parseString } from './values-parse.ts';

const DATE = S.int32({ name: 'org.apache.kafka.connect.data.Date', version: 1 });
const TIME = S.int32({ name: 'org.apache.kafka.connect.data.Time', version: 1 });
const TIMESTAMP = S.int64({ name: 'org.apache.kafka.connect.data.Timestamp', version: 1 });
const decimal = (scale: number) => S.bytes({ name: 'org.apache.kafka.connect.data.Decimal', version: 1, parameters: { scale: String(scale) } });
const utc = (...a: [number, number, number, number?, number?, number?, number?]) => new Date(Date.UTC(...a));
/** What the default SimpleHeaderConverter writes for the parsed literal. */
const written = (text: string) => {
  const r = parseString(text);
  return createHeaderConverter(undefined).fromConnectHeaders([{ key: 'h', schema: r?.schema ?? null, value: r?.value ?? null }])['h'];
};

test('integers take the smallest type that holds them (reference §5 InsertHeader)', () => {
  assert.deepEqual(parseString('42'), { schema: S.int8(), value: 42 });
  assert.deepEqual(parseString('-128'), { schema: S.int8(), value: -128 });
  assert.deepEqual(parseString('300'), { schema: S.int16(), value: 300 });
  assert.deepEqual(parseString('70000'), { schema: S.int32(), value: 70000 });
  assert.deepEqual(parseString('3000000000'), { schema: S.int64(), value: 3000000000n });
  assert.deepEqual(parseString('9223372036854775807'), { schema: S.int64(), value: 9223372036854775807n });
  assert.deepEqual(parseString('+7'), { schema: S.int8(), value: 7 });
  // whole numbers written with a fraction or an exponent are integers too
  assert.deepEqual(parseString('1.0'), { schema: S.int8(), value: 1 });
  assert.deepEqual(parseString('1e3'), { schema: S.int16(), value: 1000 });
});

test('other numbers: FLOAT32 when a float holds them, else FLOAT64, else a Decimal', () => {
  assert.deepEqual(parseString('3.14'), { schema: S.float32(), value: Math.fround(3.14) });
  assert.deepEqual(parseString('0.5'), { schema: S.float32(), value: 0.5 });
  assert.deepEqual(parseString('1e100'), { schema: S.float64(), value: 1e100 });
  assert.deepEqual(parseString('1e20'), { schema: S.float32(), value: Math.fround(1e20) });
  const big = parseString('99999999999999999999')!;
  assert.deepEqual(big.schema, decimal(0));
  assert.equal(written('99999999999999999999'), '99999999999999999999');
  assert.deepEqual(parseString('9223372036854775808')!.schema, decimal(0), 'past the long range, with no fraction');
  assert.deepEqual(parseString('1e400')!.schema, decimal(-400));
  assert.equal(written('3.14'), '3.14');
  assert.equal(written('1e20'), '1.0E20');
});

test('true and false (exact case) are BOOLEAN; null is no value; other words and blanks are STRING as written', () => {
  assert.deepEqual(parseString('true'), { schema: S.boolean(), value: true });
  assert.deepEqual(parseString(' false '), { schema: S.boolean(), value: false });
  assert.deepEqual(parseString('TRUE'), { schema: S.string(), value: 'TRUE' });
  assert.equal(parseString('null'), null);
  assert.deepEqual(parseString('hello world'), { schema: S.string(), value: 'hello world' });
  assert.deepEqual(parseString(''), { schema: S.string(), value: '' });
  assert.deepEqual(parseString('   '), { schema: S.string(), value: '   ' });
  assert.deepEqual(parseString('true}'), { schema: S.string(), value: 'true}' });
  assert.deepEqual(parseString('42abc'), { schema: S.string(), value: '42abc' });
  assert.deepEqual(parseString('.5'), { schema: S.string(), value: '.5' });
});

test('ISO dates, times and timestamps become Connect Date, Time and Timestamp (UTC), written back as the same text', () => {
  assert.deepEqual(parseString('2024-03-05'), { schema: DATE, value: utc(2024, 2, 5) });
  assert.deepEqual(parseString('12:34:56.789Z'), { schema: TIME, value: utc(1970, 0, 1, 12, 34, 56, 789) });
  assert.deepEqual(parseString('2024-03-05T12:34:56.789Z'), { schema: TIMESTAMP, value: utc(2024, 2, 5, 12, 34, 56, 789) });
  for (const t of ['2024-03-05', '12:34:56.789Z', '2024-03-05T12:34:56.789Z']) assert.equal(written(t), t);
  // SimpleDateFormat is lenient: fields roll over
  assert.deepEqual(parseString('2024-02-30'), { schema: DATE, value: utc(2024, 2, 1) });
  // other shapes are not temporal: no milliseconds, an offset
  assert.deepEqual(parseString('2024-03-05T12:34:56Z'), { schema: S.string(), value: '2024-03-05T12:34:56Z' });
  assert.deepEqual(parseString('2024-03-05 12:00'), { schema: S.string(), value: '2024-03-05 12:00' });
});

test('arrays of embedded values, numbers widened to a common type; quoted strings; nested', () => {
  assert.deepEqual(parseString('[1, 2, 3]'), { schema: S.array(S.int8()), value: [1, 2, 3] });
  assert.deepEqual(parseString('[1, 300]'), { schema: S.array(S.int16()), value: [1, 300] });
  assert.deepEqual(parseString('[1, 2.5]'), { schema: S.array(S.float32()), value: [1, 2.5] });
  assert.deepEqual(parseString('["a", "b c"]'), { schema: S.array(S.string()), value: ['a', 'b c'] });
  assert.deepEqual(parseString('["2024-03-05"]'), { schema: S.array(DATE), value: [utc(2024, 2, 5)] });
  assert.deepEqual(parseString('[[1], [2, 3]]'), { schema: S.array(S.array(S.int8())), value: [[1], [2, 3]] });
  assert.deepEqual(parseString('[true, false]'), { schema: S.array(S.boolean()), value: [true, false] });
  // no common type: an array whose schema names no element type, values as parsed
  assert.deepEqual(parseString('[1, "a"]'), { schema: { type: 'array', optional: false }, value: [1, 'a'] });
  assert.deepEqual(parseString('[]'), { schema: { type: 'array', optional: false }, value: [] });
  assert.deepEqual(parseString('[null, null]'), { schema: { type: 'array', optional: false }, value: [null, null] });
  assert.equal(written('[1,2,3]'), '[1,2,3]');
  assert.equal(written('["a","b"]'), '["a","b"]');
});

test('maps of embedded keys and values', () => {
  assert.deepEqual(parseString('{"a": 1, "b": 2}'), { schema: S.map(S.string(), S.int8()), value: new Map([['a', 1], ['b', 2]]) });
  assert.deepEqual(parseString('{"a": 1, "b": 70000}'), { schema: S.map(S.string(), S.int32()), value: new Map([['a', 1], ['b', 70000]]) });
  assert.deepEqual(parseString('{1: "x"}'), { schema: S.map(S.int8(), S.string()), value: new Map([[1, 'x']]) });
  assert.deepEqual(parseString('{"a": null}'), { schema: { type: 'map', optional: false, keys: S.string() }, value: new Map([['a', null]]) });
  assert.deepEqual(parseString('{"t": "12:00:00.000Z"}'), { schema: S.map(S.string(), TIME), value: new Map([['t', utc(1970, 0, 1, 12)]]) });
  assert.equal(written('{"a":1,"b":2}'), '{"a":1,"b":2}');
});

test('what Connect cannot read as an array or map is the whole text as a STRING', () => {
  for (const t of ['[a, b]', '[1, null]', '[1,,2]', '[1, 2', '{a: 1}', '{"a" 1}', '{"a": 1', '{null: 1}']) {
    assert.deepEqual(parseString(t), { schema: S.string(), value: t }, t);
  }
});

test('Connect\'s quirks are kept: a literal starting with a number stops at an unescaped delimiter; trailing text after an array is ignored', () => {
  assert.deepEqual(parseString('10:30'), { schema: S.int8(), value: 10 });
  assert.deepEqual(parseString('1,5'), { schema: S.int8(), value: 1 });
  assert.equal(written('10:30'), '10');
  assert.deepEqual(parseString('[1] tail'), { schema: S.array(S.int8()), value: [1] });
  // an escaped colon is part of the token: the text stays a string, backslash included
  assert.deepEqual(parseString('10\\:30'), { schema: S.string(), value: '10\\:30' });
});
