/**
 * Kafka client security end to end, against the stack broker's SASL_SSL listener (test CA,
 * SCRAM-SHA-512 and PLAIN user; test/stack/kafka-sasl-ssl.sh): the daemon streams rows
 * through it exactly once with zstd-compressed batches, and each way it can be misconfigured
 * fails with one clear message and no secret: a wrong password, a JKS or PKCS12 store, a
 * broker certificate signed by a CA the daemon does not trust. PLAIN and mutual TLS (the SSL
 * listener requires a client certificate) are shown with a client built as the daemon builds it.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stackEnv, SKIP_REASON, type StackEnv } from '../helpers/stack-env.ts';
import { PgFixture } from '../helpers/pg-fixture.ts';
import { Daemon, writeConfig } from '../helpers/daemon.ts';
import { readUntil, waitForTopics } from '../helpers/kafka-reader.ts';
import { storedCodecs } from '../helpers/kafka-segments.ts';
import { registerCompressionCodecs } from '../../src/kafka/compression-codecs.ts';
import { createKafka } from '../../src/kafka/kafka-client.ts';
import { workerConfigDef } from '../../src/config/worker-config.ts';
import { createLogger } from '../../src/log/logger.ts';

const env = stackEnv();
const ROOT = new URL('../../', import.meta.url).pathname;
const e = process.env;
const sasl = {
  servers: e.KAFKA_SASL_SSL_BOOTSTRAP_SERVERS ?? '',
  ca: e.KAFKA_SSL_CA_PEM ?? '',
  otherCa: e.KAFKA_SSL_OTHER_CA_PEM ?? '',
  pkcs12: e.KAFKA_SSL_PKCS12_STORE ?? '',
  user: e.KAFKA_SASL_USERNAME ?? '',
  password: e.KAFKA_SASL_PASSWORD ?? '',
};
const mtls = {
  servers: e.KAFKA_SSL_BOOTSTRAP_SERVERS ?? '',
  clientPem: e.KAFKA_SSL_CLIENT_PEM ?? '',
  clientCert: e.KAFKA_SSL_CLIENT_CERT ?? '',
  encryptedKey: e.KAFKA_SSL_CLIENT_KEY_ENCRYPTED ?? '',
  keyPassword: e.KAFKA_SSL_CLIENT_KEY_PASSWORD ?? '',
};
const WRONG_PASSWORD = 'Wr0ng-pass-never-printed';
let db: PgFixture;

const jaas = (module: 'scram' | 'plain', password: string): string =>
  `org.apache.kafka.common.security.${module}.${module === 'scram' ? 'ScramLoginModule' : 'PlainLoginModule'} required username="${sasl.user}" password="${password}";`;

/** Worker settings for the SASL_SSL listener; `over` replaces or removes (undefined) entries. */
function secured(over: Record<string, string | undefined> = {}): Record<string, string> {
  const base: Record<string, string | undefined> = {
    'bootstrap.servers': sasl.servers,
    'security.protocol': 'SASL_SSL',
    'sasl.mechanism': 'SCRAM-SHA-512',
    'sasl.jaas.config': jaas('scram', sasl.password),
    'ssl.truststore.type': 'PEM',
    'ssl.truststore.location': sasl.ca,
    ...over,
  };
  return Object.fromEntries(Object.entries(base).filter((kv): kv is [string, string] => kv[1] !== undefined));
}

