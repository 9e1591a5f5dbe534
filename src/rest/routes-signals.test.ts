import { beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { call, useSeededServer, type Started } from '../../test/doubles/rest-test-kit.ts';
import { POSTGRES_CONFIG_DEF } from '../../sources/postgres/config-spec.ts';
import { SignalSender } from '../runtime/signal-sender.ts';

describe('POST /connectors/{name}/signals', () => {
  const server = useSeededServer();
  let s: Started;
  beforeEach(() => { s = server(); });

  test('passes {id, type, data} to the herder and answers 202 with the id; unknown connector 404; bad bodies 400', async () => {
    s.herder.connectorsByName.get('orders-cdc')!.config['signal.enabled.channels'] = 'source,rest';
    const body = { id: 'ad-hoc-1', type: 'execute-snapshot', data: { 'data-collections': ['public.orders'] } };
    const res = await call(s.port, 'POST', '/connectors/orders-cdc/signals', { body });
    assert.equal(res.status, 202);
    assert.equal((res.json as { id: string }).id, 'ad-hoc-1');
    assert.deepEqual(s.herder.calls.at(-1), ['sendSignal', 'orders-cdc', { id: 'ad-hoc-1', type: 'execute-snapshot', data: body.data }]);
    assert.equal((await call(s.port, 'POST', '/connectors/orders-cdc/signals', { body: { type: 'pause-snapshot' } })).status, 202);
    assert.deepEqual(s.herder.calls.at(-1), ['sendSignal', 'orders-cdc', { id: null, type: 'pause-snapshot', data: null }]);
    assert.equal((await call(s.port, 'POST', '/connectors/nope/signals', { body })).status, 404);
    assert.equal((await call(s.port, 'POST', '/connectors/orders-cdc/signals', { body: [1] })).status, 400);
    assert.equal((await call(s.port, 'POST', '/connectors/orders-cdc/signals', { body: { id: 5, type: 'log' } })).status, 400);
  });

  test('409 when rest is not an enabled channel, with the fix', async () => {
    const res = await call(s.port, 'POST', '/connectors/orders-cdc/signals', { body: { type: 'pause-snapshot' } });
    assert.equal(res.status, 409);
    assert.match((res.json as { message: string }).message, /signal\.enabled\.channels/);
  });
});

describe('SignalSender (the worker side): checks before anything is written', () => {
  const BASE = { 'database.hostname': 'h', 'database.user': 'u', 'database.dbname': 'd', 'topic.prefix': 'shop' };
  const noKafka = { kafka: { producer: () => { throw new Error('must not produce'); } } as never, topics: { ensure: async () => { throw new Error('must not touch topics'); } } as never };

  test('409 naming signal.enabled.channels when rest is not enabled', async () => {
    const sender = new SignalSender(noKafka);
    await assert.rejects(sender.send('c', POSTGRES_CONFIG_DEF.parse(BASE, 't'), { id: null, type: 'log', data: { message: 'x' } }),
      (e: Error & { status?: number }) => e.status === 409 && /add rest to signal\.enabled\.channels \(PUT \/connectors\/c\/config\)/.test(e.message));
  });

  test('400 for an invalid signal, with what and fix', async () => {
    const sender = new SignalSender(noKafka);
    const config = POSTGRES_CONFIG_DEF.parse({ ...BASE, 'signal.enabled.channels': 'rest' }, 't');
    await assert.rejects(sender.send('c', config, { id: 'x', type: 'execute-snapshot', data: {} }),
      (e: Error & { status?: number }) => e.status === 400 && /Invalid signal: a execute-snapshot signal without data.data-collections; fix: list the tables/.test(e.message));
    await assert.rejects(sender.send('c', config, { id: 'x', type: 'snapshot-please', data: {} }),
      (e: Error & { status?: number }) => e.status === 400 && /unknown signal type "snapshot-please"/.test(e.message));
  });
});
