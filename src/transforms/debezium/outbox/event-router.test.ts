import { test } from 'node:test';
import assert from 'node:assert/strict';
import { S } from '../../../events/schema.ts';
import { envelopeSchema } from '../../../events/envelope.ts';
import type { SourceRecord } from '../../../events/record.ts';
import { heartbeat, PG_SOURCE_SCHEMA, sourceBlock } from '../../../../test/doubles/debezium-records.ts';
import { eventRouterPlugin } from './event-router.ts';
import type { Logger } from '../../../log/logger.ts';
import { recordingLogger } from '../../../../test/doubles/recording-logger.ts';

const topic = 'shop.public.outbox';
const json = S.optional(S.string({ name: 'io.debezium.data.Json', version: 1 }));
const uuid = S.string({ name: 'io.debezium.data.Uuid', version: 1 });
const row = S.optional(S.struct(`${topic}.Value`, [
  S.field('id', uuid), S.field('aggregatetype', S.string()), S.field('aggregateid', S.string()), S.field('type', S.string()),
  S.field('payload', json), S.field('created_at', S.optional(S.int64({ name: 'io.debezium.time.MicroTimestamp', version: 1 }))),
  S.field('shard', S.optional(S.int32())),
]));
const env = envelopeSchema(topic, row, PG_SOURCE_SCHEMA);
const outboxRow = (over: Record<string, unknown> = {}) => ({
  id: '6f1c7f6e-7d2b-4d5c-9a53-3a1f0e6f2b11', aggregatetype: 'Order', aggregateid: 'o-42', type: 'OrderCreated',
  payload: '{"orderId":42,"total":12.5,"big":3000000000,"lines":[{"sku":"a","qty":1},{"sku":"b","note":null}],"tags":[],"gone":null}',
  created_at: 1717000000123456n, shard: 2, ...over,
});
const rec = (op: 'c' | 'u' | 'd' | 'r', r: Record<string, unknown> | null = outboxRow()): SourceRecord => ({
  topic, keySchema: S.struct(`${topic}.Key`, [S.field('id', uuid)]), key: { id: r?.['id'] },
  valueSchema: env,
  value: { before: op === 'd' ? r : null, after: op === 'd' ? null : r, source: sourceBlock('outbox'), transaction: null, op, ts_ms: 1717000000999n, ts_us: null, ts_ns: null },
});
const make = (props: Record<string, string> = {}, log?: Logger) => eventRouterPlugin.create(eventRouterPlugin.configDef.parse(props, 'transforms.outbox'), log);
/** The router with a recording logger; `logged` gives [level, message, object] per line. */
const logged = (props: Record<string, string> = {}) => {
  const { log, lines } = recordingLogger();
  return { smt: make(props, log), lines, at: (level: string) => lines.filter((l) => l.level === level).map((l) => [l.msg, l.obj] as const) };
};

test('defaults: topic outbox.event.<aggregatetype>, key = aggregateid, value = raw payload with its schema, id header, ts_ms timestamp', () => {
  const out = make().apply(rec('c'))!;
  assert.equal(out.topic, 'outbox.event.Order');
  assert.deepEqual(out.keySchema, S.string());
  assert.equal(out.key, 'o-42');
  assert.deepEqual(out.valueSchema, json);
  assert.equal(out.value, outboxRow().payload);
  assert.deepEqual(out.headers, [{ key: 'id', schema: uuid, value: '6f1c7f6e-7d2b-4d5c-9a53-3a1f0e6f2b11' }]);
  assert.equal(out.timestamp, 1717000000999);
  assert.equal(out.kafkaPartition, undefined);
});

test('snapshot reads are routed; deletes and tombstones dropped; non-envelopes unchanged', () => {
  const smt = make();
  assert.equal(smt.apply(rec('r'))!.topic, 'outbox.event.Order');
  assert.equal(smt.apply(rec('d')), null);
  assert.equal(smt.apply({ ...rec('c'), valueSchema: null, value: null }), null);
  assert.deepEqual(smt.apply(heartbeat()), heartbeat());
});

test('table.op.invalid.behavior: warn/error drop an update, fatal fails naming the property; debezium.op.invalid.behavior is its older name', () => {
  assert.equal(make().apply(rec('u')), null);
  assert.equal(make({ 'table.op.invalid.behavior': 'error' }).apply(rec('u')), null);
  assert.throws(() => make({ 'table.op.invalid.behavior': 'fatal' }).apply(rec('u')), /update.*outbox table.*table\.op\.invalid\.behavior/);
  assert.throws(() => make({ 'debezium.op.invalid.behavior': 'fatal' }).apply(rec('u')), /update/);
});

