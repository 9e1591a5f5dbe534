/**
 * ChangeDecoder, pure: pgoutput messages shaped as pg-logical-replication
 * emits them (padded upper-case LSN text, commit times as epoch µs bigints)
 * go in; units with their offsets come out. The table resolver is a Map
 * (our own interface, not a service). Pins the offset of every unit, the
 * resume rule (offsets.ts alreadyWritten) as the decoder applies it,
 * transaction metadata across a resume, idle keepalives and heartbeats.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pgoutput } from 'pg-logical-replication';
import type { Clock, EnvelopeValue, Op } from '../../src/events/envelope.ts';
import type { JsonMap, SourceRecord, SourceUnit } from '../../src/events/record.ts';
import type { PgTable } from './catalog.ts';
import { ChangeDecoder, changedRows, type DecoderOptions, type TableResolver } from './change-decoder.ts';
import type { RowChange } from './change-events.ts';
import { decodePosition, type PgPosition } from './offsets.ts';
import { buildTableModel, type TableModel } from './table-model.ts';
import { messagePrefixFilter, messageValueSchema } from './logical-messages.ts';
import { DEFAULT_PG_TYPE_OPTIONS } from './types.ts';
import { WATERMARK_PREFIX } from './watermark.ts';

const clock: Clock = { nowMs: () => 1_700_000_000_000, nowNs: () => 1_700_000_000_000_000_000n };

const ITEMS_OID = 16384;
const OTHER_OID = 16390; // published but not captured
const ITEMS: PgTable = {
  schema: 'public', name: 'items', oid: ITEMS_OID, replicaIdentity: 'd', comment: null, keyColumns: ['id'],
  columns: [
    { name: 'id', position: 1, typeOid: 23, typeMod: -1, typeName: 'integer', baseTypeName: 'int4', typtype: 'b', nullable: false, defaultExpr: null, comment: null, isKey: true },
    { name: 'name', position: 2, typeOid: 25, typeMod: -1, typeName: 'text', baseTypeName: 'text', typtype: 'b', nullable: true, defaultExpr: null, comment: null, isKey: false },
  ],
};
const items: TableModel = buildTableModel(ITEMS, { topicPrefix: 'srv', types: DEFAULT_PG_TYPE_OPTIONS, columnFilter: () => true });

/** The fake resolver: captured tables by oid, remembers the Relation messages it saw. */
class MapResolver implements TableResolver {
  readonly seen: number[] = [];
  constructor(private readonly models: Map<number, TableModel>) {}
  async onRelation(rel: Pgoutput.MessageRelation): Promise<TableModel | null> {
    this.seen.push(rel.relationOid);
    return this.models.get(rel.relationOid) ?? null;
  }
  byOid(oid: number): TableModel | null | undefined {
    return this.models.get(oid);
  }
}

// ---- pgoutput messages, as pg-logical-replication's parser returns them
const lsnText = (n: bigint) => `${(n >> 32n).toString(16).padStart(8, '0')}/${(n & 0xffffffffn).toString(16).padStart(8, '0')}`.toUpperCase();
const relation = (oid: number, name: string): Pgoutput.MessageRelation => ({
  tag: 'relation', relationOid: oid, schema: 'public', name, replicaIdentity: 'default', keyColumns: ['id'],
  columns: [
    { name: 'id', flags: 1, typeOid: 23, typeMod: -1, typeSchema: null, typeName: null, parser: (x: unknown) => x },
    { name: 'name', flags: 0, typeOid: 25, typeMod: -1, typeSchema: null, typeName: null, parser: (x: unknown) => x },
  ],
});
const ITEMS_REL = relation(ITEMS_OID, 'items');
const OTHER_REL = relation(OTHER_OID, 'other');
const T0 = 1_700_000_000_000_000n; // commit time, epoch µs

