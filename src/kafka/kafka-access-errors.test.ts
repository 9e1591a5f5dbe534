import { test } from 'node:test';
import assert from 'node:assert/strict';
import { explainKafkaAccessError } from './kafka-access-errors.ts';

/** Shaped as kafkajs throws them: retries exhausted, wrapping a connection error with the TLS code. */
function wrapped(inner: object): Error {
  return Object.assign(new Error('Connection error: retries exhausted'), { name: 'KafkaJSNumberOfRetriesExceeded', originalError: inner });
}

test('a refused SASL login is CDC_KAFKA_AUTH, not retriable, naming the properties', () => {
  const err = Object.assign(new Error('SASL SCRAM SHA512 authentication failed: Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-512'), { name: 'KafkaJSSASLAuthenticationError' });
  const e = explainKafkaAccessError(wrapped(err));
  assert.equal(e?.code, 'CDC_KAFKA_AUTH');
  assert.equal(e?.retriable, false);
  assert.match(e!.message, /sasl\.jaas\.config/);
});

test('an unverified certificate is CDC_KAFKA_TLS; a host name mismatch points at the host name check', () => {
  const ca = explainKafkaAccessError(wrapped(Object.assign(new Error('Connection error: self-signed certificate in certificate chain'), { name: 'KafkaJSConnectionError', code: 'SELF_SIGNED_CERT_IN_CHAIN' })));
  assert.equal(ca?.code, 'CDC_KAFKA_TLS');
  assert.match(ca!.message, /ssl\.truststore\.location/);
  const host = explainKafkaAccessError(Object.assign(new Error("Hostname/IP does not match certificate's altnames"), { code: 'ERR_TLS_CERT_ALTNAME_INVALID' }));
  assert.equal(host?.code, 'CDC_KAFKA_TLS');
  assert.match(host!.message, /ssl\.endpoint\.identification\.algorithm/);
});

test('outages stay what they are', () => {
  assert.equal(explainKafkaAccessError(Object.assign(new Error('Connection error: connect ECONNREFUSED 127.0.0.1:9092'), { code: 'ECONNREFUSED' })), null);
  assert.equal(explainKafkaAccessError('plain string'), null);
});
