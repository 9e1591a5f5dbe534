# Optional services of test/stack/stack.sh (`up --with mariadb`, `up --with prometheus`).
# Sourced by stack.sh after its helpers (log, die, spawn, wait_ready, live_pid, ...) and
# paths (STATE, LOGS, MDBROOT, PROMROOT, ports) are defined; not meant to be run alone.
# shellcheck shell=bash

MARIADB_BIN=/usr/sbin/mariadbd

mariadb_pid() { live_pid "$MDBROOT/run/mariadb.pid" "--defaults-file=$MDBROOT/my.cnf "; }

mariadb_ready() {
  mariadb --protocol=tcp -h 127.0.0.1 -P "$MARIADB_PORT" -u root -p"$MARIADB_PASSWORD" -N -e 'select @@binlog_format' 2>/dev/null | grep -qx ROW
}

mariadb_start() {
  if [[ ! -x "$MARIADB_BIN" ]]; then
    apt_install mariadb-server
    # Where an init system runs, Debian's package starts its own server; this stack runs its own.
    as_root service mariadb stop >/dev/null 2>&1 || true
  fi
  if mariadb_pid >/dev/null; then
    log "mariadb already running (pid $(mariadb_pid), port $MARIADB_PORT)"
    wait_ready mariadb "$LOGS/mariadb.log" "$(mariadb_pid)" mariadb_ready
    return
  fi
  require_free_port "$MARIADB_PORT" mariadb
  mkdir -p "$MDBROOT/data" "$MDBROOT/run"
  cat >"$MDBROOT/my.cnf" <<EOF
# Written by test/stack/stack.sh; rewritten at every start.
[mariadbd]
datadir=$MDBROOT/data
socket=$MDBROOT/run/mariadb.sock
pid-file=$MDBROOT/run/mariadb.pid
bind-address=127.0.0.1
port=$MARIADB_PORT
log-error=$LOGS/mariadb.log
server-id=1
log-bin=$MDBROOT/data/binlog
binlog_format=ROW
binlog_row_image=FULL
binlog_row_metadata=FULL
binlog_expire_logs_seconds=172800
innodb_flush_log_at_trx_commit=2
sync_binlog=0
skip-name-resolve
EOF
  local owner=()
  if is_root; then
    chown -R mysql:mysql "$MDBROOT"
    touch "$LOGS/mariadb.log" && chown mysql:mysql "$LOGS/mariadb.log"
    runuser -u mysql -- test -w "$MDBROOT/data" || die "the mysql user cannot write $MDBROOT/data; set CDC_STACK_DIR to a path it can reach"
    owner=(--user=mysql)
  fi
  if [[ ! -d "$MDBROOT/data/mysql" ]]; then
    log "initialising MariaDB data directory $MDBROOT/data"
    mariadb-install-db --defaults-file="$MDBROOT/my.cnf" "${owner[@]}" --auth-root-authentication-method=normal \
      --skip-test-db >>"$LOGS/mariadb-install.log" 2>&1 || die_with_log "mariadb-install-db failed" "$LOGS/mariadb-install.log"
  fi
  log "starting mariadb on 127.0.0.1:$MARIADB_PORT"
  spawn "$MDBROOT/run/launcher.pid" "$LOGS/mariadb.out" "$MARIADB_BIN" --defaults-file="$MDBROOT/my.cnf" "${owner[@]}"
  local pid
  pid="$(head -n 1 "$MDBROOT/run/launcher.pid")"
  # ping succeeds as soon as the server answers, whatever the credentials.
  wait_ready mariadb "$LOGS/mariadb.log" "$pid" mariadb-admin --socket="$MDBROOT/run/mariadb.sock" ping
  # A fresh data dir has a password-less root: give root@localhost and root@127.0.0.1 the
  # password and drop the other root accounts (root@<hostname>, root@::1).
  if ! mariadb_ready && mariadb --socket="$MDBROOT/run/mariadb.sock" -u root -e 'select 1' >/dev/null 2>&1; then
    mariadb --socket="$MDBROOT/run/mariadb.sock" -u root >>"$LOGS/mariadb-install.log" 2>&1 <<EOF \
      || die_with_log "mariadb: setting the root password failed" "$LOGS/mariadb-install.log"
DELETE FROM mysql.global_priv WHERE User = 'root' AND Host NOT IN ('localhost', '127.0.0.1');
FLUSH PRIVILEGES;
ALTER USER 'root'@'localhost' IDENTIFIED BY '$MARIADB_PASSWORD';
CREATE OR REPLACE USER 'root'@'127.0.0.1' IDENTIFIED BY '$MARIADB_PASSWORD';
GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;
FLUSH PRIVILEGES;
EOF
  fi
  wait_ready mariadb "$LOGS/mariadb.log" "$pid" mariadb_ready
}

mariadb_stop() {
  local pid
  pid="$(mariadb_pid)" || return 0
  log "stopping mariadb (pid $pid)"
  stop_pid "$pid" mariadb 60
  rm -f "$MDBROOT/run/launcher.pid"
}

PROMETHEUS_BIN=/usr/bin/prometheus

prometheus_pid() { live_pid "$PROMROOT/prometheus.pid" "--config.file=$PROMROOT/prometheus.yml "; }

prometheus_ready() { curl -fsS --max-time 3 "http://127.0.0.1:$PROMETHEUS_PORT/-/ready" >/dev/null; }

prometheus_start() {
  if [[ ! -x "$PROMETHEUS_BIN" ]]; then
    apt_install prometheus
    as_root service prometheus stop >/dev/null 2>&1 || true
  fi
  if prometheus_pid >/dev/null; then
    log "prometheus already running (pid $(prometheus_pid), port $PROMETHEUS_PORT)"
    return
  fi
  require_free_port "$PROMETHEUS_PORT" prometheus
  mkdir -p "$PROMROOT/data"
  # Scrape targets are files in $PROMROOT/targets/*.json (file_sd), so a test or the demo can
  # add the daemon's metrics endpoint without restarting Prometheus.
  mkdir -p "$PROMROOT/targets"
  # Rule files a test writes there (a copy of docker/prometheus/alerts.yml with small thresholds)
  # are loaded on POST /-/reload and evaluated every second, so alerts fire within a test's time.
  mkdir -p "$PROMROOT/rules"
  cat >"$PROMROOT/prometheus.yml" <<EOF
# Written by test/stack/stack.sh; rewritten at every start.
global:
  scrape_interval: 5s
  evaluation_interval: 1s
rule_files: ['$PROMROOT/rules/*.yml']
scrape_configs:
  - job_name: cdcd
    file_sd_configs:
      - files: ['$PROMROOT/targets/*.json']
EOF
  log "starting prometheus on 127.0.0.1:$PROMETHEUS_PORT"
  spawn "$PROMROOT/prometheus.pid" "$LOGS/prometheus.log" "$PROMETHEUS_BIN" \
    --config.file="$PROMROOT/prometheus.yml" --storage.tsdb.path="$PROMROOT/data" \
    --web.listen-address="127.0.0.1:$PROMETHEUS_PORT" --web.enable-lifecycle
  wait_ready prometheus "$LOGS/prometheus.log" "$(prometheus_pid)" prometheus_ready
}

prometheus_stop() {
  local pid
  pid="$(prometheus_pid)" || { rm -f "$PROMROOT/prometheus.pid"; return 0; }
  log "stopping prometheus (pid $pid)"
  stop_pid "$pid" prometheus 30
  rm -f "$PROMROOT/prometheus.pid"
}
