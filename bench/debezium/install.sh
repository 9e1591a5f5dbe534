#!/usr/bin/env bash
# Installs, once per machine, the Kafka Connect worker that `npm run bench -- --vs-debezium` runs:
# Kafka Connect (same version as the stack's broker), Debezium's PostgreSQL connector and
# Apicurio's Avro converter, as released jars from Maven Central resolved with
# connect-runtime.pom.xml into the download cache (CDC_CACHE_DIR, default ~/.cache/cdcd), never
# into the repository. Prints the install directory on stdout:
#   <dir>/libs/                           the worker's classpath
#   <dir>/plugins/debezium-postgres/      plugin.path entry: the connector
#   <dir>/plugins/apicurio-converter/     plugin.path entry: the converter
# Idempotent; a lock serialises two runs sharing the cache.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
CACHE="$(realpath -m "${CDC_CACHE_DIR:-$HOME/.cache/cdcd}")"
KAFKA_VERSION="${CDC_KAFKA_VERSION:-4.3.1}"
DEBEZIUM_VERSION=3.6.1.Final
APICURIO_VERSION=3.0.9
HOME_DIR="$CACHE/debezium-connect/kafka-$KAFKA_VERSION-debezium-$DEBEZIUM_VERSION-apicurio-$APICURIO_VERSION"

log() { printf 'debezium-install: %s\n' "$*" >&2; }

if [[ ! -f "$HOME_DIR/.complete" ]]; then
  command -v mvn >/dev/null 2>&1 || { log "installing maven from Debian"; { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q maven; } >&2; }
  mkdir -p "$CACHE/debezium-connect"
  exec 8>"$CACHE/debezium-connect/.lock"
  flock -w 900 8 || { log "another install holds $CACHE/debezium-connect/.lock"; exit 1; }
  if [[ ! -f "$HOME_DIR/.complete" ]]; then
    build="$HOME_DIR.build"
    rm -rf "$build" "$HOME_DIR"
    mkdir -p "$build"
    cp "$HERE/connect-runtime.pom.xml" "$build/pom.xml"
    log "downloading Kafka Connect $KAFKA_VERSION, Debezium $DEBEZIUM_VERSION and Apicurio $APICURIO_VERSION's converter with Maven into $HOME_DIR (log: $build.log)"
    : >"$build.log"
    mvn_profile() { # profile output-dir goals...
      local profile="$1" out="$2"
      shift 2
      (cd "$build" && mvn -B -q -Dmaven.repo.local="$CACHE/m2" -P"$profile" -Dkafka.version="$KAFKA_VERSION" \
        "$@" -DincludeScope=runtime -DoutputDirectory="$out") >>"$build.log" 2>&1 \
        || { tail -n 30 "$build.log" >&2; log "maven failed for profile $profile (full log: $build.log)"; exit 1; }
    }
    mvn_profile runtime "$build/out/libs" dependency:copy-dependencies
    mvn_profile debezium "$build/out/plugins/debezium-postgres" dependency:copy-dependencies
    mvn_profile apicurio "$build/out/plugins/apicurio-converter" dependency:copy-dependencies dependency:copy
    mv "$build/out" "$HOME_DIR"
    rm -rf "$build" "$build.log"
    touch "$HOME_DIR/.complete"
  fi
fi
echo "$HOME_DIR"