function cdc(command: 'validate' | 'run', config: string, timeout = 120_000): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, ['bin/cdc.mjs', command, '--config', config], {
    cwd: ROOT, encoding: 'utf8', timeout, env: { ...process.env, CDC_TEST_PGPASSWORD: env!.pg.password },
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

const skip = env ? false : SKIP_REASON;

before(async () => {
  if (!env) return;
  // stack.sh always starts the SASL_SSL listener; a stack without it is out of date, not absent.
  assert.ok(sasl.servers && sasl.ca && sasl.user && mtls.servers, 'the stack env has no SASL_SSL or SSL listener: restart it with bash test/stack/stack.sh up');
  db = await PgFixture.create(env, 'ksec');
  await db.query(`CREATE TABLE orders (id int PRIMARY KEY, note text)`);
});

after(async () => { if (db) await db.drop(); });

test('the daemon streams through SASL_SSL (SCRAM-SHA-512, PEM CA) exactly once, zstd-compressed, secrets hidden', { skip, timeout: 240_000 }, async () => {
  registerCompressionCodecs(); // the test reader decompresses zstd batches
  const name = `ksec_${db.database.slice(-8)}`;
  const config = writeConfig({
    env: env!, name, database: db.database,
    worker: { ...secured(), 'producer.compression.type': 'gzip' },
    connector: { 'table.include.list': 'public\\.orders', 'snapshot.mode': 'initial', 'producer.override.compression.type': 'zstd' },
  });
  await db.query(`INSERT INTO orders SELECT g, 'snap-' || g FROM generate_series(1, 50) g`);
  const daemon = new Daemon(config, env!).start();
  try {
    await daemon.withLog(async () => {
      await daemon.waitForStreaming(120_000);
      await db.query(`INSERT INTO orders SELECT g, 'live-' || g FROM generate_series(51, 120) g`);
      const topic = `${name}.public.orders`;
      await waitForTopics(env!, [topic], 90_000);
      // The reader uses the PLAINTEXT listener of the same broker: what it sees is what SASL_SSL wrote.
      const records = await readUntil(env!, [topic], (rs) => rs.length >= 120, 90_000);
      const ids = records.map((r) => (r.key as { id: number }).id);
      assert.equal(records.length, 120, 'each row exactly once');
      assert.equal(new Set(ids).size, 120);
      const codecs = storedCodecs(process.env.CDC_STACK_DIR!, topic);
      assert.ok(codecs.length > 0 && codecs.every((c) => c === 'zstd'), `the connector's producer.override wins over the worker's gzip: ${codecs.join(', ')}`);
      assert.ok(!daemon.output.includes(sasl.password), 'the SASL password never reaches the log');
    });
  } finally {
    await daemon.stop();
  }
});

test('a wrong SASL password stops the daemon with CDC_KAFKA_AUTH and no secret', { skip, timeout: 180_000 }, () => {
  const config = writeConfig({ env: env!, name: 'ksec_badpw', database: db.database, worker: secured({ 'sasl.jaas.config': jaas('scram', WRONG_PASSWORD) }), connector: {} });
  const r = cdc('run', config);
  assert.equal(r.code, 1, r.out);
  assert.match(r.out, /CDC_KAFKA_AUTH/);
  assert.match(r.out, /sasl\.jaas\.config/);
  assert.ok(!r.out.includes(WRONG_PASSWORD), r.out);
});

/** Lists topics through a client built from worker settings, as the daemon builds its own. */
async function reach(worker: Record<string, string>): Promise<void> {
  const parsed = workerConfigDef().parse({ ...worker, 'schema.registry.url': env!.registry }, 'test worker');
  const admin = createKafka(parsed, createLogger({ level: 'error' }), 'ksec-test').admin({ retry: { retries: 1 } });
  await admin.connect();
  try {
    assert.ok(Array.isArray(await admin.listTopics()));
  } finally {
    await admin.disconnect();
  }
}

test('PLAIN (librdkafka-style sasl.username / sasl.password) and the host name check off reach the broker', { skip, timeout: 120_000 }, async () => {
  const settings = [
    secured({ 'sasl.mechanism': 'PLAIN', 'sasl.jaas.config': undefined, 'sasl.username': sasl.user, 'sasl.password': sasl.password }),
    secured({ 'sasl.mechanism': 'PLAIN', 'sasl.jaas.config': jaas('plain', sasl.password), 'ssl.endpoint.identification.algorithm': '' }),
  ];
  for (const worker of settings) await reach(worker);
});

test('mutual TLS: a PEM client key store (one file, or an encrypted key with its chain) is presented; without it the broker refuses', { skip, timeout: 120_000 }, async () => {
  const base = { 'bootstrap.servers': mtls.servers, 'security.protocol': 'SSL', 'ssl.truststore.location': sasl.ca };
  await reach({ ...base, 'ssl.keystore.type': 'PEM', 'ssl.keystore.location': mtls.clientPem });
  await reach({
    ...base, 'ssl.keystore.key': readFileSync(mtls.encryptedKey, 'utf8'),
    'ssl.keystore.certificate.chain': readFileSync(mtls.clientCert, 'utf8'), 'ssl.key.password': mtls.keyPassword,
  });
  await assert.rejects(reach(base), 'the listener requires a client certificate');
});

test('a JKS or PKCS12 trust store is refused with how to convert it to PEM', { skip, timeout: 120_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'ksec-'));
  const jks = join(dir, 'truststore.jks');
  const made = spawnSync('keytool', ['-importcert', '-noprompt', '-alias', 'ca', '-file', sasl.ca, '-keystore', jks, '-storetype', 'JKS', '-storepass', 'changeit'], { encoding: 'utf8' });
  assert.equal(made.status, 0, `keytool: ${made.stderr}`);
  for (const [store, format] of [[jks, 'JKS'], [sasl.pkcs12, 'PKCS12']] as const) {
    const config = writeConfig({ env: env!, name: 'ksec_store', database: db.database, connector: {}, worker: secured({ 'ssl.truststore.type': undefined, 'ssl.truststore.location': store }) });
    const r = cdc('validate', config);
    assert.equal(r.code, 1, r.out);
    assert.match(r.out, new RegExp(`CDC_KAFKA_SSL_STORE: ssl\\.truststore\\.location names .*a ${format} store`));
    assert.match(r.out, /openssl pkcs12 -in store\.p12 -nokeys -out ca\.pem/);
    assert.match(r.out, /keytool -importkeystore/);
  }
  const typed = writeConfig({ env: env!, name: 'ksec_store', database: db.database, connector: {}, worker: secured({ 'ssl.truststore.type': 'JKS', 'ssl.truststore.location': jks, 'ssl.truststore.password': 'changeit' }) });
  const r = cdc('validate', typed);
  assert.equal(r.code, 1, r.out);
  assert.match(r.out, /ssl\.truststore\.type=JKS cannot be read here/);
  assert.match(r.out, /CDC_CONFIG_UNSUPPORTED: ssl\.truststore\.password/);
  assert.ok(!r.out.includes('changeit'), 'the store password is not shown');
});

test('a broker certificate the trusted CAs did not sign is refused with CDC_KAFKA_TLS', { skip, timeout: 180_000 }, () => {
  const config = writeConfig({ env: env!, name: 'ksec_tls', database: db.database, connector: {}, worker: secured({ 'ssl.truststore.location': sasl.otherCa }) });
  const r = cdc('run', config);
  assert.equal(r.code, 1, r.out);
  assert.match(r.out, /CDC_KAFKA_TLS/);
  assert.match(r.out, /ssl\.truststore\.location/);
});

export type { StackEnv };
