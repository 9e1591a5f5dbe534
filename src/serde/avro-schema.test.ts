import { test } from 'node:test';
import assert from 'node:assert/strict';
import { S, type ConnectSchema } from '../events/schema.ts';
import { ConfigError } from '../errors/cdc-error.ts';
import { avroSchemaText, connectToAvro, isAvroJavaName } from './avro-schema.ts';

const optLong = S.optional(S.int64());
const optString = S.optional(S.string());

/** PG table public.orders(id serial pk, amount numeric(10,2) not null, status order_status, created_at timestamptz), prefix shop. */
function ordersEnvelope(): ConnectSchema {
  const value = S.optional(S.struct('shop.public.orders.Value', [
    S.field('id', S.withDefault(S.int32(), 0)),
    S.field('amount', S.bytes({ name: 'org.apache.kafka.connect.data.Decimal', version: 1, parameters: { scale: '2', 'connect.decimal.precision': '10' } })),
    S.field('status', S.optional(S.string({ name: 'io.debezium.data.Enum', version: 1, parameters: { allowed: 'new,paid,shipped' } }))),
    S.field('created_at', S.optional(S.string({ name: 'io.debezium.time.ZonedTimestamp', version: 1 }))),
  ]));
  const source = S.struct('io.debezium.connector.postgresql.Source', [
    S.field('version', S.string()),
    S.field('connector', S.string()),
    S.field('name', S.string()),
    S.field('ts_ms', S.int64()),
    S.field('snapshot', S.withDefault(S.optional(S.string({
      name: 'io.debezium.data.Enum', version: 1,
      parameters: { allowed: 'true,first,first_in_data_collection,last_in_data_collection,last,false,incremental' },
    })), 'false')),
    S.field('db', S.string()),
    S.field('sequence', optString),
    S.field('ts_us', optLong),
    S.field('ts_ns', optLong),
    S.field('schema', S.string()),
    S.field('table', S.string()),
    S.field('txId', optLong),
    S.field('lsn', optLong),
    S.field('xmin', optLong),
    S.field('origin', optString),
    S.field('origin_lsn', optLong),
  ], { version: 1 });
  const block = S.optional(S.struct('event.block', [
    S.field('id', S.string()),
    S.field('total_order', S.int64()),
    S.field('data_collection_order', S.int64()),
  ], { version: 1 }));
  return S.struct('shop.public.orders.Envelope', [
    S.field('before', value),
    S.field('after', value),
    S.field('source', source),
    S.field('transaction', block),
    S.field('op', S.string()),
    S.field('ts_ms', optLong),
    S.field('ts_us', optLong),
    S.field('ts_ns', optLong),
  ], { version: 2 });
}

/**
 * debezium-events.md section 12, with keys laid out as Avro Java's
 * Schema#toString writes them (field: name, type, default). The document's
 * example puts "default" before "type" on some fields; JSON key order of
 * fields does not survive the registry's re-parse, prop order does.
 */
