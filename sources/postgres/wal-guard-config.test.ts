/** slot.wal.* properties: defaults, cross-field refusals, and the start check against max_slot_wal_keep_size. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPostgresPlugin } from './connector.ts';
import { readPgTaskConfig } from './task-config.ts';
import { walLimitProblem } from './wal-guard-config.ts';

const base = { name: 'c', 'connector.class': 'PostgresConnector', 'database.hostname': 'h', 'database.user': 'u', 'database.dbname': 'd', 'topic.prefix': 'p' };
const parse = (extra: Record<string, string>) => createPostgresPlugin().configDef.parse({ ...base, ...extra }, 'test');
const refusal = (extra: Record<string, string>): string => {
  try { parse(extra); } catch (e) { return (e as Error).message; }
  return '';
};

test('defaults: every threshold off, action none', () => {
  assert.deepEqual(readPgTaskConfig(parse({})).walGuard, { warnBytes: 0, criticalBytes: 0, limitBytes: 0, action: 'none' });
  const p = readPgTaskConfig(parse({ 'slot.wal.warn.bytes': '100', 'slot.wal.critical.bytes': '200', 'slot.wal.limit.bytes': '300', 'slot.wal.limit.action': 'resnapshot' })).walGuard;
  assert.deepEqual(p, { warnBytes: 100, criticalBytes: 200, limitBytes: 300, action: 'resnapshot' });
});

test('thresholds out of order, an action without a limit, resnapshot without snapshots: refused with the fix', () => {
  assert.match(refusal({ 'slot.wal.warn.bytes': '300', 'slot.wal.critical.bytes': '200' }), /slot\.wal\.critical\.bytes[\s\S]*slot\.wal\.warn\.bytes \(300\) is above it/);
  assert.match(refusal({ 'slot.wal.critical.bytes': '300', 'slot.wal.limit.bytes': '200' }), /slot\.wal\.limit\.bytes[\s\S]*slot\.wal\.critical\.bytes \(300\) is above it/);
  assert.match(refusal({ 'slot.wal.limit.action': 'fail' }), /needs slot\.wal\.limit\.bytes/);
  assert.match(refusal({ 'slot.wal.limit.bytes': '5', 'slot.wal.limit.action': 'resnapshot', 'snapshot.mode': 'no_data' }), /snapshot\.mode=no_data never takes a new snapshot/);
  assert.match(refusal({ 'slot.wal.limit.action': 'pause' }), /slot\.wal\.limit\.action/);
  assert.match(refusal({ 'slot.wal.warn.bytes': '-1' }), /use 0 \(off\)/);
});

test('a hard limit at or above max_slot_wal_keep_size is refused at start with what, where and fix', () => {
  const policy = { warnBytes: 0, criticalBytes: 0, limitBytes: 1024 ** 3, action: 'none' as const };
  assert.equal(walLimitProblem(policy, null, 'connector "c"'), null, 'unlimited server: any limit');
  assert.equal(walLimitProblem(policy, 2 * 1024 ** 3, 'connector "c"'), null);
  const e = walLimitProblem(policy, 1024 ** 3, 'connector "c"');
  assert.equal(e?.code, 'CDC_PG_WAL_LIMIT_ABOVE_SERVER');
  assert.match(e!.where!, /slot\.wal\.limit\.bytes/);
  assert.match(e!.fix!, /below 1073741824 .*max_slot_wal_keep_size/);
  assert.equal(walLimitProblem({ ...policy, limitBytes: 0 }, 1, 'x'), null, 'no limit, nothing to refuse');
});
