import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseBenchOptions } from './bench-options.ts';

test('--source: postgres by default, mariadb and both on request, anything else refused', () => {
  assert.equal(parseBenchOptions([], {}).source, 'postgres');
  assert.equal(parseBenchOptions(['--source', 'mariadb'], {}).source, 'mariadb');
  assert.equal(parseBenchOptions(['--source', 'both'], {}).source, 'both');
  assert.throws(() => parseBenchOptions(['--source', 'mysql8'], {}), /--source must be postgres, mariadb or both, got "mysql8"/);
});

test('the live load of the MariaDB run: 2,000 rows/s for 30 s unless told', () => {
  const d = parseBenchOptions([], {});
  assert.deepEqual([d.liveRate, d.liveSeconds], [2000, 30]);
  const o = parseBenchOptions(['--live-rate', '5_000', '--live-seconds', '10', '--rows', '200000'], { BENCH_ROWS: '7' });
  assert.deepEqual([o.liveRate, o.liveSeconds, o.rows], [5000, 10, 200_000]);
  assert.throws(() => parseBenchOptions(['--live-rate', '0'], {}), /--live-rate must be an integer >= 1/);
});

test('--vs-debezium: off by default, PostgreSQL only', () => {
  assert.equal(parseBenchOptions([], {}).vsDebezium, false);
  const o = parseBenchOptions(['--vs-debezium', '--rows', '20000'], {});
  assert.deepEqual([o.vsDebezium, o.source, o.rows], [true, 'postgres', 20_000]);
  assert.equal(parseBenchOptions(['--source', 'postgres', '--vs-debezium'], {}).vsDebezium, true);
  assert.throws(() => parseBenchOptions(['--vs-debezium', '--source', 'mariadb'], {}), /--vs-debezium compares the PostgreSQL source only: drop --source mariadb/);
  assert.throws(() => parseBenchOptions(['--vs-debezium', '--source', 'both'], {}), /--vs-debezium compares the PostgreSQL source only/);
});

test('--steady-seconds: PostgreSQL\'s steady mode, refused with MariaDB\'s own flags named', () => {
  assert.equal(parseBenchOptions(['--steady-seconds', '20'], {}).steadySeconds, 20);
  assert.equal(parseBenchOptions([], {}).steadySeconds, 0);
  assert.throws(() => parseBenchOptions(['--source', 'mariadb', '--steady-seconds', '5'], {}), /--live-rate and --live-seconds/);
});

test('--catch-up: off by default, PostgreSQL only (with or without --vs-debezium)', () => {
  assert.equal(parseBenchOptions([], {}).catchUp, false);
  assert.equal(parseBenchOptions(['--catch-up'], {}).catchUp, true);
  assert.deepEqual((({ catchUp, vsDebezium }) => [catchUp, vsDebezium])(parseBenchOptions(['--catch-up', '--vs-debezium'], {})), [true, true]);
  assert.throws(() => parseBenchOptions(['--catch-up', '--source', 'mariadb'], {}), /--catch-up is the PostgreSQL bench's mode .*drop --source mariadb/);
});

test('--converter: avro by default, json for the PostgreSQL bench only', () => {
  assert.equal(parseBenchOptions([], {}).converter, 'avro');
  assert.equal(parseBenchOptions(['--converter', 'json', '--vs-debezium'], {}).converter, 'json');
  assert.throws(() => parseBenchOptions(['--converter', 'protobuf'], {}), /--converter must be avro or json, got "protobuf"/);
  assert.throws(() => parseBenchOptions(['--converter', 'json', '--source', 'mariadb'], {}), /--converter json is a mode of the PostgreSQL bench: drop --source mariadb/);
});