interface Tx {
  readonly xid: number;
  readonly commitLsn: bigint;
  readonly endLsn: bigint;
  /** [lsn, message] of each change message, in order */
  readonly changes: readonly (readonly [bigint, Pgoutput.Message])[];
}

const begin = (t: Tx): Pgoutput.MessageBegin => ({ tag: 'begin', commitLsn: lsnText(t.commitLsn), commitTime: T0 + BigInt(t.xid), xid: t.xid });
const commit = (t: Tx): Pgoutput.MessageCommit => ({ tag: 'commit', flags: 0, commitLsn: lsnText(t.commitLsn), commitEndLsn: lsnText(t.endLsn), commitTime: T0 + BigInt(t.xid) });
const insert = (id: number, rel = ITEMS_REL): Pgoutput.MessageInsert => ({ tag: 'insert', relation: rel, new: { id: String(id), name: `n${id}` } });
const update = (id: number): Pgoutput.MessageUpdate => ({ tag: 'update', relation: ITEMS_REL, key: null, old: null, new: { id: String(id), name: 'changed' } });
const del = (id: number): Pgoutput.MessageDelete => ({ tag: 'delete', relation: ITEMS_REL, key: { id: String(id) }, old: null });

/** A transaction of `n` inserts (ids from `firstId`) at LSNs just before its commit record. */
function tx(xid: number, commitLsn: bigint, n: number, firstId: number, rel = ITEMS_REL): Tx {
  const changes = Array.from({ length: n }, (_, i) => [commitLsn - 0x100n + BigInt(i) * 0x10n, insert(firstId + i, rel)] as const);
  return { xid, commitLsn, endLsn: commitLsn + 0x30n, changes };
}

const START = 0x500n;
const T1 = tx(701, 0x1000n, 3, 1);
const T2 = tx(702, 0x2000n, 4, 10);
const T3 = tx(703, 0x3000n, 2, 20);

function options(o: Partial<DecoderOptions> = {}): DecoderOptions {
  return {
    serverName: 'srv', db: 'shop', partition: { server: 'srv' },
    events: { tombstonesOnDelete: true, skippedOperations: new Set<Op>(['t']), clock },
    txMetadata: false, txTopic: 'srv.transaction', ...o,
  };
}

function decoder(stored: PgPosition | null = null, o: Partial<DecoderOptions> = {}, startLsn = START): { d: ChangeDecoder; resolver: MapResolver } {
  const resolver = new MapResolver(new Map([[ITEMS_OID, items]]));
  return { d: new ChangeDecoder(options(o), resolver, stored, startLsn), resolver };
}

/** Feeds whole transactions (relation messages first, as PostgreSQL sends them once per session). */
async function feed(d: ChangeDecoder, txs: readonly Tx[], relations: readonly Pgoutput.MessageRelation[] = [ITEMS_REL, OTHER_REL]): Promise<SourceUnit[]> {
  const units: SourceUnit[] = [];
  const push = (u: SourceUnit | null) => { if (u) units.push(u); };
  let first = true;
  for (const t of txs) {
    push(await d.handle(t.commitLsn - 0x200n, begin(t)));
    if (first) for (const r of relations) push(await d.handle(t.commitLsn - 0x200n, r));
    first = false;
    for (const [lsn, msg] of t.changes) push(await d.handle(lsn, msg));
    push(await d.handle(t.endLsn, commit(t)));
  }
  return units;
}

const ids = (units: readonly SourceUnit[]) => units.flatMap((u) => u.records)
  .filter((r) => r.topic === items.topic && r.value !== null)
  .map((r) => Number((r.key as { id: number }).id));
const isCommitUnit = (u: SourceUnit) => u.sourceCommitTimeMs !== undefined;

