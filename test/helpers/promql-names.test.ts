import { test } from 'node:test';
import assert from 'node:assert/strict';
import { metricNames } from './promql-names.ts';

test('metric names of PromQL expressions: selectors only, not functions, labels or keywords', () => {
  assert.deepEqual(metricNames('histogram_quantile(0.99, sum by (le, connector) (rate(cdc_commit_to_visible_seconds_bucket{connector=~"$connector"}[5m]))) > 60'), ['cdc_commit_to_visible_seconds_bucket']);
  assert.deepEqual(metricNames('(cdc_postgres_slot_lag_bytes > 64 * 1024^2)\n  unless on (connector) (increase(cdc_kafka_transactions_total[15m]) > 0)'), ['cdc_postgres_slot_lag_bytes', 'cdc_kafka_transactions_total']);
  assert.deepEqual(metricNames('cdc_source_lag_seconds > 300 and on (connector, task) (cdc_task_state{state="RUNNING"} == 1)'), ['cdc_source_lag_seconds', 'cdc_task_state']);
  assert.deepEqual(metricNames('up{job="cdc"} == 0'), ['up']);
  assert.deepEqual(metricNames('time() - cdc_source_last_event_timestamp_seconds offset 1m'), ['cdc_source_last_event_timestamp_seconds']);
});
