/**
 * The MySQL chunked snapshot without a server: MySqlChunkSource over a scripted connection
 * (test/doubles/scripted-mysql-session.ts), the real SnapshotEngine, and the companion the
 * stream drives. Covers the watermark without writes (a window closes when the stream reaches
 * the chunk's binlog position, also when the stream is idle), the re-read rule, changed keys,
 * one chunk per unit between transactions, and the key refusals.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SourceRecord, SourceUnit } from '../../src/events/record.ts';
import { SnapshotEngine } from '../../src/snapshot/snapshot-engine.ts';
import { recordingLogger } from '../../test/doubles/recording-logger.ts';
import { ScriptedMySqlSession } from '../../test/doubles/scripted-mysql-session.ts';
import { pulled } from '../../test/helpers/pulled-units.ts';
import { WindowPoints } from './chunk-position.ts';
import { MySqlChunkSource } from './chunk-source.ts';
import { SessionPool } from './chunk-sessions.ts';
import { MySqlChunkedSnapshot } from './chunked-snapshot.ts';
import type { ChangeRecords, MySqlRow, MySqlTableModel } from './event-model.ts';

const TABLE = 'shop.t';
const noMetrics = { snapshotProgress: () => {}, snapshotRunning: () => {}, snapshotChunks: () => {}, snapshotEta: () => {}, snapshotTables: () => {}, snapshotEnded: () => {} };

function setup(rows = 5, chunkSize = 10, initial: string | null = TABLE) {
  const db = new ScriptedMySqlSession();
  db.tables.set(TABLE, { columns: [{ name: 'id', type: 'int' }, { name: 'v', type: 'varchar' }], pk: ['id'], rows: Array.from({ length: rows }, (_, i) => ({ id: i + 1, v: `v${i + 1}` })) });
  db.tables.set('shop.nokey', { columns: [{ name: 'a', type: 'int' }], pk: [], rows: [] });
  db.tables.set('shop.nullable', { columns: [{ name: 'a', type: 'int', nullable: true }], pk: ['a'], rows: [] });
  const { log, lines } = recordingLogger();
  const points = new WindowPoints();
  const source = new MySqlChunkSource({ sessions: new SessionPool([db.session]), captured: () => true, messageKeyColumns: () => undefined, points, log, retryDelayMs: () => 1 });
  const engine = new SnapshotEngine<MySqlRow>({ source, log, chunkSize, where: 'test' });
  // as chunked-run.ts does: the initial snapshot is queued before the companion starts
  if (initial) engine.startInitial([{ id: initial, filter: null, surrogateKey: null }]);
  const model = { id: TABLE, db: 'shop', table: 't', topic: 'p.shop.t' } as unknown as MySqlTableModel;
  const changeRecords: ChangeRecords = (m, change, src) => [{ topic: m.topic, keySchema: null, key: null, valueSchema: null, value: { op: change.kind, row: change.kind === 'read' ? change.after : null, file: src.file, pos: src.pos, snapshot: src.snapshot } } as SourceRecord];
  const companion = new MySqlChunkedSnapshot({ engine, changedKey: (id, row) => source.changedKey(id, row), points, model: () => model, changeRecords, serverName: 'p', serverId: () => 1, contextHeaders: null, log, metrics: noMetrics });
  // Every unit read as the runner pulls it.
  const decorate = companion.decorate.bind(companion);
  companion.decorate = (...a) => pulled(decorate(...a));
  const idle = (): SourceUnit => ({ records: [], partition: { server: 'p' }, offset: { file: 'binlog.000001', pos: points.processed?.pos ?? 4 } });
  return { db, points, source, engine, companion, idle, lines };
}

const ids = (units: readonly SourceUnit[]) => units.flatMap((u) => u.records.map((r) => ((r.value as { row: { id: number } }).row.id)));

test('a chunk\'s window closes when the stream has processed the binlog up to the position of the chunk\'s snapshot, one chunk per unit', async () => {
  const { db, companion, engine, idle } = setup(5, 3);
  db.point = { file: 'binlog.000001', pos: 700 };
  companion.onPosition('binlog.000001', 100);
  await engine.step();
  assert.deepEqual(companion.decorate(null, true, idle).filter((u) => u.records.length > 0), [], 'nothing before the stream reaches P');
  companion.onPosition('binlog.000001', 699);
  assert.deepEqual(companion.decorate(null, true, idle).filter((u) => u.records.length > 0), []);
  companion.onPosition('binlog.000001', 700);
  const units = companion.decorate(null, true, idle);
  assert.equal(units.length, 1);
  assert.deepEqual(ids(units), [1, 2, 3]);
  assert.equal(units[0]!.commitAfter, true);
  const v = units[0]!.records[0]!.value as { op: string; snapshot: string; pos: number };
  assert.deepEqual([v.op, v.snapshot, v.pos], ['read', 'incremental', 700]);
  assert.equal(units[0]!.offset['snapshot_completed'], false);
  assert.ok(typeof units[0]!.offset['incremental_snapshot_primary_key'] === 'string', 'the engine\'s offset fields ride on the unit');
  assert.equal(units[0]!.offset['file'], 'binlog.000001', 'the stream\'s position keys stay');
});

test('an idle stream: a window whose P equals the processed position closes at the next decorate, and the initial snapshot completes', async () => {
  const { db, companion, engine, idle } = setup(2, 10);
  db.point = { file: 'binlog.000002', pos: 339 };
  companion.onPosition('binlog.000002', 339);
  await engine.step();
  const units = companion.decorate(null, true, idle);
  assert.deepEqual(ids(units), [1, 2]);
  assert.equal(units.at(-1)!.offset['snapshot_completed'], true);
  assert.equal(engine.initialPending, false);
  assert.equal(companion.initialRunning, false);
});

test('closed chunks wait for the end of the source transaction, then ride on its unit', async () => {
  const { db, companion, engine, idle } = setup(2, 10);
  db.point = { file: 'binlog.000001', pos: 500 };
  await engine.step();
  companion.onPosition('binlog.000001', 520);
  const streamUnit: SourceUnit = { records: [{ topic: 'p.shop.t', keySchema: null, key: null, valueSchema: null, value: { op: 'c', row: { id: 99 } } }], partition: { server: 'p' }, offset: { file: 'binlog.000001', pos: 400 } };
  const inside = companion.decorate(streamUnit, false, idle);
  assert.equal(inside.length, 1);
  assert.deepEqual(ids(inside), [99], 'no snapshot rows inside a source transaction');
  assert.equal(inside[0]!.offset['snapshot_completed'], false);
  const after = companion.decorate({ ...streamUnit, offset: { file: 'binlog.000001', pos: 600 } }, true, idle);
  assert.deepEqual(ids(after), [99, 1, 2]);
  assert.equal(after[0]!.commitAfter, true);
});

test('a key the stream changed after the window opened is not emitted from the chunk (a change beats a read)', async () => {
  const { db, companion, engine, idle } = setup(4, 10);
  db.point = { file: 'binlog.000001', pos: 900 };
  db.duringSelect = () => {
    // the stream processes an update of id 3 while the select runs
    companion.onRowChange(TABLE, [{ id: 3, v: 'old' }, { id: 3, v: 'new' }]);
    companion.onPosition('binlog.000001', 850);
  };
  await engine.step();
  companion.onRowChange(TABLE, [{ id: 4, v: 'x' }]);
  companion.onPosition('binlog.000001', 950);
  assert.deepEqual(ids(companion.decorate(null, true, idle)), [1, 2]);
});

test('the re-read rule: a chunk whose snapshot is before the last change the stream emitted is read again', async () => {
  const { db, companion, engine, idle } = setup(3, 10);
  companion.onRowChange(TABLE, [{ id: 1, v: 'v1' }]);
  companion.onPosition('binlog.000003', 1000);
  db.points.push({ file: 'binlog.000003', pos: 900 }, { file: 'binlog.000002', pos: 99999 });
  db.point = { file: 'binlog.000003', pos: 1000 };
  await engine.step();
  assert.equal(db.selects(), 3, 'read until P reaches the change the stream processed');
  assert.deepEqual(ids(companion.decorate(null, true, idle)), [1, 2, 3]);
});

test('P after a change the stream processed is read once; a heartbeat past P does not force re-reads', async () => {
  const { db, companion, engine } = setup(3, 10);
  companion.onRowChange(TABLE, [{ id: 1, v: 'v1' }]);
  companion.onPosition('binlog.000001', 300);
  companion.onPosition('binlog.000002', 339); // rotation: header events and a heartbeat, no captured change
  db.point = { file: 'binlog.000001', pos: 300 };
  await engine.step();
  assert.equal(db.selects(), 1);
});

test('tables without a usable key are refused with the fix: no primary key, a nullable key column', async () => {
  const { source } = setup();
  const none = await source.chunkKey('shop.nokey', null);
  assert.equal(none.ok, false);
  assert.match(!none.ok ? none.fix : '', /primary key.*message\.key\.columns/);
  const nullable = await source.chunkKey('shop.nullable', null);
  assert.equal(nullable.ok, false);
  assert.match(!nullable.ok ? nullable.fix : '', /MODIFY `a` int NOT NULL/);
  const missing = await source.chunkKey('shop.absent', null);
  assert.equal(missing.ok, false);
  const surrogate = await source.chunkKey('shop.t', 'v');
  assert.deepEqual(surrogate, { ok: true, columns: ['v'] });
});

test('the initial snapshot stops with CDC_SNAPSHOT_NO_KEY naming the keyless table', async () => {
  const { engine } = setup(5, 10, 'shop.nokey');
  await assert.rejects(engine.step(), (e: Error & { code?: string }) => e.code === 'CDC_SNAPSHOT_NO_KEY' && /shop\.nokey/.test(e.message));
});

test('a chunk read always runs in a consistent snapshot that it commits', async () => {
  const { db, engine } = setup(1, 10);
  await engine.step();
  const i = db.statements.findIndex((s) => s.startsWith('START TRANSACTION'));
  assert.equal(db.statements[i], 'START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
  assert.match(db.statements[i + 1]!, /binlog_snapshot/);
  assert.match(db.statements[i + 2]!, /^SELECT `id`, `v` FROM `shop`\.`t`/);
  assert.equal(db.statements[i + 3], 'COMMIT');
});

for (const flavour of ['mysql8.4', 'mysql8.0'] as const) test(`MySQL (${flavour}): without binlog_snapshot_* status, P is the binlog end read after the select in the same transaction`, async () => {
  const { db, companion, engine, idle } = setup(3, 10);
  db.flavour = flavour;
  db.point = { file: 'binlog.000007', pos: 1234 };
  await engine.step();
  const i = db.statements.findIndex((s) => s.startsWith('SELECT `'));
  const status = flavour === 'mysql8.4' ? 'SHOW BINARY LOG STATUS' : 'SHOW MASTER STATUS';
  assert.equal(db.statements.slice(i + 1).find((s) => s.startsWith('SHOW ') && !s.includes('binlog_snapshot')), flavour === 'mysql8.4' ? status : 'SHOW BINARY LOG STATUS');
  assert.ok(db.statements.slice(i + 1).includes(status), `${status} after the select`);
  assert.equal(db.statements[db.statements.lastIndexOf(status) + 1], 'COMMIT');
  companion.onPosition('binlog.000007', 1233);
  assert.deepEqual(ids(companion.decorate(null, true, idle)), []);
  companion.onPosition('binlog.000007', 1234);
  assert.deepEqual(ids(companion.decorate(null, true, idle)), [1, 2, 3]);
});
