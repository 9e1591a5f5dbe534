import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSlotCommand, failoverProblems, slotLagQuery, versionLabel, versionProblems } from './server-version.ts';

const q = (s: string) => `"${s}"`;

test('slot creation: 14 gets the bare keywords, 15+ the option list, 17 FAILOVER', () => {
  assert.equal(createSlotCommand(140011, q('s'), q('pgoutput'), { exportSnapshot: true, failover: false }), 'CREATE_REPLICATION_SLOT "s" LOGICAL "pgoutput" EXPORT_SNAPSHOT');
  assert.equal(createSlotCommand(140011, q('s'), q('pgoutput'), { exportSnapshot: false, failover: false }), 'CREATE_REPLICATION_SLOT "s" LOGICAL "pgoutput" NOEXPORT_SNAPSHOT');
  assert.equal(createSlotCommand(150004, q('s'), q('pgoutput'), { exportSnapshot: true, failover: false }), `CREATE_REPLICATION_SLOT "s" LOGICAL "pgoutput" (SNAPSHOT 'export')`);
  assert.equal(createSlotCommand(170002, q('s'), q('pgoutput'), { exportSnapshot: false, failover: true }), `CREATE_REPLICATION_SLOT "s" LOGICAL "pgoutput" (SNAPSHOT 'nothing', FAILOVER)`);
  assert.throws(() => createSlotCommand(140011, q('s'), q('pgoutput'), { exportSnapshot: true, failover: true }));
});

test('versions below 14 are refused with what, where and fix; 14 to 18 pass on a primary', () => {
  const [e] = versionProblems({ versionNum: 130015, inRecovery: false }, 'db:5432/app', 'connector "c"');
  assert.equal(e?.code, 'CDC_PG_VERSION');
  assert.match(e!.what, /PostgreSQL 13\.15.*14 or newer/);
  assert.match(e!.where!, /database\.hostname/);
  assert.match(e!.fix!, /upgrade PostgreSQL to 14/);
  assert.equal(e!.retriable, false, 'an old server does not fix itself: no retry loop');
  for (const v of [140000, 150004, 160001, 170002, 180000]) assert.deepEqual(versionProblems({ versionNum: v, inRecovery: false }, 's', 'w'), []);
});

test('a standby needs 16+ for logical decoding', () => {
  assert.equal(versionProblems({ versionNum: 150004, inRecovery: true }, 's', 'w')[0]?.code, 'CDC_PG_STANDBY');
  assert.deepEqual(versionProblems({ versionNum: 160001, inRecovery: true }, 's', 'w'), []);
});

test('slot.failover needs 17+ and a primary', () => {
  assert.match(failoverProblems({ versionNum: 160004, inRecovery: false }, 's', 'w')[0]!.what, /need PostgreSQL 17/);
  assert.match(failoverProblems({ versionNum: 170002, inRecovery: true }, 's', 'w')[0]!.what, /standby/);
  assert.deepEqual(failoverProblems({ versionNum: 180000, inRecovery: false }, 's', 'w'), []);
});

test('the slot monitor never calls pg_current_wal_lsn() on a standby', () => {
  // Every use of pg_current_wal_lsn() sits in the primary branch of the recovery check.
  const sqlText = slotLagQuery();
  const uses = sqlText.split('pg_current_wal_lsn()').length - 1;
  const guarded = sqlText.split('CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END').length - 1;
  assert.equal(uses, guarded);
  assert.equal(versionLabel(170002), '17.2');
});