const EXPECTED = {
  type: 'record', name: 'Envelope', namespace: 'shop.public.orders',
  fields: [
    { name: 'before', type: ['null', {
      type: 'record', name: 'Value',
      fields: [
        { name: 'id', type: { type: 'int', 'connect.default': 0 }, default: 0 },
        { name: 'amount', type: { type: 'bytes', scale: 2, precision: 10, 'connect.version': 1,
          'connect.parameters': { scale: '2', 'connect.decimal.precision': '10' },
          'connect.name': 'org.apache.kafka.connect.data.Decimal', logicalType: 'decimal' } },
        { name: 'status', type: ['null', { type: 'string', 'connect.version': 1,
          'connect.parameters': { allowed: 'new,paid,shipped' }, 'connect.name': 'io.debezium.data.Enum' }], default: null },
        { name: 'created_at', type: ['null', { type: 'string', 'connect.version': 1,
          'connect.name': 'io.debezium.time.ZonedTimestamp' }], default: null },
      ],
      'connect.name': 'shop.public.orders.Value' }], default: null },
    { name: 'after', type: ['null', 'Value'], default: null },
    { name: 'source', type: { type: 'record', name: 'Source', namespace: 'io.debezium.connector.postgresql',
      fields: [
        { name: 'version', type: 'string' },
        { name: 'connector', type: 'string' },
        { name: 'name', type: 'string' },
        { name: 'ts_ms', type: 'long' },
        { name: 'snapshot', type: [{ type: 'string', 'connect.version': 1,
          'connect.parameters': { allowed: 'true,first,first_in_data_collection,last_in_data_collection,last,false,incremental' },
          'connect.default': 'false', 'connect.name': 'io.debezium.data.Enum' }, 'null'], default: 'false' },
        { name: 'db', type: 'string' },
        { name: 'sequence', type: ['null', 'string'], default: null },
        { name: 'ts_us', type: ['null', 'long'], default: null },
        { name: 'ts_ns', type: ['null', 'long'], default: null },
        { name: 'schema', type: 'string' },
        { name: 'table', type: 'string' },
        { name: 'txId', type: ['null', 'long'], default: null },
        { name: 'lsn', type: ['null', 'long'], default: null },
        { name: 'xmin', type: ['null', 'long'], default: null },
        { name: 'origin', type: ['null', 'string'], default: null },
        { name: 'origin_lsn', type: ['null', 'long'], default: null },
      ],
      'connect.version': 1, 'connect.name': 'io.debezium.connector.postgresql.Source' } },
    { name: 'transaction', type: ['null', { type: 'record', name: 'block', namespace: 'event',
      fields: [
        { name: 'id', type: 'string' },
        { name: 'total_order', type: 'long' },
        { name: 'data_collection_order', type: 'long' },
      ],
      'connect.version': 1, 'connect.name': 'event.block' }], default: null },
    { name: 'op', type: 'string' },
    { name: 'ts_ms', type: ['null', 'long'], default: null },
    { name: 'ts_us', type: ['null', 'long'], default: null },
    { name: 'ts_ns', type: ['null', 'long'], default: null },
  ],
  'connect.version': 2, 'connect.name': 'shop.public.orders.Envelope',
};

/** The section 12 example verbatim (key order as printed there). */
const DOC_EXAMPLE = `{ "type": "record", "name": "Envelope", "namespace": "shop.public.orders",
  "fields": [
    { "name": "before", "default": null, "type": ["null", {
        "type": "record", "name": "Value",
        "fields": [
          { "name": "id", "type": { "type": "int", "connect.default": 0 }, "default": 0 },
          { "name": "amount", "type": { "type": "bytes", "scale": 2, "precision": 10,
              "connect.version": 1,
              "connect.parameters": { "scale": "2", "connect.decimal.precision": "10" },
              "connect.name": "org.apache.kafka.connect.data.Decimal", "logicalType": "decimal" } },
          { "name": "status", "default": null, "type": ["null", { "type": "string",
              "connect.version": 1, "connect.parameters": { "allowed": "new,paid,shipped" },
              "connect.name": "io.debezium.data.Enum" }] },
          { "name": "created_at", "default": null, "type": ["null", { "type": "string",
              "connect.version": 1, "connect.name": "io.debezium.time.ZonedTimestamp" }] }
        ],
        "connect.name": "shop.public.orders.Value" }] },
    { "name": "after", "type": ["null", "Value"], "default": null },
    { "name": "source", "type": { "type": "record", "name": "Source",
        "namespace": "io.debezium.connector.postgresql",
        "fields": [
          { "name": "version", "type": "string" },
          { "name": "connector", "type": "string" },
          { "name": "name", "type": "string" },
          { "name": "ts_ms", "type": "long" },
          { "name": "snapshot", "default": "false", "type": [{ "type": "string",
              "connect.version": 1,
              "connect.parameters": { "allowed": "true,first,first_in_data_collection,last_in_data_collection,last,false,incremental" },
              "connect.default": "false", "connect.name": "io.debezium.data.Enum" }, "null"] },
          { "name": "db", "type": "string" },
          { "name": "sequence", "type": ["null", "string"], "default": null },
          { "name": "ts_us", "type": ["null", "long"], "default": null },
          { "name": "ts_ns", "type": ["null", "long"], "default": null },
          { "name": "schema", "type": "string" },
          { "name": "table", "type": "string" },
          { "name": "txId", "type": ["null", "long"], "default": null },
          { "name": "lsn", "type": ["null", "long"], "default": null },
          { "name": "xmin", "type": ["null", "long"], "default": null },
          { "name": "origin", "type": ["null", "string"], "default": null },
          { "name": "origin_lsn", "type": ["null", "long"], "default": null }
        ],
        "connect.version": 1, "connect.name": "io.debezium.connector.postgresql.Source" } },
    { "name": "transaction", "default": null, "type": ["null", { "type": "record", "name": "block",
        "namespace": "event",
        "fields": [
          { "name": "id", "type": "string" },
          { "name": "total_order", "type": "long" },
          { "name": "data_collection_order", "type": "long" } ],
        "connect.version": 1, "connect.name": "event.block" }] },
    { "name": "op", "type": "string" },
    { "name": "ts_ms", "type": ["null", "long"], "default": null },
    { "name": "ts_us", "type": ["null", "long"], "default": null },
    { "name": "ts_ns", "type": ["null", "long"], "default": null }
  ],
  "connect.version": 2, "connect.name": "shop.public.orders.Envelope" }`;

