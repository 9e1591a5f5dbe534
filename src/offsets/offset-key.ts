/**
 * Kafka Connect's offsets-topic record format, byte for byte: the key is the
 * compact JSON array ["<connector>", {partition}] and the value the offset map
 * as compact JSON (null = removed). Byte identity matters: compaction and
 * lookups are by key bytes, and Debezium deployments we take over wrote them
 * with Jackson, which keeps insertion order and emits no whitespace.
 */
import type { JsonMap } from '../events/record.ts';

export function offsetKey(connector: string, partition: JsonMap): Buffer {
  return Buffer.from(JSON.stringify([connector, partition]), 'utf8');
}

export function offsetValue(offset: JsonMap | null): Buffer | null {
  return offset === null ? null : Buffer.from(JSON.stringify(offset), 'utf8');
}

export interface ParsedOffsetKey {
  readonly connector: string;
  readonly partition: JsonMap;
}

/** Returns null for keys Connect itself would ignore (not a 2-element array with a string first). */
export function parseOffsetKey(key: Buffer | null): ParsedOffsetKey | null {
  if (!key) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(key.toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(parsed) || parsed.length !== 2 || typeof parsed[0] !== 'string') return null;
  const partition = parsed[1];
  if (partition === null || typeof partition !== 'object' || Array.isArray(partition)) return null;
  return { connector: parsed[0], partition: partition as JsonMap };
}

/** Canonical string for map lookups regardless of the writer's key order. */
export function partitionId(partition: JsonMap): string {
  return JSON.stringify(Object.keys(partition).sort().map((k) => [k, partition[k]]));
}
