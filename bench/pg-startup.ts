/**
 * `npm run bench:startup [-- N]`: seconds for `cdc validate` and for a daemon start (until the
 * replication stream runs) on a fresh database with N tables (default 10000), capturing 10 of
 * them and capturing all of them (without and with an initial snapshot of the empty tables). Prints a block and a JSON line; drops its database after.
 */
import { ensureStack } from './bench-stack.ts';
import { PgFixture } from '../test/helpers/pg-fixture.ts';
import { measureStartup } from './catalog-startup.ts';

const log = (line: string) => process.stderr.write(`bench: ${line}\n`);
const n = Number(process.argv[2] ?? 10_000);
if (!Number.isInteger(n) || n < 10) throw new Error(`table count "${process.argv[2]}" must be an integer of at least 10`);
const { env } = ensureStack(log);
const db = await PgFixture.create(env, 'startup');
try {
  log(`creating ${n} tables`);
  const f = await measureStartup(env, db, { tables: n, captured: 10, all: true, snapshot: true, name: `startup_${db.database.slice(-8)}`, timeoutMs: 600_000 });
  process.stdout.write([
    `tables in database        ${f.tables} (created in ${f.createSeconds} s)`,
    `capture ${f.filtered.captured} (include list)  validate ${f.filtered.validateSeconds} s, start ${f.filtered.startSeconds} s`,
    f.all ? `capture all ${f.tables}         validate ${f.all.validateSeconds} s, start ${f.all.startSeconds} s` : '',
    f.allWithSnapshot ? `capture all, initial snapshot of the empty tables: start ${f.allWithSnapshot.startSeconds} s` : '',
    JSON.stringify({ bench: 'pg-startup', ...f }),
    '',
  ].filter((l) => l !== '').join('\n') + '\n');
} finally {
  await db.drop();
}
