/**
 * Kafka client security as Kafka Connect users write it (security.protocol, sasl.*, ssl.*),
 * declared once: the worker uses these fields at top level, and the client prefix families
 * (producer.*, consumer.*, admin.*, producer.override.*, ...) reuse them through
 * securityFamilyFields(). src/kafka/kafka-security.ts turns the values into kafkajs options.
 *
 * What the daemon's Kafka client (kafkajs on Node's TLS) can honour: PLAIN, SCRAM-SHA-256 and
 * SCRAM-SHA-512 with a username and password; trust and client certificates in PEM. What it
 * cannot (Kerberos, OAUTHBEARER, JKS/PKCS12 stores, Java-only settings) is refused with the
 * reason, so a secured cluster is never reached without the security the user asked for.
 * The checks here are pure; files are read when the client is built.
 */
import { textOf } from './coerce.ts';
import { defineField, type FieldDef, type ParsedValues } from './define.ts';
import { jaasCredentials } from './jaas-config.ts';

const GROUP = 'Kafka security';

const protocolOf = (all: ParsedValues): string => String(all.value('security.protocol') ?? 'PLAINTEXT');
const usesSasl = (all: ParsedValues): boolean => protocolOf(all).startsWith('SASL_');
const usesTls = (all: ParsedValues): boolean => protocolOf(all).endsWith('SSL');

/** A SASL setting while security.protocol has no SASL would be dropped: refuse it instead. */
const needsSasl = (name: string) => (_v: unknown, all: ParsedValues): true | string =>
  usesSasl(all) || `${name} is set but security.protocol=${protocolOf(all)} connects without SASL; set security.protocol to SASL_SSL (or SASL_PLAINTEXT), or remove ${name}`;

const needsTls = (name: string) => (_v: unknown, all: ParsedValues): true | string =>
  usesTls(all) || `${name} is set but security.protocol=${protocolOf(all)} connects without TLS; set security.protocol to SSL or SASL_SSL, or remove ${name}`;

export const STORE_CONVERSION_HINT =
  'convert the store to PEM files and set the PEM properties instead: ' +
  '`keytool -importkeystore -srckeystore store.jks -destkeystore store.p12 -deststoretype PKCS12` (JKS to PKCS12), then ' +
  '`openssl pkcs12 -in store.p12 -nokeys -out ca.pem` for a trust store (ssl.truststore.type=PEM, ssl.truststore.location=ca.pem), or ' +
  '`openssl pkcs12 -in store.p12 -nodes -out client.pem` for a key store (ssl.keystore.type=PEM, ssl.keystore.location=client.pem, which then holds the key and the certificate chain)';

const pemOnly = (name: string) => (v: string, all: ParsedValues): true | string => {
  const tls = needsTls(name)(v, all);
  if (tls !== true) return tls;
  return v === 'PEM' || `${name}=${v} cannot be read here: the daemon's Kafka client takes certificates and keys in PEM only; ${STORE_CONVERSION_HINT}`;
};

export const securityProtocol = defineField({
  name: 'security.protocol', type: 'string', enum: ['PLAINTEXT', 'SSL', 'SASL_PLAINTEXT', 'SASL_SSL'], default: 'PLAINTEXT',
  group: GROUP, importance: 'medium', width: 'short',
  doc: 'How the daemon talks to the brokers: PLAINTEXT, SSL (TLS), SASL_PLAINTEXT (SASL without TLS) or SASL_SSL. Applies to every Kafka client of the daemon (producers, consumers, admin, group membership).',
  check: (v, all) => {
    if (!v.startsWith('SASL_')) return true;
    if (all.isSet('sasl.jaas.config') || all.isSet('sasl.username')) return true;
    return `security.protocol=${v} needs credentials: set sasl.mechanism and sasl.jaas.config (e.g. org.apache.kafka.common.security.scram.ScramLoginModule required username="..." password="...";), or sasl.username and sasl.password`;
  },
});

