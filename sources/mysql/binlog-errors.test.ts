import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyBinlogError } from './binlog-errors.ts';

const fatal = (err: unknown) => {
  const c = classifyBinlogError(err, 'test');
  assert.equal(c.retriable, false);
  return (c as { error: { code: string } }).error.code;
};

test('a dropped connection or a killed dump thread is retried', () => {
  for (const e of [{ code: 'PROTOCOL_CONNECTION_LOST', fatal: true }, { code: 'ECONNREFUSED' }, { errno: 1927, code: 'ER_CONNECTION_KILLED' }, { errno: 1053 }]) {
    assert.equal(classifyBinlogError(Object.assign(new Error('x'), e), 'test').retriable, true, JSON.stringify(e));
  }
});

test("MariaDB's same-server-id error (4052, misnamed by mysql2) and MySQL's wording are the duplicate id error", () => {
  assert.equal(fatal(Object.assign(new Error("A slave with the same server_uuid/server_id is already connected; the first event 'binlog.000001' at 6788"), { errno: 4052, code: 'ER_INVALID_MFA_PLUGIN_SPECIFIED' })), 'CDC_MYSQL_DUPLICATE_SERVER_ID');
  assert.equal(fatal(Object.assign(new Error('A replica with the same server_uuid/server_id as this replica has connected to the source'), { errno: 1236 })), 'CDC_MYSQL_DUPLICATE_SERVER_ID');
});

test('purged binlog, access and undecodable events stop with their own codes', () => {
  assert.equal(fatal(Object.assign(new Error('Could not find first log file name in binary log index file'), { errno: 1236 })), 'CDC_MYSQL_BINLOG_GONE');
  assert.equal(fatal(Object.assign(new Error('Access denied; you need REPLICATION SLAVE'), { errno: 1227 })), 'CDC_MYSQL_BINLOG_ACCESS');
  assert.equal(fatal(new Error('Unsupported type "242" on column "x"')), 'CDC_MYSQL_BINLOG_DECODE');
  // zongji's error for a compressed transaction a session wrote despite the global check: the task stops there, before its rows.
  assert.equal(fatal(new Error('Server sent a TRANSACTION_PAYLOAD_EVENT (binlog_transaction_compression=ON). zongji cannot decode compressed transactions, so their row events are NOT being emitted.')), 'CDC_MYSQL_BINLOG_DECODE');
});
