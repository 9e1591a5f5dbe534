import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError } from '../errors/cdc-error.ts';
import { parseAvroConverterConfig } from './avro-converter-config.ts';

test('defaults follow Confluent AvroConverter', () => {
  const c = parseAvroConverterConfig({ 'schema.registry.url': 'http://a:8081, http://b:8081' });
  assert.deepStrictEqual(c.registryUrls, ['http://a:8081', 'http://b:8081']);
  assert.equal(c.autoRegisterSchemas, true);
  assert.equal(c.useLatestVersion, false);
  assert.equal(c.keySubjectNameStrategy, 'TopicNameStrategy');
  assert.equal(c.userInfo, undefined);
});

test('booleans as strings or booleans; bad values name the prefixed property', () => {
  const c = parseAvroConverterConfig({ 'schema.registry.url': 'http://a', 'auto.register.schemas': 'FALSE', 'use.latest.version': true });
  assert.equal(c.autoRegisterSchemas, false);
  assert.equal(c.useLatestVersion, true);
  assert.throws(() => parseAvroConverterConfig({ 'schema.registry.url': 'http://a', 'auto.register.schemas': 'yes' }, 'value.converter.'),
    (e: unknown) => e instanceof ConfigError && e.where === 'property value.converter.auto.register.schemas');
});

test('basic auth: USER_INFO needs user:password, URL source ignores user info, secrets never in messages', () => {
  assert.equal(parseAvroConverterConfig({ 'schema.registry.url': 'http://a', 'basic.auth.user.info': 'u:p' }).userInfo, 'u:p');
  assert.equal(parseAvroConverterConfig({ 'schema.registry.url': 'http://a', 'basic.auth.credentials.source': 'URL', 'basic.auth.user.info': 'u:p' }).userInfo, undefined);
  assert.throws(() => parseAvroConverterConfig({ 'schema.registry.url': 'http://a', 'basic.auth.credentials.source': 'USER_INFO', 'basic.auth.user.info': 'nocolon-secret' }),
    (e: unknown) => e instanceof ConfigError && !e.message.includes('nocolon-secret'));
  assert.throws(() => parseAvroConverterConfig({ 'schema.registry.url': 'http://a', 'basic.auth.credentials.source': 'SASL_INHERIT' }), /not supported/);
});

test('settings that would change the registered schemas are refused', () => {
  assert.throws(() => parseAvroConverterConfig({ 'schema.registry.url': 'http://a', 'enhanced.avro.schema.support': 'true' }), /not supported/);
  assert.doesNotThrow(() => parseAvroConverterConfig({ 'schema.registry.url': 'http://a', 'connect.meta.data': 'true' }));
});