export const saslMechanism = defineField({
  name: 'sasl.mechanism', type: 'string', enum: ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512', 'GSSAPI', 'OAUTHBEARER'], required: false,
  group: GROUP, importance: 'medium', width: 'medium',
  doc: 'SASL mechanism: PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512. Unset means PLAIN when sasl.jaas.config uses the PlainLoginModule (Kafka\'s own default, GSSAPI, is not available here); with the ScramLoginModule it must be set, because the module serves both SCRAM variants.',
  check: (v, all) => {
    const sasl = needsSasl('sasl.mechanism')(v, all);
    if (sasl !== true) return sasl;
    if (v === 'GSSAPI') return 'GSSAPI (Kerberos) is not supported by the daemon\'s Kafka client; use SCRAM-SHA-512, SCRAM-SHA-256 or PLAIN (over SASL_SSL)';
    if (v === 'OAUTHBEARER') return 'OAUTHBEARER is not supported by the daemon\'s Kafka client; use SCRAM-SHA-512, SCRAM-SHA-256 or PLAIN (over SASL_SSL)';
    return true;
  },
});

export const saslJaasConfig = defineField({
  name: 'sasl.jaas.config', type: 'password', required: false, group: GROUP, importance: 'medium', width: 'long',
  doc: 'JAAS login line with the SASL credentials, as Kafka clients take it: org.apache.kafka.common.security.plain.PlainLoginModule required username="..." password="..."; (PLAIN) or org.apache.kafka.common.security.scram.ScramLoginModule required username="..." password="..."; (SCRAM). Only username and password are read.',
  check: (v, all) => {
    const sasl = needsSasl('sasl.jaas.config')(v, all);
    if (sasl !== true) return sasl;
    if (all.isSet('sasl.username') || all.isSet('sasl.password')) return 'set the credentials once: either sasl.jaas.config, or sasl.username and sasl.password, not both';
    const creds = jaasCredentials(v.reveal());
    if (!creds.ok) return `sasl.jaas.config cannot be used: ${creds.reason}`;
    const mechanism = all.value('sasl.mechanism') as string | undefined;
    const scram = creds.loginModule.endsWith('ScramLoginModule');
    if (scram && mechanism === undefined) return 'the ScramLoginModule serves SCRAM-SHA-256 and SCRAM-SHA-512: set sasl.mechanism to the one the brokers use';
    if (mechanism !== undefined && scram !== mechanism.startsWith('SCRAM-')) {
      return `sasl.mechanism=${mechanism} does not match the login module in sasl.jaas.config; use ${scram ? 'SCRAM-SHA-256 or SCRAM-SHA-512' : 'PLAIN'} with it`;
    }
    return true;
  },
});

export const saslUsername = defineField({
  name: 'sasl.username', type: 'string', required: false, group: GROUP, importance: 'low', width: 'medium',
  doc: 'SASL user name as librdkafka-based clients write it; an alternative to sasl.jaas.config (set one of them). Needs sasl.password and sasl.mechanism (unset means PLAIN).',
  check: (v, all) => {
    const sasl = needsSasl('sasl.username')(v, all);
    if (sasl !== true) return sasl;
    return all.isSet('sasl.password') || 'add sasl.password for this user';
  },
});

export const saslPassword = defineField({
  name: 'sasl.password', type: 'password', required: false, group: GROUP, importance: 'low', width: 'medium',
  doc: 'SASL password for sasl.username (librdkafka\'s name).',
  check: (v, all) => {
    const sasl = needsSasl('sasl.password')(v, all);
    if (sasl !== true) return sasl;
    return all.isSet('sasl.username') || 'add sasl.username for this password';
  },
});

export const sslTruststoreType = defineField({
  name: 'ssl.truststore.type', type: 'string', enum: ['PEM', 'JKS', 'PKCS12'], required: false, group: GROUP, importance: 'medium', width: 'short',
  doc: 'Format of the trust store: only PEM is read. Unset means PEM when ssl.truststore.location or ssl.truststore.certificates is set (a JKS or PKCS12 file is recognised and refused with how to convert it); with neither, the system\'s trusted CAs are used.',
  check: pemOnly('ssl.truststore.type'),
});

