/**
 * Kafka's murmur2 key hash (the Java client's Utils.murmur2, behind its default partitioner), in
 * 32-bit integer arithmetic. kafkajs computes the same hash through its BigInt-backed Long, whose
 * products grow without bound; in the snapshot bench that was ~6 % of the daemon's main thread.
 * Only the low 32 bits of each step matter there (every shift reads toInt() first), so Math.imul
 * gives the same result; src/kafka/kafkajs-patch.test.ts compares the two on random keys.
 */
const M = 0x5bd1e995;
const SEED = 0x9747b28c;

export function murmur2(key: unknown): number {
  const data = Buffer.isBuffer(key) ? key : Buffer.from(String(key));
  const length = data.length;
  let h = (SEED ^ length) | 0;
  const length4 = length >>> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i * 4;
    let k = data[i4]! | (data[i4 + 1]! << 8) | (data[i4 + 2]! << 16) | (data[i4 + 3]! << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  const tail = length & ~3;
  const rest = length & 3;
  if (rest === 3) h ^= data[tail + 2]! << 16;
  if (rest >= 2) h ^= data[tail + 1]! << 8;
  if (rest >= 1) { h ^= data[tail]!; h = Math.imul(h, M); }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}
