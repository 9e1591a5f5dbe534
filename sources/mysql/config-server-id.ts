/**
 * database.server.id when the config leaves it out. Debezium requires it; a fixed default
 * (zongji's is 1, the id of most primaries) would make two readers kick each other's dump
 * connection with a misleading error. The id is derived from what names the connector
 * (its name and topic.prefix), so it is stable across restarts and moves between workers
 * and differs between connectors; it stays above 2^20, clear of the small ids servers are
 * usually given. A collision is still possible and is caught by the duplicate server id
 * check (server-checks.ts) before the dump starts.
 */
const LOW = 1 << 20;
const HIGH = 4294967295;

/** FNV-1a, 32 bits: small, stable across Node versions, good enough spread for ids. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

export function derivedServerId(connectorName: string | undefined, topicPrefix: string): number {
  return LOW + (fnv1a(`${connectorName ?? ''}\u0000${topicPrefix}`) % (HIGH - LOW + 1));
}

/** The configured id, or the derived one. */
export function effectiveServerId(configured: number | undefined, connectorName: string | undefined, topicPrefix: string): number {
  return configured ?? derivedServerId(connectorName, topicPrefix);
}