test('envelope of debezium-events.md section 12: exact text, Avro Java layout', () => {
  assert.equal(avroSchemaText(ordersEnvelope()), JSON.stringify(EXPECTED));
});

test('envelope of section 12: same JSON tree as the documented example', () => {
  assert.deepStrictEqual(JSON.parse(avroSchemaText(ordersEnvelope())), JSON.parse(DOC_EXAMPLE));
});

test('property order inside every object matches the documented example', () => {
  // Field objects aside, key order of types and props must match the doc.
  const ours = JSON.parse(avroSchemaText(ordersEnvelope()));
  const doc = JSON.parse(DOC_EXAMPLE);
  const keysOf = (v: unknown, isField: boolean, acc: string[] = []): string[] => {
    if (Array.isArray(v)) v.forEach((x) => keysOf(x, isField, acc));
    else if (v && typeof v === 'object') {
      const rec = v as Record<string, unknown>;
      if (!isField) acc.push(Object.keys(rec).join(','));
      for (const [k, x] of Object.entries(rec)) keysOf(x, k === 'fields' && Array.isArray(x), acc);
    }
    return acc;
  };
  // Arrays under "fields" hold field objects: skip their own key order, not their types'.
  assert.deepStrictEqual(keysOf(ours, false), keysOf(doc, false));
});

test('key schema is a plain record with connect.name and no version', () => {
  const key = S.struct('shop.public.orders.Key', [S.field('id', S.int32())]);
  assert.equal(avroSchemaText(key),
    '{"type":"record","name":"Key","namespace":"shop.public.orders","fields":[{"name":"id","type":"int"}],"connect.name":"shop.public.orders.Key"}');
  assert.equal(connectToAvro(key).fullName, 'shop.public.orders.Key');
});

