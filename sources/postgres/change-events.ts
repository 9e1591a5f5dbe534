/**
 * Shapes decoded row changes into Debezium records: envelope, tombstone after a
 * delete, a key change as delete + tombstone + create with the
 * __debezium.oldkey/newkey headers, truncate events when not skipped.
 * Pure: no I/O, so every shape is unit-tested without a database.
 */
import type { RecordHeader, SourceRecord } from '../../src/events/record.ts';
import { debeziumContextHeaders as contextHeadersFor, recordHeaders } from '../../src/events/debezium-common.ts';
import type { Clock, EnvelopeValue, Op, TransactionBlock } from '../../src/events/envelope.ts';
import { keyOnlyRowValue, keyValue, rowValue, type TableModel, type TextRow } from './table-model.ts';
import { DEBEZIUM_VERSION, type SourceFacts } from './source-info.ts';

export interface EventOptions {
  readonly tombstonesOnDelete: boolean;
  readonly skippedOperations: ReadonlySet<Op>;
  readonly clock: Clock;
  /**
   * Debezium's extended headers (__debezium.context.*), put on every change record and
   * tombstone after any key-change header; null when extended.headers.enabled=false.
   */
  readonly contextHeaders?: Readonly<Record<string, string>> | null;
}

/** Debezium's extended headers (src/events/debezium-common.ts) with this connector's plugin name. */
export function debeziumContextHeaders(topicPrefix: string, taskId: number, runId: string): Readonly<Record<string, string>> {
  return contextHeadersFor(topicPrefix, taskId, runId, 'postgresql');
}

export type RowChange =
  | { kind: 'read'; after: TextRow }
  | { kind: 'insert'; after: TextRow }
  | { kind: 'update'; key: TextRow | null; old: TextRow | null; after: TextRow }
  | { kind: 'delete'; key: TextRow | null; old: TextRow | null }
  | { kind: 'truncate' };

/**
 * What the source block derives from the transaction: the same for every event of one
 * transaction, so it is computed once per transaction (the last one is kept) instead of
 * once per event.
 */
interface TxDerived {
  readonly tsUs: bigint;
  readonly txId: number | null;
  readonly lastCommitLsn: bigint | null;
  readonly tsMs: bigint;
  readonly tsNs: bigint;
  readonly txIdLong: bigint | null;
  /** The sequence JSON up to the event's own LSN: `["<last commit lsn>","` or `[null,"`. */
  readonly sequenceHead: string;
}

let lastTx: TxDerived | null = null;

function txDerived(f: SourceFacts): TxDerived {
  const c = lastTx;
  if (c !== null && c.tsUs === f.tsUs && c.txId === f.txId && c.lastCommitLsn === f.lastCommitLsn) return c;
  const d: TxDerived = {
    tsUs: f.tsUs, txId: f.txId, lastCommitLsn: f.lastCommitLsn,
    tsMs: f.tsUs / 1000n,
    tsNs: f.tsUs * 1000n,
    txIdLong: f.txId === null ? null : BigInt(f.txId),
    sequenceHead: f.lastCommitLsn === null ? '[null,"' : `["${f.lastCommitLsn.toString()}","`,
  };
  lastTx = d;
  return d;
}

/**
 * source-info.ts's sourceValue(f), field for field and in the same order, with the
 * per-transaction parts from txDerived.
 */
function sourceBlock(f: SourceFacts): Record<string, unknown> {
  const d = txDerived(f);
  const lsn = f.lsn;
  return {
    version: DEBEZIUM_VERSION,
    connector: 'postgresql',
    name: f.serverName,
    ts_ms: d.tsMs,
    snapshot: f.snapshot,
    db: f.db,
    // Debezium: JSON array of [lastCommitLsn, lsn] as decimal strings, either may be null.
    sequence: lsn === null ? null : `${d.sequenceHead}${lsn.toString()}"]`,
    ts_us: f.tsUs,
    ts_ns: d.tsNs,
    schema: f.schema,
    table: f.table,
    txId: d.txIdLong,
    lsn,
    xmin: null,
    origin: f.origin ?? null,
    origin_lsn: null,
  };
}

/** The envelope, with envelope.ts's processingTimestamps (one clock reading per event) written out. */
function envelope(op: Op, before: Record<string, unknown> | null, after: Record<string, unknown> | null,
  source: SourceFacts, tx: TransactionBlock | null, clock: Clock): EnvelopeValue {
  const sourceValue = sourceBlock(source);
  const ns = clock.nowNs();
  return { before, after, source: sourceValue, transaction: tx, op, ts_ms: ns / 1_000_000n, ts_us: ns / 1_000n, ts_ns: ns };
}

type Headers = readonly RecordHeader[];


