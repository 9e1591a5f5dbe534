/**
 * The PostgreSQL `source` block of Debezium 3.6 (reference §5): common fields,
 * then schema, table, txId, lsn, xmin, origin, origin_lsn, in that order.
 */
import { S, type ConnectSchema } from '../../src/events/schema.ts';
import { commonSourceFields, DEBEZIUM_VERSION } from '../../src/events/debezium-common.ts';

export { DEBEZIUM_VERSION };

const optLong = S.optional(S.int64());
const optString = S.optional(S.string());

export const PG_SOURCE_SCHEMA: ConnectSchema = S.struct('io.debezium.connector.postgresql.Source', [
  ...commonSourceFields(),
  S.field('schema', S.string()),
  S.field('table', S.string()),
  S.field('txId', optLong),
  S.field('lsn', optLong),
  S.field('xmin', optLong),
  S.field('origin', optString),
  S.field('origin_lsn', optLong),
], { version: 1 });

export type SnapshotMarker = 'true' | 'first' | 'first_in_data_collection' | 'last_in_data_collection' | 'last' | 'false' | 'incremental';

export interface SourceFacts {
  readonly serverName: string;
  readonly db: string;
  readonly schema: string;
  readonly table: string;
  /** source time in µs since epoch */
  readonly tsUs: bigint;
  readonly snapshot: SnapshotMarker;
  readonly txId: number | null;
  readonly lsn: bigint | null;
  readonly lastCommitLsn: bigint | null;
  readonly origin?: string | null;
}

export function sourceValue(f: SourceFacts): Record<string, unknown> {
  return {
    version: DEBEZIUM_VERSION,
    connector: 'postgresql',
    name: f.serverName,
    ts_ms: f.tsUs / 1000n,
    snapshot: f.snapshot,
    db: f.db,
    // Debezium: JSON array of [lastCommitLsn, lsn] as decimal strings, either may be null.
    sequence: f.lsn === null ? null : JSON.stringify([f.lastCommitLsn === null ? null : f.lastCommitLsn.toString(), f.lsn.toString()]),
    ts_us: f.tsUs,
    ts_ns: f.tsUs * 1000n,
    schema: f.schema,
    table: f.table,
    txId: f.txId === null ? null : BigInt(f.txId),
    lsn: f.lsn,
    xmin: null,
    origin: f.origin ?? null,
    origin_lsn: null,
  };
}
