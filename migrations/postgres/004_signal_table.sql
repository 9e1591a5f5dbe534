-- The signal table of the source channel (signal.data.collection), in Debezium's
-- layout: id, type, data. Rows inserted into it are signals; the daemon only reads
-- them from the stream (it writes nothing there: its snapshot watermarks are
-- logical decoding messages), so the least-privilege role needs no privilege on it.
-- Grant INSERT to the users who send signals, e.g.
--   GRANT INSERT ON public.debezium_signal TO ops;
--   INSERT INTO public.debezium_signal VALUES ('s-1', 'execute-snapshot',
--     '{"data-collections": ["public.orders"], "type": "incremental"}');
-- The table is added to the publication (it must travel through the slot).
-- Parameters: cdc.signal_table (schema.table; empty = no signal table), cdc.publication.
DO $$
DECLARE
  t text := coalesce(current_setting('cdc.signal_table', true), '');
  pub text := current_setting('cdc.publication');
  s text;
  n text;
BEGIN
  IF t = '' THEN
    RETURN;
  END IF;
  s := split_part(t, '.', 1);
  n := split_part(t, '.', 2);
  EXECUTE format('CREATE TABLE IF NOT EXISTS %I.%I (id varchar(42) PRIMARY KEY, type varchar(32) NOT NULL, data varchar(2048) NULL)', s, n);
  IF EXISTS (SELECT 1 FROM pg_publication WHERE pubname = pub AND NOT puballtables)
     AND NOT EXISTS (SELECT 1 FROM pg_publication_tables WHERE pubname = pub AND schemaname = s AND tablename = n) THEN
    EXECUTE format('ALTER PUBLICATION %I ADD TABLE %I.%I', pub, s, n);
  END IF;
END
$$;