test('one unit per change message and one per commit, each with its offset', async () => {
  const { d, resolver } = decoder();
  const units = await feed(d, [T1]);
  assert.deepEqual(resolver.seen, [ITEMS_OID, OTHER_OID], 'every Relation message goes to the resolver');
  assert.equal(units.length, 4);
  for (const [i, u] of units.slice(0, 3).entries()) {
    assert.deepEqual(u.partition, { server: 'srv' });
    assert.equal(u.records.length, 1);
    assert.equal(u.holdTransaction, undefined);
    assert.equal(u.commitAfter, undefined);
    assert.deepEqual(u.offset, {
      lsn_proc: Number(START), // nothing complete yet: still the start position
      lsn_commit: Number(T1.commitLsn),
      lsn: Number(T1.changes[i]![0]),
      lsn_events_processed: i + 1,
      txId: 701,
      ts_usec: Number(T0 + 701n),
      snapshot_completed: true,
      offset_version: 1,
    });
    // a mid-transaction offset is incomplete: lsn_proc < lsn_commit
    assert.ok(decodePosition(u.offset, 't').lsnProc < T1.commitLsn);
  }
  const c = units[3]!;
  assert.deepEqual(c.records, []);
  assert.equal(c.sourceCommitTimeMs, Number((T0 + 701n) / 1000n));
  assert.deepEqual(c.offset, {
    lsn_proc: Number(T1.endLsn), lsn_commit: Number(T1.commitLsn), lsn: Number(T1.changes[2]![0]),
    lsn_events_processed: 3, txId: 701, ts_usec: Number(T0 + 701n), snapshot_completed: true, offset_version: 1,
    // the COMMIT message's LSN: source.sequence[0] of the next transaction, also after a restart
    last_commit_lsn: Number(T1.endLsn),
  });
  assert.equal(d.lastCompleteLsn, T1.endLsn);
  assert.equal(d.inTransaction, false);
  assert.deepEqual(ids(units), [1, 2, 3]);
});

test('change events carry the source position and transaction id', async () => {
  const { d } = decoder();
  const units = await feed(d, [T1]);
  const v = units[1]!.records[0]!.value as EnvelopeValue;
  assert.equal(v.op, 'c');
  assert.equal(v.source.txId, 701n);
  assert.equal(v.source.lsn, T1.changes[1]![0]);
  assert.equal(v.source.ts_us, T0 + 701n);
  assert.equal(v.source.snapshot, 'false');
  // Debezium: [last commit LSN before this transaction, event LSN]; none yet for the first transaction
  assert.equal(v.source.sequence, JSON.stringify([null, String(T1.changes[1]![0])]));
  assert.equal(v.transaction, null, 'no transaction block without provide.transaction.metadata');
});

test('source.sequence: the previous transaction\'s COMMIT message LSN first, kept across a restart through the offset', async () => {
  const units = await feed(decoder().d, [T1, T2]);
  const seqs = units.flatMap((u) => u.records).map((r) => JSON.parse((r.value as EnvelopeValue).source.sequence as string) as unknown[]);
  assert.deepEqual(seqs.map((q) => q[0]), [null, null, null, String(T1.endLsn), String(T1.endLsn), String(T1.endLsn), String(T1.endLsn)]);
  // resumed mid-T2: the replayed events carry the same sequence as in the first run
  const mid = units.find((u) => u.offset.lsn_commit === Number(T2.commitLsn) && u.offset.lsn_events_processed === 1)!;
  assert.equal(mid.offset.last_commit_lsn, Number(T1.endLsn));
  const resumed = await feed(decoder(decodePosition(mid.offset, 'stored')).d, [T1, T2]);
  const again = resumed.flatMap((u) => u.records).map((r) => (r.value as EnvelopeValue).source.sequence);
  assert.deepEqual(again, units.flatMap((u) => u.records).slice(4).map((r) => (r.value as EnvelopeValue).source.sequence));
});

