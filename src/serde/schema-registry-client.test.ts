import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SinkError } from '../errors/cdc-error.ts';
import { FakeSchemaRegistry } from './fake-schema-registry.ts';
import { SchemaRegistryClient, SchemaRegistryError } from './schema-registry-client.ts';

const SCHEMA = '{"type":"record","name":"K","namespace":"t","fields":[{"name":"id","type":"int"}]}';

test('register, lookup, latest and schemaById against a base URL with a path', async () => {
  const fake = new FakeSchemaRegistry();
  const client = new SchemaRegistryClient({ urls: ['http://registry:8080/apis/ccompat/v7/'], fetch: fake.fetch });
  const id = await client.register('t-key', SCHEMA);
  assert.equal(await client.register('t-key', SCHEMA), id, 'same schema, same id');
  assert.equal(await client.lookup('t-key', SCHEMA), id);
  assert.equal(await client.lookup('other-key', SCHEMA), undefined);
  assert.deepStrictEqual(await client.latest('t-key'), { id, version: 1, schema: SCHEMA });
  assert.equal(await client.latest('nope'), undefined);
  assert.equal(await client.schemaById(id), SCHEMA);
  assert.equal(fake.requests[0]!.path, '/apis/ccompat/v7/subjects/t-key/versions');
});

test('credentials go in the Authorization header, never in messages', async () => {
  const fake = new FakeSchemaRegistry();
  fake.requiredAuth = `Basic ${Buffer.from('alice:s3cret').toString('base64')}`;
  const fromUrl = new SchemaRegistryClient({ urls: ['http://alice:s3cret@registry:8081'], fetch: fake.fetch });
  assert.equal(fromUrl.displayUrl, 'http://registry:8081');
  await fromUrl.register('t-key', SCHEMA);
  const wrong = new SchemaRegistryClient({ urls: ['http://registry:8081'], userInfo: 'alice:wrong', fetch: fake.fetch });
  await assert.rejects(wrong.register('t-key', SCHEMA), (e: unknown) =>
    e instanceof SchemaRegistryError && e.code === 'CDC_SCHEMA_REGISTRY_AUTH' && !e.message.includes('wrong') && !e.retriable);
});

test('unreachable registry: retriable SinkError naming the URL without credentials', async () => {
  const fake = new FakeSchemaRegistry();
  fake.down = true;
  const client = new SchemaRegistryClient({ urls: ['http://bob:pw@reg-a:8081', 'http://reg-b:8081'], fetch: fake.fetch });
  await assert.rejects(client.register('t-key', SCHEMA), (e: unknown) => {
    assert.ok(e instanceof SinkError);
    assert.equal(e.code, 'CDC_SCHEMA_REGISTRY_UNREACHABLE');
    assert.equal(e.retriable, true);
    assert.equal(e.where, 'schema registry http://reg-a:8081,http://reg-b:8081');
    assert.ok(!e.message.includes('pw') && /ECONNREFUSED/.test(e.message));
    return true;
  });
  assert.equal(fake.requests.length, 2, 'each URL tried once');
});

test('HTTP errors carry status and registry code; 5xx is retriable', async () => {
  const answers = [new Response('{"error_code":50001,"message":"Error in the backend data store"}', { status: 500 }),
    new Response('{"error_code":42201,"message":"Invalid schema"}', { status: 422 })];
  const client = new SchemaRegistryClient({ urls: ['http://r'], fetch: async () => answers.shift()! });
  await assert.rejects(client.register('s', SCHEMA), (e: unknown) => e instanceof SchemaRegistryError && e.retriable && e.status === 500 && e.registryCode === 50001);
  await assert.rejects(client.register('s', SCHEMA), (e: unknown) => e instanceof SchemaRegistryError && !e.retriable && e.code === 'CDC_SCHEMA_REGISTRY_REJECTED' && /Invalid schema/.test(e.message));
});
