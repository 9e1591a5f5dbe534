#!/usr/bin/env bash
# Starts and stops, without Docker, the real services that cdcd's integration tests and demo
# use: PostgreSQL 15 (Debian's binaries, own data directory), Apache Kafka in KRaft combined
# mode (official jars from Maven Central, run on the machine's Java 17) and a
# Confluent-compatible Schema Registry. See test/stack/README.md for the interface.
#
#   bash test/stack/stack.sh up [--with mariadb] [--with prometheus] [--with pg13..pg18|pg17-standby]
#   bash test/stack/stack.sh down [--purge]
#   bash test/stack/stack.sh env | status
#   bash test/stack/stack.sh stop|start kafka|postgres
#
# Versions:
# - Kafka 4.3.1 is the newest 4.x that resolves from Maven Central: 4.4.0's kafka_2.13 pom is
#   published, but its dependency org.apache.kafka:kafka-tools-api:4.4.0 is not (404), so
#   Maven cannot resolve it. Override with CDC_KAFKA_VERSION.
# - Schema Registry: Apicurio Registry 3.0.9 (io.apicurio:apicurio-registry-app, the -all.tar.gz
#   assembly from Maven Central, fetched with Maven), serving the Confluent API under
#   /apis/ccompat/v7. Karapace was tried first and is not usable here: `pip download
#   karapace==3.15.0` (and any version) answers "No matching distribution found", PyPI has no
#   karapace project at all. Confluent's own registry is not on Maven Central. Apicurio 3.3.3
#   (newest) was tried next and fails at start on Java 17 with UnsupportedClassVersionError
#   (class file version 65.0, i.e. it needs Java 21, which Debian 12 does not package);
#   3.0.9 is compiled for Java 17.
#   Apicurio keeps its schemas in an H2 *file* database under the state dir rather than in
#   memory, so that schema ids stay valid for the records kept in Kafka across down/up;
#   `down --purge` wipes both together.
# shellcheck source-path=SCRIPTDIR
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
STATE="$(realpath -m "${CDC_STACK_DIR:-$REPO/.stack}")"
CACHE="$(realpath -m "${CDC_CACHE_DIR:-$HOME/.cache/cdcd}")"
TIMEOUT="${CDC_STACK_TIMEOUT:-120}"

KAFKA_VERSION="${CDC_KAFKA_VERSION:-4.3.1}"
LOG4J_VERSION=2.24.3
APICURIO_VERSION="${CDC_APICURIO_VERSION:-3.0.9}"
PG_BIN=/usr/lib/postgresql/15/bin
PG_PASSWORD=postgres
MARIADB_PASSWORD=mariadb

LOGS="$STATE/logs"
PGROOT="$STATE/postgres"
PGDATA="$PGROOT/data"
PGSOCK="$PGROOT/run"
PGTLS="$PGROOT/tls"
# A role that logs in with a client certificate only (pg_hba "cert"), for the TLS tests.
PG_CERT_USER=cdc_cert_user
PG_CLIENT_KEY_PASSWORD=client-key-pass
KROOT="$STATE/kafka"
SRROOT="$STATE/schema-registry"
MDBROOT="$STATE/mariadb"
PROMROOT="$STATE/prometheus"
PORTS_FILE="$STATE/ports"
ENV_FILE="$STATE/env"
# Every JVM we start carries this, so a pid (from a pid file) is only trusted if its command
# line names this stack, and `down` can find our processes even without pid files.
MARKER="-Dcdcd.stack.dir=$STATE"

log() { printf 'stack: %s\n' "$*" >&2; }
die() { printf 'stack: error: %s\n' "$*" >&2; exit 1; }

# Fails with the end of a log file, so the cause is on screen and the file is named.
die_with_log() {
  local msg="$1" file="$2"
  if [[ -s "$file" ]]; then
    printf 'stack: ---- last lines of %s ----\n' "$file" >&2
    tail -n 30 "$file" >&2 || true
    printf 'stack: ----\n' >&2
  fi
  die "$msg (full log: $file; stop what did start with: bash $HERE/stack.sh down)"
}

is_root() { [[ "$(id -u)" -eq 0 ]]; }

as_root() {
  if is_root; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo "$@"
  else die "need root to run: $*"
  fi
}

