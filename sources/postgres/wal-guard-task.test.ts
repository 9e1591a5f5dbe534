/** What the running task makes of the monitor's WAL protection level: status reason, lost slot, fail and resnapshot actions. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CdcError } from '../../src/errors/cdc-error.ts';
import { TaskWalGuard } from './wal-guard-task.ts';
import type { SlotLagMonitor } from './slot-lag-monitor.ts';
import type { WalGuardPolicy, WalGuardState } from './wal-guard.ts';

function guardWith(action: WalGuardPolicy['action'], whenNeeded = false) {
  let sample: { state: WalGuardState; sampledAt: number } | null = null;
  // A test double of the monitor: only the level reading the task uses.
  const watch = { walGuard: () => sample! } as unknown as SlotLagMonitor;
  const g = new TaskWalGuard({
    watch: () => (sample ? watch : undefined), policy: { warnBytes: 1, criticalBytes: 2, limitBytes: 3, action }, slot: 's', where: 'connector "c"',
    whenNeeded,
  });
  return { g, set: (level: WalGuardState['level'], sampledAt: number) => { sample = { state: { level, since: sampledAt, pressureBytes: 0, reason: `level ${level}` }, sampledAt }; } };
}

const thrown = (f: () => unknown): CdcError => {
  try { f(); } catch (e) { return e as CdcError; }
  assert.fail('expected an error');
};

test('samples taken before the task had its slot are ignored', () => {
  const { g, set } = guardWith('resnapshot');
  set('limit', Date.now() - 10_000);
  assert.equal(g.check(() => null), false, 'not armed yet');
  g.arm();
  assert.equal(g.check(() => null), false, 'a sample older than the slot');
  assert.equal(g.statusReason(), null);
  set('limit', Date.now() + 1);
  assert.equal(g.check(() => null), true);
  assert.equal(g.statusReason(), 'WAL protection: level limit');
});

test('warn and critical only report; none at the limit only reports', () => {
  const { g, set } = guardWith('none');
  g.arm();
  for (const level of ['ok', 'warn', 'critical', 'limit'] as const) {
    set(level, Date.now() + 1);
    assert.equal(g.check(() => null), false);
    assert.equal(g.statusReason(), level === 'ok' ? null : `WAL protection: level ${level}`);
  }
});

test('fail at the limit stops capture with CDC_PG_WAL_LIMIT, not retried', () => {
  const { g, set } = guardWith('fail');
  g.arm();
  set('limit', Date.now() + 1);
  const e = thrown(() => g.check(() => null));
  assert.equal(e.code, 'CDC_PG_WAL_LIMIT');
  assert.equal(e.retriable, false);
  assert.match(e.fix!, /POST \/connectors\/<name>\/restart/);
});

test('a lost slot fails with CDC_PG_SLOT_LOST naming the committed LSN; retried only under when_needed', () => {
  const stored = { lsnProc: 0x16c5a70n } as never;
  const a = guardWith('none');
  a.g.arm();
  a.set('lost', Date.now() + 1);
  const e = thrown(() => a.g.check(() => stored));
  assert.equal(e.code, 'CDC_PG_SLOT_LOST');
  assert.equal(e.retriable, false);
  assert.match(e.what, /after LSN 0\/16C5A70/);
  assert.match(e.fix!, /snapshot\.mode=when_needed/);
  const b = guardWith('none', true);
  b.g.arm();
  b.set('lost', Date.now() + 1);
  assert.equal(thrown(() => b.g.check(() => stored)).retriable, true);
});
