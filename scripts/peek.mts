import { readUntil, topicsWithPrefix } from '../test/helpers/kafka-reader.ts';
import { stackEnv } from '../test/helpers/stack-env.ts';
const env = stackEnv()!;
const topics = await topicsWithPrefix(env, process.argv[2]!);
console.log(topics);
const recs = await readUntil(env, topics, (r) => false, 4000);
for (const r of recs) console.log(r.topic, r.offset, JSON.stringify(r.key, (k, v) => typeof v === 'bigint' ? v.toString() : v), JSON.stringify(r.value, (k, v) => typeof v === 'bigint' ? v.toString() : (v && v.type === 'Buffer') ? Buffer.from(v.data).toString('hex') : v).slice(0, 600));
