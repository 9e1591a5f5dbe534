-- Signal table for the source signal channel and the incremental snapshot's watermarks
-- (signal.data.collection = database.table), in Debezium's layout: a row inserted into it is
-- a signal; snapshot windows are marked with rows in it (incremental.snapshot.watermarking.strategy).
-- Created when missing; the CDC user gets INSERT and DELETE on it (for the watermark rows).
-- Parameters (user variables; '' skips the step):
--   mariadb -u root -p -e "SET @cdc_signal_table='shop.debezium_signal', @cdc_user='cdc',
--     @cdc_host='%'; SOURCE migrations/mysql/002_signal_table.sql"
-- The table must lie in a captured database (database.include.list), so its inserts reach
-- the connector through the binlog.

SET @cdc_signal = COALESCE(@cdc_signal_table, '');
SET @cdc_signal_quoted = IF(@cdc_signal = '', '',
  CONCAT('`', REPLACE(SUBSTRING_INDEX(@cdc_signal, '.', 1), '`', '``'), '`.`',
         REPLACE(SUBSTRING(@cdc_signal, LENGTH(SUBSTRING_INDEX(@cdc_signal, '.', 1)) + 2), '`', '``'), '`'));

SET @cdc_sql = IF(@cdc_signal = '', 'DO 0', CONCAT('CREATE TABLE IF NOT EXISTS ', @cdc_signal_quoted,
  ' (id VARCHAR(42) PRIMARY KEY, type VARCHAR(32) NOT NULL, data VARCHAR(2048) NULL)'));
PREPARE cdc_stmt FROM @cdc_sql;
EXECUTE cdc_stmt;
DEALLOCATE PREPARE cdc_stmt;

SET @cdc_sql = IF(@cdc_signal = '' OR COALESCE(@cdc_user, '') = '', 'DO 0',
  CONCAT('GRANT SELECT, INSERT, DELETE ON ', @cdc_signal_quoted, ' TO ', QUOTE(@cdc_user), '@', QUOTE(COALESCE(@cdc_host, '%'))));
PREPARE cdc_stmt FROM @cdc_sql;
EXECUTE cdc_stmt;
DEALLOCATE PREPARE cdc_stmt;
