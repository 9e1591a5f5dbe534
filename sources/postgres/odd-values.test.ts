/** The task's odd-value sink: every value counted, one warning per column and kind of loss. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Logger } from '../../src/log/logger.ts';
import { oddValueSink } from './odd-values.ts';

test('odd values: counted each time, warned once per column and kind, with the setting that keeps them', () => {
  const warnings: [Record<string, unknown>, string][] = [];
  const log = { warn: (o: Record<string, unknown>, m: string) => warnings.push([o, m]) } as unknown as Logger;
  let count = 0;
  const sink = oddValueSink(log, () => count++);
  sink('public.t.n', 'numeric NaN written as null', 'decimal.handling.mode=string');
  sink('public.t.n', 'numeric NaN written as null', 'decimal.handling.mode=string');
  sink('public.t.m', 'numeric NaN written as null', 'decimal.handling.mode=string');
  sink('public.t.a', 'multi-dimensional array written as a list of nulls', null);
  assert.equal(count, 4);
  assert.deepEqual(warnings.map(([o]) => o.column), ['public.t.n', 'public.t.m', 'public.t.a']);
  assert.equal(warnings[0]![0].fix, 'set decimal.handling.mode=string to keep such values');
  assert.match(String(warnings[2]![0].fix), /no setting keeps/);
  assert.match(warnings[0]![1], /cdc_values_replaced_total/);
});
