import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gtidSource, gtidSourceFilter } from './gtid-filter.ts';

test('GTID source of MySQL and MariaDB GTIDs, and the include / exclude filter', () => {
  assert.equal(gtidSource('3e11fa47-71ca-11e1-9e33-c80aa9429562:23'), '3e11fa47-71ca-11e1-9e33-c80aa9429562');
  assert.equal(gtidSource('0-1-100'), '0-1');
  const inc = gtidSourceFilter(['0-1'], []);
  assert.equal(inc('0-1-5'), true);
  assert.equal(inc('0-2-5'), false);
  const exc = gtidSourceFilter([], ['3E11FA47-.*']);
  assert.equal(exc('3e11fa47-71ca-11e1-9e33-c80aa9429562:1'), false);
  assert.equal(exc('aaaaaaaa-71ca-11e1-9e33-c80aa9429562:1'), true);
});