test('int8/int16 carry connect.type; Connect logical types get Avro logical types', () => {
  const s = S.struct('t.V', [
    S.field('a', S.int8()),
    S.field('b', S.optional(S.int16())),
    S.field('d', S.int32({ name: 'org.apache.kafka.connect.data.Date', version: 1 })),
    S.field('t', S.int32({ name: 'org.apache.kafka.connect.data.Time', version: 1 })),
    S.field('ts', S.int64({ name: 'org.apache.kafka.connect.data.Timestamp', version: 1 })),
    S.field('m', S.int64({ name: 'io.debezium.time.MicroTimestamp', version: 1 })),
  ]);
  const fields = JSON.parse(avroSchemaText(s)).fields;
  assert.deepStrictEqual(fields, [
    { name: 'a', type: { type: 'int', 'connect.type': 'int8' } },
    { name: 'b', type: ['null', { type: 'int', 'connect.type': 'int16' }], default: null },
    { name: 'd', type: { type: 'int', 'connect.version': 1, 'connect.name': 'org.apache.kafka.connect.data.Date', logicalType: 'date' } },
    { name: 't', type: { type: 'int', 'connect.version': 1, 'connect.name': 'org.apache.kafka.connect.data.Time', logicalType: 'time-millis' } },
    { name: 'ts', type: { type: 'long', 'connect.version': 1, 'connect.name': 'org.apache.kafka.connect.data.Timestamp', logicalType: 'timestamp-millis' } },
    { name: 'm', type: { type: 'long', 'connect.version': 1, 'connect.name': 'io.debezium.time.MicroTimestamp' } },
  ]);
});

test('Decimal without connect.decimal.precision gets precision 64', () => {
  const s = S.bytes({ name: 'org.apache.kafka.connect.data.Decimal', version: 1, parameters: { scale: '3' } });
  assert.equal(avroSchemaText(s),
    '{"type":"bytes","scale":3,"precision":64,"connect.version":1,"connect.parameters":{"scale":"3"},"connect.name":"org.apache.kafka.connect.data.Decimal","logicalType":"decimal"}');
});

test('defaults: int64 beyond 2^53 exact, bytes as code points, floats as Java prints them, doc', () => {
  const s = S.struct('t.V', [
    S.field('big', S.withDefault(S.int64(), 9007199254740993n)),
    S.field('raw', S.withDefault(S.bytes(), Buffer.from([0x00, 0x41, 0xff]))),
    S.field('f', S.withDefault(S.float32(), 0.1)),
    S.field('d', S.withDefault(S.float64({ doc: 'ratio' }), 1)),
    S.field('flag', S.withDefault(S.optional(S.boolean()), true)),
  ]);
  const text = avroSchemaText(s);
  assert.ok(text.includes('{"name":"big","type":{"type":"long","connect.default":9007199254740993},"default":9007199254740993}'), text);
  assert.ok(text.includes('{"name":"raw","type":{"type":"bytes","connect.default":"\\u0000Aÿ"},"default":"\\u0000Aÿ"}'), text);
  assert.ok(text.includes('{"name":"f","type":{"type":"float","connect.default":0.1},"default":0.10000000149011612}'), text);
  assert.ok(text.includes('{"name":"d","type":{"type":"double","connect.doc":"ratio","connect.default":1.0},"default":1.0}'), text);
  assert.ok(text.includes('{"name":"flag","type":[{"type":"boolean","connect.default":true},"null"],"default":true}'), text);
});

test('unnamed structs are io.confluent.connect.avro.ConnectDefault, numbered when shapes differ', () => {
  const a = S.struct(undefined, [S.field('x', S.int32())]);
  const b = S.struct(undefined, [S.field('y', S.string())]);
  const s = S.struct('t.Outer', [S.field('a', a), S.field('a2', a), S.field('b', b)]);
  const parsed = JSON.parse(avroSchemaText(s));
  assert.equal(parsed.fields[0].type.name, 'ConnectDefault');
  assert.equal(parsed.fields[0].type.namespace, 'io.confluent.connect.avro');
  assert.equal(parsed.fields[1].type, 'io.confluent.connect.avro.ConnectDefault');
  assert.equal(parsed.fields[2].type.name, 'ConnectDefault2');
  assert.equal(avroSchemaText(a), '{"type":"record","name":"ConnectDefault","namespace":"io.confluent.connect.avro","fields":[{"name":"x","type":"int"}]}');
});

