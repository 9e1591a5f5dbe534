import { test } from 'node:test';
import assert from 'node:assert/strict';
import { histogramQuantile, parseHistogram, parseSample, percentiles } from './latency-stats.ts';
import { transactionSizes, seededRandom } from './row-loader.ts';

test('nearest-rank percentiles', () => {
  const v = Array.from({ length: 100 }, (_, i) => 100 - i); // 1..100, unsorted
  assert.deepEqual(percentiles(v, [50, 95, 99, 100]), [50, 95, 99, 100]);
  assert.deepEqual(percentiles([7], [50, 99]), [7, 7]);
  assert.ok(Number.isNaN(percentiles([], [50])[0]));
});

test('histogram quantile interpolates inside the bucket, like histogram_quantile', () => {
  const text = [
    '# TYPE cdc_commit_to_visible_seconds histogram',
    'cdc_commit_to_visible_seconds_bucket{le="0.1",connector="a",task="0"} 0',
    'cdc_commit_to_visible_seconds_bucket{le="0.5",connector="a",task="0"} 50',
    'cdc_commit_to_visible_seconds_bucket{le="1",connector="a",task="0"} 100',
    'cdc_commit_to_visible_seconds_bucket{le="+Inf",connector="a",task="0"} 100',
    'cdc_events_written_total{connector="a",task="0"} 1234',
  ].join('\n');
  const h = parseHistogram(text, 'cdc_commit_to_visible_seconds')!;
  assert.deepEqual(h.le, [0.1, 0.5, 1, Infinity]);
  const near = (a: number, b: number) => assert.ok(Math.abs(a - b) < 1e-9, `${a} != ${b}`);
  near(histogramQuantile(h, 0.5), 0.5);
  near(histogramQuantile(h, 0.25), 0.3);
  near(histogramQuantile(h, 0.99), 0.99);
  assert.equal(parseSample(text, 'cdc_events_written_total'), 1234);
});

test('transaction sizes are 1..max, sum to the row count and replay from a seed', () => {
  const a = transactionSizes(50_000, 1000, seededRandom(7));
  assert.equal(a.reduce((s, n) => s + n, 0), 50_000);
  assert.ok(a.every((n) => n >= 1 && n <= 1000));
  assert.deepEqual(transactionSizes(50_000, 1000, seededRandom(7)), a);
});
