/**
 * Shapes decoded row changes into Debezium records: envelope, tombstone after a
 * delete, a key change as delete + tombstone + create with the
 * __debezium.oldkey/newkey headers, truncate events when not skipped.
 * Pure: no I/O, so every shape is unit-tested without a database.
 */
import type { SourceRecord } from '../../src/events/record.ts';
import { processingTimestamps, type Clock, type EnvelopeValue, type Op, type TransactionBlock } from '../../src/events/envelope.ts';
import { keyOnlyRowValue, keyValue, rowValue, type TableModel, type TextRow } from './table-model.ts';
import { sourceValue, type SourceFacts } from './source-info.ts';

export interface EventOptions {
  readonly tombstonesOnDelete: boolean;
  readonly skippedOperations: ReadonlySet<Op>;
  readonly clock: Clock;
}

export type RowChange =
  | { kind: 'read'; after: TextRow }
  | { kind: 'insert'; after: TextRow }
  | { kind: 'update'; key: TextRow | null; old: TextRow | null; after: TextRow }
  | { kind: 'delete'; key: TextRow | null; old: TextRow | null }
  | { kind: 'truncate' };

function envelope(model: TableModel, op: Op, before: Record<string, unknown> | null, after: Record<string, unknown> | null,
  source: SourceFacts, tx: TransactionBlock | null, clock: Clock): EnvelopeValue {
  return { before, after, source: sourceValue(source), transaction: tx, op, ...processingTimestamps(clock) };
}

function record(model: TableModel, key: Record<string, unknown> | null, value: EnvelopeValue | null, headers?: Record<string, string>): SourceRecord {
  return {
    topic: model.topic,
    keySchema: model.keySchema,
    key,
    valueSchema: value === null ? null : model.envelope,
    value,
    ...(headers ? { headers } : {}),
  };
}

function sameKey(a: Record<string, unknown> | null, b: Record<string, unknown> | null): boolean {
  if (a === null || b === null) return a === b;
  for (const k of Object.keys(a)) {
    const x = a[k], y = b[k];
    if (Buffer.isBuffer(x) && Buffer.isBuffer(y)) { if (!x.equals(y)) return false; continue; }
    if (x !== y) return false;
  }
  return true;
}

/** Renders a key struct for a header the way a JSON-ish header converter would. */
function keyHeader(key: Record<string, unknown> | null): string {
  return JSON.stringify(key, (_k, v) => (typeof v === 'bigint' ? Number(v) : Buffer.isBuffer(v) ? v.toString('base64') : v));
}

/**
 * Records for one change. `tx` gives the transaction block for each record the
 * change produces (called once per emitted data event, so counts stay exact).
 */
export function changeRecords(model: TableModel, change: RowChange, source: SourceFacts,
  tx: () => TransactionBlock | null, opts: EventOptions): SourceRecord[] {
  const { clock } = opts;
  switch (change.kind) {
    case 'read':
    case 'insert': {
      const op: Op = change.kind === 'read' ? 'r' : 'c';
      if (opts.skippedOperations.has(op)) return [];
      const after = rowValue(model, change.after);
      return [record(model, keyValue(model, after), envelope(model, op, null, after, source, tx(), clock))];
    }
    case 'update': {
      const after = rowValue(model, change.after);
      const before = change.old ? rowValue(model, change.old) : change.key ? keyOnlyRowValue(model, change.key) : null;
      const newKey = keyValue(model, after);
      const oldKey = before ? keyValue(model, before) : null;
      if (before && model.keySchema && !sameKey(oldKey, newKey)) {
        // Primary key changed: Debezium emits delete(old key) [+ tombstone] + create(new key).
        const out: SourceRecord[] = [];
        if (!opts.skippedOperations.has('d')) {
          out.push(record(model, oldKey, envelope(model, 'd', before, null, source, tx(), clock), { '__debezium.newkey': keyHeader(newKey) }));
          if (opts.tombstonesOnDelete) out.push(record(model, oldKey, null));
        }
        if (!opts.skippedOperations.has('c')) {
          out.push(record(model, newKey, envelope(model, 'c', null, after, source, tx(), clock), { '__debezium.oldkey': keyHeader(oldKey) }));
        }
        return out;
      }
      if (opts.skippedOperations.has('u')) return [];
      // REPLICA IDENTITY DEFAULT sends no old tuple unless the key changed: before stays null.
      const beforeImage = change.old ? before : null;
      return [record(model, newKey, envelope(model, 'u', beforeImage, after, source, tx(), clock))];
    }
    case 'delete': {
      if (opts.skippedOperations.has('d')) return [];
      const before = change.old ? rowValue(model, change.old) : change.key ? keyOnlyRowValue(model, change.key) : null;
      const key = before ? keyValue(model, before) : null;
      const out = [record(model, key, envelope(model, 'd', before, null, source, tx(), clock))];
      if (opts.tombstonesOnDelete && key !== null) out.push(record(model, key, null));
      return out;
    }
    case 'truncate': {
      if (opts.skippedOperations.has('t')) return [];
      return [{ topic: model.topic, keySchema: null, key: null, valueSchema: model.envelope, value: envelope(model, 't', null, null, source, tx(), clock) }];
    }
  }
}
