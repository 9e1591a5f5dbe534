/**
 * Debezium records of one MySQL/MariaDB row change (the ChangeRecords seam, event-model.ts):
 * the envelope for c/u/d/r, a tombstone after each delete (tombstones.on.delete), and an update
 * that changes the key as delete (header __debezium.newkey) + tombstone + create (header
 * __debezium.oldkey), as RelationalChangeRecordEmitter and EventDispatcher emit them.
 *
 * skipped.operations as Debezium's binlog connectors apply it: they do not register the binlog
 * handler of a skipped row event type (BinlogStreamingChangeEventSource), and their dispatcher
 * never filters again (supportsOperationFiltering). So the kind of the ROW EVENT decides: "u"
 * drops every update, key-changing ones included; "c" or "d" drop inserts or deletes but leave
 * the delete and create of a key change. Snapshot reads are never skipped.
 *
 * Records carry no Kafka timestamp (Debezium leaves it unset: the producer's time), like the
 * PostgreSQL connector's.
 */
import { systemClock, type Clock, type EnvelopeValue, type Op, type TransactionBlock } from '../../src/events/envelope.ts';
import type { RecordHeader, SourceRecord } from '../../src/events/record.ts';
import type { ChangeRecords, MySqlEventOptions, MySqlSourceFacts, MySqlTableModel, TransactionBlockSource } from './event-model.ts';
import { sourceValue } from './source-info.ts';
import type { MysqlTaskConfig } from './config-task.ts';
import { debeziumContextHeaders, recordHeaders } from '../../src/events/debezium-common.ts';

export { debeziumContextHeaders };

/**
 * The event options of one task start from its config: tombstones.on.delete, skipped.operations,
 * and the extended headers (extended.headers.enabled) with a run id chosen by the caller at start.
 */
export function eventOptions(cfg: Pick<MysqlTaskConfig, 'flavour' | 'events'>, taskId: number, runId: string, clock?: Clock): MySqlEventOptions {
  return {
    tombstonesOnDelete: cfg.events.tombstonesOnDelete,
    skippedOperations: cfg.events.skippedOperations,
    contextHeaders: cfg.events.extendedHeaders ? debeziumContextHeaders(cfg.events.topicPrefix, taskId, runId, cfg.flavour) : null,
    ...(clock ? { clock } : {}),
  };
}

type Headers = readonly RecordHeader[];


/** The record's own header, then the context headers (Debezium adds them last). */
function headersOf(own: RecordHeader | null, opts: MySqlEventOptions): Headers | null {
  return recordHeaders(own, opts.contextHeaders);
}

function record(model: MySqlTableModel, key: Record<string, unknown> | null, value: EnvelopeValue | null, headers: Headers | null): SourceRecord {
  const valueSchema = value === null ? null : model.envelopeSchema;
  return headers === null
    ? { topic: model.topic, keySchema: model.keySchema, key, valueSchema, value }
    : { topic: model.topic, keySchema: model.keySchema, key, valueSchema, value, headers };
}

function blockOf(tx: TransactionBlockSource): TransactionBlock | null {
  return typeof tx === 'function' ? tx() : tx;
}

function envelope(op: Op, before: Record<string, unknown> | null, after: Record<string, unknown> | null,
  model: MySqlTableModel, source: MySqlSourceFacts, tx: TransactionBlockSource, clock: Clock): EnvelopeValue {
  const ns = clock.nowNs();
  return {
    before, after, source: sourceValue(model.flavour, source), transaction: blockOf(tx), op,
    ts_ms: ns / 1_000_000n, ts_us: ns / 1_000n, ts_ns: ns,
  };
}

/** Key structs compared field by field (Connect's Struct.equals: bytes by content). */
export function sameKey(a: Record<string, unknown> | null, b: Record<string, unknown> | null): boolean {
  if (a === null || b === null) return a === b;
  for (const k of Object.keys(a)) {
    const x = a[k], y = b[k];
    if (Buffer.isBuffer(x) && Buffer.isBuffer(y)) { if (!x.equals(y)) return false; continue; }
    if (x !== y) return false;
  }
  return true;
}

export const changeRecords: ChangeRecords = (model, change, source, tx, opts) => {
  const clock = opts.clock ?? systemClock();
  const skipped = opts.skippedOperations;
  switch (change.kind) {
    case 'read':
    case 'insert': {
      if (change.kind === 'insert' && skipped.has('c')) return [];
      const op: Op = change.kind === 'read' ? 'r' : 'c';
      return [record(model, model.keyStruct(change.after), envelope(op, null, model.rowValue(change.after), model, source, tx, clock), headersOf(null, opts))];
    }
    case 'update': {
      if (skipped.has('u')) return [];
      const before = model.rowValue(change.before);
      const after = model.rowValue(change.after);
      const oldKey = model.keyStruct(change.before);
      const newKey = model.keyStruct(change.after);
      if (oldKey === null || sameKey(oldKey, newKey)) {
        return [record(model, newKey, envelope('u', before, after, model, source, tx, clock), headersOf(null, opts))];
      }
      // The key changed: delete under the old key, its tombstone (a copy without value, same headers), create under the new key.
      const deleteHeaders = headersOf({ key: '__debezium.newkey', schema: model.keySchema, value: newKey }, opts);
      const out = [record(model, oldKey, envelope('d', before, null, model, source, tx, clock), deleteHeaders)];
      if (opts.tombstonesOnDelete) out.push(record(model, oldKey, null, deleteHeaders));
      out.push(record(model, newKey, envelope('c', null, after, model, source, tx, clock),
        headersOf({ key: '__debezium.oldkey', schema: model.keySchema, value: oldKey }, opts)));
      return out;
    }
    case 'delete': {
      if (skipped.has('d')) return [];
      const key = model.keyStruct(change.before);
      const headers = headersOf(null, opts);
      const out = [record(model, key, envelope('d', model.rowValue(change.before), null, model, source, tx, clock), headers)];
      // A table without a key gets its tombstone too, with a null key, as in Debezium.
      if (opts.tombstonesOnDelete) out.push(record(model, key, null, headers));
      return out;
    }
  }
};

/**
 * The truncate event of TRUNCATE TABLE (a DDL in the binlog), emitted only when skipped.operations
 * does not contain "t" (it does by default): null key, envelope with only source, op and ts_*.
 */
export function truncateRecords(model: MySqlTableModel, source: MySqlSourceFacts, tx: TransactionBlockSource, opts: MySqlEventOptions): SourceRecord[] {
  if (opts.skippedOperations.has('t')) return [];
  const clock = opts.clock ?? systemClock();
  const r: SourceRecord = { topic: model.topic, keySchema: null, key: null, valueSchema: model.envelopeSchema, value: envelope('t', null, null, model, source, tx, clock) };
  const headers = headersOf(null, opts);
  return [headers === null ? r : { ...r, headers }];
}
