/**
 * What a signal is and how one is read: Debezium's {id, type, data} triple, from any
 * channel, turned into one typed action or into a problem that says what is wrong and
 * how to fix it (reference/incremental-snapshots.md, section 6). Nothing here acts or
 * logs: the dispatcher does (signal-dispatcher.ts). Parsing is the same for every
 * channel and for the REST endpoint, which validates before it produces.
 */

/** Where a signal came from: the signal table, the signal topic (written by users or by POST .../signals). */
export type SignalChannelName = 'source' | 'kafka' | 'rest';

/** A signal as a channel delivers it, before validation. */
export interface RawSignal {
  readonly id: unknown;
  readonly type: unknown;
  /** JSON text (signal table, Debezium's layout), an object (signal topic, REST), or null/absent */
  readonly data: unknown;
}

export type SnapshotType = 'incremental' | 'blocking';

export interface AdditionalCondition {
  /** regular expression (whole id, case-insensitive) of the tables the filter applies to */
  readonly dataCollection: RegExp;
  readonly filter: string;
}

export type SignalAction =
  | { readonly type: 'execute-snapshot'; readonly snapshotType: SnapshotType; readonly dataCollections: readonly RegExp[];
      readonly additionalConditions: readonly AdditionalCondition[]; readonly surrogateKey: string | null }
  | { readonly type: 'stop-snapshot'; readonly snapshotType: SnapshotType; readonly dataCollections: readonly RegExp[] | null }
  | { readonly type: 'pause-snapshot' }
  | { readonly type: 'resume-snapshot' }
  | { readonly type: 'log'; readonly message: string }
  /** Debezium's own watermark rows in a signal table it shares with us: not signals to act on. */
  | { readonly type: 'watermark' };

export interface Signal {
  /** null when the sender gave none (allowed on the signal topic, as in Debezium) */
  readonly id: string | null;
  readonly action: SignalAction;
}

export type ParsedSignal =
  | { readonly ok: true; readonly signal: Signal }
  | { readonly ok: false; readonly id: string | null; readonly what: string; readonly fix: string };

export const SIGNAL_TYPES = ['execute-snapshot', 'stop-snapshot', 'pause-snapshot', 'resume-snapshot', 'log'] as const;

/** Debezium's watermark and schema signal types: known, but not something a user sends to this daemon. */
const DEBEZIUM_WATERMARKS = new Set(['snapshot-window-open', 'snapshot-window-close']);

type Data = Readonly<Record<string, unknown>>;

class Problem extends Error {
  constructor(readonly what: string, readonly fix: string) { super(what); }
}

/** A regular expression of table ids as Debezium reads it: the whole id, case-insensitive. */
export function tablePattern(text: string, field: string): RegExp {
  try {
    return new RegExp(`^(?:${text})$`, 'i');
  } catch (err) {
    throw new Problem(`${field} "${text}" is not a valid regular expression (${(err as Error).message})`,
      `write ${field} as a regular expression of schema.table ids, e.g. "public\\\\.orders" or "public\\\\..*"`);
  }
}

function dataObject(raw: unknown, type: string): Data | null {
  if (raw === null || raw === undefined) return null;
  let v = raw;
  if (typeof raw === 'string') {
    if (raw.trim() === '') return null;
    try {
      v = JSON.parse(raw);
    } catch {
      throw new Problem(`the data of a ${type} signal is not JSON`, 'write data as a JSON object, e.g. {"data-collections": ["public.orders"]}');
    }
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new Problem(`the data of a ${type} signal is not a JSON object`, 'write data as a JSON object, e.g. {"data-collections": ["public.orders"]}');
  }
  return v as Data;
}

function snapshotType(data: Data | null, type: string): SnapshotType {
  const t = data?.['type'];
  if (t === undefined || t === null) return 'incremental';
  if (typeof t === 'string' && (t.toLowerCase() === 'incremental' || t.toLowerCase() === 'blocking')) return t.toLowerCase() as SnapshotType;
  throw new Problem(`the data.type of a ${type} signal is ${JSON.stringify(t)}`, 'set data.type to "incremental" (the default) or "blocking"');
}

function collections(data: Data | null, type: string, required: boolean): RegExp[] | null {
  const list = data?.['data-collections'];
  if (list === undefined || list === null) {
    if (!required) return null;
    throw new Problem(`a ${type} signal without data.data-collections`, 'list the tables to snapshot in data.data-collections, e.g. {"data-collections": ["public.orders"]}');
  }
  if (!Array.isArray(list) || list.some((x) => typeof x !== 'string' || x.trim() === '')) {
    throw new Problem(`data.data-collections of a ${type} signal is not a list of table names`, 'write data.data-collections as a JSON array of strings (regular expressions of schema.table ids)');
  }
  if (list.length === 0) {
    if (!required) return null;
    throw new Problem(`a ${type} signal with an empty data.data-collections`, 'name at least one table in data.data-collections');
  }
  return (list as string[]).map((x) => tablePattern(x.trim(), 'data.data-collections entry'));
}

/**
 * Debezium's blocking snapshot takes each additional-conditions filter as a whole SELECT statement
 * (as snapshot.select.statement.overrides does); its incremental snapshot takes a WHERE condition.
 * Here both kinds are read in key-ordered chunks, so only the condition can be used: a plain
 * `SELECT * FROM <table> [WHERE <condition>]` is reduced to its condition, anything else (other
 * columns, joins, ORDER BY, LIMIT) is refused rather than silently read differently.
 */
