/**
 * The demo's consumer: reads the demo topics read_committed, decodes each Avro
 * record with the writer schema from the registry, prints one line per event,
 * and every few seconds the slot's lag (from PostgreSQL and from /metrics).
 * Decoding goes through @kafkajs/confluent-schema-registry, the client a Node.js
 * consumer of Debezium topics would use, so the demo shows that stock Confluent
 * tooling reads what the daemon writes (framing, schema ids, Avro bodies).
 */
import { parseArgs } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { createExactLongType } from '../src/serde/avro-long-type.ts';

const { values } = parseArgs({ options: { topics: { type: 'string' }, metrics: { type: 'string' }, slot: { type: 'string' }, seconds: { type: 'string', default: '30' } } });
const env = process.env;
const topics = (values.topics ?? '').split(',');
const kafka = new Kafka({ clientId: 'demo-consumer', brokers: (env.KAFKA_BOOTSTRAP_SERVERS ?? '').split(','), logLevel: logLevel.NOTHING });
// Debezium's LSNs and xids need exact 64-bit longs; avsc adds named types to the registry object it
// is given, so each schema gets a fresh one through the getter.
const long = createExactLongType();
const decoder = new SchemaRegistry({ host: env.SCHEMA_REGISTRY_URL ?? '', clientId: 'demo-consumer' }, {
  [SchemaType.AVRO]: {
    get registry() { return { long }; },
    typeHook: (schema: unknown) => (schema !== null && typeof schema === 'object' && (schema as { type?: unknown }).type === 'long'
      && (schema as { logicalType?: unknown }).logicalType === undefined ? long : undefined),
  },
} as never);
const sql = new pg.Client({ database: 'inventory' });
await sql.connect();

// Buffers reach the replacer already turned into {type:'Buffer',data}; Decimals are such bytes (unscaled, big-endian).
const show = (v: unknown): string => JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? Number(x)
  : x && typeof x === 'object' && (x as { type?: unknown }).type === 'Buffer' ? `0x${Buffer.from((x as { data: number[] }).data).toString('hex')}` : x));
const admin = kafka.admin();
await admin.connect();
// The daemon creates topics on first write (the transaction topic with the first streamed change).
for (let i = 0; i < 300; i++) {
  const have = new Set(await admin.listTopics());
  if (topics.every((t) => have.has(t))) break;
  await new Promise((r) => setTimeout(r, 200));
}
await admin.disconnect();

let count = 0;
const consumer = kafka.consumer({ groupId: `demo-${Date.now()}`, readUncommitted: false });
await consumer.connect();
await consumer.subscribe({ topics: topics.filter((t) => t), fromBeginning: true });
await consumer.run({
  eachMessage: async ({ topic, message }) => {
    count++;
    const key: unknown = message.key ? await decoder.decode(message.key) : null;
    const value = (message.value ? await decoder.decode(message.value) : null) as Record<string, unknown> | null;
    if (count > 40 && !topic.endsWith('.transaction') && count % 1000 !== 0) return; // bulk load: print a sample
    if (!value) { console.log(`${topic}  key=${show(key)}  (tombstone)`); return; }
    if (topic.endsWith('.transaction')) { console.log(`${topic}  ${value.status} ${value.id}${value.event_count !== null ? ` events=${show(value.event_count)}` : ''}`); return; }
    const src = value.source as Record<string, unknown>;
    console.log(`${topic}  op=${value.op}  key=${show(key)}  snapshot=${src.snapshot}  before=${show(value.before)}  after=${show(value.after)}`);
  },
});

async function lag(): Promise<void> {
  const r = await sql.query(`SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint AS unconfirmed,
      pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint AS retained, active, wal_status
    FROM pg_replication_slots WHERE slot_name = $1`, [values.slot]);
  const row = r.rows[0] as { unconfirmed: string; retained: string; active: boolean; wal_status: string } | undefined;
  let metric = '';
  if (values.metrics) {
    const text = await fetch(values.metrics).then((x) => x.text()).catch(() => '');
    const m = /^cdc_postgres_slot_lag_bytes\{[^}]*\} (\S+)/m.exec(text);
    const lat = /^cdc_commit_to_visible_seconds_sum\{[^}]*\} (\S+)\ncdc_commit_to_visible_seconds_count\{[^}]*\} (\S+)/m.exec(text);
    metric = ` | /metrics cdc_postgres_slot_lag_bytes=${m?.[1] ?? '?'}${lat && Number(lat[2]) > 0 ? ` mean commit-to-visible=${(1000 * Number(lat[1]) / Number(lat[2])).toFixed(1)} ms` : ''}`;
  }
  console.log(`-- slot ${values.slot}: ${row ? `unconfirmed=${row.unconfirmed} B retained=${row.retained} B active=${row.active} wal_status=${row.wal_status}` : 'missing'}${metric} | events so far: ${count}`);
}
const timer = setInterval(() => void lag(), 5000);
await new Promise((r) => setTimeout(r, Number(values.seconds) * 1000));
clearInterval(timer);
await lag();
await consumer.disconnect();
await sql.end();
console.log(`== ${count} records read from Kafka (read_committed)`);