/** A change record or tombstone; headers left out when there are none (extended headers off, no key change). */
function record(model: TableModel, key: Record<string, unknown> | null, value: EnvelopeValue | null, headers: Headers | null): SourceRecord {
  const valueSchema = value === null ? null : model.envelope;
  // Built whole (no spread): this runs once per record.
  return headers === null
    ? { topic: model.topic, keySchema: model.keySchema, key, valueSchema, value }
    : { topic: model.topic, keySchema: model.keySchema, key, valueSchema, value, headers };
}

/** The record's own headers, then the context headers (Debezium adds them last). */
function withContext(own: RecordHeader | null, opts: EventOptions): Headers | null {
  return recordHeaders(own, opts.contextHeaders ?? null);
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

/** The other key of a key change, as Debezium sends it: the key struct with its schema; header.converter renders it. */
function keyHeader(name: '__debezium.oldkey' | '__debezium.newkey', model: TableModel, key: Record<string, unknown> | null): RecordHeader {
  return { key: name, schema: model.keySchema, value: key };
}

/**
 * Records for one change. `tx` gives the transaction block for each record the
 * change produces (called once per emitted data event, so counts stay exact).
 * `out`: the list to append them to (returned), a new one when absent.
 */
export function changeRecords(model: TableModel, change: RowChange, source: SourceFacts,
  tx: () => TransactionBlock | null, opts: EventOptions, out: SourceRecord[] = []): SourceRecord[] {
  if (change.kind === 'insert' || change.kind === 'read') {
    // The common case, one record: no list of its own.
    const op: Op = change.kind === 'read' ? 'r' : 'c';
    if (opts.skippedOperations.has(op)) return out;
    const after = rowValue(model, change.after);
    out.push(record(model, keyValue(model, after), envelope(op, null, after, source, tx(), opts.clock), withContext(null, opts)));
    return out;
  }
  for (const r of shapeRecords(model, change, source, tx, opts)) out.push(r);
  return out;
}

function shapeRecords(model: TableModel, change: RowChange, source: SourceFacts,
  tx: () => TransactionBlock | null, opts: EventOptions): SourceRecord[] {
  const { clock } = opts;
  switch (change.kind) {
    case 'read':
    case 'insert':
      return changeRecords(model, change, source, tx, opts);
    case 'update': {
      const after = rowValue(model, change.after);
      const before = change.old ? rowValue(model, change.old) : change.key ? keyOnlyRowValue(model, change.key) : null;
      const newKey = keyValue(model, after);
      const oldKey = before ? keyValue(model, before) : null;
      if (before && model.keySchema && !sameKey(oldKey, newKey)) {
        // Primary key changed: Debezium emits delete(old key) [+ tombstone] + create(new key).
        const out: SourceRecord[] = [];
        if (!opts.skippedOperations.has('d')) {
          // Debezium's tombstone is a copy of the delete without value: same headers, newkey included.
          const headers = withContext(keyHeader('__debezium.newkey', model, newKey), opts);
          out.push(record(model, oldKey, envelope('d', before, null, source, tx(), clock), headers));
          if (opts.tombstonesOnDelete) out.push(record(model, oldKey, null, headers));
        }
        if (!opts.skippedOperations.has('c')) {
          out.push(record(model, newKey, envelope('c', null, after, source, tx(), clock), withContext(keyHeader('__debezium.oldkey', model, oldKey), opts)));
        }
        return out;
      }
      if (opts.skippedOperations.has('u')) return [];
      // REPLICA IDENTITY DEFAULT sends no old tuple unless the key changed: before stays null.
      const beforeImage = change.old ? before : null;
      return [record(model, newKey, envelope('u', beforeImage, after, source, tx(), clock), withContext(null, opts))];
    }
    case 'delete': {
      if (opts.skippedOperations.has('d')) return [];
      const before = change.old ? rowValue(model, change.old) : change.key ? keyOnlyRowValue(model, change.key) : null;
      const key = before ? keyValue(model, before) : null;
      const headers = withContext(null, opts);
      const out = [record(model, key, envelope('d', before, null, source, tx(), clock), headers)];
      // A table without a key (REPLICA IDENTITY FULL) gets its tombstone too, with a null key, as in Debezium.
      if (opts.tombstonesOnDelete) out.push(record(model, key, null, headers));
      return out;
    }
    case 'truncate': {
      if (opts.skippedOperations.has('t')) return [];
      const r: SourceRecord = { topic: model.topic, keySchema: null, key: null, valueSchema: model.envelope, value: envelope('t', null, null, source, tx(), clock) };
      const headers = withContext(null, opts);
      return [headers === null ? r : { ...r, headers }];
    }
  }
}
