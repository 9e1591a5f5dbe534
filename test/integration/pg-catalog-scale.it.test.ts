/**
 * A database with 10,000 tables: start-up (cdc validate, then a daemon start until the
 * replication stream runs) stays fast whether the connector captures 10 of them or all of them,
 * because the catalog is narrowed in SQL (filter-pushdown.ts) and domains are resolved only for
 * the columns read. Bounds are generous for a loaded 2-core machine; measured figures
 * (bench/pg-startup.ts, docs/benchmarks.md) are a few seconds. The same start read every column
 * of every table into JavaScript before and took much longer; see docs/benchmarks.md.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { stackEnv, SKIP_REASON } from '../helpers/stack-env.ts';
import { PgFixture } from '../helpers/pg-fixture.ts';
import { measureStartup } from '../../bench/catalog-startup.ts';

const env = stackEnv();

test('10,000 tables: validate and start stay within seconds, capturing 10 or all', { skip: env ? false : SKIP_REASON, timeout: 600_000 }, async () => {
  const db = await PgFixture.create(env!, 'scale');
  try {
    const f = await measureStartup(env!, db, { tables: 10_000, captured: 10, all: true, name: `scale_${db.database.slice(-8)}`, timeoutMs: 180_000 });
    process.stderr.write(`startup figures: ${JSON.stringify(f)}\n`);
    assert.ok(f.filtered.validateSeconds < 30, `validate (10 captured) took ${f.filtered.validateSeconds} s`);
    assert.ok(f.filtered.startSeconds < 30, `start (10 captured) took ${f.filtered.startSeconds} s`);
    assert.ok(f.all!.validateSeconds < 90, `validate (all captured) took ${f.all!.validateSeconds} s`);
    assert.ok(f.all!.startSeconds < 90, `start (all captured) took ${f.all!.startSeconds} s`);
  } finally {
    await db.drop();
  }
});
