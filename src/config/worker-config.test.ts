import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CdcErrorList } from '../errors/cdc-error.ts';
import { applyWorkerDefaults, groupId, metricsPort, offsetStorageReplication, restPort, workerConfigDef } from './worker-config.ts';

const minimal = { 'bootstrap.servers': '127.0.0.1:9092', 'schema.registry.url': 'http://sr:8081' };

test('a minimal worker section gets the documented defaults', () => {
  const w = workerConfigDef().parse(minimal, 'cdc.yaml, worker');
  assert.deepEqual(w.getList('bootstrap.servers'), ['127.0.0.1:9092']);
  assert.equal(w.get(groupId), 'cdc');
  assert.equal(w.get(restPort), 8083);
  assert.equal(w.get(metricsPort), 9404);
  assert.equal(w.get(offsetStorageReplication), -1);
  assert.equal(w.getString('offset.storage.topic'), 'connect-offsets');
  assert.equal(w.getInt('offset.storage.partitions'), 25);
  assert.equal(w.getInt('transaction.timeout.ms'), 900000);
  assert.equal(w.getString('log.level'), 'info');
});

test('Kafka client settings are validated; bad values are all reported', () => {
  const w = workerConfigDef().parse({
    ...minimal, 'security.protocol': 'sasl_ssl', 'sasl.mechanism': 'PLAIN', 'producer.linger.ms': 5,
    'sasl.jaas.config': 'org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p";',
  }, 'w');
  assert.equal(w.getString('security.protocol'), 'SASL_SSL');
  assert.deepEqual(w.originalsWithPrefix('producer.'), { 'linger.ms': '5' });
  assert.match(w.warnings.map((x) => x.message).join('\n'), /producer\.linger\.ms is accepted but has no effect/);
  assert.throws(
    () => workerConfigDef().parse({ 'bootstrap.servers': 'kafka', 'rest.port': 70000, 'offset.storage.replication.factor': 0 }, 'cdc.yaml, worker'),
    (err: unknown) => {
      assert.ok(err instanceof CdcErrorList);
      const text = err.message;
      assert.match(text, /write host:port pairs, e\.g\. kafka:9092 \(not: kafka\)/);
      assert.match(text, /rest\.port = "70000"/);
      assert.match(text, /replication factor of 1 or more/);
      assert.match(text, /AvroConverter needs a Schema Registry/);
      return true;
    },
  );
});

test('an Avro converter is fine when its own registry URL is given', () => {
  const w = workerConfigDef().parse({ 'bootstrap.servers': 'k:9092', 'key.converter': 'org.apache.kafka.connect.json.JsonConverter', 'value.converter.schema.registry.url': 'http://sr:8081' }, 'w');
  assert.equal(w.getString('value.converter'), 'io.confluent.connect.avro.AvroConverter');
});

test('applyWorkerDefaults follows Connect: worker converter settings only for inherited converters', () => {
  const w = workerConfigDef().parse({ ...minimal, 'value.converter.auto.register.schemas': 'false', 'key.converter.enhanced.avro.schema.support': 'true' }, 'w');
  const inherited = applyWorkerDefaults(w, { name: 'a', 'key.converter': 'org.apache.kafka.connect.json.JsonConverter', 'key.converter.schemas.enable': 'false' });
  assert.deepEqual(inherited, {
    name: 'a',
    'key.converter': 'org.apache.kafka.connect.json.JsonConverter',
    'key.converter.schemas.enable': 'false',
    'key.converter.schema.registry.url': 'http://sr:8081',
    'value.converter': 'io.confluent.connect.avro.AvroConverter',
    'value.converter.auto.register.schemas': 'false',
    'value.converter.schema.registry.url': 'http://sr:8081',
    'header.converter': 'org.apache.kafka.connect.storage.SimpleHeaderConverter',
  });
});
