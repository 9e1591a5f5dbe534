import { beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { call, useSeededServer, type Started } from '../../test/doubles/rest-test-kit.ts';

const OFFSETS = { offsets: [{ partition: { server: 'shop' }, offset: { lsn: 37094192, txId: 765 } }] };
const NOT_STOPPED = "Connectors must be in the STOPPED state before their offsets can be modified. This can be done for the specified connector by issuing a 'PUT' request to the '/connectors/orders-cdc/stop' endpoint";

describe('offsets', () => {
  const server = useSeededServer();
  let s: Started;
  beforeEach(() => { s = server(); });

  test('GET offsets: 200 {"offsets": [...]}; unknown 404', async () => {
    const res = await call(s.port, 'GET', '/connectors/orders-cdc/offsets');
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-type'], 'application/json');
    assert.deepEqual(res.json, { offsets: [] });
    assert.deepEqual((await call(s.port, 'GET', '/connectors/nope/offsets')).json, { error_code: 404, message: 'Connector nope not found' });
  });

  test('PATCH offsets on a running connector: 400 with Connect\'s message', async () => {
    const res = await call(s.port, 'PATCH', '/connectors/orders-cdc/offsets', { body: OFFSETS });
    assert.equal(res.status, 400);
    assert.deepEqual(res.json, { error_code: 400, message: NOT_STOPPED });
  });

  test('PATCH offsets when STOPPED: 200 {"message"}; null offset passes through; GET shows them', async () => {
    await call(s.port, 'PUT', '/connectors/orders-cdc/stop');
    const res = await call(s.port, 'PATCH', '/connectors/orders-cdc/offsets', { body: OFFSETS });
    assert.equal(res.status, 200);
    assert.deepEqual(res.json, { message: 'The Connect framework-managed offsets for this connector have been altered successfully. However, if this connector manages offsets externally, they will need to be manually altered in the system that the connector uses.' });
    assert.deepEqual((await call(s.port, 'GET', '/connectors/orders-cdc/offsets')).json, OFFSETS);
    const remove = { offsets: [{ partition: { server: 'shop' }, offset: null }] };
    assert.equal((await call(s.port, 'PATCH', '/connectors/orders-cdc/offsets', { body: remove })).status, 200);
    assert.deepEqual(s.herder.calls.at(-1), ['alterConnectorOffsets', 'orders-cdc', remove]);
  });

  test('PATCH offsets body errors: empty list (Connect\'s message), wrong shapes name the entry', async () => {
    const cases: [unknown, RegExp][] = [
      [{ offsets: [] }, /^Partitions \/ offsets need to be provided for an alter offsets request/],
      [{}, /^Partitions \/ offsets need to be provided/],
      [{ offsets: {} }, /Field 'offsets' must be an array, not an object/],
      [{ offsets: [5] }, /offsets\[0\] must be an object with 'partition' and 'offset', not a number/],
      [{ offsets: [{ offset: {} }] }, /offsets\[0\]\.partition must be a JSON object .* not missing/],
      [{ offsets: [OFFSETS.offsets[0], { partition: { server: 'x' } }] }, /offsets\[1\]\.offset is missing/],
      [{ offsets: [{ partition: { server: 'x' }, offset: 12 }] }, /offsets\[0\]\.offset must be a JSON object or null/],
    ];
    for (const [body, message] of cases) {
      const res = await call(s.port, 'PATCH', '/connectors/orders-cdc/offsets', { body });
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.match(res.json.message, message);
    }
    assert.equal(s.herder.calls.length, 0);
  });

  test('DELETE offsets: 400 unless STOPPED, then 200 {"message"}', async () => {
    const running = await call(s.port, 'DELETE', '/connectors/orders-cdc/offsets');
    assert.equal(running.status, 400);
    await call(s.port, 'PUT', '/connectors/orders-cdc/stop');
    const res = await call(s.port, 'DELETE', '/connectors/orders-cdc/offsets');
    assert.equal(res.status, 200);
    assert.deepEqual(res.json, { message: 'The Connect framework-managed offsets for this connector have been reset successfully. However, if this connector manages offsets externally, they will need to be manually reset in the system that the connector uses.' });
    assert.equal((await call(s.port, 'DELETE', '/connectors/nope/offsets')).status, 404);
  });
});
