/**
 * Values Debezium writes with less information than PostgreSQL holds (numeric NaN/Infinity
 * under decimal.handling.mode=precise, multi-dimensional arrays, timetz 24:00:00+00). One such
 * value must never stop the pipeline: the parser throws OddValue carrying what Debezium
 * writes, the column mapping (types.ts) writes that instead, and the task's sink warns once
 * per column, naming the setting that keeps the value where one exists, and counts each.
 */
import type { Logger } from '../../src/log/logger.ts';

export class OddValue extends Error {
  constructor(
    /** What Debezium writes for it (null = SQL NULL, or the column's fallback when NOT NULL). */
    readonly replacement: unknown,
    /** What was lost, e.g. "numeric NaN written as null". */
    readonly detail: string,
    /** A property setting that keeps the value, or null when none does. */
    readonly keepWith: string | null,
  ) {
    super(detail);
  }
}

/** Receives each odd value of one column (bound by table-model.ts). */
export type OddValueReport = (detail: string, keepWith: string | null) => void;
/** Receives each odd value with its column as "schema.table.column". */
export type OddValueSink = (column: string, detail: string, keepWith: string | null) => void;

/** The task's sink: one warning per column and kind of loss, every value counted. */
export function oddValueSink(log: Logger, count: () => void): OddValueSink {
  const warned = new Set<string>();
  return (column, detail, keepWith) => {
    count();
    const k = `${column}\u0000${detail}`;
    if (warned.has(k)) return;
    warned.add(k);
    const fix = keepWith === null ? 'no setting keeps this value; Debezium writes the same' : `set ${keepWith} to keep such values`;
    log.warn({ column, fix }, `${detail} (as Debezium does); further values of this column are counted in cdc_values_replaced_total, not logged`);
  };
}
