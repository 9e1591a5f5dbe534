/**
 * The DDL interpreter (ddl-definitions.ts + ddl-apply.ts) against the stack's real MariaDB 10.11,
 * in the case it exists for: a connector that reads a table's DDLs after all of them ran. Each
 * statement of a script runs on the server and information_schema is read after it (what a
 * connector in step would record); then the script is replayed through the interpreter with
 * information_schema's final state as the only server input (what a lagging connector sees).
 * Every statement the interpreter answers must give exactly the definition the server had after
 * it; the statements it declines are listed, so a new decline fails the test.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type mysql from 'mysql2/promise';
import { mariadbAdmin, mariadbSkip } from '../../test/helpers/mariadb.ts';
import { definitionPlans } from './ddl-definitions.ts';
import { applyPlan } from './ddl-apply.ts';
import { readTableSchema, sqlRunner, type MySqlTable } from './table-schema.ts';
import { readTableOptions } from './table-changes.ts';

const SKIP = mariadbSkip();
const DB = `cdc_ddl_apply_${process.pid}`;
let admin: mysql.Connection;

before(async () => {
  if (SKIP) return;
  admin = await mariadbAdmin();
  await admin.query(`DROP DATABASE IF EXISTS ${DB}`);
  await admin.query(`CREATE DATABASE ${DB} CHARACTER SET utf8mb4`);
});

after(async () => {
  if (SKIP) return;
  await admin.query(`DROP DATABASE IF EXISTS ${DB}`);
  await admin.end();
});

/** [statement, declined] — declined: the interpreter must say why instead of answering. */
const SCRIPT: ReadonlyArray<readonly [string, boolean?]> = [
  ["CREATE TABLE t (id INT NOT NULL AUTO_INCREMENT, a VARCHAR(20) CHARACTER SET latin1 DEFAULT 'x', b DECIMAL(7,2) NOT NULL DEFAULT 1, c DATETIME(3) DEFAULT '2020-01-02', d BIT(5) DEFAULT b'101', e ENUM('p','q''r') DEFAULT 'p', f BIGINT UNSIGNED ZEROFILL, g DOUBLE PRECISION DEFAULT -1.5, h BOOL DEFAULT TRUE, PRIMARY KEY (id))"],
  ['ALTER TABLE t ADD COLUMN n INT DEFAULT 5 AFTER id'],
  ['ALTER TABLE t ALTER COLUMN n SET DEFAULT 6'],
  ['ALTER TABLE t MODIFY n BIGINT NOT NULL DEFAULT 7 COMMENT \'seven\''],
  ['ALTER TABLE t CHANGE COLUMN n m BIGINT NULL, ADD COLUMN ts TIMESTAMP(6) NULL DEFAULT CURRENT_TIMESTAMP(6) FIRST'],
  ['ALTER TABLE t RENAME COLUMN m TO mm, ALTER COLUMN b DROP DEFAULT, ADD INDEX ix_mm (mm), ALGORITHM=INPLACE'],
  ['ALTER TABLE t DROP COLUMN e, ADD COLUMN (x1 SMALLINT UNSIGNED DEFAULT 0, x2 FLOAT(10,3))'],
  ['ALTER TABLE t DROP PRIMARY KEY, ADD PRIMARY KEY (id, mm)'],
  ['ALTER TABLE t ADD COLUMN tx TEXT'],
  ['ALTER TABLE t ADD COLUMN tx2 TEXT CHARACTER SET utf8mb4 DEFAULT \'y\', ADD COLUMN y YEAR DEFAULT 2024, ADD COLUMN tm TIME(2) DEFAULT \'-01:00:00\''],
  ['ALTER TABLE t MODIFY a VARCHAR(20) CHARACTER SET latin1 DEFAULT \'z\' NOT NULL'],
  ['ALTER TABLE t CONVERT TO CHARACTER SET utf8mb4', true],
  ['RENAME TABLE t TO t2'],
  ['ALTER TABLE t2 ALTER COLUMN c SET DEFAULT \'2021-03-04 05:06:07.5\', ENGINE=InnoDB, COMMENT=\'renamed\''],
  ['CREATE TABLE u LIKE t2'],
  ['ALTER TABLE u ADD COLUMN j JSON, DROP COLUMN tx'],
  ['ALTER TABLE u ADD COLUMN s SET(\'a\',\'b\') CHARACTER SET utf8mb4 NOT NULL DEFAULT \'a,b\''],
  ['CREATE TABLE v (k CHAR(3) CHARACTER SET ascii PRIMARY KEY, n INT UNSIGNED NOT NULL DEFAULT 3) ENGINE=InnoDB'],
  ['ALTER TABLE v ADD COLUMN w VARCHAR(10) NOT NULL DEFAULT \'w1\''],
  ['ALTER TABLE v ALTER COLUMN w SET DEFAULT \'w2\''],
  ['ALTER TABLE v ALTER COLUMN w SET DEFAULT \'w3\''],
  ['ALTER TABLE v MODIFY w VARCHAR(12) NOT NULL DEFAULT \'w4\''],
  ['ALTER TABLE v DROP COLUMN w'],
  ["CREATE TABLE w (id BIGINT PRIMARY KEY, s VARCHAR(5) DEFAULT 'a', dt DATE DEFAULT '2001-02-03', f FLOAT DEFAULT 0.5, e SET('x','y') DEFAULT 'y') DEFAULT CHARSET=latin1 COLLATE=latin1_swedish_ci"],
  ['ALTER TABLE w MODIFY s INT DEFAULT 3, MODIFY dt DATETIME(2) DEFAULT \'2001-02-03 04:05:06.7\', MODIFY f DECIMAL(4,1) DEFAULT 2'],
  ['ALTER TABLE w DEFAULT CHARACTER SET = utf8mb4, ADD COLUMN z TINYTEXT NOT NULL, ADD COLUMN zz MEDIUMINT UNSIGNED ZEROFILL DEFAULT 9 FIRST'],
  ['CREATE TABLE x2 AS SELECT 1 AS one', true],
];

