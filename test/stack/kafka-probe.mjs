// Readiness probe for the stack's Kafka broker, run by stack.sh after it starts the broker.
//
//   node test/stack/kafka-probe.mjs <bootstrap> <timeout-seconds>
//
// "Ready" means more than an open port: the admin API answers (metadata, list topics),
// a transactional producer can commit (this creates __transaction_state, which takes a
// few seconds the first time and would otherwise be paid by the first test), and the
// group coordinator answers (this creates __consumer_offsets). The probe topic is
// deleted afterwards, so tests that list topics see only their own.
// Exit 0 when ready, 1 with the last error on stderr otherwise.
import { Kafka, logLevel } from 'kafkajs';

const [bootstrap, timeoutArg] = process.argv.slice(2);
if (!bootstrap) {
  console.error('usage: kafka-probe.mjs <bootstrap> [timeout-seconds]');
  process.exit(2);
}
const deadline = Date.now() + Number(timeoutArg || 90) * 1000;
const probeTopic = `cdcd-stack-probe-${process.pid}`;

const kafka = new Kafka({
  clientId: 'cdcd-stack-probe',
  brokers: [bootstrap],
  logLevel: logLevel.NOTHING,
  connectionTimeout: 3000,
  requestTimeout: 10000,
  retry: { retries: 8, initialRetryTime: 200, maxRetryTime: 2000 },
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Retries one step until it succeeds or the overall deadline passes.
async function step(name, fn) {
  let lastError;
  while (Date.now() < deadline) {
    try {
      return await fn();
    } catch (err) {
      lastError = err;
      await sleep(500);
    }
  }
  throw new Error(`${name}: ${lastError ? lastError.message : 'timed out'}`);
}

async function main() {
  const admin = kafka.admin();
  await step('connect admin', () => admin.connect());
  try {
    await step('list topics', () => admin.listTopics());
    await step('create probe topic', async () => {
      const topics = await admin.listTopics();
      if (!topics.includes(probeTopic)) {
        await admin.createTopics({
          waitForLeaders: true,
          topics: [{ topic: probeTopic, numPartitions: 1, replicationFactor: 1 }],
        });
      }
    });
    await step('transactional produce', async () => {
      const producer = kafka.producer({
        transactionalId: `cdcd-stack-probe-${process.pid}`,
        idempotent: true,
        maxInFlightRequests: 1,
      });
      await producer.connect();
      try {
        const txn = await producer.transaction();
        try {
          await txn.send({ topic: probeTopic, messages: [{ key: 'k', value: 'v' }] });
          await txn.commit();
        } catch (err) {
          await txn.abort().catch(() => {});
          throw err;
        }
      } finally {
        await producer.disconnect();
      }
    });
    await step('group coordinator', () => admin.describeGroups(['cdcd-stack-probe']));
    await step('delete probe topic', () => admin.deleteTopics({ topics: [probeTopic] }));
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(`kafka not ready at ${bootstrap}: ${err.message}`);
    process.exit(1);
  },
);
