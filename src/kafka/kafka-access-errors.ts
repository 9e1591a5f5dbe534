/**
 * Recognises the Kafka errors that are configuration problems, not outages: the brokers
 * refused the SASL credentials, or their TLS certificate did not verify. Retrying those
 * cannot help, so they become one non-retriable error saying which property to fix,
 * instead of a task restarting forever on "Connection error".
 * kafkajs wraps the cause (KafkaJSNumberOfRetriesExceeded, KafkaJSConnectionError with the
 * TLS error's code), so the whole cause chain is searched.
 */
import { SinkError } from '../errors/cdc-error.ts';

const TLS_VERIFY_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_UNTRUSTED', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID', 'ERR_TLS_CERT_ALTNAME_INVALID',
]);

interface ErrorLike { name?: string; message?: string; code?: string; cause?: unknown; originalError?: unknown }

function chain(err: unknown): ErrorLike[] {
  const out: ErrorLike[] = [];
  let e: unknown = err;
  while (e && typeof e === 'object' && out.length < 8 && !out.includes(e as ErrorLike)) {
    out.push(e as ErrorLike);
    e = (e as ErrorLike).originalError ?? (e as ErrorLike).cause;
  }
  return out;
}

export function explainKafkaAccessError(err: unknown): SinkError | null {
  const errors = chain(err);
  const sasl = errors.find((e) => e.name === 'KafkaJSSASLAuthenticationError' || /SASL .*authentication failed/i.test(e.message ?? ''));
  if (sasl) {
    return new SinkError({
      code: 'CDC_KAFKA_AUTH',
      what: `the Kafka brokers refused the SASL login: ${sasl.message}`,
      where: 'worker config, properties sasl.mechanism and sasl.jaas.config (or sasl.username / sasl.password)',
      fix: 'check the user name and password, and that sasl.mechanism is one the brokers enable for this user (a SCRAM user exists for SCRAM-SHA-256 and SCRAM-SHA-512 separately)',
      retriable: false,
      cause: err,
    });
  }
  const tls = errors.find((e) => (e.code !== undefined && TLS_VERIFY_CODES.has(e.code)) || /self[- ]signed certificate|unable to verify the first certificate|unable to get local issuer|altnames/i.test(e.message ?? ''));
  if (tls) {
    const hostname = tls.code === 'ERR_TLS_CERT_ALTNAME_INVALID' || /altnames/i.test(tls.message ?? '');
    return new SinkError({
      code: 'CDC_KAFKA_TLS',
      what: `the Kafka brokers' TLS certificate was not accepted: ${tls.message}`,
      where: hostname ? 'worker config, property bootstrap.servers / ssl.endpoint.identification.algorithm' : 'worker config, property ssl.truststore.location (or ssl.truststore.certificates)',
      fix: hostname
        ? 'connect with a host name the broker certificate lists (its subjectAltName), or re-issue the certificate; ssl.endpoint.identification.algorithm= (empty) turns the host name check off'
        : 'set ssl.truststore.type=PEM and ssl.truststore.location to the PEM file of the CA that signed the brokers\' certificates',
      retriable: false,
      cause: err,
    });
  }
  return null;
}
