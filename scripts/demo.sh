#!/usr/bin/env bash
# The demo: starts the services, creates a sample "inventory" database, runs the
# daemon against it (compiled, as users run it), makes some changes, and prints the decoded
# change events (decimals as numbers, timestamps as ISO text) and the replication slot's lag
# and retained WAL as they change. Ends by itself (~1.5 minutes).
#   bash scripts/demo.sh            (or: npm ci && npm run demo)
# The services stay up afterwards for exploring; stop them with
#   bash test/stack/stack.sh down
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
[ -d node_modules ] || npm ci --no-audit --no-fund
# The Node.js of package.json engines: this one, or the release in .node-version fetched once into
# the cache dir when this one is older (a machine with only Node 20); first on PATH from here on.
NODE_BIN="$(node scripts/ensure-node.mjs)"
export PATH="$(dirname "$NODE_BIN"):$PATH"
# kafkajs's negative timer delays: Node.js 23+ warns on stderr (bin/cdc.mjs drops it for the daemon).
export NODE_OPTIONS="${NODE_OPTIONS:-} --disable-warning=TimeoutNegativeWarning"
echo "== node $(node --version); building dist/ (npm run build)"
node scripts/build.mjs
bash test/stack/stack.sh up >/dev/null
STACK="${CDC_STACK_DIR:-$ROOT/.stack}"
# shellcheck disable=SC1091
. "$STACK/env"
DEMO="$STACK/demo"
mkdir -p "$DEMO"

npx tsx scripts/demo-reset.ts demo
echo "== sample database 'inventory'"
export PGOPTIONS='-c client_min_messages=warning'
psql -q -t -o /dev/null -v ON_ERROR_STOP=1 -d postgres <<'SQL'
SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = 'demo_inventory' AND NOT active;
DROP DATABASE IF EXISTS inventory WITH (FORCE);
CREATE DATABASE inventory;
SQL
psql -q -v ON_ERROR_STOP=1 -d inventory <<'SQL'
CREATE TYPE order_status AS ENUM ('new', 'paid', 'shipped');
CREATE TABLE customers (id serial PRIMARY KEY, name text NOT NULL, email text UNIQUE, created_at timestamptz NOT NULL DEFAULT now());
CREATE TABLE products (id serial PRIMARY KEY, sku text NOT NULL, price numeric(10,2) NOT NULL, tags text[]);
CREATE TABLE orders (id bigserial PRIMARY KEY, customer_id int REFERENCES customers, product_id int REFERENCES products,
                     qty int NOT NULL, status order_status NOT NULL DEFAULT 'new', placed_at timestamp(6) NOT NULL DEFAULT now());
INSERT INTO customers (name, email) VALUES ('Ada', 'ada@example.com'), ('Grace', 'grace@example.com');
INSERT INTO products (sku, price, tags) VALUES ('KB-01', 49.90, '{keyboard,usb}'), ('MS-02', 19.99, '{mouse}');
INSERT INTO orders (customer_id, product_id, qty) VALUES (1, 1, 1), (2, 2, 3);
SQL

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
METRICS_PORT=$(free_port)
REST_PORT=$(free_port)
cat > "$DEMO/cdc.yaml" <<YAML
worker:
  bootstrap.servers: $KAFKA_BOOTSTRAP_SERVERS
  group.id: demo
  offset.storage.topic: demo-offsets
  offset.storage.partitions: 1
  config.storage.topic: demo-configs
  status.storage.topic: demo-status
  status.storage.partitions: 1
  rest.port: $REST_PORT
  schema.registry.url: $SCHEMA_REGISTRY_URL
  metrics.port: $METRICS_PORT
  rest.host.name: 127.0.0.1
connectors:
  - name: inventory
    config:
      connector.class: io.debezium.connector.postgresql.PostgresConnector
      database.hostname: $PGHOST
      database.port: $PGPORT
      database.user: $PGUSER
      database.password: \${env:PGPASSWORD}
      database.dbname: inventory
      topic.prefix: demo
      slot.name: demo_inventory
      publication.name: demo_publication
      table.include.list: public\\.(customers|products|orders)
      provide.transaction.metadata: true
      topic.creation.default.partitions: 1
      topic.creation.default.replication.factor: -1
YAML
echo "== config: $DEMO/cdc.yaml (password comes from \${env:PGPASSWORD})"
node bin/cdc.mjs migrate --config "$DEMO/cdc.yaml"
node bin/cdc.mjs validate --config "$DEMO/cdc.yaml"

echo "== starting the daemon (log: $DEMO/daemon.log)"
node bin/cdc.mjs run --config "$DEMO/cdc.yaml" >"$DEMO/daemon.log" 2>&1 &
DAEMON=$!
trap 'kill -TERM $DAEMON 2>/dev/null; wait $DAEMON 2>/dev/null || true' EXIT

# Changes while the consumer watches (it prints the slot's lag and retained WAL whenever they change):
# an update, a multi-row transaction, a delete, then bulk loads with pauses between them.
(
  sleep 15
  psql -q -d inventory -c "UPDATE products SET price = 44.90 WHERE sku = 'KB-01'"
  sleep 2
  psql -q -d inventory -c "BEGIN; INSERT INTO customers (name, email) VALUES ('Linus', 'linus@example.com'); INSERT INTO orders (customer_id, product_id, qty) VALUES (3, 1, 2); UPDATE orders SET status = 'paid' WHERE id = 1; COMMIT;"
  sleep 2
  psql -q -d inventory -c "DELETE FROM orders WHERE id = 2"
  for batch in 1 2 3 4; do
    sleep 3
    psql -q -d inventory -c "INSERT INTO products (sku, price) SELECT 'BULK-$batch-' || g, g / 100.0 FROM generate_series(1, 5000) g"
  done
) &
CHANGES=$!

npx tsx scripts/demo-consumer.ts --topics demo.public.customers,demo.public.products,demo.public.orders,demo.transaction \
  --metrics "http://127.0.0.1:$METRICS_PORT/metrics" --slot demo_inventory --seconds 45
wait $CHANGES || true
echo "== connector status through the Kafka Connect REST API (GET /connectors?expand=status)"
curl -s "http://127.0.0.1:$REST_PORT/connectors?expand=status" | python3 -m json.tool || true
echo "== daemon status lines"
grep -E '"msg":"(connector started|initial snapshot read completely; committing it|replication stream started)"' "$DEMO/daemon.log" | cut -c1-200 || true
echo "== done. Services still running; stop them with: bash test/stack/stack.sh down"
