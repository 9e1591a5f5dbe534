-- Least-privilege user for the CDC daemon's MySQL / MariaDB connector: reading the binlog
-- and the captured tables, nothing else. Run it as an administrator (root, or a user with
-- CREATE USER and GRANT OPTION on what it grants). Safe to run again: the user is created
-- when missing, its password reset, and grants are idempotent.
--
-- Parameters are user variables set before the file runs, so the same file runs from
-- "cdc migrate" and by hand (once per captured database):
--   mariadb -u root -p -e "SET @cdc_user='cdc', @cdc_password='secret', @cdc_host='%',
--     @cdc_database='shop', @cdc_reload='NO'; SOURCE migrations/mysql/001_cdc_user.sql"
-- (mysql works the same way). @cdc_database '' grants no SELECT; @cdc_reload 'YES' adds
-- RELOAD, which no accepted snapshot.locking.mode needs (the chunked snapshot takes no lock);
-- it is kept for tools that run FLUSH TABLES WITH READ LOCK with this user.
--
-- What is granted and why:
--   REPLICATION SLAVE   the binlog dump connection (MariaDB also calls it REPLICATION REPLICA)
--   REPLICATION CLIENT  SHOW BINARY LOGS, the binlog position and retention checks
--                       (MariaDB 10.5.2+ stores it as BINLOG MONITOR)
--   SELECT ON db.*      the snapshot, and column defaults from information_schema
--   RELOAD (optional)   not needed by the connector (its snapshot takes no lock)
-- Not granted: SUPER, PROCESS, REPLICATION MASTER ADMIN, any write on captured tables.

SET @cdc_account = CONCAT(QUOTE(@cdc_user), '@', QUOTE(COALESCE(@cdc_host, '%')));

SET @cdc_sql = CONCAT('CREATE USER IF NOT EXISTS ', @cdc_account, ' IDENTIFIED BY ', QUOTE(@cdc_password));
PREPARE cdc_stmt FROM @cdc_sql;
EXECUTE cdc_stmt;
DEALLOCATE PREPARE cdc_stmt;

-- An existing user gets the given password (the run is idempotent, and a rotated password is applied).
SET @cdc_sql = CONCAT('ALTER USER ', @cdc_account, ' IDENTIFIED BY ', QUOTE(@cdc_password));
PREPARE cdc_stmt FROM @cdc_sql;
EXECUTE cdc_stmt;
DEALLOCATE PREPARE cdc_stmt;

SET @cdc_sql = CONCAT('GRANT REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO ', @cdc_account);
PREPARE cdc_stmt FROM @cdc_sql;
EXECUTE cdc_stmt;
DEALLOCATE PREPARE cdc_stmt;

SET @cdc_sql = IF(COALESCE(@cdc_database, '') = '', 'DO 0',
  CONCAT('GRANT SELECT ON `', REPLACE(@cdc_database, '`', '``'), '`.* TO ', @cdc_account));
PREPARE cdc_stmt FROM @cdc_sql;
EXECUTE cdc_stmt;
DEALLOCATE PREPARE cdc_stmt;

SET @cdc_sql = IF(UPPER(COALESCE(@cdc_reload, 'NO')) = 'YES', CONCAT('GRANT RELOAD ON *.* TO ', @cdc_account), 'DO 0');
PREPARE cdc_stmt FROM @cdc_sql;
EXECUTE cdc_stmt;
DEALLOCATE PREPARE cdc_stmt;