test('a lagging connector interprets each DDL into the definition the server had right after it', { skip: SKIP }, async () => {
  const run = sqlRunner(admin as never);
  await admin.query(`USE ${DB}`);
  const steps: { sql: string; declined: boolean; tables: Map<string, MySqlTable | null> }[] = [];
  const names = ['t', 't2', 'u', 'v', 'w', 'x2'];
  for (const [sql, declined] of SCRIPT) {
    await admin.query(sql);
    const tables = new Map<string, MySqlTable | null>();
    for (const n of names) tables.set(n, await readTableSchema(run, DB, n, 'mariadb'));
    steps.push({ sql, declined: declined ?? false, tables });
  }
  const final = steps[steps.length - 1]!.tables;
  // The handler's fallback when the table is gone by now: the database's default charset.
  const dbCharset = 'utf8mb4';
  const charsets = new Map<string, string | null>();
  for (const n of names) charsets.set(n, (await readTableOptions(run, DB, n))?.defaultCharsetName ?? null);
  // The replay: definitions as the interpreter keeps them; a declined statement takes the server's (as the handler reads information_schema).
  const known = new Map<string, MySqlTable | null>();
  const problems: string[] = [];
  for (const step of steps) {
    for (const plan of definitionPlans(step.sql, DB)) {
      const id = plan.table.table;
      const out = applyPlan(plan, { before: (t) => (known.has(t.table) ? known.get(t.table)! : null), now: final.get(id) ?? null, flavor: 'mariadb', charset: charsets.get(id) ?? dbCharset });
      const expected = step.tables.get(id)!;
      if ('why' in out) {
        if (!step.declined) problems.push(`${step.sql}\n  declined: ${out.why}`);
        known.set(id, expected);
      } else {
        if (step.declined) problems.push(`${step.sql}\n  answered, though it should be declined`);
        const diff = tableDiff(out.table, expected);
        if (diff.length > 0) problems.push(`${step.sql}\n  ${diff.join('\n  ')}`);
        known.set(id, out.table);
      }
      if (plan.kind === 'alter' && plan.from.table !== plan.table.table) known.set(plan.from.table, null);
    }
  }
  assert.deepEqual(problems, []);
});

/** The fields where two definitions differ, one line each. */
function tableDiff(got: MySqlTable, want: MySqlTable | null): string[] {
  if (want === null) return ['answered a definition for a table the server does not have'];
  const out: string[] = [];
  if (got.name !== want.name) out.push(`name ${got.name} != ${want.name}`);
  if (JSON.stringify(got.primaryKey) !== JSON.stringify(want.primaryKey)) out.push(`primary key ${JSON.stringify(got.primaryKey)} != ${JSON.stringify(want.primaryKey)}`);
  const names = (t: MySqlTable) => t.columns.map((c) => c.name).join(',');
  if (names(got) !== names(want)) return [...out, `columns ${names(got)} != ${names(want)}`];
  got.columns.forEach((c, i) => {
    const w = want.columns[i]! as unknown as Record<string, unknown>;
    for (const [k, v] of Object.entries(c)) if (JSON.stringify(v) !== JSON.stringify(w[k])) out.push(`${c.name}.${k}: ${JSON.stringify(v)} != ${JSON.stringify(w[k])}`);
    for (const k of Object.keys(w)) if (!(k in c)) out.push(`${c.name}.${k}: missing != ${JSON.stringify(w[k])}`);
  });
  return out;
}
