/**
 * Rows decoded when read: the patch is on zongji's RowsEvent and UpdateRows, a deferred event
 * decodes its bytes once with the method it replaced and the context it had, and the queue's
 * row estimate follows the table's decoded size. Real rows events, decoded both ways, are
 * compared by the MariaDB integration tests (mysql-types, mysql-stream, mysql-events).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DeferredRows, deferredRowsPatch } from './deferred-rows.ts';

const lib = new URL('../../node_modules/@vlasky/zongji/lib/', import.meta.url).href;
const rowsModule = await import(`${lib}rows_event.js`) as { WriteRows: { prototype: object }; UpdateRows: { prototype: { _fetchOneRow: { name: string } } } };
const { Parser } = await import(`${lib}reader.js`) as { Parser: new () => { append(b: Buffer): void; parseBuffer(n: number): Buffer; reachedPacketEnd(): boolean; _offset: number; _packetEnd: number } };

test('the patch replaces _fetchOneRow of RowsEvent and of UpdateRows (its own override)', () => {
  assert.deepEqual(deferredRowsPatch, { applied: true, note: null });
  const base = Object.getPrototypeOf(rowsModule.WriteRows.prototype) as { _fetchOneRow: { name: string } };
  assert.equal(base._fetchOneRow.name, 'deferredFetch');
  assert.equal(rowsModule.UpdateRows.prototype._fetchOneRow.name, 'deferredFetch');
});

test('the deferred fetch takes the rest of the packet as one DeferredRows, decoded later with the event\'s context', () => {
  const base = Object.getPrototypeOf(rowsModule.WriteRows.prototype) as { _fetchOneRow(this: unknown, p: unknown): unknown };
  const entry = { columns: [{ name: 'a' }], columnSchemas: [{ COLUMN_NAME: 'a' }], parentSchema: 'db', tableName: 't' };
  const packet = new Parser();
  packet.append(Buffer.from([9, 9, 1, 2, 3, 4, 5, 6]));
  packet.parseBuffer(2); // the event's header fields, read by the constructor
  const event = { tableMap: { 7: entry }, tableId: 7, columns_present_bitmap: Buffer.from([1]), _zongji: {} };
  const d = base._fetchOneRow.call(event, packet);
  assert.ok(d instanceof DeferredRows);
  assert.ok(packet.reachedPacketEnd(), 'the constructor\'s loop ends after one call');
  assert.equal(d.estimatedRows, 1, 'six bytes at the first guess of 64 per row');
});

test('rows are decoded once, with the original method, and the estimate then follows the table', () => {
  const seen: number[] = [];
  const fetch = function (this: { tableId: number }, p: { parseBuffer(n: number): Buffer }): unknown {
    seen.push(this.tableId);
    return { v: p.parseBuffer(2).readUInt16LE(0) };
  };
  const ctx = { tableMap: { 3: { columns: [], columnSchemas: [], parentSchema: 'db', tableName: 'two_bytes' } }, tableId: 3, columns_present_bitmap: Buffer.alloc(1), _zongji: {} };
  const bytes = Buffer.alloc(200);
  for (let i = 0; i < 100; i++) bytes.writeUInt16LE(i * 3, i * 2);
  const d = new DeferredRows(bytes, ctx, fetch, Parser);
  assert.equal(d.estimatedRows, 3, '200 bytes at 64 per row');
  const rows = d.rows();
  assert.equal(rows.length, 100);
  assert.deepEqual(rows[99], { v: 297 });
  assert.equal(d.rows(), rows, 'decoded once');
  assert.equal(seen.length, 100);
  assert.ok(seen.every((id) => id === 3));
  assert.equal(d.estimatedRows, 100);
  // The next event of the same table is estimated at 2 bytes per row.
  assert.equal(new DeferredRows(Buffer.alloc(50), ctx, fetch, Parser).estimatedRows, 25);
});
