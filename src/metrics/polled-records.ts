/**
 * Counts what a source task's poll handed out, for Connect's source-record-poll-total and
 * Debezium's per-operation counters. Works from the records alone (a change event is a value
 * with the Debezium envelope's `op`), so every source plugin feeds them without a call of its own;
 * heartbeats, transaction metadata, tombstones and a plugin's internal records are records
 * polled but not change events (Debezium does not count them either).
 */
import type { SourceRecord, SourceUnit } from '../events/record.ts';
import { OP_LABELS, type ChangeOp, type TaskMetrics } from './task-metrics.ts';

type PollMetrics = Pick<TaskMetrics, 'recordsPolled' | 'changeEvents'>;

/** The records of `units` (not their lazyRecords: PolledCount counts those as they are pulled). */
export function countPolled(units: readonly SourceUnit[], metrics: PollMetrics): void {
  const count = new PolledCount();
  for (const u of units) for (const r of u.records) count.add(r);
  count.report(metrics);
}

/** Counts records one by one; report() sends one counter update per op and clears. */
export class PolledCount {
  private polled = 0;
  private ops: Partial<Record<ChangeOp, number>> = {};

  add(r: SourceRecord): void {
    this.polled++;
    const op = envelopeOp(r.value);
    if (op !== null) this.ops[op] = (this.ops[op] ?? 0) + 1;
  }

  report(metrics: PollMetrics): void {
    // One counter update per op and poll, not per record: polls hand out thousands of records.
    if (this.polled > 0) metrics.recordsPolled(this.polled);
    for (const [op, n] of Object.entries(this.ops) as [ChangeOp, number][]) metrics.changeEvents(op, n);
    this.polled = 0;
    this.ops = {};
  }
}

function envelopeOp(value: unknown): ChangeOp | null {
  if (value === null || typeof value !== 'object') return null;
  const op = (value as { op?: unknown }).op;
  return typeof op === 'string' && Object.hasOwn(OP_LABELS, op) && 'source' in value ? (op as ChangeOp) : null;
}