export const sslTruststoreLocation = defineField({
  name: 'ssl.truststore.location', type: 'string', required: false, group: GROUP, importance: 'medium', width: 'long',
  doc: 'PEM file with the CA certificate(s) that signed the brokers\' certificates. Replaces the system\'s trusted CAs.',
  check: (v, all) => {
    const tls = needsTls('ssl.truststore.location')(v, all);
    if (tls !== true) return tls;
    return !all.isSet('ssl.truststore.certificates') || 'set one of ssl.truststore.location and ssl.truststore.certificates, not both';
  },
});

export const sslTruststoreCertificates = defineField({
  name: 'ssl.truststore.certificates', type: 'password', required: false, group: GROUP, importance: 'low', width: 'long',
  doc: 'The trusted CA certificate(s) inline, in PEM (-----BEGIN CERTIFICATE----- ...), instead of a file.',
  check: needsTls('ssl.truststore.certificates'),
});

export const sslTruststorePassword = defineField({
  name: 'ssl.truststore.password', type: 'password', required: false, group: GROUP, importance: 'low', width: 'medium',
  doc: 'Password of a JKS or PKCS12 trust store. PEM trust stores have none, and only PEM is read here.',
  unsupported: { why: 'only PEM trust stores are read, and a PEM trust store has no password (Kafka refuses one with PEM too)', fix: `remove ssl.truststore.password; for a JKS or PKCS12 store, ${STORE_CONVERSION_HINT}` },
});

export const sslKeystoreType = defineField({
  name: 'ssl.keystore.type', type: 'string', enum: ['PEM', 'JKS', 'PKCS12'], required: false, group: GROUP, importance: 'medium', width: 'short',
  doc: 'Format of the client key store (mutual TLS): only PEM is read. Unset means PEM when a key store property is set.',
  check: pemOnly('ssl.keystore.type'),
});

export const sslKeystoreLocation = defineField({
  name: 'ssl.keystore.location', type: 'string', required: false, group: GROUP, importance: 'medium', width: 'long',
  doc: 'PEM file with the client\'s private key and its certificate chain, for brokers that require client certificates (ssl.client.auth=required).',
  check: (v, all) => {
    const tls = needsTls('ssl.keystore.location')(v, all);
    if (tls !== true) return tls;
    return !(all.isSet('ssl.keystore.key') || all.isSet('ssl.keystore.certificate.chain')) ||
      'set either ssl.keystore.location, or ssl.keystore.key with ssl.keystore.certificate.chain, not both';
  },
});

export const sslKeystoreCertificateChain = defineField({
  name: 'ssl.keystore.certificate.chain', type: 'password', required: false, group: GROUP, importance: 'low', width: 'long',
  doc: 'The client certificate chain inline, in PEM; goes with ssl.keystore.key.',
  check: (v, all) => {
    const tls = needsTls('ssl.keystore.certificate.chain')(v, all);
    if (tls !== true) return tls;
    return all.isSet('ssl.keystore.key') || 'add ssl.keystore.key, the private key of this certificate';
  },
});

export const sslKeystoreKey = defineField({
  name: 'ssl.keystore.key', type: 'password', required: false, group: GROUP, importance: 'low', width: 'long',
  doc: 'The client private key inline, in PEM (PKCS#8, encrypted with ssl.key.password or not); goes with ssl.keystore.certificate.chain.',
  check: (v, all) => {
    const tls = needsTls('ssl.keystore.key')(v, all);
    if (tls !== true) return tls;
    return all.isSet('ssl.keystore.certificate.chain') || 'add ssl.keystore.certificate.chain, the certificate(s) of this key';
  },
});

export const sslKeyPassword = defineField({
  name: 'ssl.key.password', type: 'password', required: false, group: GROUP, importance: 'low', width: 'medium',
  doc: 'Password of the encrypted private key in ssl.keystore.location or ssl.keystore.key.',
  check: (v, all) => all.isSet('ssl.keystore.location') || all.isSet('ssl.keystore.key') ||
    'ssl.key.password protects a client key: set ssl.keystore.location or ssl.keystore.key too, or remove it',
});

export const sslKeystorePassword = defineField({
  name: 'ssl.keystore.password', type: 'password', required: false, group: GROUP, importance: 'low', width: 'medium',
  doc: 'Password of a JKS or PKCS12 key store. A PEM key store has none (its key may have ssl.key.password), and only PEM is read here.',
  unsupported: { why: 'only PEM key stores are read, and a PEM key store has no store password (Kafka refuses one with PEM too)', fix: `remove ssl.keystore.password and put the key's password in ssl.key.password; for a JKS or PKCS12 store, ${STORE_CONVERSION_HINT}` },
});

