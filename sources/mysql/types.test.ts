/**
 * Schemas and values of the MySQL/MariaDB type mapping (Debezium 3.6 binlog connectors,
 * debezium-events.md §11), the zongji repairs (negative TIME carry, YEAR 0000) and defaults.
 * The real-server round trip is types.it.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MySqlColumn } from './column-info.ts';
import { bytesToUnscaled, unscaledBytes } from './decimal-text.ts';
import { repairNegativeTime, timeMicros, zonedTimestampText, daysFromCivil } from './type-temporal.ts';
import { DEFAULT_MYSQL_TYPE_OPTIONS, isSkipped, mapColumn, type MySqlColumnMapping, type MySqlTypeOptions } from './types.ts';

function col(dataType: string, columnType: string, extra: Partial<MySqlColumn> = {}): MySqlColumn {
  return {
    name: 'c', position: 1, dataType, columnType, unsigned: /unsigned/.test(columnType), length: null, precision: null, scale: null, fsp: 0,
    charset: null, nullable: true, defaultValue: null, defaultIsExpression: false, autoIncrement: false, generated: false, comment: '', ...extra,
  };
}
function map(c: MySqlColumn, opts: Partial<MySqlTypeOptions> = {}): MySqlColumnMapping {
  const m = mapColumn(c, { ...DEFAULT_MYSQL_TYPE_OPTIONS, ...opts });
  assert.ok(!isSkipped(m), 'mapped');
  return m as MySqlColumnMapping;
}

test('integer schemas follow the binlog connectors (tinyint(1) included: INT16)', () => {
  const cases: [string, string, string][] = [
    ['tinyint', 'tinyint(1)', 'int16'], ['tinyint', 'tinyint(3) unsigned', 'int16'], ['smallint', 'smallint(6)', 'int16'],
    ['smallint', 'smallint(5) unsigned', 'int32'], ['mediumint', 'mediumint(8) unsigned', 'int32'], ['int', 'int(11)', 'int32'],
    ['int', 'int(10) unsigned', 'int64'], ['bigint', 'bigint(20)', 'int64'], ['bigint', 'bigint(20) unsigned', 'int64'],
  ];
  for (const [t, ct, want] of cases) assert.equal(map(col(t, ct)).schema.type, want, ct);
  assert.equal(map(col('int', 'int(10) unsigned')).convert(4294967295), 4294967295n);
  assert.equal(map(col('tinyint', 'tinyint(4)')).convert(-128), -128);
});

test('bigint unsigned: long wraps above 2^63-1 as Java does; precise is Decimal(20,0)', () => {
  const c = col('bigint', 'bigint(20) unsigned');
  assert.equal(map(c).convert('18446744073709551615'), -1n);
  assert.equal(map(c).convert('9223372036854775807'), 9223372036854775807n);
  const p = map(c, { bigintUnsignedHandlingMode: 'precise' });
  assert.deepEqual(p.schema.parameters, { scale: '0', 'connect.decimal.precision': '20' });
  assert.equal(p.schema.name, 'org.apache.kafka.connect.data.Decimal');
  assert.equal(bytesToUnscaled(p.convert('18446744073709551615') as Buffer), 18446744073709551615n);
});

test('decimal(65,30) in the three decimal.handling.mode values', () => {
  const c = col('decimal', 'decimal(65,30)', { precision: 65, scale: 30 });
  const text = '-12345678901234567890123456789012345.123456789012345678901234567891';
  const precise = map(c);
  assert.deepEqual(precise.schema.parameters, { scale: '30', 'connect.decimal.precision': '65' });
  assert.equal(bytesToUnscaled(precise.convert(text) as Buffer), BigInt(text.replace('.', '')));
  assert.equal(map(c, { decimalHandlingMode: 'string' }).convert('1.5'), '1.500000000000000000000000000000');
  assert.equal(map(c, { decimalHandlingMode: 'string' }).schema.type, 'string');
  assert.equal(map(c, { decimalHandlingMode: 'double' }).convert('-2.25'), -2.25);
});

test('decimal text of every length and scale: the path without bigints writes the exact path\'s bytes', () => {
  for (const [precision, scale] of [[12, 2], [15, 0], [18, 4], [30, 10], [10, 10]] as const) {
    const c = map(col('decimal', `decimal(${precision},${scale})`, { precision, scale }));
    for (let i = 0; i < 3000; i++) {
      const intDigits = Math.floor(Math.random() * (precision - scale + 1));
      const digits = (n: number): string => Array.from({ length: n }, () => Math.floor(Math.random() * 10)).join('');
      const text = `${i % 3 === 0 ? '-' : ''}${intDigits === 0 ? '0' : digits(intDigits)}${scale > 0 ? `.${digits(scale)}` : ''}`;
      const expected = BigInt(text.replace('.', ''));
      assert.equal(bytesToUnscaled(c.convert(text) as Buffer), expected, text);
      assert.deepEqual(c.convert(text), unscaledBytes(expected), text); // minimal bytes: zero is 0x00, -0.00 too
    }
  }
});

test('float is FLOAT32, double FLOAT64; bit(1) BOOLEAN, bit(n) little-endian Bits', () => {
  assert.equal(map(col('float', 'float')).schema.type, 'float32');
  assert.equal(map(col('double', 'double')).schema.type, 'float64');
  assert.equal(map(col('bit', 'bit(1)', { length: 1 })).convert(Buffer.from([1])), true);
  const b10 = map(col('bit', 'bit(10)', { length: 10 }));
  assert.deepEqual(b10.schema.parameters, { length: '10' });
  assert.equal(b10.schema.name, 'io.debezium.data.Bits');
  assert.deepEqual(b10.convert(Buffer.from([0x02, 0x01])), Buffer.from([0x01, 0x02]));
  assert.deepEqual(b10.convert(513), Buffer.from([0x01, 0x02]));
});

test('temporal schemas: adaptive_time_microseconds and connect', () => {
  const name = (c: MySqlColumn, o: Partial<MySqlTypeOptions> = {}) => map(c, o).schema.name;
  assert.equal(name(col('date', 'date')), 'io.debezium.time.Date');
  assert.equal(name(col('datetime', 'datetime', { fsp: 0 })), 'io.debezium.time.Timestamp');
  assert.equal(name(col('datetime', 'datetime(3)', { fsp: 3 })), 'io.debezium.time.Timestamp');
  assert.equal(name(col('datetime', 'datetime(4)', { fsp: 4 })), 'io.debezium.time.MicroTimestamp');
  assert.equal(name(col('timestamp', 'timestamp(6)', { fsp: 6 })), 'io.debezium.time.ZonedTimestamp');
  assert.equal(name(col('time', 'time', { fsp: 0 })), 'io.debezium.time.MicroTime');
  assert.equal(name(col('year', 'year(4)')), 'io.debezium.time.Year');
  assert.equal(name(col('date', 'date'), { timePrecisionMode: 'connect' }), 'org.apache.kafka.connect.data.Date');
  assert.equal(name(col('datetime', 'datetime(6)', { fsp: 6 }), { timePrecisionMode: 'connect' }), 'org.apache.kafka.connect.data.Timestamp');
  assert.equal(map(col('time', 'time'), { timePrecisionMode: 'connect' }).schema.type, 'int32');
});

test('temporal: microseconds and nanoseconds modes (DATETIME always micro / nano, TIME nano, DATE and TIMESTAMP unchanged)', () => {
  const micro = { timePrecisionMode: 'microseconds' as const };
  const nano = { timePrecisionMode: 'nanoseconds' as const };
  const dt0 = col('datetime', 'datetime', { fsp: 0 });
  assert.equal(map(dt0, micro).schema.name, 'io.debezium.time.MicroTimestamp');
  assert.equal(map(dt0, micro).convert('2020-01-02 03:04:05'), 1577934245000000n);
  assert.equal(map(dt0, nano).schema.name, 'io.debezium.time.NanoTimestamp');
  assert.equal(map(col('datetime', 'datetime(6)', { fsp: 6 }), nano).convert('2020-01-02 03:04:05.123456'), 1577934245123456000n);
  assert.throws(() => map(dt0, nano).convert('1000-01-01 00:00:00'), /CDC_MYSQL_TIME_RANGE[\s\S]*1677\.\.2262/);
  assert.equal(map(col('time', 'time(6)', { fsp: 6 }), nano).schema.name, 'io.debezium.time.NanoTime');
  assert.equal(map(col('time', 'time(6)', { fsp: 6 }), nano).convert('-838:59:59.000001'), -3020399000001000n);
  assert.equal(map(col('time', 'time'), micro).schema.name, 'io.debezium.time.MicroTime');
  assert.equal(map(col('date', 'date'), nano).schema.name, 'io.debezium.time.Date');
  assert.equal(map(col('timestamp', 'timestamp(3)', { fsp: 3 }), nano).schema.name, 'io.debezium.time.ZonedTimestamp');
});

test('temporal values: microseconds kept, datetime read as UTC wall clock, timestamp as ISO UTC with fsp digits', () => {
  assert.equal(map(col('date', 'date')).convert('2024-02-29'), daysFromCivil(2024, 2, 29));
  assert.equal(map(col('date', 'date')).convert('0001-01-01'), -719162);
  assert.equal(map(col('datetime', 'datetime(6)', { fsp: 6 })).convert('2024-02-29 23:59:59.999999'), 1709251199999999n);
  assert.equal(map(col('datetime', 'datetime(3)', { fsp: 3 })).convert('1969-12-31 23:59:59.999'), -1n);
  assert.equal(map(col('timestamp', 'timestamp(6)', { fsp: 6 })).convert('2024-06-01 12:00:00.5'), '2024-06-01T12:00:00.500000Z');
  assert.equal(map(col('timestamp', 'timestamp', { fsp: 0 })).convert('2038-01-19 03:14:07'), '2038-01-19T03:14:07Z');
  assert.equal(zonedTimestampText(1n, 6), '1970-01-01T00:00:00.000001Z');
  assert.equal(map(col('time', 'time(6)', { fsp: 6 })).convert('-838:59:59.000000'), -3020399000000n);
  assert.equal(map(col('time', 'time(6)', { fsp: 6 })).convert('25:00:00.000001'), 90000000001n);
  assert.equal(map(col('time', 'time'), { timePrecisionMode: 'connect' }).convert('23:59:59'), 86399000);
  assert.throws(() => map(col('time', 'time'), { timePrecisionMode: 'connect' }).convert('-00:00:01'), /CDC_MYSQL_TIME_RANGE/);
});

test("zongji's negative TIME without fraction is repaired; correct text is left alone", () => {
  assert.equal(repairNegativeTime('-00:63:64'), '-01:00:00');
  assert.equal(repairNegativeTime('-00:00:64'), '-00:01:00');
  assert.equal(repairNegativeTime('-837:63:64'), '-838:00:00');
  assert.equal(repairNegativeTime('-00:00:01'), '-00:00:01');
  assert.equal(repairNegativeTime('-01:00:00'), '-01:00:00');
  assert.equal(repairNegativeTime('12:34:56'), '12:34:56');
  assert.equal(timeMicros('-00:63:64'), -3600000000n);
  assert.equal(timeMicros('-00:00:00.500000'), -500000n);
});

test('YEAR 0000 (zongji says 1900) is 0; other years as stored', () => {
  const y = map(col('year', 'year(4)'));
  assert.equal(y.convert(1900), 0);
  assert.equal(y.convert(0), 0);
  assert.equal(y.convert(2155), 2155);
});

test('zero dates read as NULL: null when nullable, the default or the epoch when NOT NULL', () => {
  assert.equal(map(col('date', 'date')).convert('0000-00-00'), null);
  assert.equal(map(col('date', 'date')).convert('2020-00-15'), null);
  assert.equal(map(col('date', 'date', { nullable: false })).convert('0000-00-00'), 0);
  assert.equal(map(col('date', 'date', { nullable: false, defaultValue: '2000-01-01' })).convert('0000-00-00'), 10957);
  assert.equal(map(col('datetime', 'datetime', { nullable: false })).convert('0000-00-00 00:00:00'), 0n);
  assert.equal(map(col('timestamp', 'timestamp', { nullable: false })).convert('0000-00-00 00:00:00'), '1970-01-01T00:00:00Z');
  assert.equal(map(col('timestamp', 'timestamp(3)', { fsp: 3 })).convert('0000-00-00 00:00:00.000'), null);
});

test('text, binary modes, json, enum and set', () => {
  assert.equal(map(col('varchar', 'varchar(20)')).convert('café €'), 'café €');
  const bin = col('binary', 'binary(4)', { length: 4 });
  assert.deepEqual(map(bin).convert(Buffer.from([1, 2])), Buffer.from([1, 2, 0, 0]));
  assert.equal(map(bin, { binaryHandlingMode: 'hex' }).convert(Buffer.from([1, 2])), '01020000');
  assert.equal(map(bin, { binaryHandlingMode: 'base64' }).convert(Buffer.from([0xff])), '/wAAAA==');
  assert.equal(map(col('blob', 'blob'), { binaryHandlingMode: 'base64-url-safe' }).convert(Buffer.from([0xfb, 0xff])), '-_8=');
  const js = map(col('json', 'longtext'));
  assert.equal(js.schema.name, 'io.debezium.data.Json');
  assert.equal(js.convert('{"a":1}'), '{"a":1}');
  const e = map(col('enum', "enum('a','b','c,d')", { members: ['a', 'b', 'c,d'] }));
  assert.deepEqual(e.schema.parameters, { allowed: 'a,b,c,d' });
  assert.equal(e.schema.name, 'io.debezium.data.Enum');
  assert.equal(e.convert(undefined), '', 'the invalid enum index 0');
  const s = map(col('set', "set('x','y')", { members: ['x', 'y'] }));
  assert.equal(s.schema.name, 'io.debezium.data.EnumSet');
  assert.equal(s.convert('x,y'), 'x,y');
});

test('NULL: null for nullable, the default or zero value for NOT NULL; optional follows nullability', () => {
  assert.equal(map(col('int', 'int')).convert(null), null);
  assert.equal(map(col('int', 'int')).schema.optional, true);
  const nn = map(col('int', 'int', { nullable: false }));
  assert.equal(nn.schema.optional, false);
  assert.equal(nn.convert(null), 0);
});

test('defaults go into the schema as Debezium converts them', () => {
  assert.equal(map(col('int', 'int', { defaultValue: '42' })).schema.defaultValue, 42);
  assert.equal(map(col('tinyint', 'tinyint(1)', { defaultValue: '2.6' })).schema.defaultValue, 3);
  assert.equal(map(col('tinyint', 'tinyint(1)', { defaultValue: 'true' })).schema.defaultValue, 1);
  const d = map(col('decimal', 'decimal(5,2)', { precision: 5, scale: 2, defaultValue: '1.5' })).schema.defaultValue as Buffer;
  assert.equal(bytesToUnscaled(d), 150n);
  assert.equal(map(col('varchar', 'varchar(5)', { defaultValue: "it's" })).schema.defaultValue, "it's");
  assert.equal(map(col('timestamp', 'timestamp', { defaultValue: 'current_timestamp()', defaultIsExpression: true, nullable: false })).schema.defaultValue, '1970-01-01T00:00:00Z');
  assert.equal(map(col('datetime', 'datetime(6)', { fsp: 6, defaultValue: 'current_timestamp(6)', defaultIsExpression: true })).schema.defaultValue, 0n);
  assert.equal(map(col('varchar', 'varchar(36)', { defaultValue: 'uuid()', defaultIsExpression: true })).schema.defaultValue, undefined);
  assert.equal(map(col('date', 'date', { defaultValue: '0000-00-00' })).schema.defaultValue, undefined);
  assert.equal(map(col('date', 'date', { defaultValue: '0000-00-00', nullable: false })).schema.defaultValue, 0);
  assert.deepEqual(map(col('bit', 'bit(10)', { length: 10, defaultValue: "b'1000000001'" })).schema.defaultValue, Buffer.from([1, 2]));
  assert.equal(map(col('int', 'int', { defaultValue: '7', autoIncrement: true })).schema.defaultValue, undefined);
  assert.equal(map(col('enum', "enum('a','b')", { members: ['a', 'b'], defaultValue: 'b' })).schema.defaultValue, 'b');
});

test('geometry is left out with the reason', () => {
  const m = mapColumn(col('point', 'point'), DEFAULT_MYSQL_TYPE_OPTIONS);
  assert.ok(isSkipped(m) && /SRID/.test(m.skipped));
});

test('comments become doc only with include.schema.comments', () => {
  const c = col('int', 'int', { comment: 'the id' });
  assert.equal(map(c).schema.doc, undefined);
  assert.equal(map(c, { includeSchemaComments: true }).schema.doc, 'the id');
});
