import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BinlogEvent } from './binlog-events.ts';
import { ReconnectReplay } from './reconnect-replay.ts';

const at = { file: 'b.1', pos: 0, nextPos: 0, timestampMs: 0, bytes: 1 };
const begin = (gtid: string): BinlogEvent => ({ ...at, type: 'begin', gtid, gtidsBefore: null, serverId: 1, thread: null });
const map: BinlogEvent = { ...at, type: 'table-map', tableId: 1, db: 'd', table: 't', columnNames: ['id'], columnTypes: [3] };
const rows = (index: number): BinlogEvent => ({ ...at, type: 'rows', op: 'insert', tableId: 1, db: 'd', table: 't', rows: [], index });
const commit: BinlogEvent = { ...at, type: 'commit', gtid: '0-1-5', gtidsAfter: '0-1-5', xid: null };

test('a drop mid-transaction skips exactly what was queued of it, then queues the rest', () => {
  const r = new ReconnectReplay();
  for (const e of [begin('0-1-5'), map, rows(0), rows(1)]) assert.equal(r.admit(e), 'queue');
  r.onDrop({ gtid: '0-1-5' });
  const replayed = [begin('0-1-5'), map, rows(0), rows(1), rows(2), commit];
  assert.deepEqual(replayed.map((e) => r.admit(e)), ['skip', 'skip', 'skip', 'skip', 'queue', 'queue']);
});

test('a drop between transactions skips nothing', () => {
  const r = new ReconnectReplay();
  for (const e of [begin('0-1-5'), map, rows(0), commit]) r.admit(e);
  r.onDrop(null);
  assert.equal(r.admit(begin('0-1-6')), 'queue');
});

test('another transaction at the resume point is reported, not skipped', () => {
  const r = new ReconnectReplay();
  r.admit(begin('0-1-5'));
  r.onDrop({ gtid: '0-1-5' });
  assert.deepEqual(r.admit(begin('0-1-9')), { mismatch: { expected: '0-1-5', found: '0-1-9' } });
});