test('changes of uncaptured tables count in lsn_events_processed but give no records; their commit still advances', async () => {
  const mixed: Tx = { ...T1, changes: [[0xf00n, insert(1, OTHER_REL)], [0xf10n, insert(1)], [0xf20n, insert(2, OTHER_REL)]] };
  const only: Tx = tx(702, 0x2000n, 2, 5, OTHER_REL);
  const { d } = decoder();
  const units = await feed(d, [mixed, only]);
  const counts = units.map((u) => [u.offset.lsn_events_processed, u.records.length, isCommitUnit(u)]);
  assert.deepEqual(counts, [
    [1, 0, false], [2, 1, false], [3, 0, false], [3, 0, true],
    [1, 0, false], [2, 0, false], [2, 0, true],
  ]);
  assert.equal(units.at(-1)!.offset.lsn_proc, Number(only.endLsn));
});

test('update and delete messages: u, then d + tombstone', async () => {
  const t: Tx = { xid: 705, commitLsn: 0x1000n, endLsn: 0x1030n, changes: [[0xf00n, update(1)], [0xf10n, del(1)]] };
  const { d } = decoder();
  const units = await feed(d, [t]);
  assert.deepEqual(units[0]!.records.map((r) => (r.value as EnvelopeValue).op), ['u']);
  assert.deepEqual(units[1]!.records.map((r) => (r.value === null ? 'tombstone' : (r.value as EnvelopeValue).op)), ['d', 'tombstone']);
  assert.equal(units[1]!.offset.lsn_events_processed, 2, 'a delete and its tombstone are one unit: one change message');
});

test('truncate: one unit; a record per captured relation only when t is not skipped', async () => {
  const trunc: Pgoutput.MessageTruncate = { tag: 'truncate', cascade: false, restartIdentity: false, relations: [ITEMS_REL, OTHER_REL] };
  const t: Tx = { xid: 706, commitLsn: 0x1000n, endLsn: 0x1030n, changes: [[0xf00n, trunc]] };
  const skipped = await feed(decoder().d, [t]);
  assert.equal(skipped[0]!.records.length, 0);
  assert.equal(skipped[0]!.offset.lsn_events_processed, 1);
  const kept = await feed(decoder(null, { events: { tombstonesOnDelete: true, skippedOperations: new Set(), clock } }).d, [t]);
  assert.deepEqual(kept[0]!.records.map((r) => [r.topic, (r.value as EnvelopeValue).op, r.key]), [[items.topic, 't', null]]);
});

test('messages without meaning here (type, origin) give no unit', async () => {
  const { d } = decoder();
  const typeMsg: Pgoutput.MessageType = { tag: 'type', typeOid: 99999, typeSchema: 'public', typeName: 'mood' };
  const origin: Pgoutput.MessageOrigin = { tag: 'origin', originLsn: null, originName: 'x' };
  for (const m of [typeMsg, origin]) assert.equal(await d.handle(0x900n, m), null);
});

// ---- logical decoding messages

const logicalMsg = (prefix: string, transactional: boolean, text = 'hello'): Pgoutput.MessageMessage =>
  ({ tag: 'message', flags: transactional ? 1 : 0, transactional, messageLsn: lsnText(0n), prefix, content: new Uint8Array(Buffer.from(text)) });
const MSG = { include: messagePrefixFilter([], ['skip.*']), record: { topic: 'srv.message', binaryMode: 'bytes' as const, valueSchema: messageValueSchema('bytes'), clock } };
interface MsgValue { op: string; ts_ms: bigint; source: Record<string, unknown>; transaction: { id: string; total_order: bigint; data_collection_order: bigint } | null; message: { prefix: string; content: Buffer } }

