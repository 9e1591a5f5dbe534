/** The WAL protection state machine: thresholds, safe_wal_size, hysteresis, invalidation, one transition per change. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WalGuard, walPressure, type WalSample, type WalGuardPolicy } from './wal-guard.ts';

const G = 1024 ** 3;
const policy: WalGuardPolicy = { warnBytes: 10 * G, criticalBytes: 20 * G, limitBytes: 30 * G, action: 'none' };
const sample = (retained: number, extra: Partial<WalSample> = {}): WalSample => ({
  retainedBytes: retained, walStatus: 'reserved', safeWalSize: null, invalidation: null, maxKeepBytes: null, ...extra,
});

test('levels follow the thresholds upwards, one transition per change', () => {
  const g = new WalGuard(policy, 's', 0);
  const seen: string[] = [];
  for (const [i, r] of [1, 5, 10, 11, 12, 20, 21, 29, 30, 31, 40].entries()) {
    const t = g.observe(sample(r * G), i * 1000);
    if (t) seen.push(`${t.from}->${t.to}@${t.at}`);
  }
  assert.deepEqual(seen, ['ok->warn@2000', 'warn->critical@5000', 'critical->limit@8000']);
  assert.equal(g.state.level, 'limit');
  assert.equal(g.state.since, 8000);
  assert.match(g.state.reason!, /retains more WAL than slot\.wal\.limit\.bytes \(30\.0 GiB\); slot\.wal\.limit\.action=none/);
});

test('a level is left only below 90 % of its threshold (no flapping at the threshold)', () => {
  const g = new WalGuard(policy, 's', 0);
  g.observe(sample(10 * G), 1);
  const hover = [9.5, 10.1, 9.2, 10, 9.01].map((x, i) => g.observe(sample(x * G), 2 + i));
  assert.deepEqual(hover, [null, null, null, null, null], 'hovering around warn stays in warn');
  const down = g.observe(sample(8.9 * G), 10);
  assert.equal(down?.to, 'ok');
  assert.equal(down?.reason, null);
  // From limit straight down: stays critical while above 90 % of critical.
  g.observe(sample(31 * G), 20);
  assert.equal(g.observe(sample(19 * G), 21)?.to, 'critical');
  assert.equal(g.observe(sample(17 * G), 22)?.to, 'warn');
});

test('disabled thresholds (0) are skipped', () => {
  const g = new WalGuard({ warnBytes: 0, criticalBytes: 0, limitBytes: 5 * G, action: 'resnapshot' }, 's', 0);
  assert.equal(g.observe(sample(4 * G), 1), null);
  const t = g.observe(sample(5 * G), 2);
  assert.equal(t?.to, 'limit');
  assert.match(t!.reason!, /slot\.wal\.limit\.action=resnapshot/);
});

test('safe_wal_size makes the guard act before max_slot_wal_keep_size invalidates the slot', () => {
  // restart_lsn says 25 GiB, but the server (segment rounding, checkpoint view) has only 3 GiB left of 40.
  const s = sample(25 * G, { maxKeepBytes: 40 * G, safeWalSize: 3 * G });
  assert.equal(walPressure(s), 37 * G);
  const g = new WalGuard(policy, 's', 0);
  assert.equal(g.observe(s, 1)?.to, 'limit');
  // Unlimited server: safe_wal_size is NULL, retained counts.
  assert.equal(walPressure(sample(25 * G, { maxKeepBytes: null, safeWalSize: null })), 25 * G);
});

test('wal_status unreserved is critical even without thresholds; lost and invalidation are lost', () => {
  const off: WalGuardPolicy = { warnBytes: 0, criticalBytes: 0, limitBytes: 0, action: 'none' };
  const g = new WalGuard(off, 's', 0);
  const t = g.observe(sample(1, { walStatus: 'unreserved' }), 1);
  assert.equal(t?.to, 'critical');
  assert.match(t!.reason!, /wal_status unreserved/);
  assert.equal(g.observe(sample(1, { walStatus: 'lost', safeWalSize: null }), 2)?.to, 'lost');
  assert.equal(g.observe(sample(1, { walStatus: 'lost' }), 3), null, 'lost stays lost without another transition');
  const g2 = new WalGuard(off, 's', 0);
  const inv = g2.observe(sample(0, { invalidation: 'rows_removed' }), 5);
  assert.equal(inv?.to, 'lost');
  assert.match(inv!.reason!, /invalidated by PostgreSQL \(rows_removed\)/);
});

test('a slot that disappears brings the level back to ok (one transition)', () => {
  const g = new WalGuard(policy, 's', 0);
  g.observe(sample(35 * G), 1);
  const t = g.observe(null, 2);
  assert.deepEqual([t?.from, t?.to], ['limit', 'ok']);
  assert.equal(g.observe(null, 3), null);
});
