import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { workerConfigDef } from '../config/worker-config.ts';
import { kafkaSecurity, storeFormat } from './kafka-security.ts';
import { configProblems } from '../../test/helpers/config-problems.ts';

const FIXTURES = new URL('../../test/fixtures/tls/', import.meta.url).pathname;
const file = (name: string) => `${FIXTURES}${name}`;
const SCRAM = 'org.apache.kafka.common.security.scram.ScramLoginModule required username="app" password="pw-secret";';
const parse = (extra: Record<string, unknown>) => workerConfigDef().parse({ 'bootstrap.servers': 'k:9093', 'schema.registry.url': 'http://sr:8081', ...extra }, 'w');
const problems = configProblems;

test('PLAINTEXT has neither ssl nor sasl; SASL_SSL with SCRAM and a PEM CA file maps to kafkajs options', () => {
  assert.deepEqual(kafkaSecurity(parse({}), readFileSync), {});
  const s = kafkaSecurity(parse({
    'security.protocol': 'SASL_SSL', 'sasl.mechanism': 'SCRAM-SHA-512', 'sasl.jaas.config': SCRAM,
    'ssl.truststore.type': 'PEM', 'ssl.truststore.location': file('ca.pem'),
  }), readFileSync);
  assert.deepEqual(s.sasl, { mechanism: 'scram-sha-512', username: 'app', password: 'pw-secret' });
  assert.equal(s.ssl?.ca?.length, 1);
  assert.equal(s.ssl?.rejectUnauthorized, true);
  assert.equal(s.ssl?.checkServerIdentity, undefined, 'host names are verified by default (https)');
  assert.deepEqual([s.ssl?.minVersion, s.ssl?.maxVersion], ['TLSv1.2', 'TLSv1.3']);
});

test('PLAIN from the login module or from sasl.username/sasl.password; host name check off; inline CA', () => {
  const plain = kafkaSecurity(parse({ 'security.protocol': 'SASL_PLAINTEXT', 'sasl.jaas.config': SCRAM.replace('scram.ScramLoginModule', 'plain.PlainLoginModule') }), readFileSync);
  assert.deepEqual(plain, { sasl: { mechanism: 'plain', username: 'app', password: 'pw-secret' } });
  const librd = kafkaSecurity(parse({
    'security.protocol': 'SASL_SSL', 'sasl.mechanism': 'SCRAM-SHA-256', 'sasl.username': 'u', 'sasl.password': 'p',
    'ssl.truststore.certificates': readFileSync(file('ca.pem'), 'utf8'), 'ssl.endpoint.identification.algorithm': '', 'ssl.enabled.protocols': 'TLSv1.3',
  }), readFileSync);
  assert.deepEqual(librd.sasl, { mechanism: 'scram-sha-256', username: 'u', password: 'p' });
  assert.equal(librd.ssl?.checkServerIdentity?.('h', {} as never), undefined);
  assert.deepEqual([librd.ssl?.minVersion, librd.ssl?.maxVersion], ['TLSv1.3', 'TLSv1.3']);
});

test('client certificates: one PEM file with key and chain, or inline key + chain, an encrypted key opened with ssl.key.password', () => {
  const fromFile = kafkaSecurity(parse({ 'security.protocol': 'SSL', 'ssl.keystore.type': 'PEM', 'ssl.keystore.location': file('client.pem') }), readFileSync);
  assert.match(String(fromFile.ssl?.key), /BEGIN PRIVATE KEY/);
  assert.match(String(fromFile.ssl?.cert), /BEGIN CERTIFICATE/);
  const inline = kafkaSecurity(parse({
    'security.protocol': 'SSL', 'ssl.keystore.key': readFileSync(file('client-encrypted.key'), 'utf8'),
    'ssl.keystore.certificate.chain': readFileSync(file('client.crt'), 'utf8'), 'ssl.key.password': 'unit-test-key-pass',
  }), readFileSync);
  assert.equal(inline.ssl?.passphrase, 'unit-test-key-pass');
  const wrong = problems(() => kafkaSecurity(parse({
    'security.protocol': 'SSL', 'ssl.keystore.key': readFileSync(file('client-encrypted.key'), 'utf8'),
    'ssl.keystore.certificate.chain': readFileSync(file('client.crt'), 'utf8'), 'ssl.key.password': 'not-it',
  }), readFileSync));
  assert.match(wrong, /CDC_KAFKA_SSL_FILE/);
  assert.match(wrong, /check ssl\.key\.password/);
  assert.ok(!wrong.includes('not-it'));
});

test('JKS and PKCS12 files are recognised by their bytes and refused with the conversion commands', () => {
  assert.equal(storeFormat(readFileSync(file('client.p12'))), 'PKCS12');
  assert.equal(storeFormat(Buffer.from([0xfe, 0xed, 0xfe, 0xed, 0, 0, 0, 2])), 'JKS');
  assert.equal(storeFormat(readFileSync(file('ca.pem'))), 'PEM');
  const msg = problems(() => kafkaSecurity(parse({ 'security.protocol': 'SSL', 'ssl.truststore.type': 'PEM', 'ssl.truststore.location': file('client.p12') }), readFileSync));
  assert.match(msg, /CDC_KAFKA_SSL_STORE: ssl\.truststore\.location names .*client\.p12, a PKCS12 store \(although ssl\.truststore\.type=PEM\)/);
  assert.match(msg, /keytool -importkeystore[\s\S]*openssl pkcs12 -in store\.p12 -nokeys -out ca\.pem/);
  const jks = problems(() => parse({ 'security.protocol': 'SSL', 'ssl.truststore.type': 'JKS', 'ssl.truststore.location': '/x.jks', 'ssl.keystore.type': 'pkcs12' }));
  assert.match(jks, /ssl\.truststore\.type=JKS cannot be read here/);
  assert.match(jks, /ssl\.keystore\.type=PKCS12 cannot be read here/);
});

