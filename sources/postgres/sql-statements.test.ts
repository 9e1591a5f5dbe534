import { test } from 'node:test';
import assert from 'node:assert/strict';
import { splitStatements } from './sql-statements.ts';

test('database.initial.statements: ";" separates, ";;" is a literal ";", blanks dropped, trimmed', () => {
  assert.deepEqual(splitStatements(undefined), []);
  assert.deepEqual(splitStatements(''), []);
  assert.deepEqual(splitStatements('SET search_path = app'), ['SET search_path = app']);
  assert.deepEqual(splitStatements(' SET a = 1 ;SET b = 2;  ; '), ['SET a = 1', 'SET b = 2']);
  assert.deepEqual(splitStatements("SELECT 'a;;b'; SET c = 3"), ["SELECT 'a;b'", 'SET c = 3']);
  assert.deepEqual(splitStatements('SELECT 1;;;SELECT 2'), ['SELECT 1;', 'SELECT 2']);
  assert.deepEqual(splitStatements('SELECT 1;'), ['SELECT 1']);
});