test('expanded JSON payload: struct "payload" with fields named by path, ints sized, nulls and empty arrays dropped', () => {
  const out = make({ 'table.expand.json.payload': 'true' }).apply(rec('c'))!;
  const s = out.valueSchema!;
  assert.equal(s.name, 'payload');
  assert.equal(s.optional, true);
  assert.deepEqual(s.fields!.map((f) => [f.name, f.schema.type]), [['orderId', 'int32'], ['total', 'float64'], ['big', 'int64'], ['lines', 'array']]);
  const lines = s.fields![3]!.schema.items!;
  assert.equal(lines.name, 'payload.lines');
  assert.deepEqual(lines.fields!.map((f) => f.name), ['sku', 'qty']);
  assert.deepEqual(out.value, { orderId: 42, total: 12.5, big: 3000000000n, lines: [{ sku: 'a', qty: 1 }, { sku: 'b', qty: null }] });
});

test('expanded JSON payload keeps nulls/empty arrays when told; a non-JSON payload stays a string', () => {
  const out = make({ 'table.expand.json.payload': 'true', 'table.json.payload.null.behavior': 'optional_bytes', 'table.json.payload.empty.array.behavior': 'optional_string' }).apply(rec('c'))!;
  assert.deepEqual(out.valueSchema!.fields!.map((f) => f.name), ['orderId', 'total', 'big', 'lines', 'tags', 'gone']);
  assert.deepEqual(out.valueSchema!.fields![4]!.schema, S.optional(S.array(S.optional(S.string()))));
  assert.deepEqual(out.valueSchema!.fields![5]!.schema, S.optional(S.bytes()));
  const plain = make({ 'table.expand.json.payload': 'true' }).apply(rec('c', outboxRow({ payload: 'hello' })))!;
  assert.equal(plain.value, 'hello');
  assert.deepEqual(plain.valueSchema, json);
});

test('additional placement: header (aliased), envelope (value struct named with the routed value), partition', () => {
  const out = make({ 'table.fields.additional.placement': 'type:header:eventType,type:envelope:eventType,aggregateid:envelope,shard:partition' }).apply(rec('c'))!;
  assert.deepEqual(out.headers!.map((h) => h.key), ['id', 'eventType']);
  assert.deepEqual(out.headers![1], { key: 'eventType', schema: S.string(), value: 'OrderCreated' });
  assert.equal(out.valueSchema!.name, 'shop.public.outbox.Order.Value');
  assert.equal(out.valueSchema!.optional, false);
  assert.deepEqual(out.valueSchema!.fields!.map((f) => f.name), ['payload', 'eventType', 'aggregateid']);
  assert.deepEqual(out.value, { payload: outboxRow().payload, eventType: 'OrderCreated', aggregateid: 'o-42' });
  assert.equal(out.kafkaPartition, 2);
});

test('a missing additional column fails unless table.field.additional.missing=ignore; a bad placement is refused at configure time', () => {
  assert.throws(() => make({ 'table.fields.additional.placement': 'nope:header' }).apply(rec('c')), /Unknown field: nope/);
  assert.equal(make({ 'table.fields.additional.placement': 'nope:header', 'table.field.additional.missing': 'ignore' }).apply(rec('c'))!.headers!.find((h) => h.key === 'nope'), undefined);
  assert.throws(() => make({ 'table.fields.additional.placement': 'type:body' }), /column:header\|envelope\|partition/);
});

test('route.topic.regex/replacement, custom route.by.field, and the raw value when the regex does not match', () => {
  assert.equal(make({ 'route.topic.replacement': 'events.${routedByValue}.v1' }).apply(rec('c'))!.topic, 'events.Order.v1');
  assert.equal(make({ 'route.by.field': 'type', 'route.topic.regex': 'Order(.*)', 'route.topic.replacement': 'order-$1' }).apply(rec('c'))!.topic, 'order-Created');
  assert.equal(make({ 'route.topic.regex': 'Customer' }).apply(rec('c'))!.topic, 'Order');
});

test('table.field.event.timestamp converts a MicroTimestamp to ms; route.tombstone.on.empty.payload makes a tombstone', () => {
  assert.equal(make({ 'table.field.event.timestamp': 'created_at' }).apply(rec('c'))!.timestamp, 1717000000123);
  assert.throws(() => make({ 'table.field.event.timestamp': 'shard' }).apply(rec('c')), /must be io\.debezium\.time\.Timestamp/);
  const t = make({ 'route.tombstone.on.empty.payload': 'true' }).apply(rec('c', outboxRow({ payload: null })))!;
  assert.equal(t.value, null);
  assert.equal(t.valueSchema, null);
  assert.equal(t.key, 'o-42');
});

test('tracing.* are accepted with a no-effect warning', () => {
  const c = eventRouterPlugin.configDef.parse({ 'tracing.operation.name': 'x' }, 'transforms.outbox');
  assert.deepEqual(c.warnings.map((w) => [w.property, w.kind]), [['tracing.operation.name', 'no-effect']]);
});

test('logs as Debezium: a dropped update at WARN or ERROR (table.op.invalid.behavior), nothing for fatal (the task fails instead)', () => {
  const warn = logged();
  assert.equal(warn.smt.apply(rec('u')), null);
  assert.deepEqual(warn.at('warn'), [[
    `Unexpected update message received on the outbox table (topic ${topic}); only inserts are routed; the update is dropped`,
    { topic, property: 'table.op.invalid.behavior' },
  ]]);
  const error = logged({ 'table.op.invalid.behavior': 'error' });
  error.smt.apply(rec('u'));
  assert.equal(error.at('error').length, 1);
  assert.deepEqual(error.at('warn'), []);
  const fatal = logged({ 'table.op.invalid.behavior': 'fatal' });
  assert.throws(() => fatal.smt.apply(rec('u')));
  assert.deepEqual(fatal.lines.filter((l) => l.level !== 'debug'), []);
});

