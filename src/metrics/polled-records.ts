/**
 * Counts what a source task's poll handed out, for Connect's source-record-poll-total and
 * Debezium's per-operation counters. Works from the records alone (a change event is a value
 * with the Debezium envelope's `op`), so every source plugin feeds them without a call of its own;
 * heartbeats, transaction metadata, tombstones and a plugin's internal records are records
 * polled but not change events (Debezium does not count them either).
 */
import type { SourceRecord, SourceUnit } from '../events/record.ts';
import type { TaskMetrics } from './task-metrics.ts';

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
  // One field per op (a fixed shape): counted once per record, so no keyed lookups.
  private c = 0; private u = 0; private d = 0; private r = 0; private t = 0; private m = 0;

  add(rec: SourceRecord): void {
    this.polled++;
    const v = rec.value as { op?: unknown } | null;
    if (v === null || typeof v !== 'object') return;
    const op = v.op;
    if (typeof op !== 'string' || op.length !== 1 || !('source' in v)) return;
    switch (op) {
      case 'c': this.c++; break;
      case 'u': this.u++; break;
      case 'd': this.d++; break;
      case 'r': this.r++; break;
      case 't': this.t++; break;
      case 'm': this.m++; break;
    }
  }

  report(metrics: PollMetrics): void {
    // One counter update per op and poll, not per record: polls hand out thousands of records.
    if (this.polled > 0) metrics.recordsPolled(this.polled);
    if (this.c > 0) metrics.changeEvents('c', this.c);
    if (this.u > 0) metrics.changeEvents('u', this.u);
    if (this.d > 0) metrics.changeEvents('d', this.d);
    if (this.r > 0) metrics.changeEvents('r', this.r);
    if (this.t > 0) metrics.changeEvents('t', this.t);
    if (this.m > 0) metrics.changeEvents('m', this.m);
    this.polled = this.c = this.u = this.d = this.r = this.t = this.m = 0;
  }
}
