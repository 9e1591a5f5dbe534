/**
 * compression.type codecs against the real broker: for each of gzip, snappy, lz4 and zstd, the
 * daemon's transactional producer (src/kafka/txn-producer.ts with the registered codecs)
 * writes a transaction, and a read_committed consumer reads every record back intact. The
 * broker decompresses each compressed batch with Kafka's Java codecs to validate it, so a
 * frame Java cannot read is refused at write time (lz4's independent-block rule, zstd frames).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { stackEnv, SKIP_REASON } from '../helpers/stack-env.ts';
import { kafkaFor, readUntil } from '../helpers/kafka-reader.ts';
import { storedCodecs } from '../helpers/kafka-segments.ts';
import { registerCompressionCodecs, type CompressionName } from '../../src/kafka/compression-codecs.ts';
import { KafkaTxnProducer } from '../../src/kafka/txn-producer.ts';
import { createLogger } from '../../src/log/logger.ts';

const env = stackEnv();

for (const codec of ['gzip', 'snappy', 'lz4', 'zstd'] as const satisfies readonly CompressionName[]) {
  test(`compression.type=${codec}: a transaction written through the broker reads back intact`, { skip: env ? false : SKIP_REASON, timeout: 120_000 }, async () => {
    registerCompressionCodecs();
    const kafka = kafkaFor(env!);
    const topic = `compress-${codec}-${randomBytes(4).toString('hex')}`;
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();
    // Compressible and incompressible values, some over lz4's 64 KiB block size.
    const values = Array.from({ length: 300 }, (_, i) => (i % 3 === 0 ? randomBytes(200) : Buffer.from(`row ${i} `.repeat(i % 50 === 0 ? 20_000 : 20))));
    const producer = new KafkaTxnProducer({
      kafka, transactionalId: `compress-${topic}`, log: createLogger({ level: 'error' }),
      settings: { compression: codec, maxRequestBytes: 1_048_576, transactionTimeoutMs: 60_000 },
    });
    await producer.start();
    try {
      const txn = await producer.begin();
      await txn.send(values.map((value, i) => ({ topic, key: Buffer.from(String(i)), value })));
      await txn.commit();
    } finally {
      await producer.stop();
    }
    const records = await readUntil(env!, [topic], (rs) => rs.length >= values.length, 60_000, false);
    assert.equal(records.length, values.length);
    const codecs = storedCodecs(process.env.CDC_STACK_DIR!, topic);
    assert.ok(codecs.length > 0 && codecs.every((c) => c === codec), `stored batches: ${codecs.join(', ')}`);
    for (const r of records) assert.ok(r.rawValue?.equals(values[Number(r.rawKey!.toString())]!), `record ${r.rawKey} intact`);
  });
}