test('table.expand.json.payload: a payload that is not JSON stays a string with a WARN naming the field, never the payload; valid JSON logs nothing above DEBUG', () => {
  const secret = 'card 4111-1111-1111-1111';
  for (const payload of [secret, `{"card": "${secret}"`, ` {"a":1}`, '']) {
    const l = logged({ 'table.expand.json.payload': 'true' });
    const out = l.smt.apply(rec('c', outboxRow({ payload })))!;
    assert.equal(out.value, payload, 'kept as the string it was');
    const warns = l.at('warn');
    assert.equal(warns.length, 1, JSON.stringify(payload));
    assert.equal(warns[0]![0], "JSON expansion of the 'payload' field failed; keeping it as an unexpanded string");
    assert.equal(warns[0]![1]['field'], 'payload');
    assert.equal(warns[0]![1]['eventId'], outboxRow().id);
    assert.match(String(warns[0]![1]['cause']), /not valid JSON|does not start with \{ or \[|empty/);
    assert.ok(!JSON.stringify(l.lines).includes('4111'), 'the payload is never logged');
  }
  const ok = logged({ 'table.expand.json.payload': 'true' });
  ok.smt.apply(rec('c'));
  assert.deepEqual(ok.lines.filter((l) => l.level !== 'debug'), []);
});

test('table.expand.json.payload on a payload that is not text: WARN, routed as it is; a null payload is not warned about', () => {
  const bytesTopic = 'shop.public.outbox_bin';
  const binRow = S.optional(S.struct(`${bytesTopic}.Value`, [S.field('id', uuid), S.field('aggregatetype', S.string()), S.field('aggregateid', S.string()), S.field('payload', S.optional(S.bytes()))]));
  const r: SourceRecord = {
    topic: bytesTopic, keySchema: null, key: null, valueSchema: envelopeSchema(bytesTopic, binRow, PG_SOURCE_SCHEMA),
    value: { before: null, after: { id: 'e-1', aggregatetype: 'Order', aggregateid: 'o-1', payload: Buffer.from('{}') }, source: sourceBlock('outbox_bin'), transaction: null, op: 'c', ts_ms: 1n, ts_us: null, ts_ns: null },
  };
  const l = logged({ 'table.expand.json.payload': 'true' });
  assert.ok(Buffer.isBuffer(l.smt.apply(r)!.value));
  assert.deepEqual(l.at('warn'), [['Expand JSON payload is turned on but payload is not a string; it is routed as it is', { topic: bytesTopic, eventId: 'e-1' }]]);
  const n = logged({ 'table.expand.json.payload': 'true', 'route.tombstone.on.empty.payload': 'true' });
  assert.equal(n.smt.apply(rec('c', outboxRow({ payload: null })))!.value, null);
  assert.deepEqual(n.at('warn'), []);
});

test('DEBUG lines: ignored tombstones and deletes, and each emitted event with its id (a tombstone for an empty payload says so); no key', () => {
  const l = logged({ 'route.tombstone.on.empty.payload': 'true' });
  l.smt.apply({ ...rec('c'), valueSchema: null, value: null });
  l.smt.apply(rec('d'));
  l.smt.apply(rec('c'));
  l.smt.apply(rec('c', outboxRow({ payload: '  ' })));
  assert.deepEqual(l.at('debug'), [
    ['outbox tombstone ignored', { topic }],
    ['outbox delete ignored', { topic }],
    ['outbox event emitted', { topic: 'outbox.event.Order', eventId: outboxRow().id }],
    ['outbox event emitted', { topic: 'outbox.event.Order', eventId: outboxRow().id, tombstone: true }],
  ]);
  assert.ok(!JSON.stringify(l.lines).includes('o-42'), 'the key is not logged');
});

test('table.field.additional.missing=ignore skips an absent column silently, as Debezium does', () => {
  const l = logged({ 'table.fields.additional.placement': 'nope:header', 'table.field.additional.missing': 'ignore' });
  assert.deepEqual(l.smt.apply(rec('c'))!.headers!.map((h) => h.key), ['id']);
  assert.deepEqual(l.lines.filter((x) => x.level !== 'debug'), []);
});

test('the id header and header placements are appended after the record\'s own headers, even under the same key', () => {
  const own = { key: 'id', schema: null, value: 'from-an-earlier-transform' };
  const out = make({ 'table.fields.additional.placement': 'type:header:id' }).apply({ ...rec('c'), headers: [own] })!;
  assert.deepEqual(out.headers!.map((h) => [h.key, h.value]), [['id', 'from-an-earlier-transform'], ['id', outboxRow().id], ['id', 'OrderCreated']]);
});