export const sslEndpointIdentification = defineField({
  name: 'ssl.endpoint.identification.algorithm', type: 'string', default: 'https', group: GROUP, importance: 'low', width: 'short',
  doc: 'https: check that the broker\'s certificate names the host the daemon connected to (as Kafka does by default). An empty value turns that check off; the certificate must still be signed by a trusted CA.',
  check: (v) => v === '' || v.toLowerCase() === 'https' || 'use https (verify the broker\'s host name) or an empty value (do not)',
});

const TLS_VERSIONS = ['TLSv1.2', 'TLSv1.3'];

export const sslEnabledProtocols = defineField({
  name: 'ssl.enabled.protocols', type: 'list', default: TLS_VERSIONS, group: GROUP, importance: 'low', width: 'medium',
  doc: 'TLS versions the client may negotiate; the lowest and highest listed bound the handshake.',
  check: (v) => (v.length > 0 && v.every((p) => TLS_VERSIONS.includes(p))) ||
    `list versions from: ${TLS_VERSIONS.join(', ')} (older versions are disabled in Node's OpenSSL)`,
});

export const sslProtocol = defineField({
  name: 'ssl.protocol', type: 'string', default: 'TLSv1.3', group: GROUP, importance: 'low', width: 'short',
  doc: 'Highest TLS version, as Java\'s SSLContext protocol: TLSv1.2 keeps the handshake at TLS 1.2; TLSv1.3 and TLS allow what ssl.enabled.protocols lists.',
  check: (v) => ['TLS', 'TLSv1.2', 'TLSv1.3'].includes(v) || 'use TLSv1.3, TLSv1.2 or TLS',
});

const javaOnly = (name: string, doc: string, def?: string): FieldDef => defineField({
  name, type: 'string', ...(def === undefined ? { required: false as const } : { default: def }), group: GROUP, importance: 'low', width: 'medium', doc,
  noEffect: { why: 'a Java (JSSE) setting; Node\'s TLS has no equivalent, and its defaults verify certificates as Java\'s do' },
});

const refused = (name: string, doc: string, why: string, fix: string): FieldDef => defineField({
  name, type: 'string', required: false, group: GROUP, importance: 'low', width: 'medium', doc, unsupported: { why, fix },
});

const NO_KERBEROS_OAUTH = 'Kerberos (GSSAPI) and OAUTHBEARER are not supported by the daemon\'s Kafka client';
const USE_SCRAM = 'remove it and authenticate with SCRAM-SHA-512, SCRAM-SHA-256 or PLAIN (sasl.mechanism, sasl.jaas.config)';

/** Settings of SASL mechanisms the client lacks: known to Kafka, so refused with the reason rather than unknown. */
const SASL_OTHER = [
  'sasl.kerberos.service.name', 'sasl.kerberos.kinit.cmd', 'sasl.kerberos.min.time.before.relogin', 'sasl.kerberos.ticket.renew.jitter',
  'sasl.kerberos.ticket.renew.window.factor', 'sasl.login.class', 'sasl.login.callback.handler.class', 'sasl.client.callback.handler.class',
  'sasl.login.refresh.window.factor', 'sasl.login.refresh.window.jitter', 'sasl.login.refresh.min.period.seconds', 'sasl.login.refresh.buffer.seconds',
  'sasl.login.connect.timeout.ms', 'sasl.login.read.timeout.ms', 'sasl.login.retry.backoff.ms', 'sasl.login.retry.backoff.max.ms',
  'sasl.oauthbearer.token.endpoint.url', 'sasl.oauthbearer.jwks.endpoint.url', 'sasl.oauthbearer.scope', 'sasl.oauthbearer.scope.claim.name',
  'sasl.oauthbearer.sub.claim.name', 'sasl.oauthbearer.expected.audience', 'sasl.oauthbearer.expected.issuer', 'sasl.oauthbearer.clock.skew.seconds',
  'sasl.oauthbearer.jwks.endpoint.refresh.ms', 'sasl.oauthbearer.jwks.endpoint.retry.backoff.ms', 'sasl.oauthbearer.jwks.endpoint.retry.backoff.max.ms',
  'sasl.oauthbearer.header.urlencode', 'sasl.oauthbearer.client.credentials.client.id', 'sasl.oauthbearer.client.credentials.client.secret',
];

