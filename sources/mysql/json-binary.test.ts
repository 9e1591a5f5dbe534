/**
 * MySQL 8's binary JSON (the JSON column in a rows event), which MariaDB never writes and no
 * MySQL server runs here: the bytes are built from the format MySQL documents (json_binary.h,
 * "JSON binary format" in the source documentation), decoded by the same zongji function a rows
 * event goes through (readMysqlValue with jsonStrings, as the binlog reader configures it), and
 * mapped by our column mapping into the io.debezium.data.Json string Debezium's binlog reader
 * writes: compact text, keys in MySQL's stored order, 64-bit integers exact.
 *
 * The format, as used here:
 *   doc        ::= type value
 *   type       ::= 0x00 small object | 0x01 large object | 0x02 small array | 0x03 large array
 *                | 0x04 literal | 0x05 int16 | 0x07 int32 | 0x09 int64 | 0x0a uint64 | 0x0b double | 0x0c string
 *   object     ::= count size key-entry* value-entry* key* value*   (count, size: uint16 small / uint32 large)
 *   array      ::= count size value-entry* value*
 *   key-entry  ::= key-offset (uint16 / uint32) key-length (uint16)
 *   value-entry::= type offset-or-inlined (uint16 / uint32): literals and int16 are inlined, and
 *                  in the large forms int32 too; offsets count from the start of the object/array value
 *   string     ::= length (7 bits per byte, high bit = more) utf8mb4 bytes
 *   Keys are stored sorted by length, then bytewise; all numbers little-endian.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_MYSQL_TYPE_OPTIONS, isSkipped, mapColumn, type MySqlColumnMapping } from './types.ts';
import type { MySqlColumn } from './column-info.ts';
import { compactJson } from './type-textual.ts';

type J = null | boolean | number | bigint | string | { double: number } | J[] | { [k: string]: J };

const le = (n: number, bytes: number): Buffer => {
  const b = Buffer.alloc(bytes);
  if (bytes === 2) b.writeUInt16LE(n); else b.writeUInt32LE(n);
  return b;
};
function varLength(n: number): Buffer {
  const out: number[] = [];
  do { let byte = n & 0x7f; n = Math.floor(n / 128); if (n > 0) byte |= 0x80; out.push(byte); } while (n > 0);
  return Buffer.from(out);
}

/** [type, inline bytes or null, out-of-line bytes or null] for a value inside an object/array. */
function entry(v: J, large: boolean): { type: number; inline: Buffer | null; data: Buffer | null } {
  const w = large ? 4 : 2;
  const inl = (type: number, b: Buffer) => ({ type, inline: Buffer.concat([b, Buffer.alloc(w - b.length)]), data: null });
  if (v === null) return inl(0x04, Buffer.from([0x00]));
  if (v === true) return inl(0x04, Buffer.from([0x01]));
  if (v === false) return inl(0x04, Buffer.from([0x02]));
  if (typeof v === 'number' && Number.isInteger(v) && v >= -32768 && v <= 32767) { const b = Buffer.alloc(2); b.writeInt16LE(v); return inl(0x05, b); }
  if (typeof v === 'number' && Number.isInteger(v) && v >= -2147483648 && v <= 2147483647) {
    const b = Buffer.alloc(4); b.writeInt32LE(v);
    return large ? inl(0x07, b) : { type: 0x07, inline: null, data: b };
  }
  if (typeof v === 'bigint') { const b = Buffer.alloc(8); if (v < 0n) b.writeBigInt64LE(v); else b.writeBigUInt64LE(v); return { type: v > 9223372036854775807n ? 0x0a : 0x09, inline: null, data: b }; }
  if (typeof v === 'object' && !Array.isArray(v) && 'double' in v && typeof v.double === 'number') { const b = Buffer.alloc(8); b.writeDoubleLE(v.double); return { type: 0x0b, inline: null, data: b }; }
  if (typeof v === 'string') { const s = Buffer.from(v, 'utf8'); return { type: 0x0c, inline: null, data: Buffer.concat([varLength(s.length), s]) }; }
  const doc = encode(v, large);
  return { type: doc[0]!, inline: null, data: doc.subarray(1) };
}

/** A whole document (type byte + value), as MySQL stores it in the row. */
function encode(v: J, large = false): Buffer {
  const w = large ? 4 : 2;
  if (Array.isArray(v) || (typeof v === 'object' && v !== null && !('double' in v && Object.keys(v).length === 1 && typeof v.double === 'number'))) {
    const isArray = Array.isArray(v);
    const keys = isArray ? [] : Object.keys(v).map((k) => Buffer.from(k, 'utf8')).sort((a, b) => a.length - b.length || Buffer.compare(a, b));
    const values = isArray ? (v as J[]) : keys.map((k) => (v as Record<string, J>)[k.toString('utf8')]!);
    const entries = values.map((x) => entry(x, large));
    const header = 2 * w + keys.length * (w + 2) + entries.length * (1 + w);
    let at = header + keys.reduce((n, k) => n + k.length, 0);
    const keyEntries: Buffer[] = [];
    let keyAt = header;
    for (const k of keys) { keyEntries.push(le(keyAt, w), le(k.length, 2)); keyAt += k.length; }
    const valueEntries: Buffer[] = [];
    const datas: Buffer[] = [];
    for (const e of entries) {
      if (e.inline) valueEntries.push(Buffer.from([e.type]), e.inline);
      else { valueEntries.push(Buffer.from([e.type]), le(at, w)); datas.push(e.data!); at += e.data!.length; }
    }
    const type = isArray ? (large ? 0x03 : 0x02) : (large ? 0x01 : 0x00);
    return Buffer.concat([Buffer.from([type]), le(values.length, w), le(at, w), ...keyEntries, ...valueEntries, ...keys, ...datas]);
  }
  const e = entry(v, large);
  // A scalar document: the type byte, then the value itself (inlined scalars are written in full).
  if (e.data) return Buffer.concat([Buffer.from([e.type]), e.data]);
  return Buffer.concat([Buffer.from([e.type]), e.inline!.subarray(0, e.type === 0x04 ? 1 : e.type === 0x07 ? 4 : 2)]);
}

