/**
 * Codecs for compression.type snappy, lz4 and zstd (gzip is built into kafkajs). All three are
 * pure JavaScript or WebAssembly packages, so nothing is compiled at install time.
 * Why a registration step: kafkajs looks codecs up in its own module-wide table
 * (CompressionCodecs), the one extension point it offers; registering is idempotent and
 * happens when a client is built, before any producer sends.
 * lz4: Kafka reads the LZ4 frame format with independent blocks only (its Java reader refuses
 * dependent blocks), so frames are written here block by block with a fresh match table each;
 * lz4js's own frame writer lets blocks refer to earlier ones.
 */
import kafkajs from 'kafkajs';
import snappyCodec from 'kafkajs-snappy';
import * as lz4 from 'lz4js';
import { ZstdCodec } from 'zstd-codec';
import { hash as xxh32 } from 'lz4js/xxh32.js';

// kafkajs is CommonJS; Node's named-export detection misses CompressionCodecs.
const { CompressionCodecs, CompressionTypes } = kafkajs;

interface Codec {
  compress(encoder: { buffer: Buffer }): Promise<Buffer>;
  decompress(buffer: Buffer): Promise<Buffer>;
}

const LZ4_MAGIC = 0x184d2204;
const LZ4_BLOCK_MAX = 64 * 1024;
const LZ4_FLG = 0x60; // version 01, independent blocks, no checksums, no content size
const LZ4_BD = 0x40; // 64 KiB blocks

export function lz4Compress(src: Uint8Array): Buffer {
  const parts: Buffer[] = [];
  const header = Buffer.alloc(7);
  header.writeUInt32LE(LZ4_MAGIC, 0);
  header[4] = LZ4_FLG;
  header[5] = LZ4_BD;
  header[6] = (xxh32(0, header, 4, 2) >>> 8) & 0xff; // descriptor checksum
  parts.push(header);
  const block = new Uint8Array(lz4.compressBound(LZ4_BLOCK_MAX));
  for (let at = 0; at < src.length; at += LZ4_BLOCK_MAX) {
    const size = Math.min(LZ4_BLOCK_MAX, src.length - at);
    const n = lz4.compressBlock(src, block, at, size, new Array<number>(1 << 16).fill(0));
    const len = Buffer.alloc(4);
    if (n === 0 || n >= size) {
      len.writeUInt32LE((0x80000000 | size) >>> 0, 0); // stored uncompressed
      parts.push(len, Buffer.from(src.subarray(at, at + size)));
    } else {
      len.writeUInt32LE(n, 0);
      parts.push(len, Buffer.from(block.subarray(0, n)));
    }
  }
  parts.push(Buffer.alloc(4)); // end mark
  return Buffer.concat(parts);
}

const lz4Codec = (): Codec => ({
  compress: async (encoder) => lz4Compress(encoder.buffer),
  decompress: async (buffer) => Buffer.from(lz4.decompress(buffer)),
});

type ZstdApi = Parameters<Parameters<typeof ZstdCodec.run>[0]>[0];
let zstdApi: Promise<ZstdApi> | null = null;
const zstd = (): Promise<ZstdApi> => (zstdApi ??= new Promise((resolve) => ZstdCodec.run(resolve)));

const zstdCodec = (): Codec => ({
  compress: async (encoder) => {
    const out = new (await zstd()).Simple().compress(encoder.buffer, 3);
    if (!out) throw new Error('zstd compression failed');
    return Buffer.from(out);
  },
  // Streaming also reads frames that do not record their content size (Java's writer).
  decompress: async (buffer) => {
    const out = new (await zstd()).Streaming().decompress(buffer);
    if (!out) throw new Error('zstd decompression failed');
    return Buffer.from(out);
  },
});

export function registerCompressionCodecs(): void {
  const table = CompressionCodecs as Record<number, () => Codec>;
  // kafkajs fills these slots with functions that throw "not implemented"; replace them.
  table[CompressionTypes.Snappy] = snappyCodec;
  table[CompressionTypes.LZ4] = lz4Codec;
  table[CompressionTypes.ZSTD] = zstdCodec;
}

export const COMPRESSION_TYPES = {
  none: CompressionTypes.None,
  gzip: CompressionTypes.GZIP,
  snappy: CompressionTypes.Snappy,
  lz4: CompressionTypes.LZ4,
  zstd: CompressionTypes.ZSTD,
} as const;

export type CompressionName = keyof typeof COMPRESSION_TYPES;
