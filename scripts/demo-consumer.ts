/**
 * The demo's consumer: reads the demo topics read_committed, decodes each Avro
 * record with the writer schema from the registry, prints one line per event as a
 * person reads it (decimals as numbers, timestamps as ISO text: scripts/demo-readable.ts),
 * and the slot's lag and retained WAL whenever they change (from PostgreSQL and from /metrics).
 * Decoding goes through @kafkajs/confluent-schema-registry, the client a Node.js
 * consumer of Debezium topics would use, so the demo shows that stock Confluent
 * tooling reads what the daemon writes (framing, schema ids, Avro bodies).
 */
import { parseArgs } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import pg from 'pg';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { createExactLongType } from '../src/serde/avro-long-type.ts';
import { readable, render, bytesText } from './demo-readable.ts';

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

// The writer schema of each id, as the registry holds it (connect.name, scale: what readable() needs).
const schemas = new Map<number, Promise<unknown>>();
function writerSchema(message: Buffer): Promise<unknown> {
  const id = message.readInt32BE(1); // Confluent framing: magic byte 0, then the schema id
  if (!schemas.has(id)) {
    schemas.set(id, fetch(`${(env.SCHEMA_REGISTRY_URL ?? '').replace(/\/+$/, '')}/schemas/ids/${id}`)
      .then((r) => r.json() as Promise<{ schema: string }>).then((r) => JSON.parse(r.schema) as unknown));
  }
  return schemas.get(id)!;
}
async function decode(message: Buffer | null): Promise<unknown> {
  if (!message) return null;
  const [schema, value] = await Promise.all([writerSchema(message), decoder.decode(message)]);
  return readable(schema as never, value);
}
const iso = (ms: unknown): string => (ms === null || ms === undefined ? '?' : new Date(Number(ms)).toISOString());
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
    const key = await decode(message.key);
    const value = (await decode(message.value)) as Record<string, unknown> | null;
    if (count > 40 && !topic.endsWith('.transaction') && count % 10000 !== 0) return; // bulk load: print a sample
    if (!value) { console.log(`${topic}  key=${render(key)}  (tombstone)`); return; }
    if (topic.endsWith('.transaction')) { console.log(`${topic}  ${String(value.status)} ${String(value.id)}${value.event_count !== null ? ` events=${render(value.event_count)}` : ''}`); return; }
    const src = value.source as Record<string, unknown>;
    console.log(`${topic}  op=${String(value.op)}  committed=${iso(render(src.ts_ms))}  key=${render(key)}  snapshot=${String(src.snapshot)}\n    before=${render(value.before)}\n    after=${render(value.after)}`);
  },
});

// The slot as PostgreSQL reports it (unconfirmed: WAL written since the daemon's last confirmed
// commit; retained: WAL the server keeps for the slot), and the daemon's own gauges of the same.
let lastSlot = '';
async function slot(always: boolean): Promise<void> {
  const r = await sql.query(`SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint AS unconfirmed,
      pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint AS retained, active, wal_status
    FROM pg_replication_slots WHERE slot_name = $1`, [values.slot]);
  const row = r.rows[0] as { unconfirmed: string; retained: string; active: boolean; wal_status: string } | undefined;
  const line = row ? `lag ${bytesText(Number(row.unconfirmed))}, retained WAL ${bytesText(Number(row.retained))}, ${row.active ? 'active' : 'inactive'}, wal_status ${row.wal_status}` : 'missing';
  let metric = '';
  if (values.metrics) {
    const text = await fetch(values.metrics).then((x) => x.text()).catch(() => '');
    const gauge = (name: string): string => { const v = new RegExp(`^${name}\\{[^}]*\\} (\\S+)`, 'm').exec(text)?.[1]; return v === undefined ? '?' : bytesText(Number(v)); };
    const lat = /^cdc_commit_to_visible_seconds_sum\{[^}]*\} (\S+)\ncdc_commit_to_visible_seconds_count\{[^}]*\} (\S+)/m.exec(text);
    metric = ` | daemon /metrics: lag ${gauge('cdc_postgres_slot_lag_bytes')}, retained ${gauge('cdc_postgres_slot_retained_wal_bytes')}${lat && Number(lat[2]) > 0 ? `, mean commit-to-visible ${(1000 * Number(lat[1]) / Number(lat[2])).toFixed(1)} ms` : ''}`;
  }
  if (!always && line === lastSlot) return;
  lastSlot = line;
  console.log(`-- ${new Date().toISOString().slice(11, 19)} slot ${values.slot}: ${line}${metric} | events read: ${count}`);
}
await slot(true);
const timer = setInterval(() => void slot(false), 1000);
await new Promise((r) => setTimeout(r, Number(values.seconds) * 1000));
clearInterval(timer);
await slot(true);
await consumer.disconnect();
await sql.end();
console.log(`== ${count} records read from Kafka (read_committed)`);
