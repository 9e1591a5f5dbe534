-- The publication the connector reads (publication.name). Created once by a
-- privileged user, so the connector can run with publication.autocreate.mode
-- = disabled and no ownership of the tables.
-- Parameters: cdc.publication (name), cdc.tables (comma list of schema.table;
-- empty = FOR ALL TABLES), cdc.publish_via_root (true, the default, or false:
-- publish.via.partition.root; true makes PostgreSQL send a partition's changes as
-- its root table's, the name the connector captures).
DO $$
DECLARE
  pub text := current_setting('cdc.publication');
  tabs text := coalesce(current_setting('cdc.tables', true), '');
  list text;
  via text := CASE WHEN coalesce(nullif(current_setting('cdc.publish_via_root', true), ''), 'true')::boolean THEN 'true' ELSE 'false' END;
BEGIN
  IF EXISTS (SELECT 1 FROM pg_publication WHERE pubname = pub) THEN
    RETURN;
  END IF;
  IF tabs = '' THEN
    EXECUTE format('CREATE PUBLICATION %I FOR ALL TABLES WITH (publish_via_partition_root = %s)', pub, via);
  ELSE
    SELECT string_agg(format('%I.%I', split_part(t, '.', 1), split_part(t, '.', 2)), ', ')
      INTO list FROM unnest(string_to_array(replace(tabs, ' ', ''), ',')) AS t;
    EXECUTE format('CREATE PUBLICATION %I FOR TABLE %s WITH (publish_via_partition_root = %s)', pub, list, via);
  END IF;
END
$$;
