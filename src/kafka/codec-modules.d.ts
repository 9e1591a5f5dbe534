// Type declarations for the pure-JavaScript compression packages used by compression-codecs.ts
// (they ship none). Only the functions the daemon calls are declared.
declare module 'lz4js' {
  export function compressBlock(src: Uint8Array, dst: Uint8Array, sIndex: number, sLength: number, hashTable: number[]): number;
  export function compressBound(n: number): number;
  export function decompress(src: Uint8Array, maxSize?: number): Uint8Array;
}
declare module 'lz4js/xxh32.js' {
  export function hash(seed: number, src: Uint8Array, index: number, len: number): number;
}
declare module 'zstd-codec' {
  interface ZstdApi {
    Simple: new () => { compress(data: Uint8Array, level?: number): Uint8Array | null };
    Streaming: new () => { decompress(data: Uint8Array, sizeHint?: number): Uint8Array | null };
  }
  export const ZstdCodec: { run(callback: (zstd: ZstdApi) => void): void };
}
declare module 'kafkajs-snappy' {
  const codec: () => { compress(encoder: { buffer: Buffer }): Promise<Buffer>; decompress(buffer: Buffer): Promise<Buffer> };
  export default codec;
}