test('files that are missing, not PEM, or without what they must hold', () => {
  const missing = problems(() => kafkaSecurity(parse({ 'security.protocol': 'SSL', 'ssl.truststore.location': '/nonexistent/ca.pem' }), readFileSync));
  assert.match(missing, /CDC_KAFKA_SSL_FILE: ssl\.truststore\.location names \/nonexistent\/ca\.pem, which cannot be read \(ENOENT\)/);
  const keyOnly = problems(() => kafkaSecurity(parse({ 'security.protocol': 'SSL', 'ssl.keystore.location': file('client.key') }), readFileSync));
  assert.match(keyOnly, /lacks a certificate/);
  const noCert = problems(() => kafkaSecurity(parse({ 'security.protocol': 'SSL', 'ssl.truststore.location': file('client.key') }), readFileSync));
  assert.match(noCert, /holds no PEM certificate/);
});

test('settings the protocol would drop are refused, not ignored (SASL credentials over PLAINTEXT was accepted silently)', () => {
  const msg = problems(() => parse({ 'sasl.jaas.config': SCRAM, 'sasl.mechanism': 'SCRAM-SHA-512', 'ssl.truststore.location': '/ca.pem' }));
  assert.match(msg, /sasl\.jaas\.config is set but security\.protocol=PLAINTEXT connects without SASL/);
  assert.match(msg, /ssl\.truststore\.location is set but security\.protocol=PLAINTEXT connects without TLS/);
  assert.ok(!msg.includes('pw-secret'), 'the JAAS password is not shown');
});

test('SASL needs credentials and a mechanism this client has; unsupported settings are refused with the reason', () => {
  assert.match(problems(() => parse({ 'security.protocol': 'SASL_SSL' })), /needs credentials/);
  assert.match(problems(() => parse({ 'security.protocol': 'SASL_SSL', 'sasl.jaas.config': SCRAM })), /set sasl\.mechanism to the one the brokers use/);
  assert.match(problems(() => parse({ 'security.protocol': 'SASL_SSL', 'sasl.jaas.config': SCRAM, 'sasl.mechanism': 'PLAIN' })), /does not match the login module/);
  assert.match(problems(() => parse({ 'security.protocol': 'SASL_SSL', 'sasl.jaas.config': SCRAM, 'sasl.mechanism': 'GSSAPI' })), /GSSAPI \(Kerberos\) is not supported/);
  assert.match(problems(() => parse({ 'security.protocol': 'SASL_SSL', 'sasl.jaas.config': SCRAM, 'sasl.mechanism': 'SCRAM-SHA-512', 'sasl.username': 'x', 'sasl.password': 'y' })), /set the credentials once/);
  assert.match(problems(() => parse({ 'sasl.kerberos.service.name': 'kafka' })), /CDC_CONFIG_UNSUPPORTED: sasl\.kerberos\.service\.name is not supported/);
  assert.match(problems(() => parse({ 'ssl.cipher.suites': 'TLS_AES_128_GCM_SHA256' })), /CDC_CONFIG_UNSUPPORTED: ssl\.cipher\.suites/);
  assert.match(problems(() => parse({ 'ssl.endpoint.identification.algorithm': 'ldap' })), /use https/);
  assert.match(problems(() => parse({ 'ssl.enabled.protocols': 'TLSv1.1,TLSv1.2' })), /TLSv1\.2, TLSv1\.3/);
  const w = parse({ 'ssl.keymanager.algorithm': 'SunX509' });
  assert.deepEqual(w.warnings.map((x) => x.property), ['ssl.keymanager.algorithm']);
  const tls12 = kafkaSecurity(parse({ 'security.protocol': 'SSL', 'ssl.protocol': 'TLSv1.2' }), readFileSync);
  assert.deepEqual([tls12.ssl?.minVersion, tls12.ssl?.maxVersion], ['TLSv1.2', 'TLSv1.2']);
  assert.match(problems(() => kafkaSecurity(parse({ 'security.protocol': 'SSL', 'ssl.protocol': 'TLSv1.2', 'ssl.enabled.protocols': 'TLSv1.3' }), readFileSync)), /leaves no version/);
});

test('secrets of the security settings are hidden in validate answers and redaction', () => {
  const def = workerConfigDef();
  for (const key of ['sasl.jaas.config', 'sasl.password', 'ssl.keystore.key', 'ssl.key.password', 'ssl.truststore.certificates', 'producer.sasl.jaas.config']) {
    assert.equal(def.isSecret(key), true, key);
  }
  assert.equal(def.isSecret('ssl.truststore.location'), false);
  assert.deepEqual(def.redact({ 'sasl.jaas.config': SCRAM }), { 'sasl.jaas.config': '[hidden]' });
});
