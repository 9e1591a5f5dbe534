/**
 * Counts what a source task's poll handed out, for Connect's source-record-poll-total and
 * Debezium's per-operation counters. Works from the records alone (a change event is a value
 * with the Debezium envelope's `op`), so every source plugin feeds them without a call of its own;
 * heartbeats, transaction metadata, tombstones and a plugin's internal records are records
 * polled but not change events (Debezium does not count them either).
 */
import type { SourceUnit } from '../events/record.ts';
import { OP_LABELS, type ChangeOp, type TaskMetrics } from './task-metrics.ts';

export function countPolled(units: readonly SourceUnit[], metrics: Pick<TaskMetrics, 'recordsPolled' | 'changeEvents'>): void {
  let polled = 0;
  // One counter update per op and poll, not per record: polls hand out thousands of records.
  const ops: Partial<Record<ChangeOp, number>> = {};
  for (const u of units) {
    polled += u.records.length;
    for (const r of u.records) {
      const op = envelopeOp(r.value);
      if (op !== null) ops[op] = (ops[op] ?? 0) + 1;
    }
  }
  if (polled > 0) metrics.recordsPolled(polled);
  for (const [op, n] of Object.entries(ops) as [ChangeOp, number][]) metrics.changeEvents(op, n);
}

function envelopeOp(value: unknown): ChangeOp | null {
  if (value === null || typeof value !== 'object') return null;
  const op = (value as { op?: unknown }).op;
  return typeof op === 'string' && Object.hasOwn(OP_LABELS, op) && 'source' in value ? (op as ChangeOp) : null;
}
