/**
 * One codec between the snapshot queue (typed) and the fields it adds to a
 * connector's offset map, for every source.
 *
 * Debezium's keys (reference/incremental-snapshots.md §7), so an offset can be
 * taken over from Debezium and given back:
 *   incremental_snapshot_collections    JSON array in queue order, running table first:
 *                                       {"incremental_snapshot_collections_id", "..._additional_condition"
 *                                       ("(filter)" or null), "..._surrogate_key"}
 *   incremental_snapshot_primary_key    last key of the last chunk recorded as done, of the first table
 *                                       (Java-serialised Object[] as hex, null serialised when none)
 *   incremental_snapshot_maximum_key    the first table's largest key, read when its scan began
 *   incremental_snapshot_correlation_id id of the latest execute-snapshot signal, or null
 * One key of our own, only for what Debezium does not record:
 *   cdc_snapshot  JSON {"v":1,"collections":[{"id","kind","rows","chunks","key"?,"primary_key"?,"maximum_key"?}]}
 *                 aligned with incremental_snapshot_collections: the kind of each queued table (so an
 *                 unfinished initial snapshot stays known as such), rows and chunks done (progress
 *                 survives restarts), the key columns the positions are in (a changed key choice
 *                 restarts that table's scan instead of misreading them), and the key positions of tables after the first that run
 *                 concurrently (snapshot.max.threads > 1). Debezium ignores the key; an offset
 *                 without it (written by Debezium) reads as incremental snapshots.
 * While nothing is queued the fields are absent, as in Debezium.
 */
import type { JsonMap } from '../events/record.ts';
import { ConfigError } from '../errors/cdc-error.ts';
import type { KeyValues, SnapshotCollection, SnapshotKind } from './contracts.ts';
import { decodeJavaKey, encodeJavaKey, UnsupportedJavaValue } from './java-serial.ts';

export const COLLECTIONS_KEY = 'incremental_snapshot_collections';
export const PRIMARY_KEY_KEY = 'incremental_snapshot_primary_key';
export const MAXIMUM_KEY_KEY = 'incremental_snapshot_maximum_key';
export const CORRELATION_ID_KEY = 'incremental_snapshot_correlation_id';
export const OWN_KEY = 'cdc_snapshot';
const OWN_VERSION = 1;

const ID = 'incremental_snapshot_collections_id';
const CONDITION = 'incremental_snapshot_collections_additional_condition';
const SURROGATE = 'incremental_snapshot_collections_surrogate_key';

/** One queued table as the offset records it. */
export interface StoredCollection {
  readonly collection: SnapshotCollection;
  readonly kind: SnapshotKind;
  /** last key of the last chunk recorded as done; null = no chunk done yet */
  readonly lastKey: KeyValues | null;
  /** the table's largest key when its scan began; null = not read yet */
  readonly maxKey: KeyValues | null;
  readonly rowsDone: number;
  readonly chunks: number;
  /** the key columns the positions are in; null = not known (not resolved yet, or written by Debezium) */
  readonly keyColumns: readonly string[] | null;
}

export interface SnapshotOffsetState {
  readonly collections: readonly StoredCollection[];
  readonly correlationId: string | null;
}

const KINDS: readonly SnapshotKind[] = ['initial', 'incremental', 'blocking'];

export function encodeSnapshotOffset(state: SnapshotOffsetState): JsonMap {
  const [first] = state.collections;
  if (!first) return {};
  return {
    [COLLECTIONS_KEY]: JSON.stringify(state.collections.map((c) => ({
      [ID]: c.collection.id,
      [CONDITION]: c.collection.filter === null ? null : `(${c.collection.filter})`,
      [SURROGATE]: c.collection.surrogateKey,
    }))),
    [PRIMARY_KEY_KEY]: encodeJavaKey(first.lastKey),
    [MAXIMUM_KEY_KEY]: encodeJavaKey(first.maxKey),
    [CORRELATION_ID_KEY]: state.correlationId,
    [OWN_KEY]: JSON.stringify({
      v: OWN_VERSION,
      collections: state.collections.map((c, i) => ({
        id: c.collection.id, kind: c.kind, rows: c.rowsDone, chunks: c.chunks,
        ...(c.keyColumns !== null ? { key: c.keyColumns } : {}),
        // the first table's positions are Debezium's two keys; writing them twice would let them disagree
        ...(i > 0 && c.lastKey !== null ? { primary_key: encodeJavaKey(c.lastKey) } : {}),
        ...(i > 0 && c.maxKey !== null ? { maximum_key: encodeJavaKey(c.maxKey) } : {}),
      })),
    }),
  };
}

