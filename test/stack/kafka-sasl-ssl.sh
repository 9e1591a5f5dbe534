# The broker's secured listeners for the Kafka client security tests: SASL_SSL, and SSL with
# client certificates required (mutual TLS). Always on: a listener costs the broker nothing,
# and tests need no extra `up` flag.
# Sourced by stack.sh after its helpers (log, die, die_with_log) and paths (KROOT, LOGS,
# ports) are defined; not meant to be run alone.
#
# - TLS material is made once with openssl under <state>/kafka/tls: a test CA, and a broker
#   certificate signed by it for 127.0.0.1 and localhost (subjectAltName), handed to the broker
#   as a PKCS12 key store. Clients trust ca.pem (PEM). A second CA that signed nothing
#   (other-ca.pem) lets tests show that a certificate which does not verify is refused. A client
#   certificate signed by the CA, for the SSL listener: client.pem (key and certificate) and
#   its key encrypted with KAFKA_SSL_CLIENT_KEY_PASSWORD (client-encrypted.key, client.crt).
# - Users: a SCRAM-SHA-512 credential for KAFKA_SASL_USERNAME is added once through the
#   PLAINTEXT listener with Kafka's ConfigCommand (KRaft keeps it in the metadata log, so a
#   marker in the data dir remembers it; one mechanism per request, and each request is a JVM
#   start, so SCRAM-SHA-256 is not set up); PLAIN checks against the same user and password,
#   declared in the listener's JAAS config.
# shellcheck shell=bash

KAFKA_TLS="$KROOT/tls"
KAFKA_SASL_USERNAME=cdc
KAFKA_SASL_PASSWORD=cdc-secret
# Only protects a throwaway test key store; written to the broker's config and the env file.
KAFKA_TLS_STORE_PASSWORD=stack-store-pass
KAFKA_SSL_CLIENT_KEY_PASSWORD=stack-client-key-pass
# Bumped when the set of files changes, so an older state dir gets the new ones.
KAFKA_TLS_VERSION=2

kafka_tls_material() {
  [[ -f "$KAFKA_TLS/.complete-v$KAFKA_TLS_VERSION" ]] && return
  command -v openssl >/dev/null 2>&1 || apt_install openssl
  log "making test TLS certificates in $KAFKA_TLS"
  rm -rf "$KAFKA_TLS"
  mkdir -p "$KAFKA_TLS"
  (
    cd "$KAFKA_TLS"
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=cdcd test CA" \
      -keyout ca.key -out ca.pem
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=cdcd other CA" \
      -keyout other-ca.key -out other-ca.pem
    openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout broker.key -out broker.csr
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n' >broker.ext
    openssl x509 -req -in broker.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 3650 \
      -extfile broker.ext -out broker.pem
    openssl pkcs12 -export -in broker.pem -inkey broker.key -certfile ca.pem -name broker \
      -out broker.p12 -passout "pass:$KAFKA_TLS_STORE_PASSWORD"
    openssl req -newkey rsa:2048 -nodes -subj "/CN=cdc-client" -keyout client.key -out client.csr
    printf 'extendedKeyUsage=clientAuth\n' >client.ext
    openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 3650 \
      -extfile client.ext -out client.crt
    cat client.key client.crt >client.pem
    openssl pkcs8 -topk8 -v2 aes-256-cbc -in client.key -out client-encrypted.key \
      -passout "pass:$KAFKA_SSL_CLIENT_KEY_PASSWORD"
    rm -f broker.csr broker.ext client.csr client.ext client.key ca.srl
  ) >>"$LOGS/kafka-tls.log" 2>&1 || die_with_log "making TLS certificates failed" "$LOGS/kafka-tls.log"
  touch "$KAFKA_TLS/.complete-v$KAFKA_TLS_VERSION"
}

# Lines appended to server.properties (the listener itself is added by kafka_configure).
kafka_sasl_ssl_properties() {
  cat <<EOF
sasl.enabled.mechanisms=SCRAM-SHA-512,PLAIN
listener.name.sasl_ssl.ssl.keystore.type=PKCS12
listener.name.sasl_ssl.ssl.keystore.location=$KAFKA_TLS/broker.p12
listener.name.sasl_ssl.ssl.keystore.password=$KAFKA_TLS_STORE_PASSWORD
listener.name.sasl_ssl.ssl.key.password=$KAFKA_TLS_STORE_PASSWORD
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_$KAFKA_SASL_USERNAME="$KAFKA_SASL_PASSWORD";
listener.name.ssl.ssl.keystore.type=PKCS12
listener.name.ssl.ssl.keystore.location=$KAFKA_TLS/broker.p12
listener.name.ssl.ssl.keystore.password=$KAFKA_TLS_STORE_PASSWORD
listener.name.ssl.ssl.key.password=$KAFKA_TLS_STORE_PASSWORD
listener.name.ssl.ssl.truststore.type=PEM
listener.name.ssl.ssl.truststore.location=$KAFKA_TLS/ca.pem
listener.name.ssl.ssl.client.auth=required
EOF
}

# True when the running broker was started with both secured listeners (server.properties is
# rewritten at every start, so it describes the running process).
kafka_has_sasl_ssl() { grep -q '^listeners=.*SASL_SSL://.*,SSL://' "$KROOT/server.properties" 2>/dev/null; }

kafka_scram_users() {
  kafka_has_sasl_ssl || return 0
  local marker="$KROOT/data/.cdcd-scram-$KAFKA_SASL_USERNAME"
  [[ -f "$marker" ]] && return 0
  log "adding SCRAM credentials for user $KAFKA_SASL_USERNAME"
  kafka_java_cmd
  "${KAFKA_JAVA[@]}" -Xms64m -Xmx256m kafka.admin.ConfigCommand --bootstrap-server "127.0.0.1:$KAFKA_PORT" \
    --alter --entity-type users --entity-name "$KAFKA_SASL_USERNAME" \
    --add-config "SCRAM-SHA-512=[password=$KAFKA_SASL_PASSWORD]" \
    >>"$LOGS/kafka-scram.log" 2>&1 || die_with_log "adding SCRAM users failed" "$LOGS/kafka-scram.log"
  touch "$marker"
}

kafka_sasl_ssl_env() {
  kafka_has_sasl_ssl || return 0
  echo "export KAFKA_SASL_SSL_BOOTSTRAP_SERVERS=127.0.0.1:$KAFKA_SASL_SSL_PORT KAFKA_SSL_CA_PEM=$KAFKA_TLS/ca.pem KAFKA_SSL_OTHER_CA_PEM=$KAFKA_TLS/other-ca.pem"
  echo "export KAFKA_SSL_PKCS12_STORE=$KAFKA_TLS/broker.p12 KAFKA_SASL_USERNAME=$KAFKA_SASL_USERNAME KAFKA_SASL_PASSWORD=$KAFKA_SASL_PASSWORD"
  echo "export KAFKA_SSL_BOOTSTRAP_SERVERS=127.0.0.1:$KAFKA_SSL_PORT KAFKA_SSL_CLIENT_PEM=$KAFKA_TLS/client.pem KAFKA_SSL_CLIENT_CERT=$KAFKA_TLS/client.crt"
  echo "export KAFKA_SSL_CLIENT_KEY_ENCRYPTED=$KAFKA_TLS/client-encrypted.key KAFKA_SSL_CLIENT_KEY_PASSWORD=$KAFKA_SSL_CLIENT_KEY_PASSWORD"
}
