/**
 * Clears what an earlier demo run left in Kafka and the registry (its topics,
 * offsets and subjects), so each demo starts from a fresh database and a fresh
 * position. Only touches names starting with the demo's prefix.
 */
import { Kafka, logLevel } from 'kafkajs';

const prefix = process.argv[2] ?? 'demo';
const env = process.env;
const kafka = new Kafka({ clientId: 'demo-reset', brokers: (env.KAFKA_BOOTSTRAP_SERVERS ?? '').split(','), logLevel: logLevel.NOTHING });
const admin = kafka.admin();
await admin.connect();
const doomed = (await admin.listTopics()).filter((t) => t.startsWith(`${prefix}.`) || t === `${prefix}-offsets` || t === `${prefix}-configs` || t === `${prefix}-status` || t === `__debezium-heartbeat.${prefix}`);
if (doomed.length > 0) await admin.deleteTopics({ topics: doomed, timeout: 30_000 });
await admin.disconnect();
const registry = env.SCHEMA_REGISTRY_URL ?? '';
const subjects = await fetch(`${registry}/subjects`).then((r) => r.json() as Promise<string[]>).catch(() => [] as string[]);
for (const s of subjects.filter((x) => x.startsWith(`${prefix}.`))) {
  await fetch(`${registry}/subjects/${encodeURIComponent(s)}`, { method: 'DELETE' });
  await fetch(`${registry}/subjects/${encodeURIComponent(s)}?permanent=true`, { method: 'DELETE' });
}
console.log(`reset: removed ${doomed.length} topic(s) and the ${prefix}.* subjects from an earlier run`);
