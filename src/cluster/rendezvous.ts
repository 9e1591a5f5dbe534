/**
 * Rendezvous (highest-random-weight) hashing: every worker computes the owner
 * of a connector from the same member list, with no coordination. When a
 * member leaves, only its connectors move; when one joins, only the connectors
 * it now wins move to it. So a rebalance never stops a connector that stays.
 */
import { createHash } from 'node:crypto';

export function owner(connector: string, workers: readonly string[]): string | null {
  let best: string | null = null;
  let bestScore = -1n;
  for (const w of workers) {
    const h = createHash('sha256').update(`${w}\u0000${connector}`).digest();
    const score = h.readBigUInt64BE(0);
    if (score > bestScore || (score === bestScore && best !== null && w < best)) { best = w; bestScore = score; }
  }
  return best;
}
