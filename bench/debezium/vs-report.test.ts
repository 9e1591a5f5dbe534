import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BenchFigures } from '../bench-report.ts';
import type { DebeziumFigures } from './debezium-run.ts';
import { compare, formatComparison } from './vs-report.ts';
import { converterProperties, nativeRegistryUrl } from './debezium-run.ts';

const daemon = {
  bench: 'pg-throughput', at: '2026-12-07T00:00:00.000Z', commit: 'abc1234', rows: 1000, transactions: 3,
  eventsPerSecond: 30_000, latencyMs: { p50: 100, p95: 200, p99: 300, max: 400 }, daemonCpuSeconds: 0.03, daemonCpuMicrosPerEvent: 30,
  daemonPeakRssMiB: 250, visibleEvents: 1000, duplicates: 0, eventBytesAvg: 287, loadRowsPerSecond: 100_000,
} as unknown as BenchFigures;
const dbz: DebeziumFigures = {
  at: '2026-12-07T00:01:00.000Z', commit: 'abc1234', versions: { connect: '4.3.1', debezium: '3.6.1.Final', converter: 'Apicurio 3.0.9', java: '17.0.15' },
  rows: 1000, transactions: 3, loadSeconds: 0.01, loadRowsPerSecond: 100_000, visibleEvents: 1000, duplicates: 0, eventBytesAvg: 300, spanSeconds: 0.1,
  eventsPerSecond: 10_000, latencyMs: { p50: 300, p95: 600, p99: 900, max: 1000 }, peakRssMiB: 1000, cpuSeconds: 0.09, cpuMicrosPerEvent: 90, cpuSecondsTotal: 20,
};

test('the ratio is daemon / Debezium for events/s, CPU per event and peak RSS', () => {
  const c = compare(daemon, dbz);
  assert.deepEqual(c.ratio, { eventsPerSecond: 3, cpuMicrosPerEvent: 30 / 90, peakRssMiB: 0.25 });
  const text = formatComparison(c);
  assert.match(text, /cdcd daemon\s+30,000/);
  assert.match(text, /Debezium 3\.6\.1\s+10,000/);
  assert.match(text, /ratio daemon\/Debezium\s+3\.00x\s+0\.33x\s+0\.25x/);
});

test('no ratio when either run is incomplete', () => {
  assert.equal(compare(daemon, { ...dbz, incomplete: 'only 5 of 1000 events visible' }).ratio, null);
  assert.match(formatComparison(compare(daemon, { ...dbz, incomplete: 'only 5' })), /Debezium INCOMPLETE: only 5/);
});

test("the converter talks to Apicurio's native v3 API in Confluent framing with content ids", () => {
  assert.equal(nativeRegistryUrl('http://127.0.0.1:8081/apis/ccompat/v7'), 'http://127.0.0.1:8081/apis/registry/v3');
  assert.throws(() => nativeRegistryUrl('http://127.0.0.1:8081'), /not an Apicurio Confluent-compatible API URL/);
  const p = converterProperties('http://r/apis/registry/v3');
  for (const side of ['key', 'value']) {
    assert.equal(p[`${side}.converter`], 'io.apicurio.registry.utils.converter.AvroConverter');
    assert.equal(p[`${side}.converter.apicurio.registry.headers.enabled`], 'false');
    assert.equal(p[`${side}.converter.apicurio.registry.use-id`], 'contentId');
    assert.equal(p[`${side}.converter.apicurio.registry.dereference-schema`], 'true');
  }
});
