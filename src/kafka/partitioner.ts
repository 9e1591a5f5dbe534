/**
 * kafkajs 2.2.4's default partitioner (producer/partitioners/legacy/partitioner.js, which
 * default/index.js builds with murmur2; the Java client 0.10.2's DefaultPartitioner), making the
 * same choice for every message: the message's own partition when it has one, else the key's
 * murmur2 hash modulo the partition count, else round robin over the partitions with a leader
 * (from a random start per topic), else over all of them. The original filters the partition list
 * for leaders for every message; here only for a message without partition and key, the only one
 * that uses it (change events have a key unless their table has none).
 */
interface PartitionInfo { readonly partitionId: number; readonly leader: number }
interface PartitionArgs {
  readonly topic: string;
  readonly partitionMetadata: readonly PartitionInfo[];
  readonly message: { readonly partition?: number | null; readonly key?: unknown };
}

const toPositive = (x: number): number => x & 0x7fffffff;

export function defaultPartitioner(hash: (key: unknown) => number, randomStart: () => number): () => (args: PartitionArgs) => number {
  return () => {
    const counters: Record<string, number> = {};
    return ({ topic, partitionMetadata, message }) => {
      if (!(topic in counters)) counters[topic] = randomStart();
      if (message.partition !== null && message.partition !== undefined) return message.partition;
      const numPartitions = partitionMetadata.length;
      if (message.key !== null && message.key !== undefined) return toPositive(hash(message.key)) % numPartitions;
      const available = partitionMetadata.filter((p) => p.leader >= 0);
      if (available.length > 0) return available[toPositive(++counters[topic]!) % available.length]!.partitionId;
      return toPositive(++counters[topic]!) % numPartitions;
    };
  };
}