test('a non-transactional message: one record on <prefix>.message; it completes the position like a commit', async () => {
  const { d } = decoder(null, { messages: MSG });
  const u = (await d.handle(0x900n, logicalMsg('audit', false)))!;
  assert.equal(u.records.length, 1);
  const r = u.records[0]!;
  assert.deepEqual([r.topic, r.key, r.headers], ['srv.message', { prefix: 'audit' }, undefined]);
  const v = r.value as MsgValue;
  assert.equal(v.op, 'm');
  assert.deepEqual(v.message, { prefix: 'audit', content: Buffer.from('hello') });
  assert.equal(v.transaction, null);
  assert.deepEqual([v.source.txId, v.source.lsn, v.source.schema, v.source.table, v.source.sequence], [null, 0x900n, '', '', '["2304","2304"]']);
  assert.equal(u.offset.lsn_proc, 0x900);
  assert.equal(u.offset.last_commit_lsn, 0x900);
  assert.equal(d.lastCompleteLsn, 0x900n);
  // the next transaction's sequence starts with the message's LSN, as Debezium's
  const units = await feed(d, [T1]);
  assert.equal(JSON.parse((units[0]!.records[0]!.value as EnvelopeValue).source.sequence as string)[0], '2304');
  // replayed at or before the decided position: nothing
  assert.equal(await d.handle(0x900n, logicalMsg('audit', false)), null);
  // an excluded prefix still moves the position, without a record
  const skipped = (await d.handle(T1.endLsn + 0x10n, logicalMsg('skip.me', false)))!;
  assert.deepEqual(skipped.records, []);
  assert.equal(skipped.offset.lsn_proc, Number(T1.endLsn + 0x10n));
});

test('a transactional message: a change message of its transaction, counted for resume and transaction metadata', async () => {
  const t: Tx = { xid: 710, commitLsn: 0x1000n, endLsn: 0x1030n, changes: [[0xf00n, insert(1)], [0xf10n, logicalMsg('audit', true)], [0xf20n, logicalMsg('skip.x', true)], [0xf28n, insert(2)]] };
  const all = await feed(decoder(null, { messages: MSG, txMetadata: true }).d, [t]);
  const msgs = all.flatMap((u) => u.records).filter((r) => r.topic === 'srv.message');
  assert.equal(msgs.length, 1);
  const v = msgs[0]!.value as MsgValue;
  assert.deepEqual([v.source.txId, v.source.lsn, v.source.ts_us], [710n, 0xf10n, T0 + 710n]);
  assert.deepEqual(v.transaction, { id: '710:3856', total_order: 2n, data_collection_order: 1n });
  assert.deepEqual(all.map((u) => u.offset.lsn_events_processed), [1, 2, 3, 4, 4]);
  const end = txRecords(all).at(-1)!.value as TxValue;
  assert.deepEqual(end.data_collections!.map((c) => [c.data_collection, c.event_count]), [['public.items', 2n], ['LOGICAL_DECODING_MESSAGE', 1n]]);
  // resumed after the message: neither the message nor the first insert again
  const stored = decodePosition(all[1]!.offset, 'stored');
  const again = await feed(decoder(stored, { messages: MSG, txMetadata: true }).d, [t]);
  assert.deepEqual(again.flatMap((u) => u.records).filter((r) => r.topic !== 'srv.transaction').map((r) => r.topic), [items.topic]);
});

// ---- the resume rule

/** Offsets of a first, uninterrupted run over T1..T3. */
async function firstRun(o: Partial<DecoderOptions> = {}): Promise<SourceUnit[]> {
  return feed(decoder(null, o).d, [T1, T2, T3]);
}

test('resume mid-transaction: earlier transactions skipped whole, the stored one skips exactly its first N change messages', async () => {
  const all = await firstRun();
  // the unit of T2's 2nd change: T1 complete, 2 of T2's 4 changes written
  const storedUnit = all.find((u) => u.offset.lsn_commit === Number(T2.commitLsn) && u.offset.lsn_events_processed === 2 && !isCommitUnit(u))!;
  const stored = decodePosition(storedUnit.offset, 'stored');
  assert.equal(stored.lsnProc, T1.endLsn);
  // the server replays from the slot's confirmed_flush_lsn, which may be behind lsn_proc: send T1 again
  const { d } = decoder(stored, {}, START);
  const resumed = await feed(d, [T1, T2, T3]);
  assert.deepEqual(ids(resumed), [12, 13, 20, 21], 'T1 skipped, T2 from its 3rd change, T3 whole');
  assert.equal(resumed.filter(isCommitUnit).length, 2, 'no commit unit for the skipped transaction');
  // the units after the resume point carry the same offsets as in the uninterrupted run
  const tail = all.slice(all.indexOf(storedUnit) + 1);
  assert.deepEqual(resumed.map((u) => u.offset), tail.map((u) => u.offset));
});