interface ZongjiCommon {
  readMysqlValue(parser: unknown, column: unknown, schema: unknown, tableMap: unknown, zongji: unknown): unknown;
}
interface ZongjiReader { Parser: new () => { append(b: Buffer): void } }
// zongji's package exports only its entry point; its decoder modules are loaded by path.
const lib = new URL('../../node_modules/@vlasky/zongji/lib/', import.meta.url).href;
const common = await import(`${lib}common.js`) as ZongjiCommon;
const reader = await import(`${lib}reader.js`) as ZongjiReader;

/** A JSON column value as a rows event carries it: length (4 bytes: length_size of JSON), then the document. */
function decodeColumn(doc: Buffer): unknown {
  const p = new reader.Parser();
  p.append(Buffer.concat([le(doc.length, 4), doc]));
  const zongji = { connection: { config: { jsonStrings: true, dateStrings: true, supportBigNumbers: true, bigNumberStrings: true } } };
  return common.readMysqlValue(p, { type: 245, metadata: { length_size: 4 }, name: 'j' }, {}, { parentSchema: 'db', tableName: 't' }, zongji);
}

const JSON_COLUMN: MySqlColumn = {
  name: 'j', position: 1, dataType: 'json', columnType: 'json', unsigned: false, length: null, precision: null, scale: null, fsp: 0,
  charset: null, nullable: true, defaultValue: null, defaultIsExpression: false, autoIncrement: false, generated: false, comment: '',
};
const mapping = (): MySqlColumnMapping => {
  const m = mapColumn(JSON_COLUMN, DEFAULT_MYSQL_TYPE_OPTIONS);
  assert.ok(!isSkipped(m));
  return m as MySqlColumnMapping;
};

test('hand-built bytes of {"a":1} (small object, int16 inlined) decode to Debezium\'s string', () => {
  // type 00 | count 0001 | size 000c | key-entry: offset 000b, length 0001 | value-entry: 05 (int16) 0001 | key 'a'
  const bytes = Buffer.from('00' + '0100' + '0c00' + '0b00' + '0100' + '05' + '0100' + '61', 'hex');
  assert.deepEqual(encode({ a: 1 }), bytes, 'the test encoder writes the same bytes');
  const m = mapping();
  assert.equal(m.schema.name, 'io.debezium.data.Json');
  assert.equal(m.convert(decodeColumn(bytes)), '{"a":1}');
});

test('nested objects and arrays, every scalar type, small and large forms', () => {
  const doc: J = {
    name: 'Zoë "q"\n\\', n: -7, i32: 70000, neg32: -2000000000, big: 9007199254740993n, ubig: 18446744073709551615n, min: -9223372036854775808n,
    d: { double: 1.5 }, t: true, f: false, z: null, arr: [1, 'x', [], {}, [null, { k: 'v' }]], empty: '',
  };
  const want = '{"d":1.5,"f":false,"n":-7,"t":true,"z":null,"arr":[1,"x",[],{},[null,{"k":"v"}]],"big":9007199254740993,"i32":70000,"min":-9223372036854775808,"name":"Zoë \\"q\\"\\n\\\\","ubig":18446744073709551615,"empty":"","neg32":-2000000000}';
  const m = mapping();
  for (const large of [false, true]) {
    const got = m.convert(decodeColumn(encode(doc, large)));
    assert.equal(got, want, large ? 'large form' : 'small form');
  }
});

test('scalar documents, a long string (two-byte length) and a top-level array', () => {
  const m = mapping();
  assert.equal(m.convert(decodeColumn(encode('text with  two spaces'))), '"text with  two spaces"');
  assert.equal(m.convert(decodeColumn(encode(null))), 'null');
  assert.equal(m.convert(decodeColumn(encode(12345678901234n))), '12345678901234');
  const long = 'é'.repeat(300); // 600 bytes: the length takes two bytes
  assert.equal(m.convert(decodeColumn(encode([long, { double: -0.25 }]))), `["${long}",-0.25]`);
  // An empty JSON value in the row is SQL NULL.
  assert.equal(decodeColumn(Buffer.alloc(0)), null);
});

test('the server\'s print of a snapshot value compacts to the same string; MariaDB JSON text stays as written', () => {
  assert.equal(compactJson('{"a": 1, "b": [1, 2], "s": "x, y: z \\" }"}'), '{"a":1,"b":[1,2],"s":"x, y: z \\" }"}');
  const maria = mapColumn({ ...JSON_COLUMN, columnType: 'longtext' }, DEFAULT_MYSQL_TYPE_OPTIONS) as MySqlColumnMapping;
  assert.equal(maria.convert('{"a": 1}'), '{"a": 1}');
});
