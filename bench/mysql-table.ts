/**
 * The table the MariaDB throughput bench captures: the PostgreSQL bench's
 * order-like row in MariaDB types (bench/bench-table.ts), so both sources pay
 * comparable per-column costs (decimal -> Connect Decimal bytes, timestamp(6)
 * -> ZonedTimestamp string). The key is written by the loader, not
 * AUTO_INCREMENT, so the loader knows which ids each transaction committed.
 */
export const MYSQL_BENCH_TABLE_NAME = 'bench_events';

export function mysqlBenchTableDdl(database: string): string {
  return `CREATE TABLE \`${database}\`.${MYSQL_BENCH_TABLE_NAME} (
  id          BIGINT        NOT NULL PRIMARY KEY,
  account_id  INT           NOT NULL,
  quantity    INT           NOT NULL,
  status      VARCHAR(16)   NOT NULL,
  note        TEXT          NULL,
  amount      DECIMAL(12,2) NOT NULL,
  created_at  TIMESTAMP(6)  NOT NULL DEFAULT CURRENT_TIMESTAMP(6),
  updated_at  TIMESTAMP(6)  NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`;
}
