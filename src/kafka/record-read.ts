/**
 * Reading a TopicRecords back (src/kafka/record-set.ts): where a record's parts lie in the buffer,
 * for renumbering it into another partition's batch, and the record decoded, for a kafkajs the
 * patch does not apply to (which takes messages) and for tests.
 */
import { uvarintSize, zigzag32 } from './record-bytes.ts';
import type { TopicRecords } from './record-set.ts';
import type { OutRecord } from './txn-producer.ts';

export interface RecordSpan {
  /** the record's size after its length field */
  readonly body: number;
  /** where its attributes byte is (right after the length field) */
  readonly headAt: number;
  /** where its offset delta is (right after the timestamp delta) */
  readonly deltaAt: number;
  /** what follows the offset delta: key, value, headers */
  readonly restAt: number;
  readonly end: number;
}

/** Where record i of `t` lies; its offset delta is i, as TopicRecords.add wrote it. */
export function recordSpan(t: TopicRecords, i: number): RecordSpan {
  const buf = t.buf;
  let o = t.starts[i]!;
  let body = 0, shift = 0, b: number;
  do { b = buf[o++]!; body |= (b & 0x7f) << shift; shift += 7; } while (b & 0x80);
  body = (body >>> 1) ^ -(body & 1);
  const headAt = o;
  const end = headAt + body;
  o++; // attributes
  while (buf[o++]! & 0x80); // timestamp delta
  const deltaAt = o;
  return { body, headAt, deltaAt, restAt: deltaAt + uvarintSize(zigzag32(i)), end };
}

/** Record i of `t` as an out record: copies of its key, value and headers, its partition when it had one, its timestamp. */
export function decodeRecord(t: TopicRecords, i: number): OutRecord {
  const buf = t.buf;
  let o = recordSpan(t, i).restAt;
  const varint = (): number => {
    let u = 0, shift = 0, b: number;
    do { b = buf[o++]!; u += (b & 0x7f) * 2 ** shift; shift += 7; } while (b & 0x80);
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  };
  const bytes = (): Buffer | null => {
    const n = varint();
    if (n < 0) return null;
    const b = Buffer.from(buf.subarray(o, o + n));
    o += n;
    return b;
  };
  const key = bytes(), value = bytes();
  const headerCount = varint();
  const out: { -readonly [K in keyof OutRecord]: OutRecord[K] } = { topic: t.topic, key, value, timestamp: t.stamps[i]! };
  if (t.parts[i]! >= 0) out.partition = t.parts[i]!;
  if (headerCount > 0) {
    const headers: Record<string, string | string[]> = {};
    for (let h = 0; h < headerCount; h++) {
      const k = bytes()!.toString('utf8');
      const v = bytes()?.toString('utf8') ?? '';
      const had = headers[k];
      headers[k] = had === undefined ? v : Array.isArray(had) ? [...had, v] : [had, v];
    }
    out.headers = headers;
  }
  return out;
}
