/**
 * The buffer the converters' one-pass writers (avro-writer.ts, json-bytes-writer.ts) write
 * records into. Each record is a view of its own bytes in the current slab (no copy), as
 * Node's Buffer.allocUnsafe hands out views of its pool; a record that outgrows the slab moves,
 * with what it wrote so far, to a new one. One slab for both writers: each writes a record
 * synchronously from begin to end, so two records never interleave.
 *
 * The writers' hot loops read and write `slab.buf` and `slab.pos` directly.
 */

const SLAB_BYTES = 256 * 1024;

export const slab = {
  buf: Buffer.allocUnsafe(SLAB_BYTES),
  /** where the next byte goes */
  pos: 0,
  /** the first byte of the record being written (moved along by grow()) */
  start: 0,
};

/** Moves the record being written to a new slab with room for `n` more bytes. */
export function grow(n: number): void {
  const s = slab;
  const used = s.pos - s.start;
  const next = Buffer.allocUnsafe(Math.max(SLAB_BYTES, 2 * (used + n)));
  s.buf.copy(next, 0, s.start, s.pos);
  s.buf = next;
  s.start = 0;
  s.pos = used;
}

/** Room for `n` more bytes of the record being written. */
export function ensure(n: number): void {
  if (slab.pos + n > slab.buf.length) grow(n);
}

/**
 * Copies the leading ASCII characters of `s` into the slab from byte `at` (the caller ensured
 * room for s.length bytes there) and returns how many there were: s.length when all of them.
 */
export function asciiAt(s: string, at: number): number {
  const out = slab.buf;
  const n = s.length;
  let i = 0;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) break;
    out[at + i] = c;
  }
  return i;
}

/** Starts a record at the current position. */
export function beginRecord(): void {
  slab.start = slab.pos;
}

/** Gives back the room the record being written took (a write that threw). */
export function abortRecord(): void {
  slab.pos = slab.start;
}

/** The record's bytes, as a view; the next record starts after them. */
export function endRecord(): Buffer {
  const s = slab;
  const out = s.buf.subarray(s.start, s.pos);
  if (s.buf.length > SLAB_BYTES) {
    // An outsized slab made for one large record: leave it to that record alone.
    s.buf = Buffer.allocUnsafe(SLAB_BYTES);
    s.pos = 0;
  }
  s.start = s.pos;
  return out;
}
