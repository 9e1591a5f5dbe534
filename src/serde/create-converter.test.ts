import { test } from 'node:test';
import assert from 'node:assert/strict';
import { S } from '../events/schema.ts';
import { ConfigError } from '../errors/cdc-error.ts';
import { AvroConverter } from './avro-converter.ts';
import { createConverter, createConverters } from './create-converter.ts';
import { FakeSchemaRegistry } from '../../test/doubles/fake-schema-registry.ts';
import { JsonConverter } from './json-converter.ts';

const log = { info() {}, warn() {}, error() {} };

test('default is Avro and needs a registry URL: ConfigError with property and fix', () => {
  assert.throws(() => createConverter({ role: 'value', config: {}, log }), (e: unknown) => {
    assert.ok(e instanceof ConfigError);
    assert.equal(e.code, 'CDC_CONVERTER_REGISTRY_URL');
    assert.equal(e.where, 'property value.converter.schema.registry.url');
    assert.match(e.fix!, /value\.converter\.schema\.registry\.url .*schema\.registry\.url.*value\.converter=json/);
    return true;
  });
});

test('class names and aliases', () => {
  const url = { 'schema.registry.url': 'http://r:8081' };
  assert.ok(createConverter({ role: 'key', config: { 'key.converter': 'io.confluent.connect.avro.AvroConverter', ...url }, log }) instanceof AvroConverter);
  assert.ok(createConverter({ role: 'key', config: { 'key.converter': 'avro', ...url }, log }) instanceof AvroConverter);
  assert.ok(createConverter({ role: 'value', config: { 'value.converter': 'org.apache.kafka.connect.json.JsonConverter' }, log }) instanceof JsonConverter);
  assert.ok(createConverter({ role: 'value', config: { 'value.converter': 'json' }, log }) instanceof JsonConverter);
  assert.throws(() => createConverter({ role: 'key', config: { 'key.converter': 'org.apache.kafka.connect.storage.StringConverter' }, log }),
    (e: unknown) => e instanceof ConfigError && e.code === 'CDC_CONVERTER_UNKNOWN' && e.where === 'property key.converter');
});

test('prefixed settings reach the converter; prefixed URL wins over the shared one', async () => {
  const fake = new FakeSchemaRegistry();
  const { key, value } = createConverters({
    'schema.registry.url': 'http://shared:8081',
    'value.converter.schema.registry.url': 'http://value-only:8081/apis/ccompat/v7',
    'key.converter': 'json',
    'key.converter.schemas.enable': 'false',
  }, log, fake.fetch);
  const schema = S.struct('t.Key', [S.field('id', S.int32())]);
  assert.equal((await key.fromConnectData('t', true, schema, { id: 1 }))!.toString(), '{"id":1}');
  await value.fromConnectData('t', false, schema, { id: 1 });
  assert.equal(fake.requests[0]!.path, '/apis/ccompat/v7/subjects/t-value/versions');
});

test('shared basic auth applies when the prefixed one is absent', async () => {
  const fake = new FakeSchemaRegistry();
  fake.requiredAuth = `Basic ${Buffer.from('u:p').toString('base64')}`;
  const value = createConverter({ role: 'value', config: { 'schema.registry.url': 'http://r', 'basic.auth.credentials.source': 'USER_INFO', 'basic.auth.user.info': 'u:p' }, log, fetch: fake.fetch });
  assert.ok(await value.fromConnectData('t', false, S.string(), 'x'));
});
