/**
 * What the broker stored, read from its log segment files in the stack's data dir
 * (<CDC_STACK_DIR>/kafka/data/<topic>-<partition>/*.log): the compression codec of each data
 * batch, so a test can show that compression.type really reached the wire, which a
 * consumer (it decompresses transparently) cannot.
 * Format: Kafka's record batch v2 header (baseOffset int64, batchLength int32,
 * partitionLeaderEpoch int32, magic int8, crc int32, attributes int16: bits 0-2 codec,
 * bit 5 control batch).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;

export function storedCodecs(stackDir: string, topic: string, partition = 0): string[] {
  const dir = join(stackDir, 'kafka', 'data', `${topic}-${partition}`);
  const codecs: string[] = [];
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.log')).sort()) {
    const buf = readFileSync(join(dir, name));
    for (let at = 0; at + 23 <= buf.length;) {
      const length = buf.readInt32BE(at + 8);
      if (length <= 0) break;
      const attributes = buf.readInt16BE(at + 21);
      if ((attributes & 0x20) === 0) codecs.push(CODECS[attributes & 0x07] ?? `codec ${attributes & 0x07}`);
      at += 12 + length;
    }
  }
  return codecs;
}
