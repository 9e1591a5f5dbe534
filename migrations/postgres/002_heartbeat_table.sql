-- A one-row table the connector's heartbeat.action.query can update, e.g.
--   heartbeat.action.query: INSERT INTO cdc_heartbeat (id, ts) VALUES (1, now())
--                           ON CONFLICT (id) DO UPDATE SET ts = EXCLUDED.ts
-- Its changes travel through the slot, so a quiet database still confirms WAL.
-- Parameters: cdc.user, cdc.schema (see 001).
DO $$
DECLARE
  u text := current_setting('cdc.user');
  s text := current_setting('cdc.schema');
BEGIN
  EXECUTE format('CREATE TABLE IF NOT EXISTS %I.cdc_heartbeat (id int PRIMARY KEY, ts timestamptz NOT NULL DEFAULT now())', s);
  EXECUTE format('GRANT SELECT, INSERT, UPDATE ON %I.cdc_heartbeat TO %I', s, u);
END
$$;
