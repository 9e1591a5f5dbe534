import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SchemaCompatibilityError, SinkError } from '../errors/cdc-error.ts';
import type { Logger } from '../log/logger.ts';
import { noopTaskMetrics, type TaskMetrics } from '../metrics/task-metrics.ts';
import type { SourceRecord } from '../events/record.ts';
import { S } from '../events/schema.ts';
import { SKIP, ToleranceOperator, type ErrorPolicy } from './error-tolerance.ts';

const record: SourceRecord = { topic: 't', keySchema: S.struct('K', [{ name: 'id', schema: S.int32() }]), key: { id: 7 }, valueSchema: S.string(), value: 'personal data' };
const unreachable = () => new SinkError({ code: 'CDC_SCHEMA_REGISTRY_UNREACHABLE', what: 'cannot reach the Schema Registry', retriable: true });
const incompatible = () => new SchemaCompatibilityError({ code: 'CDC_SCHEMA_INCOMPATIBLE', what: 'refused as incompatible' });

function harness(policy: Partial<ErrorPolicy>) {
  const lines: { obj: Record<string, unknown>; msg: string | undefined }[] = [];
  const counts = { failed: 0, skipped: 0, retries: 0, logged: 0 };
  const log: Logger = { debug() {}, info() {}, warn() {}, error: (obj, msg) => lines.push({ obj: obj as Record<string, unknown>, msg }), child: () => log };
  const metrics: TaskMetrics = {
    ...noopTaskMetrics(),
    conversionFailure: (o) => { counts[o]++; }, conversionRetry: () => { counts.retries++; }, errorLogged: () => { counts.logged++; },
  };
  let clock = 0;
  const sleeps: number[] = [];
  const op = new ToleranceOperator({
    policy: { tolerance: 'none', logEnable: false, includeMessages: false, retryTimeoutMs: 0, retryDelayMaxMs: 60_000, ...policy },
    log, metrics, taskName: 'inv-0', now: () => clock,
    sleep: async (ms) => { sleeps.push(ms); clock += ms; },
  });
  return { op, lines, counts, sleeps, signal: new AbortController().signal };
}

test('errors.tolerance=none: the failure ends the task with its own error (schema incompatibility keeps its message)', async () => {
  const h = harness({});
  await assert.rejects(h.op.execute('VALUE_CONVERTER', record, h.signal, async () => { throw incompatible(); }), SchemaCompatibilityError);
  assert.deepEqual(h.counts, { failed: 1, skipped: 0, retries: 0, logged: 0 });
});

test('errors.tolerance=all: the record is skipped, counted, and logged without its data unless include.messages', async () => {
  const h = harness({ tolerance: 'all', logEnable: true });
  assert.equal(await h.op.execute('VALUE_CONVERTER', record, h.signal, async () => { throw incompatible(); }), SKIP);
  assert.deepEqual(h.counts, { failed: 0, skipped: 1, retries: 0, logged: 1 });
  assert.equal(h.lines[0]!.obj.code, 'CDC_SCHEMA_INCOMPATIBLE');
  assert.equal(h.lines[0]!.obj.topic, 't');
  assert.ok(!JSON.stringify(h.lines).includes('personal data'));

  const withData = harness({ tolerance: 'all', logEnable: true, includeMessages: true });
  await withData.op.execute('KEY_CONVERTER', record, withData.signal, async () => { throw incompatible(); });
  assert.equal(withData.lines[0]!.obj.key, '{"id":7}');
  assert.equal(withData.lines[0]!.obj.value, 'personal data');

  const quiet = harness({ tolerance: 'all' });
  assert.equal(await quiet.op.execute('VALUE_CONVERTER', record, quiet.signal, async () => { throw incompatible(); }), SKIP);
  assert.equal(quiet.lines.length, 0);
});

test('retriable failures are retried with doubling delays capped by errors.retry.delay.max.ms until errors.retry.timeout', async () => {
  const h = harness({ tolerance: 'all', retryTimeoutMs: 5000, retryDelayMaxMs: 1000 });
  let calls = 0;
  assert.equal(await h.op.execute('VALUE_CONVERTER', record, h.signal, async () => { calls++; throw unreachable(); }), SKIP);
  assert.deepEqual(h.sleeps, [300, 600, 1000, 1000, 1000, 1000, 100]);
  assert.equal(calls, 8);
  assert.equal(h.counts.retries, 7);

  const ok = harness({ retryTimeoutMs: -1 });
  let n = 0;
  assert.equal(await ok.op.execute('VALUE_CONVERTER', record, ok.signal, async () => { if (++n < 4) throw unreachable(); return 'bytes'; }), 'bytes');
  assert.deepEqual(ok.counts, { failed: 0, skipped: 0, retries: 3, logged: 0 });

  // Non-retriable failures are not retried; retriable ones are not retried with the default timeout 0.
  const none = harness({ retryTimeoutMs: 5000 });
  await assert.rejects(none.op.execute('VALUE_CONVERTER', record, none.signal, async () => { throw incompatible(); }));
  assert.deepEqual(none.sleeps, []);
  const zero = harness({});
  await assert.rejects(zero.op.execute('VALUE_CONVERTER', record, zero.signal, async () => { throw unreachable(); }), /CDC_SCHEMA_REGISTRY_UNREACHABLE/);
});

test('a stop during retries fails the record instead of skipping it', async () => {
  const h = harness({ tolerance: 'all', retryTimeoutMs: -1 });
  const stop = new AbortController();
  stop.abort();
  await assert.rejects(h.op.execute('VALUE_CONVERTER', record, stop.signal, async () => { throw unreachable(); }));
  assert.equal(h.counts.skipped, 0);
});

const failure = (err: unknown) => ({ alias: 'mask', className: 'org.apache.kafka.connect.transforms.MaskField$Value', cause: err });

test('TRANSFORMATION with errors.tolerance=none: a CdcError naming topic, key, alias, class and cause', () => {
  const h = harness({});
  assert.throws(() => h.op.transform(record, 'connector "inv"', () => { throw new Error('Only Struct objects supported'); }, failure), (err: unknown) => {
    const m = (err as Error).message;
    assert.match(m, /^CDC_TRANSFORM_FAILED: transform mask \(org\.apache\.kafka\.connect\.transforms\.MaskField\$Value\) failed on a record of topic t with key \{"id":7\}: Only Struct objects supported/);
    assert.match(m, /at connector "inv", property transforms\.mask\.type/);
    return true;
  });
  assert.deepEqual(h.counts, { failed: 1, skipped: 0, retries: 0, logged: 0 });
  assert.equal(h.op.transform(record, 'c', () => 42, failure), 42);
});

test('TRANSFORMATION with errors.tolerance=all: skipped, logged as Connect does, and noted for status for a minute', () => {
  const h = harness({ tolerance: 'all', logEnable: true });
  assert.equal(h.op.transform(record, 'c', () => { throw new Error('bad'); }, failure), SKIP);
  assert.equal(h.op.transform(record, 'c', () => { throw new Error('bad'); }, failure), SKIP);
  assert.deepEqual(h.counts, { failed: 0, skipped: 2, retries: 0, logged: 2 });
  assert.match(h.lines[0]!.msg!, /Executing stage 'TRANSFORMATION' with class 'org\.apache\.kafka\.connect\.transforms\.MaskField\$Value'/);
  assert.equal(h.lines[0]!.obj['value'], undefined, 'no data without errors.log.include.messages');
  assert.match(h.op.skipNote()!, /2 record\(s\) skipped .*transform mask failed \(bad\)/);
});
