import { test } from 'node:test';
import assert from 'node:assert/strict';
import { binlogFile, compareGtids, isAtOrBefore } from './history-position.ts';

const U1 = '3e11fa47-71ca-11e1-9e33-c80aa9429562';
const U2 = '5f2e1b8a-0000-11e1-9e33-c80aa9429562';

test('MySQL GTID sets: containment, equality, intervals merged, tags', () => {
  assert.equal(compareGtids(`${U1}:1-10`, `${U1}:1-10`), 'equal');
  assert.equal(compareGtids(`${U1}:1-5:6-10`, `${U1}:1-10`), 'equal');
  assert.equal(compareGtids(`${U1}:1-9`, `${U1}:1-10,${U2}:1-3`), 'contained');
  assert.equal(compareGtids(`${U1}:1-11`, `${U1}:1-10`), 'not-contained');
  assert.equal(compareGtids(`${U1}:1-3,${U2}:5`, `${U1}:1-10,${U2}:1-4`), 'not-contained');
  assert.equal(compareGtids(`${U1}:1-3:5`, `${U1}:1-4`), 'not-contained');
  assert.equal(compareGtids(`${U1}:tag1:1-3`, `${U1}:1-9`), 'not-contained');
  assert.equal(compareGtids(`${U1}:tag1:1-3`, `${U1}:1-9:tag1:1-4`), 'contained');
  assert.equal(compareGtids(`${U1.toUpperCase()}:1-2`, `${U1}:1-2`), 'equal');
});

test('MariaDB GTID positions: per domain sequence numbers', () => {
  assert.equal(compareGtids('0-1-100', '0-1-100'), 'equal');
  assert.equal(compareGtids('0-1-99', '0-1-100'), 'contained');
  assert.equal(compareGtids('0-1-100', '0-2-101'), 'contained'); // failover: a new server id, the domain goes on
  assert.equal(compareGtids('0-1-101', '0-1-100'), 'not-contained');
  assert.equal(compareGtids('0-1-5,1-3-7', '0-1-9'), 'not-contained');
  assert.equal(compareGtids('0-1-5', '0-1-5,1-3-7'), 'contained');
  assert.equal(compareGtids('0-1-18446744073709551615', '0-1-18446744073709551614'), 'not-contained');
});

test('positions: by GTIDs when both have them, the event count breaking a tie', () => {
  const ddl = { file: 'mysql-bin.000003', pos: 900, gtids: '0-1-100' };
  assert.equal(isAtOrBefore(ddl, { file: 'mysql-bin.000003', pos: 900, gtids: '0-1-100' }), true);
  assert.equal(isAtOrBefore(ddl, { file: 'mysql-bin.000003', pos: 900, gtids: '0-1-100', gtid: '0-1-101', event: 2 }), true);
  assert.equal(isAtOrBefore(ddl, { file: 'mysql-bin.000003', pos: 400, gtids: '0-1-99' }), false);
  // same base name after a failover, positions unrelated: GTIDs decide
  assert.equal(isAtOrBefore(ddl, { file: 'mysql-bin.000001', pos: 4, gtids: '0-2-150' }), true);
  assert.equal(isAtOrBefore({ ...ddl, event: 3 }, { ...ddl, event: 1 }), false);
});

test('positions: one side with GTIDs, the other without, as Debezium orders them', () => {
  assert.equal(isAtOrBefore({ file: 'b.000001', pos: 10 }, { file: 'b.000001', pos: 4, gtids: `${U1}:1` }), true);
  assert.equal(isAtOrBefore({ file: 'b.000001', pos: 4, gtids: `${U1}:1` }, { file: 'b.000009', pos: 10 }), false);
});

test('positions without GTIDs: file sequence, pos, event, row; another base name applies', () => {
  const r = { file: 'mysql-bin.000009', pos: 500 };
  assert.equal(isAtOrBefore(r, { file: 'mysql-bin.000010', pos: 4 }), true);
  assert.equal(isAtOrBefore(r, { file: 'mysql-bin.000008', pos: 9000 }), false);
  assert.equal(isAtOrBefore(r, { file: 'mysql-bin.000009', pos: 500 }), true);
  assert.equal(isAtOrBefore(r, { file: 'mysql-bin.000009', pos: 499 }), false);
  assert.equal(isAtOrBefore({ ...r, event: 1, row: 5 }, { ...r, event: 1, row: 4 }), false);
  assert.equal(isAtOrBefore({ ...r, event: 1, row: 5 }, { ...r, event: 2, row: 0 }), true);
  assert.equal(isAtOrBefore(r, { file: 'other-bin.000001', pos: 4 }), true);
  assert.equal(isAtOrBefore({ file: 'mysql-bin.000100', pos: 4 }, { file: 'mysql-bin.000099', pos: 4 }), false);
  assert.equal(isAtOrBefore({ file: 'b.000001', pos: '10' }, { file: 'b.000001', pos: '9' }), false);
  assert.deepEqual(binlogFile('mariadb-bin.000123'), { base: 'mariadb-bin', seq: 123 });
});
