/** slot.wal.limit.action=resnapshot: the marker waits for an open transaction, the slot is dropped only after the marker committed. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WalResnapshot } from './wal-resnapshot.ts';
import type { SourceUnit } from '../../src/events/record.ts';
import type { Logger } from '../../src/log/logger.ts';

test('marker after the open transaction, then commit, then drop, then a retriable CDC_PG_WAL_RESNAPSHOT', async () => {
  const events: string[] = [];
  let inTx = true;
  const lines: string[] = [];
  const log = { error: (_f: unknown, m: string) => lines.push(m) } as unknown as Logger;
  const marker: SourceUnit = { records: [], partition: { server: 'p' }, offset: { lsn_proc: 10, snapshot_completed: false } };
  const r = new WalResnapshot({
    slot: 's', limitBytes: 3, where: 'connector "c"', log,
    marker: () => (inTx ? null : marker),
    poll: async () => { events.push('stream'); inTx = false; return []; },
    dropSlot: async () => { events.push('drop'); },
  });
  assert.equal(r.underway, false);
  assert.deepEqual(await r.poll(10), [], 'inside a transaction: the stream is polled on');
  assert.equal(r.underway, true);
  assert.deepEqual(await r.poll(10), [marker]);
  assert.deepEqual(await r.poll(10), [], 'waits for the commit');
  r.committed({ lsn_proc: 9, snapshot_completed: true });
  assert.deepEqual(await r.poll(10), [], 'another offset does not release the slot');
  r.committed(marker.offset);
  await assert.rejects(r.poll(10), (e: { code: string; retriable: boolean }) => e.code === 'CDC_PG_WAL_RESNAPSHOT' && e.retriable);
  assert.deepEqual(events, ['stream', 'drop']);
  assert.equal(lines.length, 2, 'one line when it starts, one when the slot is dropped');
});
