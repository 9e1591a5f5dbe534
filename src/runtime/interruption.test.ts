import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SinkError, SourceError } from '../errors/cdc-error.ts';
import { interruption } from './interruption.ts';

test('a Kafka outage names the brokers, the error and since when, whatever the task threw', () => {
  const i = interruption(new SinkError({ code: 'CDC_KAFKA_TXN', what: 'Kafka failed while committing', retriable: true }), { since: Date.UTC(2026, 0, 1), brokers: ['k:9092'], error: 'connect ECONNREFUSED k:9092' });
  assert.equal(i.cause, 'kafka');
  assert.equal(i.since, Date.UTC(2026, 0, 1));
  assert.equal(i.reason, 'Kafka unreachable since 2026-01-01T00:00:00.000Z (k:9092: connect ECONNREFUSED k:9092); retrying from the committed offset once it is back');
});

test('database unreachable: by error code or by a socket-level failure in a source error or a driver error', () => {
  const byCode = interruption(new SourceError({ code: 'CDC_PG_UNREACHABLE', what: 'cannot connect to PostgreSQL at db:5432: connect ECONNREFUSED', retriable: true }), null);
  assert.equal(byCode.cause, 'database');
  assert.equal(byCode.reason, 'database unreachable: CDC_PG_UNREACHABLE: cannot connect to PostgreSQL at db:5432: connect ECONNREFUSED; retrying from the committed offset');
  assert.equal(interruption(new Error('Connection terminated unexpectedly'), null).cause, 'database');
  assert.equal(interruption(new SourceError({ code: 'CDC_PG_STREAM', what: 'terminating connection due to administrator command', retriable: true }), null).cause, 'database');
});

test('other causes keep the first line of the error and no retry counters, so the reason is stable across retries', () => {
  const a = interruption(new Error('schema registry answered 503\nmore detail'), null);
  assert.deepEqual(a, { cause: 'other', reason: 'retrying from the committed offset after: schema registry answered 503' });
  assert.equal(interruption(new SinkError({ code: 'CDC_KAFKA_TXN', what: 'The coordinator is loading', retriable: true }), null).cause, 'kafka');
});