test('maps: string keys -> Avro map; other keys -> array of MapEntry records', () => {
  const s = S.struct('t.V', [
    S.field('tags', S.map(S.string(), S.optional(S.string()))),
    S.field('counts', S.map(S.int32(), S.int64())),
  ]);
  const fields = JSON.parse(avroSchemaText(s)).fields;
  assert.deepStrictEqual(fields[0], { name: 'tags', type: { type: 'map', values: ['null', 'string'] } });
  assert.deepStrictEqual(fields[1], { name: 'counts', type: { type: 'array', items: {
    type: 'record', name: 'MapEntry', namespace: 'io.confluent.connect.avro',
    fields: [{ name: 'key', type: 'int' }, { name: 'value', type: 'long' }] } } });
});

test('arrays of optional elements and optional arrays with metadata', () => {
  const s = S.optional(S.array(S.optional(S.int16()), { name: 'io.debezium.data.DoubleVector', version: 1 }));
  assert.equal(avroSchemaText(s),
    '["null",{"type":"array","items":["null",{"type":"int","connect.type":"int16"}],"connect.version":1,"connect.name":"io.debezium.data.DoubleVector"}]');
});

test('a record in another namespace is referenced by its full name', () => {
  const shared = S.struct('a.Shared', [S.field('x', S.int32())]);
  const s = S.struct('b.Outer', [S.field('one', shared), S.field('two', S.optional(shared))]);
  const parsed = JSON.parse(avroSchemaText(s));
  assert.deepStrictEqual(parsed.fields[1], { name: 'two', type: ['null', 'a.Shared'], default: null });
});

test('names follow Avro Java: the namespace is not checked, the name and field names are', () => {
  // AvroData + Avro Java accept "-" in a namespace (Schema.Name validates only the last part),
  // so Debezium with schema.name.adjustment.mode=none registers this schema as it is.
  const ok = S.struct('orders-db.public.orders.Value', [S.field('id', S.int32()), S.field('prénom', S.string())]);
  const parsed = JSON.parse(avroSchemaText(ok));
  assert.equal(parsed.namespace, 'orders-db.public.orders');
  assert.equal(parsed.name, 'Value');
  assert.equal(parsed.fields[1].name, 'prénom', 'Unicode letters are letters to Java');

  const badName = S.struct('srv.public.t.my-record', [S.field('id', S.int32())]);
  assert.throws(() => avroSchemaText(badName), (e: unknown) =>
    e instanceof ConfigError && e.code === 'CDC_AVRO_INVALID_NAME' && /record name "my-record"/.test(e.message)
    && /schema\.name\.adjustment\.mode=avro/.test(e.message));
  for (const bad of ['order-id', '1st', 'a b', '😀', '']) {
    const f = S.struct('t.V', [S.field(bad, S.int32())]);
    assert.throws(() => avroSchemaText(f), (e: unknown) =>
      e instanceof ConfigError && e.code === 'CDC_AVRO_INVALID_NAME' && /field\.name\.adjustment\.mode=avro/.test(e.message), bad);
  }
  assert.equal(isAvroJavaName('_1st'), true);
  assert.equal(isAvroJavaName('x\u0663'), true, 'a digit of another script is a digit to Java');
  assert.equal(isAvroJavaName('\u0663x'), false);
});

test('two different structs sharing a name are refused', () => {
  const s = S.struct('t.V', [
    S.field('a', S.struct('t.X', [S.field('x', S.int32())])),
    S.field('b', S.struct('t.X', [S.field('y', S.int32())])),
  ]);
  // AvroData reuses the first t.X wherever the name reappears under an array or optional,
  // but two required fields build two records and Avro refuses to print them.
  assert.throws(() => avroSchemaText(s), /named t\.X/);
});

test('a default Avro would refuse is dropped with a warning, connect.default kept', () => {
  const inner = S.struct('t.In', [S.field('x', S.int32())]);
  const s = S.struct('t.V', [S.field('o', S.withDefault(S.optional(inner), { x: 1 }))]);
  const conv = connectToAvro(s);
  assert.equal(conv.warnings.length, 1);
  const field = JSON.parse(conv.text).fields[0];
  assert.equal('default' in field, false);
  assert.deepStrictEqual(field.type[1]['connect.default'], { x: 1 });
});
