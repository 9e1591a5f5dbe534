/**
 * The table the throughput bench captures: an order-like row with the column
 * types a typical OLTP table has (bigserial key, ints, text, numeric,
 * timestamptz), so the daemon pays realistic per-column conversion costs
 * (numeric -> Connect Decimal bytes, timestamptz -> ZonedTimestamp string).
 */
export const BENCH_SCHEMA = 'public';
export const BENCH_TABLE_NAME = 'bench_events';
export const BENCH_TABLE = `${BENCH_SCHEMA}.${BENCH_TABLE_NAME}`;

export const BENCH_TABLE_DDL = `CREATE TABLE ${BENCH_TABLE} (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  account_id  integer       NOT NULL,
  quantity    integer       NOT NULL,
  status      text          NOT NULL,
  note        text,
  amount      numeric(12,2) NOT NULL,
  created_at  timestamptz   NOT NULL DEFAULT now(),
  updated_at  timestamptz
)`;