test('resume at every position of a run neither loses nor repeats a change', async () => {
  const all = await firstRun();
  const everything = ids(all);
  for (const [i, u] of all.entries()) {
    const stored = decodePosition(u.offset, 'stored');
    const resumed = await feed(decoder(stored).d, [T1, T2, T3]);
    assert.deepEqual([...ids(all.slice(0, i + 1)), ...ids(resumed)], everything, `resume after unit ${i} (${JSON.stringify(u.offset)})`);
  }
});

test('a completed stored transaction is skipped whole; replay starts with the next one', async () => {
  const all = await firstRun();
  const t2Commit = all.find((u) => isCommitUnit(u) && u.offset.lsn_commit === Number(T2.commitLsn))!;
  const stored = decodePosition(t2Commit.offset, 'stored');
  const resumed = await feed(decoder(stored).d, [T2, T3]);
  assert.deepEqual(ids(resumed), [20, 21]);
  assert.equal(resumed.filter(isCommitUnit).length, 1);
  assert.equal(resumed.at(-1)!.offset.lsn_proc, Number(T3.endLsn));
});

test('a stored position from before the start LSN: lsn_proc starts at the start LSN', async () => {
  const stored: PgPosition = { lsnProc: 0x100n, lsnCommit: null, lsn: null, eventsProcessed: 0, txId: null, tsUsec: null, snapshotCompleted: true };
  const { d } = decoder(stored, {}, START);
  assert.equal(d.lastCompleteLsn, START);
  const units = await feed(d, [T1]);
  assert.equal(units[0]!.offset.lsn_proc, Number(START));
});

// ---- transaction metadata

interface TxValue { status: string; id: string; event_count: bigint | null; data_collections: { data_collection: string; event_count: bigint }[] | null; ts_ms: bigint }
const txRecords = (units: readonly SourceUnit[]) => units.flatMap((u) => u.records).filter((r) => r.topic === 'srv.transaction');
const blocks = (units: readonly SourceUnit[]) => units.flatMap((u) => u.records)
  .filter((r) => r.topic === items.topic && r.value !== null)
  .map((r) => { const b = (r.value as EnvelopeValue).transaction!; return [b.id, b.total_order, b.data_collection_order]; });

test('transaction metadata: BEGIN before the first event, END in the commit unit, blocks counting per table', async () => {
  const mixed: Tx = { ...T1, changes: [[0xf00n, insert(1, OTHER_REL)], [0xf10n, insert(1)], [0xf20n, insert(2)]] };
  const units = await feed(decoder(null, { txMetadata: true }).d, [mixed]);
  // Debezium's ids: "<xid>:<lsn>" at each record's position: BEGIN message, each event, COMMIT message
  const id = `701:${Number(T1.commitLsn - 0x200n)}`;
  const endId = `701:${Number(T1.endLsn)}`;
  assert.equal(units[0]!.records.length, 0, 'an uncaptured change opens no transaction');
  const first = units[1]!.records;
  assert.equal(first[0]!.topic, 'srv.transaction');
  assert.deepEqual(first[0]!.key, { id });
  assert.deepEqual(first[0]!.value, { status: 'BEGIN', id, event_count: null, data_collections: null, ts_ms: (T0 + 701n) / 1000n });
  assert.equal(first[1]!.topic, items.topic);
  assert.deepEqual(blocks(units), [['701:3856', 1n, 1n], ['701:3872', 2n, 2n]]);
  const end = units[3]!.records;
  assert.equal(end.length, 1);
  assert.deepEqual(end[0]!.key, { id: endId });
  assert.deepEqual(end[0]!.value, { status: 'END', id: endId, event_count: 2n, data_collections: [{ data_collection: 'public.items', event_count: 2n }], ts_ms: (T0 + 701n) / 1000n });
  // the order state travels in the offset, mid-transaction only
  assert.equal(units[2]!.offset.transaction_id, '701', 'the bare xid, as Debezium stores it');
  assert.equal(units[2]!.offset['transaction_data_collection_order_public.items'], 2);
  assert.equal(units[3]!.offset.transaction_id, undefined);
});

