/**
 * What a task start does about the initial snapshot: snapshot.mode's meanings
 * (Debezium's) against the stored offset and the slot, and the errors that
 * refuse a start that cannot resume or cannot snapshot.
 */
import { SourceError } from '../../src/errors/cdc-error.ts';
import { formatLsn } from './lsn.ts';
import type { PgPosition } from './offsets.ts';
import type { PgTaskConfig } from './task-config.ts';

/** Whether this start takes an initial snapshot from the beginning (no progress of one to continue). */
export function decideSnapshot(mode: PgTaskConfig['snapshotMode'], stored: PgPosition | null, slotExists: boolean): boolean {
  switch (mode) {
    case 'initial': return !stored || !stored.snapshotCompleted;
    case 'initial_only': return !stored || !stored.snapshotCompleted;
    case 'when_needed': return !stored || !stored.snapshotCompleted || !slotExists;
    case 'always': return true;
    case 'never': case 'no_data': return false;
  }
}

export function slotMissingError(slotName: string, stored: PgPosition, where: string): SourceError {
  return new SourceError({
    code: 'CDC_PG_SLOT_MISSING',
    what: `replication slot "${slotName}" does not exist, but offsets at LSN ${formatLsn(stored.lsnProc)} do: changes since then cannot be read`,
    where: `${where}, property slot.name`,
    fix: 'set snapshot.mode=when_needed to take a new snapshot, or reset the connector offsets (DELETE /connectors/<name>/offsets while stopped)',
  });
}

/**
 * A slot PostgreSQL invalidated: what is lost is every change between the committed
 * offset and the moment the slot lost its WAL; the fix names the ways to a new snapshot.
 */
export function slotLostError(slotName: string, where: string, opts: { committed?: PgPosition | null; invalidation?: string | null; retriable?: boolean } = {}): SourceError {
  const from = opts.committed ? `after LSN ${formatLsn(opts.committed.lsnProc)} (the connector's committed offset)` : 'after the connector\'s committed offset';
  return new SourceError({
    code: 'CDC_PG_SLOT_LOST',
    what: `replication slot "${slotName}" is invalidated${opts.invalidation ? ` (${opts.invalidation})` : ''}: PostgreSQL removed WAL it still needed (max_slot_wal_keep_size, or a standby's removed rows), so the changes ${from} up to the invalidation can no longer be read`,
    where: `${where}, property slot.name`,
    fix: opts.retriable
      ? 'nothing to do: snapshot.mode=when_needed drops the slot at the next start and takes a new snapshot (consumers get every row again as op "r"); raise max_slot_wal_keep_size or set slot.wal.limit.bytes to act earlier'
      : 'take a new snapshot: set snapshot.mode=when_needed (PUT /connectors/<name>/config; the next start drops the lost slot and snapshots), or stop the connector (PUT /connectors/<name>/stop), DELETE /connectors/<name>/offsets, SELECT pg_drop_replication_slot(\'' + slotName + '\') and resume; then raise max_slot_wal_keep_size, or set slot.wal.limit.bytes with slot.wal.limit.action=resnapshot to act before the server does',
    retriable: opts.retriable ?? false,
  });
}

/** The chunked snapshot writes watermarks into WAL, which a standby cannot do. */
export function standbyChunkedError(where: string): SourceError {
  return new SourceError({
    code: 'CDC_PG_STANDBY_CHUNKED',
    what: 'a snapshot is needed, and the chunked snapshot (snapshot.strategy=chunked, the default) writes its watermarks with pg_logical_emit_message, which a standby cannot run',
    where: `${where}, property snapshot.strategy`,
    fix: 'set snapshot.strategy=single_transaction (reads the slot\'s exported snapshot, writes nothing), or snapshot.mode=no_data to stream only',
  });
}
