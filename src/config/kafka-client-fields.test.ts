import { test } from 'node:test';
import assert from 'node:assert/strict';
import { workerConfigDef } from './worker-config.ts';
import { connectFrameworkConfigDef } from './connect-framework-fields.ts';
import { configProblems } from '../../test/helpers/config-problems.ts';

const workerBase = { 'bootstrap.servers': 'k:9092', 'schema.registry.url': 'http://sr:8081' };
const connectorBase = { name: 'c', 'connector.class': 'X' };
const problems = configProblems;

test('producer settings that would break exactly-once are refused with the reason', () => {
  const msg = problems(() => connectFrameworkConfigDef().parse({
    ...connectorBase, 'producer.override.acks': '1', 'producer.override.enable.idempotence': false,
    'producer.override.max.in.flight.requests.per.connection': 6, 'producer.override.transactional.id': 'mine',
  }, 'connector "c"'));
  assert.match(msg, /acks=1 would let a committed transaction lose records/);
  assert.match(msg, /enable\.idempotence=false/);
  assert.match(msg, /at most 5 requests in flight/);
  assert.match(msg, /CDC_CONFIG_UNSUPPORTED: producer\.override\.transactional\.id is not supported by this daemon: the daemon sets it per task/);
  const ok = connectFrameworkConfigDef().parse({ ...connectorBase, 'producer.override.acks': 'all', 'producer.override.enable.idempotence': 'true', 'producer.override.max.in.flight.requests.per.connection': 5 }, 'c');
  assert.deepEqual(ok.warnings, []);
});

test('client properties without an equivalent warn once each, with why; typos under a client prefix are unknown with a suggestion', () => {
  const w = workerConfigDef().parse({ ...workerBase, 'producer.batch.size': 32768, 'producer.linger.ms': 5, 'consumer.max.poll.records': 10, 'admin.retries': 3 }, 'w');
  const byProperty = new Map(w.warnings.map((x) => [x.property, x.message]));
  assert.match(byProperty.get('producer.batch.size') ?? '', /no effect: records are handed to Kafka as soon as a batch/);
  assert.match(byProperty.get('consumer.max.poll.records') ?? '', /runs no sink connectors/);
  assert.equal(byProperty.size, 4);
  const typo = problems(() => workerConfigDef().parse({ ...workerBase, 'producer.compresion.type': 'gzip', 'producer.compression.type': 'brotli' }, 'w'));
  assert.match(typo, /CDC_CONFIG_UNKNOWN: unknown property producer\.compresion\.type[\s\S]*did you mean producer\.compression\.type/);
  assert.match(typo, /producer\.compression\.type has "brotli", which is not an allowed value[\s\S]*none, gzip, snappy, lz4, zstd/);
  assert.match(problems(() => connectFrameworkConfigDef().parse({ ...connectorBase, 'consumer.override.isolation.level': 'read_uncommitted' }, 'c')), /reading uncommitted offsets/);
});

test('security under a client prefix: equal to the top level in the worker, refused per connector', () => {
  const jaas = 'org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p";';
  const secured = { ...workerBase, 'security.protocol': 'SASL_SSL', 'sasl.mechanism': 'PLAIN', 'sasl.jaas.config': jaas };
  workerConfigDef().parse({ ...secured, 'producer.security.protocol': 'SASL_SSL', 'producer.sasl.jaas.config': jaas, 'consumer.bootstrap.servers': 'k:9092' }, 'w');
  const differ = problems(() => workerConfigDef().parse({ ...secured, 'producer.sasl.jaas.config': jaas.replace('"p"', '"other"'), 'admin.bootstrap.servers': 'x:1' }, 'w'));
  assert.match(differ, /producer\.sasl\.jaas\.config = a hidden value is not accepted[\s\S]*share one connection setup/);
  assert.match(differ, /admin\.bootstrap\.servers/);
  assert.ok(!differ.includes('other'), 'the differing password is not shown');
  const perConnector = problems(() => connectFrameworkConfigDef().parse({ ...connectorBase, 'producer.override.sasl.jaas.config': jaas }, 'c'));
  assert.match(perConnector, /CDC_CONFIG_UNSUPPORTED: producer\.override\.sasl\.jaas\.config[\s\S]*set sasl\.jaas\.config in the worker settings/);
  assert.ok(!perConnector.includes('password="p"'));
});

test('config/validate reports a refused override on its key, hides secret overrides, and lists no valid ones', () => {
  const def = connectFrameworkConfigDef();
  const r = def.validate({ ...connectorBase, 'producer.override.acks': '0', 'producer.override.compression.type': 'gzip', 'producer.override.sasl.jaas.config': 'x' });
  const byName = new Map(r.configs.map((c) => [c.definition.name, c]));
  assert.match(byName.get('producer.override.acks')?.value.errors.join() ?? '', /acks=0/);
  assert.equal(byName.get('producer.override.sasl.jaas.config')?.value.errors.length, 1);
  assert.equal(byName.has('producer.override.compression.type'), false);
  assert.equal(r.error_count, 2);
  assert.deepEqual(def.redact({ 'producer.override.sasl.jaas.config': 'x', 'producer.override.acks': 'all' }), { 'producer.override.sasl.jaas.config': '[hidden]', 'producer.override.acks': 'all' });
});

test('a repeated security setting equal to the top-level default is accepted', () => {
  workerConfigDef().parse({ ...workerBase, 'producer.security.protocol': 'PLAINTEXT', 'consumer.ssl.endpoint.identification.algorithm': 'https' }, 'w');
  assert.match(problems(() => workerConfigDef().parse({ ...workerBase, 'admin.security.protocol': 'SSL' }, 'w')), /admin\.security\.protocol/);
});
