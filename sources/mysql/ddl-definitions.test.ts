import { test } from 'node:test';
import assert from 'node:assert/strict';
import { definitionPlans, type ColumnEdit, type DefinitionPlan } from './ddl-definitions.ts';

const edits = (p: DefinitionPlan): readonly ColumnEdit[] => (p.kind === 'alter' ? p.edits : assert.fail(`not an ALTER: ${JSON.stringify(p)}`));

test('ALTER TABLE specifications: column edits in order, other clauses read as no column change', () => {
  const [p] = definitionPlans("ALTER TABLE shop.t ADD COLUMN n INT UNSIGNED NOT NULL DEFAULT -1.5 COMMENT 'x' AFTER id, DROP COLUMN IF EXISTS old, "
    + "CHANGE a b VARCHAR(10) CHARACTER SET latin1 FIRST, ALTER COLUMN c SET DEFAULT CURRENT_TIMESTAMP(3), ALTER d DROP DEFAULT, "
    + 'RENAME COLUMN e TO f, ADD INDEX ix (n), DROP PRIMARY KEY, ADD CONSTRAINT pk PRIMARY KEY (n, f(10) DESC), ENGINE=InnoDB, ALGORITHM=INPLACE', 'x');
  const e = edits(p!);
  assert.deepEqual(e.map((x) => x.kind), ['add', 'drop', 'modify', 'default', 'default', 'rename', 'drop-pk', 'add-pk']);
  const add = e[0] as Extract<ColumnEdit, { kind: 'add' }>;
  assert.deepEqual([add.def.name, add.def.typeName, add.def.unsigned, add.def.nullable, add.def.default, add.def.comment, add.place],
    ['n', 'INT', true, false, { value: '-1.5', expression: false }, 'x', { after: 'id' }]);
  const ch = e[2] as Extract<ColumnEdit, { kind: 'modify' }>;
  assert.deepEqual([ch.from, ch.def.name, ch.def.typeArgs, ch.def.charset, ch.place], ['a', 'b', ['10'], 'latin1', 'first']);
  assert.deepEqual((e[3] as Extract<ColumnEdit, { kind: 'default' }>).value, { value: 'current_timestamp(3)', expression: true });
  assert.deepEqual((e[4] as Extract<ColumnEdit, { kind: 'default' }>).value, null);
  assert.deepEqual((e[7] as Extract<ColumnEdit, { kind: 'add-pk' }>).columns, ['n', 'f']);
});

test('CREATE TABLE: columns, table-level key, charset option; LIKE; SELECT and CONVERT TO are opaque', () => {
  const [c] = definitionPlans("CREATE TABLE IF NOT EXISTS t (id BIGINT, s ENUM('a','it''s') COLLATE utf8mb4_bin DEFAULT _utf8mb4'a', "
    + 'b BIT(3) DEFAULT b\'101\', PRIMARY KEY (id), KEY k (s), CONSTRAINT fk FOREIGN KEY (id) REFERENCES o (id)) DEFAULT CHARSET=latin1', 'd');
  assert.equal(c!.kind, 'create');
  if (c!.kind !== 'create') return;
  assert.deepEqual([c.ifNotExists, c.primaryKey, c.charset, c.columns.map((x) => x.name)], [true, ['id'], 'latin1', ['id', 's', 'b']]);
  assert.deepEqual([c.columns[1]!.typeArgs, c.columns[1]!.charset, c.columns[1]!.default], [['a', "it's"], 'utf8mb4', { value: 'a', expression: false }]);
  assert.deepEqual(c.columns[2]!.default, { value: "b'101'", expression: false });
  assert.deepEqual(definitionPlans('CREATE TABLE t2 LIKE other.t1', 'd'), [{ kind: 'create-like', table: { db: 'd', table: 't2' }, ifNotExists: false, like: { db: 'other', table: 't1' } }]);
  assert.equal(definitionPlans('CREATE TABLE t3 AS SELECT 1', 'd')[0]!.kind, 'opaque');
  assert.equal(definitionPlans('CREATE TABLE t4 (a INT) SELECT 1 AS a', 'd')[0]!.kind, 'opaque');
  assert.equal(definitionPlans('ALTER TABLE t CONVERT TO CHARACTER SET utf8mb4', 'd')[0]!.kind, 'opaque');
  assert.equal(definitionPlans('ALTER TABLE t ADD COLUMN x INT WITH SYSTEM VERSIONING', 'd')[0]!.kind, 'opaque');
});

test('RENAME TABLE, ALTER ... RENAME TO, CREATE/DROP INDEX; statements without tables give no plan', () => {
  assert.deepEqual(definitionPlans('RENAME TABLE a TO b, x.c TO x.d', 'd').map((p) => p.kind === 'alter' ? [p.from.table, p.table.table, p.edits.length] : p.kind),
    [['a', 'b', 0], ['c', 'd', 0]]);
  const [r] = definitionPlans('ALTER TABLE a ADD z INT, RENAME TO b', 'd');
  assert.deepEqual(r!.kind === 'alter' ? [r.from.table, r.table.table, r.edits.length] : null, ['a', 'b', 1]);
  assert.deepEqual(definitionPlans('DROP INDEX `PRIMARY` ON t', 'd'), [{ kind: 'alter', from: { db: 'd', table: 't' }, table: { db: 'd', table: 't' }, edits: [{ kind: 'drop-pk' }] }]);
  assert.deepEqual(definitionPlans('CREATE UNIQUE INDEX u ON t (a)', 'd'), [{ kind: 'alter', from: { db: 'd', table: 't' }, table: { db: 'd', table: 't' }, edits: [] }]);
  assert.deepEqual(definitionPlans("GRANT SELECT ON *.* TO 'u'", 'd'), []);
  assert.deepEqual(definitionPlans('DROP TABLE t', 'd'), []);
});
