/**
 * The binlog connectors' source block: schema (pinned as the Avro AvroConverter would register,
 * against BinlogSourceInfoStructMaker's fields) and values for MySQL and MariaDB.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { avroSchemaText } from '../../src/serde/avro-schema.ts';
import { DEBEZIUM_VERSION } from '../../src/events/debezium-common.ts';
import type { MySqlSourceFacts } from './event-model.ts';
import { MARIADB_SOURCE_SCHEMA, MYSQL_SOURCE_SCHEMA, sourceSchema, sourceValue } from './source-info.ts';

const avro = (connector: string) => JSON.stringify({
  type: 'record', name: 'Source', namespace: `io.debezium.connector.${connector}`,
  fields: [
    { name: 'version', type: 'string' },
    { name: 'connector', type: 'string' },
    { name: 'name', type: 'string' },
    { name: 'ts_ms', type: 'long' },
    {
      name: 'snapshot',
      type: [{
        type: 'string', 'connect.version': 1,
        'connect.parameters': { allowed: 'true,first,first_in_data_collection,last_in_data_collection,last,false,incremental' },
        'connect.default': 'false', 'connect.name': 'io.debezium.data.Enum',
      }, 'null'],
      default: 'false',
    },
    { name: 'db', type: 'string' },
    { name: 'sequence', type: ['null', 'string'], default: null },
    { name: 'ts_us', type: ['null', 'long'], default: null },
    { name: 'ts_ns', type: ['null', 'long'], default: null },
    { name: 'table', type: ['null', 'string'], default: null },
    { name: 'server_id', type: 'long' },
    { name: 'gtid', type: ['null', 'string'], default: null },
    { name: 'file', type: 'string' },
    { name: 'pos', type: 'long' },
    { name: 'row', type: 'int' },
    { name: 'thread', type: ['null', 'long'], default: null },
    { name: 'query', type: ['null', 'string'], default: null },
  ],
  'connect.version': 1,
  'connect.name': `io.debezium.connector.${connector}.Source`,
});

test('MySQL and MariaDB source schemas are Debezium 3.6 field for field, as AvroConverter registers them', () => {
  assert.equal(avroSchemaText(MYSQL_SOURCE_SCHEMA), avro('mysql'));
  assert.equal(avroSchemaText(MARIADB_SOURCE_SCHEMA), avro('mariadb'));
  assert.equal(sourceSchema('mariadb'), MARIADB_SOURCE_SCHEMA);
  assert.equal(sourceSchema('mysql'), MYSQL_SOURCE_SCHEMA);
});

const STREAMED: MySqlSourceFacts = {
  serverName: 'shop', db: 'inventory', table: 'orders', tsMs: 1_716_900_000_000, snapshot: 'false',
  serverId: 1, gtid: '0-1-42', file: 'mariadb-bin.000003', pos: 1234, row: 2, thread: 17, query: null,
};

test('source values: connector by flavour, int64 fields as bigint, ts_us/ts_ns from ts_ms, sequence never set', () => {
  assert.deepEqual(sourceValue('mariadb', STREAMED), {
    version: DEBEZIUM_VERSION, connector: 'mariadb', name: 'shop', ts_ms: 1_716_900_000_000n, snapshot: 'false', db: 'inventory',
    sequence: null, ts_us: 1_716_900_000_000_000n, ts_ns: 1_716_900_000_000_000_000n, table: 'orders',
    server_id: 1n, gtid: '0-1-42', file: 'mariadb-bin.000003', pos: 1234n, row: 2, thread: 17n, query: null,
  });
  assert.equal(DEBEZIUM_VERSION, '3.6.1.Final');
  const mysql = sourceValue('mysql', { ...STREAMED, gtid: '3e11fa47-71ca-11e1-9e33-c80aa9429562:23', query: 'INSERT INTO orders VALUES (1)' });
  assert.equal(mysql.connector, 'mysql');
  assert.equal(mysql.query, 'INSERT INTO orders VALUES (1)');
  assert.deepEqual(Object.keys(mysql), MYSQL_SOURCE_SCHEMA.fields!.map((f) => f.name), 'value keys in schema order');
});

test('a snapshot read: no thread, no gtid; a µs commit time fills ts_us and ts_ns and floors ts_ms', () => {
  const v = sourceValue('mysql', { ...STREAMED, snapshot: 'first', thread: null, gtid: null, tsUs: 1_716_900_000_123_456n });
  assert.equal(v.snapshot, 'first');
  assert.equal(v.thread, null);
  assert.equal(v.gtid, null);
  assert.equal(v.ts_ms, 1_716_900_000_123n);
  assert.equal(v.ts_us, 1_716_900_000_123_456n);
  assert.equal(v.ts_ns, 1_716_900_000_123_456_000n);
});
