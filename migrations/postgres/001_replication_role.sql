-- Least-privilege role for the CDC daemon: replication connections plus SELECT
-- on the captured schema, nothing else. Run as a superuser (or CREATEROLE).
-- Parameters are session settings, so the same file runs from "cdc migrate"
-- and by hand:
--   PGOPTIONS="-c cdc.user=cdc -c cdc.password=secret -c cdc.schema=public" \
--     psql -v ON_ERROR_STOP=1 -d mydb -f 001_replication_role.sql
DO $$
DECLARE
  u text := current_setting('cdc.user');
  p text := current_setting('cdc.password');
  s text := current_setting('cdc.schema');
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = u) THEN
    EXECUTE format('CREATE ROLE %I WITH LOGIN REPLICATION PASSWORD %L', u, p);
  ELSE
    EXECUTE format('ALTER ROLE %I WITH LOGIN REPLICATION PASSWORD %L', u, p);
  END IF;
  EXECUTE format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), u);
  EXECUTE format('GRANT USAGE ON SCHEMA %I TO %I', s, u);
  EXECUTE format('GRANT SELECT ON ALL TABLES IN SCHEMA %I TO %I', s, u);
  EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT SELECT ON TABLES TO %I', s, u);
END
$$;