/** The queue an offset map records, or null when it records none. `where` names the offset for errors. */
export function decodeSnapshotOffset(offset: JsonMap, where: string): SnapshotOffsetState | null {
  const raw = offset[COLLECTIONS_KEY];
  if (raw === undefined || raw === null) return null;
  const listed = parseJson(raw, COLLECTIONS_KEY, where);
  if (!Array.isArray(listed)) throw invalid(COLLECTIONS_KEY, 'is not a JSON array', where);
  const collections = listed.map((e, i): SnapshotCollection => {
    if (!e || typeof e !== 'object' || typeof e[ID] !== 'string' || e[ID] === '') throw invalid(COLLECTIONS_KEY, `entry ${i} has no ${ID}`, where);
    return { id: e[ID], filter: unwrapCondition(textOrNull(e[CONDITION])), surrogateKey: textOrNull(e[SURROGATE]) };
  });
  if (collections.length === 0) return null;
  const own = readOwn(offset[OWN_KEY], where);
  const used = new Set<number>();
  const stored = collections.map((collection, i): StoredCollection => {
    // Aligned by position; by id when the list was edited (PATCH .../offsets) or written without our key.
    const j = own[i]?.id === collection.id && !used.has(i) ? i : own.findIndex((o, k) => !used.has(k) && o.id === collection.id);
    const mine = j >= 0 ? own[j]! : null;
    if (j >= 0) used.add(j);
    const lastKey = i === 0 ? javaKey(offset, PRIMARY_KEY_KEY, where) : mine?.primaryKey ? javaKeyText(mine.primaryKey, `${OWN_KEY} (table ${collection.id})`, where) : null;
    const maxKey = i === 0 ? javaKey(offset, MAXIMUM_KEY_KEY, where) : mine?.maximumKey ? javaKeyText(mine.maximumKey, `${OWN_KEY} (table ${collection.id})`, where) : null;
    return { collection, kind: mine?.kind ?? 'incremental', lastKey, maxKey, rowsDone: mine?.rows ?? 0, chunks: mine?.chunks ?? 0, keyColumns: mine?.key ?? null };
  });
  const corr = offset[CORRELATION_ID_KEY];
  return { collections: stored, correlationId: typeof corr === 'string' ? corr : null };
}

interface OwnEntry { id: string; kind: SnapshotKind; rows: number; chunks: number; key?: string[]; primaryKey?: string; maximumKey?: string }

function readOwn(raw: JsonMap[string] | undefined, where: string): OwnEntry[] {
  if (raw === undefined || raw === null) return [];
  const v = parseJson(raw, OWN_KEY, where);
  if (!v || typeof v !== 'object' || !Array.isArray(v.collections)) throw invalid(OWN_KEY, 'has no "collections" list', where);
  if (typeof v.v === 'number' && v.v > OWN_VERSION) {
    throw new ConfigError({
      code: 'CDC_SNAPSHOT_OFFSET_INVALID',
      what: `stored offset field ${OWN_KEY} has version ${v.v}, newer than this release understands (${OWN_VERSION})`,
      where,
      fix: 'run the release that wrote it, or stop the connector (PUT /connectors/<name>/stop) and reset its offset with DELETE /connectors/<name>/offsets',
    });
  }
  return v.collections.map((e: Record<string, unknown>, i: number): OwnEntry => {
    if (!e || typeof e.id !== 'string' || !KINDS.includes(e.kind as SnapshotKind)) throw invalid(OWN_KEY, `entry ${i} lacks an id or a kind (initial, incremental or blocking)`, where);
    return {
      id: e.id, kind: e.kind as SnapshotKind,
      rows: typeof e.rows === 'number' && e.rows >= 0 ? e.rows : 0,
      chunks: typeof e.chunks === 'number' && e.chunks >= 0 ? e.chunks : 0,
      ...(Array.isArray(e.key) && e.key.every((c) => typeof c === 'string') ? { key: e.key as string[] } : {}),
      ...(typeof e.primary_key === 'string' ? { primaryKey: e.primary_key } : {}),
      ...(typeof e.maximum_key === 'string' ? { maximumKey: e.maximum_key } : {}),
    };
  });
}

function javaKey(offset: JsonMap, field: string, where: string): KeyValues | null {
  const v = offset[field];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw invalid(field, 'is not a hexadecimal string', where);
  return javaKeyText(v, field, where);
}

function javaKeyText(hex: string, field: string, where: string): KeyValues | null {
  try {
    return decodeJavaKey(hex);
  } catch (e) {
    if (!(e instanceof UnsupportedJavaValue)) throw e;
    throw new ConfigError({
      code: 'CDC_SNAPSHOT_OFFSET_KEY_TYPE',
      what: `stored offset field ${field} holds a snapshot key this daemon cannot read: ${e.message}; keys are read as java.lang.Integer, Long, Short, Byte or String`,
      where,
      fix: 'stop the connector (PUT /connectors/<name>/stop) and either remove the incremental_snapshot_* and cdc_snapshot fields from its offset with PATCH /connectors/<name>/offsets (the snapshot in progress is dropped; send an execute-snapshot signal to start it again) or reset the offset with DELETE /connectors/<name>/offsets',
      cause: e,
    });
  }
}

function parseJson(raw: JsonMap[string], field: string, where: string): any {
  if (typeof raw !== 'string') throw invalid(field, 'is not a JSON string', where);
  try {
    return JSON.parse(raw);
  } catch {
    throw invalid(field, 'is not valid JSON', where);
  }
}

function textOrNull(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

function invalid(field: string, problem: string, where: string): ConfigError {
  return new ConfigError({
    code: 'CDC_SNAPSHOT_OFFSET_INVALID',
    what: `stored offset field ${field} ${problem}`,
    where,
    fix: 'stop the connector (PUT /connectors/<name>/stop) and correct the field with PATCH /connectors/<name>/offsets, or reset the offset with DELETE /connectors/<name>/offsets',
  });
}

/**
 * Debezium stores a condition with parentheses added around it; we add them on
 * write, so we take one matching outer pair off on read (a condition like
 * "(a) OR (b)" has no matching outer pair and stays as it is).
 */
export function unwrapCondition(stored: string | null): string | null {
  if (stored === null) return null;
  const s = stored.trim();
  if (!s.startsWith('(') || !s.endsWith(')')) return stored;
  let depth = 0;
  let quote: string | null = null;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quote) {
      if (c === quote) quote = null; // a doubled quote re-opens at the next char: same result
      continue;
    }
    if (c === "'" || c === '"') quote = c;
    else if (c === '(') depth++;
    else if (c === ')' && --depth === 0 && i < s.length - 1) return stored; // the first '(' closes early
  }
  return depth === 0 ? s.slice(1, -1) : stored;
}
