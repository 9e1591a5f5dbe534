/**
 * Turns the worker's security settings (src/config/kafka-security-fields.ts) into the kafkajs
 * `ssl` and `sasl` options every client of the daemon is built with. Files are read here,
 * once, when the client is built (and by `cdc validate`), so a missing file, a JKS/PKCS12
 * store or a key that does not open is one clear error before any connection is tried.
 * Node's TLS verifies the broker's certificate against the trusted CAs and, unless
 * ssl.endpoint.identification.algorithm is empty, its host name, as Kafka's Java client does.
 */
import { createSecureContext, type ConnectionOptions, type SecureVersion } from 'node:tls';
import type { SASLOptions } from 'kafkajs';
import type { ParsedConfig } from '../config/define.ts';
import { jaasCredentials } from '../config/jaas-config.ts';
import { STORE_CONVERSION_HINT } from '../config/kafka-security-fields.ts';
import { ConfigError, CdcErrorList } from '../errors/cdc-error.ts';

export interface KafkaSecurity {
  readonly ssl?: ConnectionOptions;
  readonly sasl?: SASLOptions;
}

export type ReadBytes = (path: string) => Buffer;

const JKS_MAGIC = 0xfeedfeed;
const JCEKS_MAGIC = 0xcececece;

/** What a store file holds, judged by its bytes (the type property may be unset or wrong). */
export function storeFormat(bytes: Buffer): 'PEM' | 'JKS' | 'PKCS12' | 'unknown' {
  if (bytes.length >= 4 && (bytes.readUInt32BE(0) === JKS_MAGIC || bytes.readUInt32BE(0) === JCEKS_MAGIC)) return 'JKS';
  if (bytes.includes('-----BEGIN ')) return 'PEM';
  // A PKCS12 file is DER: an ASN.1 SEQUENCE (0x30) with a long-form length.
  if (bytes.length > 2 && bytes[0] === 0x30 && (bytes[1]! & 0x80) !== 0) return 'PKCS12';
  return 'unknown';
}

const CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;
const KEY = /-----BEGIN (?:ENCRYPTED |RSA |EC )?PRIVATE KEY-----[\s\S]+?-----END (?:ENCRYPTED |RSA |EC )?PRIVATE KEY-----/;

