/**
 * Fills bench_events (bench/bench-table.ts: bigint identity key, 2 integer, 2 text,
 * numeric(12,2), 2 timestamptz) with N rows generated inside PostgreSQL, in
 * statements of at most 1,000,000 rows (so progress shows and no statement holds
 * the whole table's WAL), then VACUUM ANALYZE: the visibility map makes the
 * snapshot's reads the ones a settled production table gets, and reltuples gives
 * the snapshot its row estimate. Values vary by row (deterministic in the id) with
 * ~10 % NULL notes and ~50 % NULL updated_at, like the throughput bench's loader.
 */
import type pg from 'pg';
import { BENCH_TABLE, BENCH_TABLE_DDL } from './bench-table.ts';

const STEP = 1_000_000;

const INSERT = `INSERT INTO ${BENCH_TABLE} (account_id, quantity, status, note, amount, created_at, updated_at)
  SELECT 1 + (g * 7919) % 100000,
         1 + g % 50,
         (ARRAY['new','paid','shipped','delivered','returned','cancelled'])[1 + g % 6],
         CASE WHEN g % 10 = 0 THEN NULL
              ELSE array_to_string((ARRAY['alpha','bravo','charlie','delta','echo','foxtrot','golf','hotel','india','juliet','kilo','lima'])[1 + g % 12 : 2 + g % 12 + g % 7], ' ') END,
         ((g * 37) % 1000000) / 100.0,
         timestamptz '2026-01-01 00:00:00+00' + g * interval '1 second',
         CASE WHEN g % 2 = 0 THEN NULL ELSE timestamptz '2026-06-01 00:00:00+00' + (g % 86400) * interval '1 second' END
  FROM generate_series($1::bigint, $2::bigint) g`;

export async function loadSnapshotTable(client: pg.Client, rows: number, log: (line: string) => void): Promise<number> {
  const t0 = Date.now();
  await client.query(BENCH_TABLE_DDL);
  for (let from = 1; from <= rows; from += STEP) {
    const to = Math.min(rows, from + STEP - 1);
    await client.query(INSERT, [from, to]);
    log(`  loaded ${to.toLocaleString('en-US')} / ${rows.toLocaleString('en-US')} rows (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  }
  await client.query(`VACUUM (ANALYZE) ${BENCH_TABLE}`);
  return (Date.now() - t0) / 1000;
}