apt_install() {
  log "installing from Debian: $* (output in $LOGS/apt.log)"
  mkdir -p "$LOGS"
  { as_root apt-get update -q && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$@"; } \
    >>"$LOGS/apt.log" 2>&1 || die_with_log "apt-get install $* failed" "$LOGS/apt.log"
}

# ---------------------------------------------------------------------------------------------
# Processes and ports

# Prints the pid from a pid file when that process is alive and its command line contains
# the given text; otherwise prints nothing and returns 1.
live_pid() {
  local file="$1" needle="$2" pid
  [[ -f "$file" ]] || return 1
  pid="$(head -n 1 "$file" 2>/dev/null | tr -dc '0-9')"
  [[ -n "$pid" && -r "/proc/$pid/cmdline" ]] || return 1
  { tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null | grep -qF -- "$needle" || return 1
  echo "$pid"
}

# Pids of every process whose command line carries this stack's marker.
marked_pids() {
  local p
  for p in /proc/[0-9]*; do
    [[ "${p#/proc/}" == "$$" ]] && continue
    { tr '\0' ' ' <"$p/cmdline"; } 2>/dev/null | grep -qF -- "$MARKER " && echo "${p#/proc/}"
  done
  return 0
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Stops a process by pid: TERM, then KILL after a grace period; waits until it is gone.
stop_pid() {
  local pid="$1" name="$2" grace="${3:-60}" i
  kill -TERM "$pid" 2>/dev/null || return 0
  for ((i = 0; i < grace * 5; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.2
  done
  log "$name (pid $pid) did not exit after ${grace}s, killing it"
  kill -KILL "$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.2
  done
  die "$name (pid $pid) is still alive after SIGKILL"
}

# Runs a command detached from this shell's session (Ctrl-C on `up` or a test runner killing
# its process group does not take the service down), records its pid, returns at once.
spawn() {
  local pidfile="$1" out="$2"
  shift 2
  # A stale pid file would be taken for the new one below.
  rm -f "$pidfile"
  # fd 9 is the state lock: a service must not inherit it, or it would hold the lock for life.
  setsid bash -c 'echo $$ >"$0"; exec "$@"' "$pidfile" "$@" >>"$out" 2>&1 </dev/null 9>&- &
  local i
  for ((i = 0; i < 50; i++)); do
    [[ -s "$pidfile" ]] && return 0
    sleep 0.1
  done
  die "could not start: $*"
}

# Polls a readiness command until it succeeds; fails with the log if the process dies or the
# timeout passes.
wait_ready() {
  local name="$1" log_file="$2" pid="$3"
  shift 3
  local end=$((SECONDS + TIMEOUT))
  until "$@" >/dev/null 2>&1; do
    if [[ -n "$pid" ]] && ! kill -0 "$pid" 2>/dev/null; then
      die_with_log "$name exited during startup" "$log_file"
    fi
    ((SECONDS < end)) || die_with_log "$name not ready after ${TIMEOUT}s" "$log_file"
    sleep 0.5
  done
}

# Free ports are chosen once and kept in $PORTS_FILE: the Kafka controller's address is
# written into its metadata log at format time, and tests may cache the env.
ensure_ports() {
  local names=(PG_PORT KAFKA_PORT KAFKA_CONTROLLER_PORT KAFKA_SASL_SSL_PORT KAFKA_SSL_PORT SR_PORT SR_MANAGEMENT_PORT MARIADB_PORT PROMETHEUS_PORT
    PG13_PORT PG14_PORT PG15_PORT PG16_PORT PG17_PORT PG18_PORT PG17_STANDBY_PORT)
  local missing=() n
  # shellcheck source=/dev/null
  [[ -f "$PORTS_FILE" ]] && . "$PORTS_FILE"
  for n in "${names[@]}"; do
    [[ -n "${!n:-}" ]] || missing+=("$n")
  done
  ((${#missing[@]})) || return 0
  local ports
  # All sockets stay bound until every port is picked, so the picks are distinct.
  read -r -a ports <<<"$(python3 -c '
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
' "${#missing[@]}")"
  ((${#ports[@]} == ${#missing[@]})) || die "python3 could not pick free ports"
  local i
  for i in "${!missing[@]}"; do
    printf '%s=%s\n' "${missing[$i]}" "${ports[$i]}" >>"$PORTS_FILE"
  done
  # shellcheck source=/dev/null
  . "$PORTS_FILE"
}

# A port we are about to listen on must be free; someone else's process there is an error
# (our ports are persisted, so silently moving would break Kafka's stored quorum address).
require_free_port() {
  local port="$1" what="$2"
  if port_open "$port"; then
    die "port $port for $what is taken by another process (ss -ltnp 'sport = :$port'); stop it, or run 'stack.sh down --purge' (deletes the data) so that the next up picks new ports"
  fi
}

# ---------------------------------------------------------------------------------------------
# Tooling

java_bin() {
  if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then echo "$JAVA_HOME/bin/java"; else command -v java || true; fi
}

ensure_java() {
  local java major
  java="$(java_bin)"
  if [[ -n "$java" ]]; then
    major="$("$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p' | cut -d. -f1)"
    if [[ "${major:-0}" -ge 17 ]]; then
      JAVA="$java"
      return
    fi
  fi
  apt_install openjdk-17-jre-headless
  JAVA="$(java_bin)"
}

ensure_maven() {
  command -v mvn >/dev/null 2>&1 || apt_install maven
}

# Maven with the local repository inside the cache dir, quiet, output to a log.
mvn_cache() {
  local dir="$1"
  shift
  (cd "$dir" && mvn -B -q -Dmaven.repo.local="$CACHE/m2" "$@") >>"$LOGS/maven.log" 2>&1 \
    || die_with_log "maven failed: mvn $*" "$LOGS/maven.log"
}

ensure_postgres_installed() {
  [[ -x "$PG_BIN/postgres" ]] && return
  local had_main=""
  [[ -d /etc/postgresql/15/main ]] && had_main=1
  apt_install postgresql-15 postgresql-contrib
  # Debian's package creates and starts a "main" cluster on 5432; this stack runs its own.
  if [[ -z "$had_main" ]] && command -v pg_ctlcluster >/dev/null 2>&1; then
    as_root pg_ctlcluster 15 main stop >/dev/null 2>&1 || true
  fi
  [[ -x "$PG_BIN/postgres" ]] || die "postgresql-15 installed but $PG_BIN/postgres is missing"
}

KAFKA_HOME="$CACHE/kafka/$KAFKA_VERSION"

ensure_kafka_installed() {
  [[ -f "$KAFKA_HOME/.complete" ]] && return
  ensure_maven
  log "downloading Kafka $KAFKA_VERSION jars with Maven into $KAFKA_HOME"
  local build="$CACHE/kafka/.build-$KAFKA_VERSION"
  rm -rf "$build" "$KAFKA_HOME"
  mkdir -p "$build"
  cp "$HERE/kafka-runtime.pom.xml" "$build/pom.xml"
  mvn_cache "$build" -Dkafka.version="$KAFKA_VERSION" -Dlog4j.version="$LOG4J_VERSION" \
    dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$build/libs"
  mkdir -p "$KAFKA_HOME"
  mv "$build/libs" "$KAFKA_HOME/libs"
  rm -rf "$build"
  touch "$KAFKA_HOME/.complete"
}

SR_HOME="$CACHE/apicurio-registry/$APICURIO_VERSION"

# The runnable jar of an unpacked Apicurio: 3.0.x ships a legacy "-runner.jar", 3.1+ the
# fast-jar layout's quarkus-run.jar.
registry_jar() {
  local dir="$1" jar
  for jar in "$dir/quarkus-run.jar" "$dir"/apicurio-registry-app-*-runner.jar; do
    [[ -f "$jar" ]] && { echo "$jar"; return 0; }
  done
  return 1
}

ensure_registry_installed() {
  [[ -f "$SR_HOME/.complete" ]] && return
  ensure_maven
  log "downloading Apicurio Registry $APICURIO_VERSION with Maven into $SR_HOME"
  local build="$CACHE/apicurio-registry/.build-$APICURIO_VERSION"
  rm -rf "$build" "$SR_HOME"
  mkdir -p "$build/dist"
  mvn_cache "$build" dependency:copy \
    -Dartifact="io.apicurio:apicurio-registry-app:$APICURIO_VERSION:tar.gz:all" -DoutputDirectory="$build"
  tar -xzf "$build/apicurio-registry-app-$APICURIO_VERSION-all.tar.gz" -C "$build/dist"
  registry_jar "$build/dist" >/dev/null || die "Apicurio archive has no quarkus-run.jar or *-runner.jar (see $build/dist)"
  mkdir -p "$(dirname "$SR_HOME")"
  mv "$build/dist" "$SR_HOME"
  rm -rf "$build"
  # The unpacked copy is what runs; the 150 MB archive in the Maven repo is not needed again.
  rm -rf "$CACHE/m2/io/apicurio/apicurio-registry-app/$APICURIO_VERSION"
  touch "$SR_HOME/.complete"
}

# ---------------------------------------------------------------------------------------------
# PostgreSQL

as_pg() {
  if is_root; then runuser -u postgres -- "$@"; else "$@"; fi
}

pg_pid() { live_pid "$PGDATA/postmaster.pid" "$PGDATA "; }

pg_ready() {
  PGPASSWORD="$PG_PASSWORD" "$PG_BIN/psql" -X -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres \
    -Atc 'show wal_level' 2>/dev/null | grep -qx logical
}

pg_init() {
  [[ -f "$PGDATA/PG_VERSION" ]] && return
  log "initialising PostgreSQL data directory $PGDATA"
  rm -rf "$PGDATA"
  mkdir -p "$PGDATA" "$PGSOCK"
  local pwfile="$PGROOT/.pwfile"
  printf '%s\n' "$PG_PASSWORD" >"$pwfile"
  if is_root; then chown -R postgres:postgres "$PGROOT"; fi
  chmod 700 "$PGDATA"
  as_pg "$PG_BIN/initdb" -D "$PGDATA" -U postgres --pwfile="$pwfile" -E UTF8 --locale=C.UTF-8 \
    --auth-local=trust --auth-host=scram-sha-256 >>"$LOGS/postgres-initdb.log" 2>&1 \
    || { rm -f "$pwfile"; die_with_log "initdb failed" "$LOGS/postgres-initdb.log"; }
  rm -f "$pwfile"
  echo "include = 'stack.conf'" >>"$PGDATA/postgresql.conf"
}

# Certificates for TLS tests, made once with openssl and kept (idempotent): a CA, a server
# certificate for 127.0.0.1 / localhost signed by it, a client certificate for $PG_CERT_USER
# (plain and passphrase-protected key), and a second CA that signed nothing here, so tests can
# see verification fail. Nothing leaves the state dir.
pg_tls_certs() {
  [[ -f "$PGTLS/.complete" ]] && return
  command -v openssl >/dev/null || die "openssl is needed to make the PostgreSQL test certificates"
  rm -rf "$PGTLS" && mkdir -p "$PGTLS"
  local t="$PGTLS" o="$LOGS/openssl.log"
  {
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=cdcd test CA" \
      -keyout "$t/ca.key" -out "$t/ca.crt"
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=cdcd untrusted CA" \
      -keyout "$t/untrusted-ca.key" -out "$t/untrusted-ca.crt"
    openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$t/server.key" -out "$t/server.csr"
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >"$t/server.ext"
    openssl x509 -req -in "$t/server.csr" -CA "$t/ca.crt" -CAkey "$t/ca.key" -CAcreateserial -days 3650 \
      -extfile "$t/server.ext" -out "$t/server.crt"
    openssl req -newkey rsa:2048 -nodes -subj "/CN=$PG_CERT_USER" -keyout "$t/client.key" -out "$t/client.csr"
    printf 'extendedKeyUsage=clientAuth\n' >"$t/client.ext"
    openssl x509 -req -in "$t/client.csr" -CA "$t/ca.crt" -CAkey "$t/ca.key" -CAcreateserial -days 3650 \
      -extfile "$t/client.ext" -out "$t/client.crt"
    openssl pkey -in "$t/client.key" -aes256 -passout "pass:$PG_CLIENT_KEY_PASSWORD" -out "$t/client-encrypted.key"
  } >>"$o" 2>&1 || die_with_log "making TLS certificates failed" "$o"
  rm -f "$t"/*.csr "$t"/*.ext
  # The server reads its key as the postgres user and refuses a key others can read.
  cp "$t/server.key" "$t/server-pg.key"
  chmod 600 "$t/server-pg.key" "$t"/*.key
  if is_root; then chown postgres:postgres "$t/server-pg.key"; fi
  chmod 755 "$t"
  chmod 644 "$t"/*.crt
  touch "$t/.complete"
}

pg_configure() {
  pg_tls_certs
  # Rewritten at every start so that it always matches this script.
  as_pg tee "$PGDATA/stack.conf" >/dev/null <<EOF
# Written by test/stack/stack.sh; rewritten at every start.
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PGSOCK'
max_connections = 200
password_encryption = scram-sha-256
wal_level = logical
max_replication_slots = 64
max_wal_senders = 64
# A test database: durability is not wanted, speed is.
fsync = off
synchronous_commit = off
full_page_writes = off
log_line_prefix = '%m [%p] %q%u@%d '
# TLS for the database.sslmode tests; plain TCP stays allowed (host lines in pg_hba).
ssl = on
ssl_cert_file = '$PGTLS/server.crt'
ssl_key_file = '$PGTLS/server-pg.key'
ssl_ca_file = '$PGTLS/ca.crt'
EOF
  as_pg tee "$PGDATA/pg_hba.conf" >/dev/null <<EOF
# Written by test/stack/stack.sh; rewritten at every start.
# TYPE    DATABASE     USER            ADDRESS        METHOD
local     all          all                            trust
local     replication  all                            trust
hostssl   all          $PG_CERT_USER   127.0.0.1/32   cert
hostssl   replication  $PG_CERT_USER   127.0.0.1/32   cert
hostnossl all          $PG_CERT_USER   127.0.0.1/32   reject
hostnossl replication  $PG_CERT_USER   127.0.0.1/32   reject
host      all          all             127.0.0.1/32   scram-sha-256
host      replication  all             127.0.0.1/32   scram-sha-256
EOF
}

pg_start() {
  ensure_postgres_installed
  if pg_pid >/dev/null; then
    log "postgres already running (pid $(pg_pid), port $PG_PORT)"
    # Started by an older version of this script: TLS settings and pg_hba reload without a restart.
    if ! grep -q "^ssl = on" "$PGDATA/stack.conf" 2>/dev/null; then
      log "turning TLS on in the running postgres (configuration rewritten and reloaded)"
      pg_configure
      as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" reload >/dev/null 2>>"$LOGS/postgres.log" || die_with_log "pg_ctl reload failed" "$LOGS/postgres.log"
    fi
    wait_ready postgres "$LOGS/postgres.log" "$(pg_pid)" pg_ready
    return
  fi
  # Unix socket paths are limited to 107 bytes.
  ((${#PGSOCK} + 20 < 107)) || die "state dir path too long for a Unix socket: $PGSOCK; set CDC_STACK_DIR to a shorter path"
  require_free_port "$PG_PORT" postgres
  mkdir -p "$PGROOT"
  if is_root; then
    chown postgres:postgres "$PGROOT"
    as_pg test -w "$PGROOT" || die "the postgres user cannot write $PGROOT (is a parent directory closed to it?); set CDC_STACK_DIR to a path it can reach"
  fi
  pg_init
  pg_configure
  touch "$LOGS/postgres.log"
  if is_root; then chown postgres:postgres "$LOGS/postgres.log"; fi
  log "starting postgres on 127.0.0.1:$PG_PORT"
  as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" -l "$LOGS/postgres.log" -W start >/dev/null 2>>"$LOGS/postgres.log" 9>&- \
    || die_with_log "pg_ctl start failed" "$LOGS/postgres.log"
  local end=$((SECONDS + 15))
  until pg_pid >/dev/null; do
    ((SECONDS < end)) || die_with_log "postgres did not start" "$LOGS/postgres.log"
    sleep 0.2
  done
  wait_ready postgres "$LOGS/postgres.log" "$(pg_pid)" pg_ready
}

pg_stop() {
  local pid
  pid="$(pg_pid)" || return 0
  log "stopping postgres (pid $pid)"
  as_pg "$PG_BIN/pg_ctl" -D "$PGDATA" -m fast -w -t 60 stop >/dev/null 2>>"$LOGS/postgres.log" || stop_pid "$pid" postgres 30
  stop_pid "$pid" postgres 30
}

# ---------------------------------------------------------------------------------------------
# Kafka (KRaft, broker and controller in one process, node 1)

kafka_pid() { live_pid "$KROOT/kafka.pid" "$MARKER "; }

kafka_configure() {
  mkdir -p "$KROOT/data"
  cat >"$KROOT/server.properties" <<EOF
# Written by test/stack/stack.sh; rewritten at every start.
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT,SASL_SSL://127.0.0.1:$KAFKA_SASL_SSL_PORT,SSL://127.0.0.1:$KAFKA_SSL_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,SASL_SSL://127.0.0.1:$KAFKA_SASL_SSL_PORT,SSL://127.0.0.1:$KAFKA_SSL_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SASL_SSL:SASL_SSL,SSL:SSL
$(kafka_sasl_ssl_properties)
log.dirs=$KROOT/data
num.partitions=1
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
delete.topic.enable=true
EOF
}

# The java command line for a Kafka main class, as an array (spawn needs a command, not a function).
kafka_java_cmd() {
  KAFKA_JAVA=("$JAVA" "$MARKER" -Dcdcd.stack.service=kafka -Xms1g -Xmx1g -XX:+UseG1GC -XX:MaxGCPauseMillis=20
    -Djava.awt.headless=true -Dkafka.logs.dir="$LOGS" -Dlog4j2.configurationFile="$HERE/kafka-log4j2.properties"
    -cp "$KAFKA_HOME/libs/*")
}

kafka_format() {
  [[ -f "$KROOT/data/meta.properties" ]] && return
  local cluster_id
  # Kafka's random-uuid: 16 random bytes, URL-safe base64 without padding, never starting with '-'.
  cluster_id="$(python3 -c '
import base64, uuid
while True:
    s = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
    if not s.startswith("-"):
        print(s)
        break
')"
  log "formatting Kafka storage (cluster id $cluster_id, standalone controller)"
  kafka_java_cmd
  # The tool needs little memory; the broker's -Xms1g would only slow it down.
  "${KAFKA_JAVA[@]}" -Xms64m -Xmx256m kafka.tools.StorageTool format --standalone -t "$cluster_id" -c "$KROOT/server.properties" \
    >>"$LOGS/kafka-format.log" 2>&1 || die_with_log "Kafka storage format failed" "$LOGS/kafka-format.log"
}

kafka_log_says_started() { grep -q 'Kafka Server started' "$LOGS/kafka.log" 2>/dev/null; }

kafka_spawn() {
  ensure_kafka_installed
  if kafka_pid >/dev/null && ! kafka_has_sasl_ssl; then
    log "kafka runs without the SASL_SSL and SSL listeners (started by an older stack.sh); restarting it"
    kafka_stop
  fi
  if kafka_pid >/dev/null; then
    log "kafka already running (pid $(kafka_pid), port $KAFKA_PORT)"
    KAFKA_STARTED=""
    return
  fi
  require_free_port "$KAFKA_PORT" "kafka"
  require_free_port "$KAFKA_CONTROLLER_PORT" "kafka controller"
  require_free_port "$KAFKA_SASL_SSL_PORT" "kafka SASL_SSL listener"
  require_free_port "$KAFKA_SSL_PORT" "kafka SSL listener"
  kafka_tls_material
  kafka_configure
  kafka_format
  log "starting kafka $KAFKA_VERSION on 127.0.0.1:$KAFKA_PORT"
  : >"$LOGS/kafka.log"
  kafka_java_cmd
  spawn "$KROOT/kafka.pid" "$LOGS/kafka.out" "${KAFKA_JAVA[@]}" kafka.Kafka "$KROOT/server.properties"
  KAFKA_STARTED=1
}

kafka_wait() {
  local pid
  pid="$(kafka_pid)" || die_with_log "kafka exited during startup" "$LOGS/kafka.out"
  wait_ready kafka "$LOGS/kafka.log" "$pid" port_open "$KAFKA_PORT"
  [[ -n "${KAFKA_STARTED:-}" ]] || return 0
  if command -v node >/dev/null 2>&1 && (cd "$HERE" && node -e "import('kafkajs').then(()=>process.exit(0),()=>process.exit(1))") 2>/dev/null; then
    log "waiting for kafka: admin API, a transactional commit, group coordinator"
    node "$HERE/kafka-probe.mjs" "127.0.0.1:$KAFKA_PORT" "$TIMEOUT" 2>>"$LOGS/kafka-probe.log" \
      || die_with_log "kafka not ready: $(tail -n 1 "$LOGS/kafka-probe.log")" "$LOGS/kafka.log"
  else
    log "kafkajs not installed (run npm ci); only waiting for the broker's startup log line"
    wait_ready kafka "$LOGS/kafka.log" "$pid" kafka_log_says_started
  fi
}

kafka_stop() {
  local pid
  pid="$(kafka_pid)" || { rm -f "$KROOT/kafka.pid"; return 0; }
  log "stopping kafka (pid $pid)"
  stop_pid "$pid" kafka 60
  rm -f "$KROOT/kafka.pid"
}

# ---------------------------------------------------------------------------------------------
# Schema Registry (Apicurio, Confluent-compatible API)

SR_PATH=/apis/ccompat/v7

registry_pid() { live_pid "$SRROOT/registry.pid" "$MARKER "; }

registry_ready() {
  curl -fsS --max-time 3 "http://127.0.0.1:$SR_PORT$SR_PATH/subjects" | grep -q '^\['
}

registry_spawn() {
  ensure_registry_installed
  if registry_pid >/dev/null; then
    log "schema registry already running (pid $(registry_pid), port $SR_PORT)"
    return
  fi
  require_free_port "$SR_PORT" "schema registry"
  require_free_port "$SR_MANAGEMENT_PORT" "schema registry management"
  mkdir -p "$SRROOT/db" "$SRROOT/tmp"
  log "starting schema registry (Apicurio $APICURIO_VERSION) on 127.0.0.1:$SR_PORT"
  spawn "$SRROOT/registry.pid" "$LOGS/schema-registry.log" \
    "$JAVA" "$MARKER" -Dcdcd.stack.service=schema-registry -Xms128m -Xmx512m \
    -Djava.io.tmpdir="$SRROOT/tmp" \
    -Dquarkus.http.host=127.0.0.1 -Dquarkus.http.port="$SR_PORT" \
    -Dquarkus.management.host=127.0.0.1 -Dquarkus.management.port="$SR_MANAGEMENT_PORT" \
    -Dquarkus.http.access-log.enabled=false \
    -Dapicurio.datasource.url="jdbc:h2:file:$SRROOT/db/registry" \
    -Dapicurio.storage.snapshot.location="$SRROOT/tmp" -Dapicurio.import.work-dir="$SRROOT/tmp" \
    -jar "$(registry_jar "$SR_HOME")"
}

registry_wait() {
  local pid
  pid="$(registry_pid)" || die_with_log "schema registry exited during startup" "$LOGS/schema-registry.log"
  wait_ready "schema registry" "$LOGS/schema-registry.log" "$pid" registry_ready
}

registry_stop() {
  local pid
  pid="$(registry_pid)" || { rm -f "$SRROOT/registry.pid"; return 0; }
  log "stopping schema registry (pid $pid)"
  stop_pid "$pid" "schema registry" 30
  rm -f "$SRROOT/registry.pid"
}

# ---------------------------------------------------------------------------------------------
# Optional services: MariaDB 10.11 (row binlog, full images and metadata), Prometheus

# shellcheck source=optional-services.sh
. "$HERE/optional-services.sh"
# shellcheck source=kafka-sasl-ssl.sh
. "$HERE/kafka-sasl-ssl.sh"
# shellcheck source=extra-postgres.sh
. "$HERE/extra-postgres.sh"

# ---------------------------------------------------------------------------------------------
# Commands

write_env() {
  {
    echo "# Written by test/stack/stack.sh up; source it: . $ENV_FILE"
    echo "export PGHOST=127.0.0.1 PGPORT=$PG_PORT PGUSER=postgres PGPASSWORD=$PG_PASSWORD PGDATABASE=postgres"
    echo "export PG_SSL_ROOT_CERT=$PGTLS/ca.crt PG_SSL_UNTRUSTED_CA=$PGTLS/untrusted-ca.crt"
    echo "export PG_SSL_CLIENT_CERT=$PGTLS/client.crt PG_SSL_CLIENT_KEY=$PGTLS/client.key PG_SSL_CLIENT_KEY_ENCRYPTED=$PGTLS/client-encrypted.key"
    echo "export PG_SSL_CLIENT_KEY_PASSWORD=$PG_CLIENT_KEY_PASSWORD PG_SSL_CERT_USER=$PG_CERT_USER"
    echo "export KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$KAFKA_PORT"
    echo "export SCHEMA_REGISTRY_URL=http://127.0.0.1:$SR_PORT$SR_PATH"
    kafka_sasl_ssl_env
    if mariadb_pid >/dev/null; then
      echo "export MYSQL_HOST=127.0.0.1 MYSQL_PORT=$MARIADB_PORT MYSQL_USER=root MYSQL_PASSWORD=$MARIADB_PASSWORD"
    fi
    if prometheus_pid >/dev/null; then
      echo "export PROMETHEUS_URL=http://127.0.0.1:$PROMETHEUS_PORT PROMETHEUS_TARGETS_DIR=$PROMROOT/targets PROMETHEUS_RULES_DIR=$PROMROOT/rules"
    fi
    pgx_env
    echo "export CDC_STACK_DIR=$STATE"
  } >"$ENV_FILE.tmp"
  mv "$ENV_FILE.tmp" "$ENV_FILE"
}

# State dirs are deleted by --purge, so only a directory this script made is ever removed.
init_state() {
  if [[ -d "$STATE" && ! -f "$STATE/.cdcd-stack" ]] && [[ -n "$(ls -A "$STATE")" ]]; then
    die "$STATE exists, is not empty and was not made by this script; set CDC_STACK_DIR elsewhere"
  fi
  mkdir -p "$STATE" "$LOGS" "$CACHE"
  touch "$STATE/.cdcd-stack"
}

# Serialises up/down of one state dir (parallel test runners may all call `up`).
lock() {
  exec 9>"$STATE/.lock"
  flock -w 600 9 || die "another stack.sh holds $STATE/.lock"
}

# `down` must work even if an old process holds the lock, so it waits a while, then goes on.
lock_for_down() {
  exec 9>"$STATE/.lock"
  flock -w 60 9 || log "warning: $STATE/.lock still held after 60s; stopping anyway"
}

cmd_up() {
  local with=() arg
  while (($#)); do
    case "$1" in
      --with) with+=("${2:?--with needs mariadb, prometheus, pg13..pg18 or pg17-standby}"); shift 2 ;;
      --with=*) with+=("${1#--with=}"); shift ;;
      *) die "up: unknown argument $1" ;;
    esac
  done
  for arg in "${with[@]}"; do
    [[ "$arg" == mariadb || "$arg" == prometheus ]] || pgx_with_known "$arg" || die "up: --with takes mariadb, prometheus, pg13..pg18 or pg17-standby, not $arg"
  done
  init_state
  lock
  ensure_ports
  command -v python3 >/dev/null || die "python3 is needed"
  ensure_java
  # Downloads first (cache lock: two clones may share one cache), then the slow JVMs start
  # while PostgreSQL comes up.
  (
    exec 8>"$CACHE/.lock"
    flock -w 900 8 || die "another stack.sh holds $CACHE/.lock"
    ensure_kafka_installed
    ensure_registry_installed
  )
  # Check every port first, so that a conflict does not leave half a stack running.
  pg_pid >/dev/null || require_free_port "$PG_PORT" postgres
  kafka_pid >/dev/null || { require_free_port "$KAFKA_PORT" kafka; require_free_port "$KAFKA_CONTROLLER_PORT" "kafka controller"; require_free_port "$KAFKA_SASL_SSL_PORT" "kafka SASL_SSL listener"; require_free_port "$KAFKA_SSL_PORT" "kafka SSL listener"; }
  registry_pid >/dev/null || { require_free_port "$SR_PORT" "schema registry"; require_free_port "$SR_MANAGEMENT_PORT" "schema registry management"; }
  kafka_spawn
  registry_spawn
  pg_start
  kafka_wait
  kafka_scram_users
  registry_wait
  for arg in "${with[@]}"; do
    if pgx_with_known "$arg"; then pgx_with_start "$arg"; else "${arg}_start"; fi
  done
  write_env
  cat "$ENV_FILE"
}

cmd_down() {
  local purge=""
  while (($#)); do
    case "$1" in
      --purge) purge=1; shift ;;
      *) die "down: unknown argument $1" ;;
    esac
  done
  [[ -d "$STATE" ]] || { log "nothing to stop: $STATE does not exist"; return 0; }
  [[ -f "$STATE/.cdcd-stack" ]] || die "$STATE was not made by this script"
  lock_for_down
  # shellcheck source=/dev/null
  [[ -f "$PORTS_FILE" ]] && . "$PORTS_FILE"
  registry_stop
  kafka_stop
  prometheus_stop
  mariadb_stop
  pgx_stop_all
  pg_stop
  # Anything of ours that lost its pid file (a crashed `up`, a deleted file).
  local pid
  for pid in $(marked_pids); do
    log "stopping leftover process $pid: $({ tr '\0' ' ' <"/proc/$pid/cmdline"; } 2>/dev/null | cut -c1-120)"
    stop_pid "$pid" "leftover $pid" 30
  done
  rm -f "$ENV_FILE"
  if [[ -n "$purge" ]]; then
    log "purging $STATE"
    exec 9>&-
    rm -rf "$STATE"
  fi
  log "stopped"
}

# Stops or starts one service of a running stack (fault tests take the broker or the
# database away under load). Idempotent: stopping a stopped service or starting a running
# one does nothing. Kafka keeps its data and ports, so clients reconnect to the same address.
cmd_service() {
  local action="$1" service="${2:-}"
  [[ -f "$STATE/.cdcd-stack" && -f "$PORTS_FILE" ]] || die "$action $service: the stack at $STATE was never started (bash $HERE/stack.sh up)"
  lock
  # shellcheck source=/dev/null
  . "$PORTS_FILE"
  case "$action:$service" in
    stop:kafka) kafka_stop ;;
    stop:postgres) pg_stop ;;
    start:kafka) ensure_java; kafka_spawn; kafka_wait ;;
    start:postgres) pg_start ;;
    *) die "$action takes kafka or postgres, not '${service}'" ;;
  esac
}

cmd_env() {
  [[ -f "$ENV_FILE" ]] || die "no env file: the stack is not up (bash $HERE/stack.sh up)"
  cat "$ENV_FILE"
}

cmd_status() {
  [[ -f "$PORTS_FILE" ]] || { echo "stack at $STATE: never started"; return 1; }
  # shellcheck source=/dev/null
  . "$PORTS_FILE"
  local ok=0 pid
  show() { # name pid port
    if [[ -n "$2" ]]; then
      if port_open "$3"; then echo "$1: up (pid $2, 127.0.0.1:$3)"; else echo "$1: starting or stuck (pid $2, 127.0.0.1:$3 not listening)"; ok=1; fi
    else
      echo "$1: down"
      [[ "${4:-}" == optional ]] || ok=1
    fi
  }
  echo "stack at $STATE (logs in $LOGS)"
  show postgres "$(pg_pid || true)" "$PG_PORT"
  show kafka "$(kafka_pid || true)" "$KAFKA_PORT"
  show schema-registry "$(registry_pid || true)" "$SR_PORT"
  pid="$(mariadb_pid || true)"
  [[ -n "$pid" ]] && show mariadb "$pid" "$MARIADB_PORT" optional
  pid="$(prometheus_pid || true)"
  [[ -n "$pid" ]] && show prometheus "$pid" "$PROMETHEUS_PORT" optional
  local m v
  for m in $PGX_MAJORS; do
    pid="$(pgx_pid "$m" || true)" v="PG${m}_PORT"
    [[ -n "$pid" ]] && show "postgresql $m" "$pid" "${!v}" optional
  done
  pid="$(pgx_standby_pid || true)"
  [[ -n "$pid" ]] && show "postgresql $PGX_STANDBY_MAJOR standby" "$pid" "$PG17_STANDBY_PORT" optional
  return $ok
}

usage() {
  cat >&2 <<EOF
usage: bash test/stack/stack.sh up [--with mariadb] [--with prometheus] [--with pg13|pg14|pg15|pg16|pg17|pg18|pg17-standby]
       bash test/stack/stack.sh down [--purge]
       bash test/stack/stack.sh env | status
       bash test/stack/stack.sh stop|start kafka|postgres   (one service of a running stack)
state: $STATE (CDC_STACK_DIR)   cache: $CACHE (CDC_CACHE_DIR)
EOF
  exit 2
}

main() {
  local cmd="${1:-}"
  (($#)) && shift
  case "$cmd" in
    up) cmd_up "$@" ;;
    down) cmd_down "$@" ;;
    env) cmd_env ;;
    status) cmd_status ;;
    stop | start) cmd_service "$cmd" "$@" ;;
    *) usage ;;
  esac
}

main "$@"