const PLAIN_SELECT = /^select\s+\*\s+from\s+(?:"[^"]+"|[^\s"]+)(?:\.(?:"[^"]+"|[^\s"]+))?(?:\s+where\s+([\s\S]+?))?\s*;?\s*$/i;
const NOT_A_CONDITION = /\b(order\s+by|limit|offset|fetch|join|group\s+by|union)\b/i;

function blockingFilter(filter: string): string | null {
  if (!/^select\b/i.test(filter)) return filter;
  const m = PLAIN_SELECT.exec(filter);
  if (!m || (m[1] !== undefined && NOT_A_CONDITION.test(m[1]))) {
    throw new Problem('a filter of data.additional-conditions is a SELECT statement this daemon cannot read in chunks (other columns, a join, ORDER BY or LIMIT)',
      'write the filter as SELECT * FROM <table> WHERE <condition>, or as the condition alone (e.g. "color = \'blue\'"): blocking snapshots are read in key order like incremental ones');
  }
  return m[1]?.trim() ?? null;
}

function conditions(data: Data, blocking: boolean): AdditionalCondition[] {
  const list = data['additional-conditions'];
  if (data['additional-condition'] !== undefined) {
    throw new Problem('data.additional-condition (singular) is no longer read by Debezium nor here',
      'write data.additional-conditions: [{"data-collection": "public.orders", "filter": "color = \'blue\'"}]');
  }
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw new Problem('data.additional-conditions is not a list', 'write it as [{"data-collection": "<regex>", "filter": "<where clause>"}]');
  return list.map((c: unknown) => {
    const o = c as Data | null;
    const dc = o?.['data-collection'], filter = o?.['filter'];
    if (typeof o !== 'object' || o === null || typeof dc !== 'string' || dc.trim() === '' || typeof filter !== 'string' || filter.trim() === '') {
      throw new Problem('an entry of data.additional-conditions lacks data-collection or filter', 'give every entry both: {"data-collection": "<regex>", "filter": "<where clause>"}');
    }
    const condition = blocking ? blockingFilter(filter.trim()) : filter.trim();
    return condition === null ? null : { dataCollection: tablePattern(dc.trim(), 'additional-conditions data-collection'), filter: condition };
  }).filter((c): c is AdditionalCondition => c !== null);
}

function actionOf(type: string, rawData: unknown): SignalAction {
  switch (type) {
    case 'execute-snapshot': {
      const data = dataObject(rawData, type);
      const surrogate = data?.['surrogate-key'];
      if (surrogate !== undefined && surrogate !== null && (typeof surrogate !== 'string' || surrogate.trim() === '')) {
        throw new Problem('data.surrogate-key is not a column name', 'set data.surrogate-key to one column name, or leave it out to chunk by the primary key');
      }
      const kind = snapshotType(data, type);
      return {
        type, snapshotType: kind, dataCollections: collections(data, type, true)!,
        additionalConditions: data ? conditions(data, kind === 'blocking') : [], surrogateKey: typeof surrogate === 'string' ? surrogate.trim() : null,
      };
    }
    case 'stop-snapshot': {
      const data = dataObject(rawData, type);
      return { type, snapshotType: snapshotType(data, type), dataCollections: collections(data, type, false) };
    }
    case 'pause-snapshot': case 'resume-snapshot':
      return { type };
    case 'log': {
      const data = dataObject(rawData, type);
      const message = data?.['message'];
      if (typeof message !== 'string') throw new Problem('a log signal without data.message', 'write data as {"message": "text to log"}');
      return { type, message };
    }
    default:
      if (DEBEZIUM_WATERMARKS.has(type)) return { type: 'watermark' };
      if (type === 'schema-changes') {
        throw new Problem('schema-changes signals are not read here: the PostgreSQL connector learns every table\'s schema from pgoutput and keeps no schema history',
          'do not send schema-changes; alter the table and the next change carries the new schema');
      }
      throw new Problem(`unknown signal type "${type}"`, `use one of ${SIGNAL_TYPES.join(', ')}`);
  }
}

/** Reads one signal; never throws. */
export function parseSignal(raw: RawSignal): ParsedSignal {
  const id = raw.id === null || raw.id === undefined || raw.id === '' ? null : typeof raw.id === 'string' ? raw.id : String(raw.id);
  try {
    if (typeof raw.type !== 'string' || raw.type.trim() === '') {
      throw new Problem('a signal without a type', `set type to one of ${SIGNAL_TYPES.join(', ')}`);
    }
    return { ok: true, signal: { id, action: actionOf(raw.type.trim(), raw.data) } };
  } catch (err) {
    if (err instanceof Problem) return { ok: false, id, what: err.what, fix: err.fix };
    return { ok: false, id, what: `the signal could not be read (${(err as Error).message})`, fix: 'send {"id": "...", "type": "...", "data": {...}}' };
  }
}

/** A signal's value on the signal topic, as Debezium's kafka channel reads it (null = not JSON or not an object). */
export function rawFromTopicValue(value: string): RawSignal | null {
  let v: unknown;
  try { v = JSON.parse(value); } catch { return null; }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return null;
  const o = v as Data;
  return { id: o['id'], type: o['type'], data: o['data'] };
}
