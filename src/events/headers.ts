/**
 * Operations on a record's headers, with the semantics of Connect's ConnectHeaders: an ordered
 * list in which a key may repeat. `add` appends (never replaces), `remove(key)` removes every
 * header with that key, lookups by key see any of them. A record's header list is shared
 * between records (a tombstone and its delete, every record with the same context headers), so
 * these never modify a list: they return a new one, or the same one when nothing changes.
 */
import type { RecordHeader, SourceRecord } from './record.ts';
import { S } from './schema.ts';

const STRING = S.string();

/** A text header, as Connect's Headers.addString makes it (STRING schema). */
export function textHeader(key: string, value: string): RecordHeader {
  return { key, schema: STRING, value };
}

/** The record with `added` after its headers (Connect's Headers.add, once per header). */
export function appendHeaders(record: SourceRecord, added: readonly RecordHeader[]): SourceRecord {
  if (added.length === 0) return record;
  const headers = record.headers && record.headers.length > 0 ? [...record.headers, ...added] : added;
  return { ...record, headers };
}

/** The headers without any whose key is in `keys` (Connect's Headers.remove, for each key); the same list when none is. */
export function withoutHeaderKeys(headers: readonly RecordHeader[] | undefined, keys: ReadonlySet<string>): readonly RecordHeader[] | undefined {
  if (!headers || !headers.some((h) => keys.has(h.key))) return headers;
  return headers.filter((h) => !keys.has(h.key));
}

/** The first header with that key, as Debezium's ExtractNewRecordState looks one up. */
export function firstHeader(headers: readonly RecordHeader[] | undefined, key: string): RecordHeader | undefined {
  return headers?.find((h) => h.key === key);
}

/** The last header with that key (Connect's Headers.lastWithName). */
export function lastHeader(headers: readonly RecordHeader[] | undefined, key: string): RecordHeader | undefined {
  if (!headers) return undefined;
  for (let i = headers.length - 1; i >= 0; i--) if (headers[i]!.key === key) return headers[i];
  return undefined;
}