test('transaction metadata: a transaction without captured changes gets neither BEGIN nor END', async () => {
  const units = await feed(decoder(null, { txMetadata: true }).d, [tx(702, 0x2000n, 2, 1, OTHER_REL)]);
  assert.deepEqual(txRecords(units), []);
});

test('transaction metadata across a resume: no second BEGIN, orders continue, END counts the events of both runs', async () => {
  const all = await firstRun({ txMetadata: true });
  const storedUnit = all.find((u) => u.offset.lsn_commit === Number(T2.commitLsn) && u.offset.lsn_events_processed === 2 && !isCommitUnit(u))!;
  const resumed = await feed(decoder(decodePosition(storedUnit.offset, 'stored'), { txMetadata: true }).d, [T1, T2, T3]);
  const at = (xid: number, lsn: bigint) => `${xid}:${Number(lsn)}`;
  assert.deepEqual(txRecords(resumed).map((r) => [(r.value as TxValue).status, (r.value as TxValue).id, (r.value as TxValue).event_count]),
    [['END', at(702, T2.endLsn), 4n], ['BEGIN', at(703, T3.commitLsn - 0x200n), null], ['END', at(703, T3.endLsn), 2n]]);
  assert.deepEqual(blocks(resumed), [[at(702, T2.changes[2]![0]), 3n, 3n], [at(702, T2.changes[3]![0]), 4n, 4n], [at(703, T3.changes[0]![0]), 1n, 1n], [at(703, T3.changes[1]![0]), 2n, 2n]]);
  // and the whole stream equals the uninterrupted run after the resume point
  const tail = all.slice(all.indexOf(storedUnit) + 1);
  assert.deepEqual(blocks(resumed), blocks(tail));
  assert.deepEqual(txRecords(resumed).map((r) => r.value), txRecords(tail).map((r) => r.value));
});

// ---- keepalives and heartbeats

test('idle(): a unit only between transactions and only when walEnd moved past the last complete position', async () => {
  const { d } = decoder();
  assert.equal(d.idle(START), null, 'walEnd not past the start');
  assert.equal(d.idle(START - 1n), null);
  const u = d.idle(0x800n)!;
  assert.deepEqual(u.records, []);
  assert.deepEqual(u.offset, { lsn_proc: 0x800, lsn_commit: null, lsn: null, lsn_events_processed: 0, txId: null, ts_usec: null, snapshot_completed: true, offset_version: 1 });
  assert.equal(d.lastCompleteLsn, 0x800n);
  assert.equal(d.idle(0x800n), null, 'the same walEnd twice: nothing new');

  await d.handle(0xe00n, begin(T1));
  await d.handle(0xe00n, ITEMS_REL);
  await d.handle(T1.changes[0]![0], T1.changes[0]![1]);
  assert.equal(d.inTransaction, true);
  assert.equal(d.idle(0x5000n), null, 'mid-transaction a keepalive position is not safe');
  assert.equal(d.lastCompleteLsn, 0x800n);
  const rest = [];
  for (const [lsn, m] of T1.changes.slice(1)) rest.push(await d.handle(lsn, m));
  rest.push(await d.handle(T1.endLsn, commit(T1)));
  assert.equal(rest.at(-1)!.offset.lsn_proc, Number(T1.endLsn));
  assert.equal(d.idle(T1.endLsn), null);
  assert.equal(d.idle(0x5000n)!.offset.lsn_proc, 0x5000);
});

