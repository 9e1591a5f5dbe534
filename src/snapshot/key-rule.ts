/**
 * What happens to a table the snapshot cannot read in chunks: no primary key,
 * no usable surrogate key or message.key.columns, or a key column holding NULL
 * (keyset pagination cannot step over NULLs, so such rows would be missed).
 *
 * - Incremental and blocking snapshots skip the table with a warning, as
 *   Debezium does (its notification status NO_PRIMARY_KEY): the user asked for
 *   a set of tables by pattern and gets the ones that can be read.
 * - The initial snapshot stops the connector with SnapshotKeyError naming every
 *   such table and the fix: skipping would silently leave rows out of the one
 *   snapshot whose promise is "every row".
 */
import { SnapshotKeyError } from '../errors/cdc-error.ts';
import type { SnapshotKind } from './contracts.ts';

export interface KeylessTable {
  readonly id: string;
  /** why it has no key (from the ChunkSource, or the engine's own finding of a NULL key) */
  readonly what: string;
  /** the source's fix for that table */
  readonly fix: string;
}

/** true: skip and warn; false: the caller must stop with keylessInitialError. */
export function skipsKeylessTables(kind: SnapshotKind): boolean {
  return kind !== 'initial';
}

/** The error that stops the connector when tables of the initial snapshot have no usable key. */
export function keylessInitialError(tables: readonly KeylessTable[], where: string): SnapshotKeyError {
  const ids = tables.map((t) => t.id).join(', ');
  return new SnapshotKeyError({
    code: 'CDC_SNAPSHOT_NO_KEY',
    // the source's text usually names its table already; name it only when it does not
    what: `the initial snapshot cannot read ${tables.length === 1 ? 'table' : 'tables'} ${ids} in key order: ${tables.map((t) => (t.what.includes(t.id) ? t.what : `${t.id}: ${t.what}`)).join('; ')}`,
    where: `${where}, ${tables.length === 1 ? 'table' : 'tables'} ${ids}`,
    fix: `${[...new Set(tables.map((t) => t.fix))].join('; ')}; or leave the table out of the initial snapshot with snapshot.include.collection.list (its rows are then not snapshotted)`,
  });
}

/** The message of a NULL found in a key column while reading a chunk. */
export function nullKeyProblem(tableId: string, columns: readonly string[]): KeylessTable {
  return {
    id: tableId,
    what: `a row has NULL in key column(s) ${columns.join(', ')}; rows cannot be read in key order past a NULL key`,
    fix: `choose NOT NULL key columns for ${tableId} (a primary key, message.key.columns, or the signal's surrogate-key)`,
  };
}
