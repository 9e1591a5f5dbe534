/**
 * CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of a Kafka record batch
 * (magic 2), computed over every produce request's batches.
 *
 * Slicing-by-16 in WebAssembly (crc32c.wat, its bytes in crc32c-wasm.ts): sixteen bytes per step
 * through sixteen 256-entry tables, with the input copied into the module's memory a chunk at a
 * time. About 2-3 times the rate of the same tables in JavaScript, which a profile of the JSON
 * bench (4 KB per record) showed at a fifth of the daemon's CPU. Where WebAssembly is not
 * available (node --jitless), slicing-by-8 in JavaScript computes the same value.
 */
import { CRC32C_WASM_BASE64 } from './crc32c-wasm.ts';

const POLY = 0x82f63b78;
const TABLES = 16;

/** Table k at [k * 256, k * 256 + 256): the CRC of a byte followed by k zero bytes. */
function makeTables(t: Int32Array): Int32Array {
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ POLY : c >>> 1;
    t[n] = c;
  }
  for (let k = 1; k < TABLES; k++) {
    for (let n = 0; n < 256; n++) {
      const prev = t[(k - 1) * 256 + n]!;
      t[k * 256 + n] = (prev >>> 8) ^ t[prev & 0xff]!;
    }
  }
  return t;
}

const T: Int32Array = makeTables(new Int32Array(TABLES * 256));

/** The running (pre-inverted) CRC over buf[start, end), slicing-by-8 in JavaScript. */
function updateJs(crc: number, buf: Uint8Array, start: number, end: number): number {
  const t = T;
  let i = start;
  for (; i + 8 <= end; i += 8) {
    const a = crc ^ (buf[i]! | (buf[i + 1]! << 8) | (buf[i + 2]! << 16) | (buf[i + 3]! << 24));
    const b = buf[i + 4]! | (buf[i + 5]! << 8) | (buf[i + 6]! << 16) | (buf[i + 7]! << 24);
    crc = t[1792 + (a & 0xff)]! ^ t[1536 + ((a >>> 8) & 0xff)]! ^ t[1280 + ((a >>> 16) & 0xff)]! ^ t[1024 + (a >>> 24)]!
      ^ t[768 + (b & 0xff)]! ^ t[512 + ((b >>> 8) & 0xff)]! ^ t[256 + ((b >>> 16) & 0xff)]! ^ t[b >>> 24]!;
  }
  for (; i < end; i++) crc = t[(crc ^ buf[i]!) & 0xff]! ^ (crc >>> 8);
  return crc;
}

/** Where the module's memory holds the input: after the tables, to the end of its one page. */
const CHUNK_AT = TABLES * 256 * 4;
const PAGE = 65536;
const CHUNK = PAGE - CHUNK_AT;
/** Below this many bytes the call into WebAssembly and the copy cost more than they save. */
const WASM_FROM = 64;

interface Wasm { update(p: number, end: number, crc: number): number; bytes: Uint8Array }

function instantiate(): Wasm | null {
  if (typeof WebAssembly === 'undefined') return null;
  try {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(CRC32C_WASM_BASE64, 'base64')), {});
    const memory = instance.exports.memory as WebAssembly.Memory;
    new Int32Array(memory.buffer, 0, TABLES * 256).set(T);
    // the memory's one page is its maximum, so it never grows and this view stays valid
    return { update: instance.exports.update as Wasm['update'], bytes: new Uint8Array(memory.buffer) };
  } catch {
    return null; // a runtime that refuses the module (a policy, a memory limit) gets the same CRC from JavaScript
  }
}

const wasm = instantiate();

/** The running (pre-inverted) CRC over buf[start, end), in WebAssembly, a chunk at a time. */
function updateWasm(w: Wasm, crc: number, buf: Uint8Array, start: number, end: number): number {
  for (let from = start; from < end; from += CHUNK) {
    const to = Math.min(end, from + CHUNK);
    w.bytes.set(buf.subarray(from, to), CHUNK_AT);
    crc = w.update(CHUNK_AT, CHUNK_AT + (to - from), crc);
  }
  return crc;
}

/** The CRC-32C of buf[start, end), as an unsigned 32-bit number. */
export function crc32c(buf: Uint8Array, start = 0, end = buf.length): number {
  const crc = wasm !== null && end - start >= WASM_FROM ? updateWasm(wasm, ~0, buf, start, end) : updateJs(~0, buf, start, end);
  return (crc ^ ~0) >>> 0;
}

/** The same CRC in JavaScript alone (what runs without WebAssembly); for tests and benches. */
export function crc32cJs(buf: Uint8Array, start = 0, end = buf.length): number {
  return (updateJs(~0, buf, start, end) ^ ~0) >>> 0;
}