test('after an idle position, a resume from it skips every transaction committed before it', async () => {
  const { d } = decoder();
  await feed(d, [T1]);
  const idle = d.idle(0x1800n)!;
  const resumed = await feed(decoder(decodePosition(idle.offset, 'stored')).d, [T1, T2]);
  assert.deepEqual(ids(resumed), [10, 11, 12, 13]);
});

test('heartbeatUnit(): the given records at the current position between transactions, nothing mid-transaction', async () => {
  const hb: SourceRecord = { topic: '__debezium-heartbeat.srv', keySchema: null, key: { serverName: 'srv' }, valueSchema: null, value: { ts_ms: 1n } };
  const { d } = decoder();
  const u0 = d.heartbeatUnit([hb])!;
  assert.deepEqual(u0.records, [hb]);
  assert.deepEqual(u0.partition, { server: 'srv' });
  assert.equal(u0.offset.lsn_proc, Number(START));
  assert.equal(u0.offset.lsn_commit, null);
  await d.handle(0xe00n, begin(T1));
  assert.equal(d.heartbeatUnit([hb]), null);
  await d.handle(T1.endLsn, commit(T1));
  const u1 = d.heartbeatUnit([hb])!;
  const expected: JsonMap = { lsn_proc: Number(T1.endLsn), lsn_commit: null, lsn: null, lsn_events_processed: 0, txId: null, ts_usec: null, snapshot_completed: true, last_commit_lsn: Number(T1.endLsn), offset_version: 1 };
  assert.deepEqual(u1.offset, expected);
  // a heartbeat does not move the position itself
  assert.equal(d.lastCompleteLsn, T1.endLsn);
});

// ---- the chunked snapshot's view of the stream

test('snapshot hooks: begun xids, old and new keys of changes, and our watermark, which is never a record', async () => {
  const seen: string[] = [];
  const hooks = {
    onBegin: (xid: number) => seen.push(`begin ${xid}`),
    onRowChange: (m: TableModel, change: RowChange) => seen.push(`${m.id} ${changedRows(change).map((r) => r.id).join(',')}`),
    onTruncate: (m: TableModel) => seen.push(`truncate ${m.id}`),
    onWatermark: (w: string, at: { lsn: bigint; xid: number | null }) => seen.push(`watermark ${w} at ${at.lsn} xid ${at.xid}`),
  };
  const keyChange: Pgoutput.MessageUpdate = { tag: 'update', relation: ITEMS_REL, key: { id: '5' }, old: null, new: { id: '6', name: 'moved' } };
  const trunc: Pgoutput.MessageTruncate = { tag: 'truncate', cascade: false, restartIdentity: false, relations: [ITEMS_REL] };
  const t: Tx = { xid: 720, commitLsn: 0x1000n, endLsn: 0x1030n, changes: [[0xf00n, insert(1)], [0xf08n, keyChange], [0xf10n, del(2)], [0xf18n, trunc]] };
  const w: Tx = { xid: 721, commitLsn: 0x2000n, endLsn: 0x2030n, changes: [[0x1f00n, logicalMsg(WATERMARK_PREFIX, true, 'win-1')]] };
  const all = await feed(decoder(null, { messages: MSG, snapshot: hooks }).d, [t, w]);
  assert.deepEqual(seen, ['begin 720', 'public.items 1', 'public.items 5,6', 'public.items 2', 'truncate public.items', 'begin 721', 'watermark win-1 at 7936 xid 721']);
  assert.ok(!all.flatMap((u) => u.records).some((r) => r.topic === 'srv.message'), 'the watermark is not written to the message topic');
  assert.deepEqual(all.map((u) => u.offset.lsn_events_processed), [1, 2, 3, 4, 4, 1, 1], 'the watermark counts as a change message of its transaction');
});