/** Every Kafka client security property, in reference order. */
export const KAFKA_SECURITY_FIELDS: readonly FieldDef[] = [
  securityProtocol, saslMechanism, saslJaasConfig, saslUsername, saslPassword,
  sslTruststoreType, sslTruststoreLocation, sslTruststoreCertificates, sslTruststorePassword,
  sslKeystoreType, sslKeystoreLocation, sslKeystoreCertificateChain, sslKeystoreKey, sslKeyPassword, sslKeystorePassword,
  sslEndpointIdentification, sslEnabledProtocols, sslProtocol,
  refused('ssl.cipher.suites', 'Cipher suites to allow, by their Java names.', 'Java cipher suite names do not map reliably onto Node\'s OpenSSL names, and a list that is not honoured exactly would weaken TLS silently', 'remove it; Node\'s default suites are used (TLS 1.2 and 1.3, strong ciphers only)'),
  javaOnly('ssl.keymanager.algorithm', 'Java key manager algorithm.', 'SunX509'),
  javaOnly('ssl.trustmanager.algorithm', 'Java trust manager algorithm.', 'PKIX'),
  javaOnly('ssl.secure.random.implementation', 'Java SecureRandom implementation.'),
  refused('ssl.provider', 'Java security provider for TLS.', 'the daemon\'s TLS is Node\'s OpenSSL, not a Java provider', 'remove it'),
  refused('ssl.engine.factory.class', 'A Java class that builds TLS engines.', 'Java classes cannot be loaded by this daemon', 'remove it and configure TLS with the ssl.* properties in PEM'),
  refused('security.providers', 'Java security provider creator classes.', 'Java classes cannot be loaded by this daemon', 'remove it'),
  ...SASL_OTHER.map((name) => refused(name, 'Setting of a SASL mechanism (Kerberos, OAUTHBEARER or a custom login).', NO_KERBEROS_OAUTH, USE_SCRAM)),
];

const SECURITY_NAMES = new Set(KAFKA_SECURITY_FIELDS.map((f) => f.name));

export function isKafkaSecurityProperty(name: string): boolean {
  return SECURITY_NAMES.has(name);
}

/**
 * The security fields as members of a client prefix family. Every Kafka client of the daemon
 * shares one connection setup (src/kafka/kafka-client.ts), so:
 * - in the worker's producer.*, consumer.*, admin.* (Connect configs repeat them there), a
 *   value must equal the top-level one, else it is refused;
 * - per connector (producer.override.*, ...) they are refused: a different identity per
 *   connector would need its own client.
 */
export function securityFamilyFields(prefix: string, scope: 'worker' | 'connector'): FieldDef[] {
  return KAFKA_SECURITY_FIELDS.map((f): FieldDef => {
    const base = { ...f, required: false, default: undefined, noEffect: undefined, check: undefined } as FieldDef;
    if (f.unsupported) return { ...base, unsupported: f.unsupported };
    if (scope === 'connector') {
      return {
        ...base,
        unsupported: {
          why: `all Kafka clients of the daemon share the worker's connection settings, so ${f.name} cannot differ per connector`,
          fix: `remove ${prefix}${f.name} and set ${f.name} in the worker settings`,
        },
      };
    }
    return {
      ...base,
      doc: `Must equal the top-level ${f.name} (Connect configs repeat it per client).`,
      // Unset at top level means its default: producer.security.protocol=PLAINTEXT alone is fine.
      check: (_v: unknown, all: ParsedValues) => all.raw()[`${prefix}${f.name}`] === (all.raw()[f.name] ?? (f.default === undefined ? undefined : textOf(f.default, true))) ||
        `all Kafka clients of the daemon share one connection setup: set ${f.name} at top level to the same value and remove ${prefix}${f.name} (or make them equal)`,
    };
  });
}
