/**
 * The entries of a Connect MAP value, which may arrive as a Map or a plain
 * object; null for anything else (the caller reports the mismatch its own way).
 */
export function mapEntries(v: unknown): Array<[unknown, unknown]> | null {
  if (v instanceof Map) return [...v.entries()];
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) return Object.entries(v);
  return null;
}
