import { test } from 'node:test';
import assert from 'node:assert/strict';
import { logLevel, type LogEntry } from 'kafkajs';
import { connectionFailure, KafkaReachability } from './kafka-reachability.ts';
import type { Logger } from '../log/logger.ts';

function recorder(): { log: Logger; lines: { level: string; msg: string; obj: Record<string, unknown> }[] } {
  const lines: { level: string; msg: string; obj: Record<string, unknown> }[] = [];
  const at = (level: string) => (obj: object, msg?: string) => { lines.push({ level, msg: msg ?? '', obj: obj as Record<string, unknown> }); };
  const log: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: () => log };
  return { log, lines };
}

const entry = (namespace: string, message: string, extra: Record<string, unknown> = {}, level = logLevel.ERROR): LogEntry =>
  ({ namespace, level, label: 'ERROR', log: { timestamp: '', message, ...extra } }) as LogEntry;

const refused = (retry: number) => [
  entry('Connection', 'Connection error: connect ECONNREFUSED 127.0.0.1:9092', { broker: '127.0.0.1:9092', clientId: 'cdc' }),
  entry('BrokerPool', 'Failed to connect to seed broker, trying another broker from the list: Connection error: connect ECONNREFUSED 127.0.0.1:9092', { retryCount: retry, retryTime: 300 * retry }),
  entry('Consumer', 'Restarting the consumer in 300ms', { retryCount: retry }),
];

test('an outage is one line when it starts and one when it ends, however many retries the client logs', async () => {
  const { log, lines } = recorder();
  let now = 1_000_000;
  let up = false;
  const r = new KafkaReachability({ brokers: ['127.0.0.1:9092'], log, now: () => now, probe: async () => up, probeIntervalMs: 60_000 });
  try {
    assert.equal(r.outage(), null);
    for (let i = 0; i < 100; i++) for (const e of refused(i)) r.route(e);
    await r.settled();
    const o = r.outage();
    assert.deepEqual(o, { since: 1_000_000, brokers: ['127.0.0.1:9092'], error: 'connect ECONNREFUSED 127.0.0.1:9092' });
    now += 5_000;
    await r.probeAll();
    assert.notEqual(r.outage(), null, 'still down while the probe fails');
    up = true;
    now += 20_000;
    await r.probeAll();
    assert.equal(r.outage(), null);
    const shown = lines.filter((l) => l.level !== 'debug');
    assert.equal(shown.length, 2, shown.map((l) => l.msg).join('\n'));
    assert.match(shown[0]!.msg, /^Kafka unreachable since 1970-01-01T00:16:40\.000Z: connect ECONNREFUSED 127\.0\.0\.1:9092/);
    assert.equal(shown[0]!.level, 'warn');
    assert.match(shown[1]!.msg, /^Kafka reachable again after 25\.0 s \(unreachable since 1970-01-01T00:16:40\.000Z\); 300 client retry messages/);
    assert.equal(shown[1]!.obj.foldedClientMessages, 300);
  } finally { r.stop(); }
});

test('outside an outage a repeated client line is logged once per window, then with the number of repeats', () => {
  const { log, lines } = recorder();
  let now = 0;
  const r = new KafkaReachability({ brokers: ['k:9092'], log, now: () => now, repeatWindowMs: 60_000 });
  const loading = (n: number) => entry('Consumer', `Crash: KafkaJSProtocolError: The coordinator is loading and hence can't process requests (retry ${n})`);
  for (let i = 0; i < 10; i++) { r.route(loading(i)); now += 1000; }
  now += 60_000;
  r.route(loading(11));
  r.route(entry('Producer', 'Failed to send messages: something else'));
  const shown = lines.filter((l) => l.level === 'warn');
  assert.equal(shown.length, 3);
  assert.equal(shown[1]!.obj.repeatedSinceLastLine, 9);
  assert.equal(r.outage(), null, 'a protocol error from a live broker is no outage');
  r.stop();
});

test('kafkajs warnings (not errors) stay at debug, as before', () => {
  const { log, lines } = recorder();
  const r = new KafkaReachability({ brokers: ['k:9092'], log });
  r.route(entry('Producer', 'KafkaJS v2.0.0 switched default partitioner', {}, logLevel.WARN));
  assert.deepEqual(lines.map((l) => l.level), ['debug']);
  r.stop();
});

test('connection failures are recognised with their broker; protocol errors are not', () => {
  assert.deepEqual(connectionFailure('Connection error: connect ECONNREFUSED 10.0.0.5:9093', {}, ['b:9092']), { broker: '10.0.0.5:9093', error: 'connect ECONNREFUSED 10.0.0.5:9093' });
  assert.deepEqual(connectionFailure('Crash: KafkaJSNumberOfRetriesExceeded: Connection error: connect ECONNREFUSED 127.0.0.1:1', {}, []), { broker: '127.0.0.1:1', error: 'connect ECONNREFUSED 127.0.0.1:1' });
  assert.equal(connectionFailure('Response GroupCoordinator(key: 10, version: 2)', { error: 'The group coordinator is not available', broker: 'b:9092' }, []), null);
  assert.equal(connectionFailure('Connection timeout', { broker: 'kafka-1:9092' }, [])!.broker, 'kafka-1:9092');
  // A broker that answers but fails the TLS or SASL handshake is reachable: a setup problem, not an outage.
  assert.equal(connectionFailure('Connection error: Client network socket disconnected before secure TLS connection was established', { broker: 'k:9093' }, []), null);
});

test('a failure line while the broker answers its probe opens no outage: a client may log a retry late', async () => {
  const { log, lines } = recorder();
  const probed: string[] = [];
  const r = new KafkaReachability({ brokers: ['127.0.0.1:9092'], log, probe: async (b) => { probed.push(b); return true; }, probeIntervalMs: 60_000 });
  try {
    for (const e of refused(1)) r.route(e);
    assert.equal(r.outage(), null);
    await r.settled();
    assert.equal(r.outage(), null, 'the broker answered: no outage');
    assert.deepEqual(probed, ['127.0.0.1:9092']);
    const shown = lines.filter((l) => l.level !== 'debug');
    assert.ok(!shown.some((l) => /Kafka unreachable/.test(l.msg)), shown.map((l) => l.msg).join('\n'));
    assert.ok(shown.some((l) => /Failed to connect to seed broker/.test(l.msg)), 'the client lines are logged as usual');
  } finally { r.stop(); }
});
