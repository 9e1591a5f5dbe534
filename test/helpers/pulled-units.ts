/**
 * Units as the runner sees them once it has pulled their lazyRecords: every record in
 * `records`, so a test can read them more than once (the lazy iterable is single-use).
 */
import type { SourceUnit } from '../../src/events/record.ts';

export function pulled(units: readonly SourceUnit[]): SourceUnit[] {
  return units.map(({ lazyRecords, ...u }) => (lazyRecords ? { ...u, records: [...u.records, ...lazyRecords] } : u));
}
