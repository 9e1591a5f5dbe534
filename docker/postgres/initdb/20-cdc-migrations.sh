#!/usr/bin/env bash
# Applies migrations/postgres/*.sql by hand, the way docs/postgres.md describes: parameters as
# session settings through PGOPTIONS. Runs once, after 10-shop.sql, as the image's superuser.
# The role "cdc" gets the password from CDC_DB_PASSWORD (set in compose.yaml; no spaces).
set -euo pipefail
export PGOPTIONS="-c cdc.user=cdc -c cdc.password=${CDC_DB_PASSWORD} -c cdc.schema=public -c cdc.publication=cdc_shop -c cdc.tables=public.customers,public.orders,public.cdc_heartbeat"
for f in /migrations/postgres/0*.sql; do
  echo "applying $f"
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" -f "$f"
done