export function kafkaSecurity(config: ParsedConfig, readFile: ReadBytes, where = 'worker config'): KafkaSecurity {
  const problems: ConfigError[] = [];
  const fail = (code: string, property: string, what: string, fix: string): undefined => {
    problems.push(new ConfigError({ code, what, where: `${where}, property ${property}`, fix }));
    return undefined;
  };
  const protocol = config.getString('security.protocol') ?? 'PLAINTEXT';

  /** A PEM file's text, or undefined after recording why it cannot be used. */
  const pemFile = (property: string, path: string, needs: string): string | undefined => {
    let bytes: Buffer;
    try {
      bytes = readFile(path);
    } catch (err) {
      const reason = (err as NodeJS.ErrnoException).code ?? 'unreadable';
      return fail('CDC_KAFKA_SSL_FILE', property, `${property} names ${path}, which cannot be read (${reason})`, `check the path and that the daemon's user may read the file`);
    }
    const format = storeFormat(bytes);
    if (format === 'JKS' || format === 'PKCS12') {
      const typeProperty = property.startsWith('ssl.truststore') ? 'ssl.truststore.type' : 'ssl.keystore.type';
      const declared = typeProperty === 'ssl.truststore.type' ? config.getString('ssl.truststore.type') : config.getString('ssl.keystore.type');
      const says = declared !== undefined && declared !== format ? ` (although ${typeProperty}=${declared})` : '';
      return fail('CDC_KAFKA_SSL_STORE', property, `${property} names ${path}, a ${format} store${says}; the daemon's Kafka client reads PEM only`, STORE_CONVERSION_HINT);
    }
    if (format !== 'PEM') return fail('CDC_KAFKA_SSL_FILE', property, `${path} (${property}) is not a PEM file`, `give a PEM file holding ${needs}`);
    return bytes.toString('utf8');
  };

  let ssl: ConnectionOptions | undefined;
  if (protocol === 'SSL' || protocol === 'SASL_SSL') {
    const opts: { -readonly [K in keyof ConnectionOptions]: ConnectionOptions[K] } = {};
    const truststore = config.getString('ssl.truststore.location');
    const inlineCa = config.getPassword('ssl.truststore.certificates')?.reveal();
    const caText = truststore !== undefined ? pemFile('ssl.truststore.location', truststore, 'CA certificates') : inlineCa;
    if (caText !== undefined) {
      const certs = caText.match(CERT);
      const property = truststore !== undefined ? 'ssl.truststore.location' : 'ssl.truststore.certificates';
      if (!certs) fail('CDC_KAFKA_SSL_FILE', property, `${property} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`, 'give the CA certificate(s) that signed the brokers\' certificates, in PEM');
      else opts.ca = certs;
    }
    const keystore = config.getString('ssl.keystore.location');
    const keyPassword = config.getPassword('ssl.key.password')?.reveal();
    let keyText: string | undefined;
    let certText: string | undefined;
    let keyProperty = 'ssl.keystore.key';
    if (keystore !== undefined) {
      keyProperty = 'ssl.keystore.location';
      const text = pemFile('ssl.keystore.location', keystore, 'the client\'s private key and certificate chain');
      if (text !== undefined) {
        keyText = text.match(KEY)?.[0];
        certText = text.match(CERT)?.join('\n');
        if (!keyText || !certText) {
          fail('CDC_KAFKA_SSL_FILE', 'ssl.keystore.location', `${keystore} lacks ${!keyText ? 'a private key' : 'a certificate'}`, 'put the private key (PKCS#8 PEM) and the client certificate chain in the file, e.g. openssl pkcs12 -in client.p12 -nodes -out client.pem');
        }
      }
    } else {
      keyText = config.getPassword('ssl.keystore.key')?.reveal();
      certText = config.getPassword('ssl.keystore.certificate.chain')?.reveal();
    }
    if (keyText !== undefined && certText !== undefined) {
      try {
        // Opens the key now: a wrong ssl.key.password fails here, not at the first handshake.
        createSecureContext({ key: keyText, cert: certText, ...(keyPassword !== undefined ? { passphrase: keyPassword } : {}) });
        opts.key = keyText;
        opts.cert = certText;
        if (keyPassword !== undefined) opts.passphrase = keyPassword;
      } catch (err) {
        const msg = err instanceof Error ? err.message : String(err);
        fail('CDC_KAFKA_SSL_FILE', keyProperty, `the client key and certificate cannot be used (${msg})`,
          /bad decrypt|passphrase|decrypt/i.test(msg) ? 'check ssl.key.password' : 'give a PEM private key (PKCS#8, or PKCS#1 RSA) with the certificate it belongs to');
      }
    }
    if ((config.getString('ssl.endpoint.identification.algorithm') ?? 'https') === '') {
      // The certificate chain is still verified against the CAs; only the host name check is off.
      opts.checkServerIdentity = () => undefined;
    }
    const versions = [...(config.getList('ssl.enabled.protocols') ?? ['TLSv1.2', 'TLSv1.3'])].sort() as SecureVersion[];
    opts.minVersion = versions[0]!;
    // Java's SSLContext for TLSv1.2 cannot speak 1.3, whatever ssl.enabled.protocols says.
    opts.maxVersion = config.getString('ssl.protocol') === 'TLSv1.2' ? 'TLSv1.2' : versions[versions.length - 1]!;
    if (opts.minVersion > opts.maxVersion) {
      fail('CDC_CONFIG_INVALID', 'ssl.protocol', 'ssl.protocol=TLSv1.2 leaves no version of ssl.enabled.protocols', 'add TLSv1.2 to ssl.enabled.protocols, or set ssl.protocol=TLSv1.3');
    }
    opts.rejectUnauthorized = true;
    ssl = opts;
  }

  let sasl: SASLOptions | undefined;
  if (protocol === 'SASL_SSL' || protocol === 'SASL_PLAINTEXT') {
    const mechanism = config.getString('sasl.mechanism');
    const jaas = config.getPassword('sasl.jaas.config');
    let username: string | undefined;
    let password: string | undefined;
    if (jaas) {
      const creds = jaasCredentials(jaas.reveal());
      if (creds.ok) ({ username, password } = creds);
      else fail('CDC_CONFIG_INVALID', 'sasl.jaas.config', `sasl.jaas.config cannot be used: ${creds.reason}`, 'see sasl.jaas.config in docs/config-reference.md');
    } else {
      username = config.getString('sasl.username');
      password = config.getPassword('sasl.password')?.reveal();
    }
    if (username !== undefined && password !== undefined) {
      const m = (mechanism ?? 'PLAIN').toLowerCase();
      if (m === 'plain') sasl = { mechanism: 'plain', username, password };
      else if (m === 'scram-sha-256') sasl = { mechanism: 'scram-sha-256', username, password };
      else if (m === 'scram-sha-512') sasl = { mechanism: 'scram-sha-512', username, password };
      else fail('CDC_CONFIG_INVALID', 'sasl.mechanism', `sasl.mechanism=${mechanism} is not supported`, 'use SCRAM-SHA-512, SCRAM-SHA-256 or PLAIN');
    }
  }

  if (problems.length > 0) throw new CdcErrorList(problems);
  return { ...(ssl ? { ssl } : {}), ...(sasl ? { sasl } : {}) };
}
