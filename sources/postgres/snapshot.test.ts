/**
 * The snapshot marker (source.snapshot) of each snapshot row, by Debezium's
 * rule (RelationalSnapshotChangeEventSource.setSnapshotMarker): the last row of
 * the last table is `last`, else the first row of the first table is `first`,
 * else a table's last row is `last_in_data_collection`, its first row
 * `first_in_data_collection`, any other row `true`. "Last" wins over "first",
 * so a one-row snapshot ends with `last`, which consumers wait for.
 * The reader passes positions among non-empty tables only (snapshot.ts), so
 * the layouts below list row counts of non-empty tables.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { snapshotMarker } from './snapshot.ts';
import type { SnapshotMarker } from './source-info.ts';

test('every combination of first/last table and first/last row', () => {
  // [firstTable, lastTable, firstRow, lastRow] -> marker
  const cases: [boolean, boolean, boolean, boolean, SnapshotMarker][] = [
    [false, false, false, false, 'true'],
    [false, false, true, false, 'first_in_data_collection'],
    [false, false, false, true, 'last_in_data_collection'],
    [false, false, true, true, 'last_in_data_collection'], // one-row table in the middle
    [true, false, false, false, 'true'],
    [true, false, true, false, 'first'],
    [true, false, false, true, 'last_in_data_collection'],
    [true, false, true, true, 'first'], // one-row first table, more tables follow
    [false, true, false, false, 'true'],
    [false, true, true, false, 'first_in_data_collection'],
    [false, true, false, true, 'last'],
    [false, true, true, true, 'last'],
    [true, true, false, false, 'true'],
    [true, true, true, false, 'first'],
    [true, true, false, true, 'last'],
    [true, true, true, true, 'last'], // the only row of the only table
  ];
  for (const [firstTable, lastTable, firstRow, lastRow, want] of cases) {
    assert.equal(snapshotMarker(firstTable, lastTable, firstRow, lastRow), want,
      `firstTable=${firstTable} lastTable=${lastTable} firstRow=${firstRow} lastRow=${lastRow}`);
  }
});

/** Debezium's expectation by position (AbstractRecordsProducerTest.expectedSnapshotRecordFromPosition), 1-based. */
function expected(totalPosition: number, totalCount: number, topicPosition: number, topicCount: number): SnapshotMarker {
  if (totalPosition === totalCount) return 'last';
  if (totalPosition === 1) return 'first';
  if (topicPosition === topicCount) return 'last_in_data_collection';
  if (topicPosition === 1) return 'first_in_data_collection';
  return 'true';
}

/** Markers for a snapshot of non-empty tables with these row counts, as readSnapshot asks for them. */
function markers(rowsPerTable: readonly number[]): SnapshotMarker[] {
  const out: SnapshotMarker[] = [];
  rowsPerTable.forEach((rows, ti) => {
    for (let i = 0; i < rows; i++) out.push(snapshotMarker(ti === 0, ti === rowsPerTable.length - 1, i === 0, i === rows - 1));
  });
  return out;
}

test('whole snapshots: markers by position match Debezium for every layout', () => {
  for (const layout of [[1], [2], [5], [1, 1], [1, 3], [3, 1], [3, 3], [2, 1, 2], [1, 1, 1], [4, 2, 1, 3]]) {
    const total = layout.reduce((a, b) => a + b, 0);
    const want: SnapshotMarker[] = [];
    let pos = 0;
    for (const rows of layout) for (let i = 1; i <= rows; i++) want.push(expected(++pos, total, i, rows));
    assert.deepEqual(markers(layout), want, `tables with ${layout.join(', ')} rows`);
  }
});

test('a snapshot always has exactly one last marker, at the end', () => {
  for (const layout of [[1], [1, 1], [7], [2, 1, 2], [3, 1]]) {
    const m = markers(layout);
    assert.equal(m.filter((x) => x === 'last').length, 1, `layout ${layout.join(',')}: ${m.join(',')}`);
    assert.equal(m.at(-1), 'last');
  }
});
