/**
 * slot.wal.limit.action=resnapshot, step by step: hand out an offset that records
 * that a snapshot is needed (streaming.ts resnapshotMarker, between source
 * transactions), wait until Kafka committed it, then release and drop the slot
 * and fail retriably so the restart takes a new snapshot from a new slot
 * (snapshot-plan.ts). The order makes a crash at any point safe: before the
 * commit nothing changed; after it, the next start snapshots, with the old slot
 * still there or not.
 */
import type { JsonMap, SourceUnit } from '../../src/events/record.ts';
import type { Logger } from '../../src/log/logger.ts';
import { SourceError } from '../../src/errors/cdc-error.ts';

export interface WalResnapshotDeps {
  readonly slot: string;
  readonly limitBytes: number;
  readonly where: string;
  readonly log: Logger;
  /** the marker unit, null while a source transaction is open */
  readonly marker: () => SourceUnit | null;
  /** the stream's ordinary poll, to finish an open source transaction */
  readonly poll: (maxWaitMs: number) => Promise<SourceUnit[]>;
  /** stop reading, release and drop the slot */
  readonly dropSlot: () => Promise<void>;
}

export class WalResnapshot {
  private step: 'idle' | 'marking' | 'committing' | 'committed' = 'idle';

  constructor(private readonly d: WalResnapshotDeps) {}

  get underway(): boolean {
    return this.step !== 'idle';
  }

  /** A committed offset: the marker's (snapshot_completed=false) lets the slot go. */
  committed(offset: JsonMap): void {
    if (this.step === 'committing' && offset.snapshot_completed === false) this.step = 'committed';
  }

  async poll(maxWaitMs: number): Promise<SourceUnit[]> {
    if (this.step === 'idle') {
      this.step = 'marking';
      this.d.log.error({ slot: this.d.slot, limitBytes: this.d.limitBytes }, 'slot.wal.limit.action=resnapshot: the slot retains more WAL than slot.wal.limit.bytes; recording that a new snapshot is needed, then dropping the slot');
    }
    if (this.step === 'marking') {
      const marker = this.d.marker();
      if (!marker) return this.d.poll(maxWaitMs); // inside a source transaction: finish it first
      this.step = 'committing';
      return [marker];
    }
    if (this.step === 'committing') {
      await new Promise((r) => setTimeout(r, Math.min(maxWaitMs, 200)));
      return [];
    }
    await this.d.dropSlot();
    this.d.log.error({ slot: this.d.slot }, 'slot.wal.limit.action=resnapshot: slot dropped, its WAL is free; the task restarts and takes a new snapshot');
    throw new SourceError({
      code: 'CDC_PG_WAL_RESNAPSHOT', retriable: true,
      what: `replication slot "${this.d.slot}" retained more WAL than slot.wal.limit.bytes and was dropped (slot.wal.limit.action=resnapshot); the task restarts with a new slot and a new snapshot`,
      where: `${this.d.where}, property slot.wal.limit.action`,
      fix: 'nothing to do; to avoid it, find why the connector fell behind (cdc_postgres_slot_lag_bytes), or raise slot.wal.limit.bytes',
    });
  }
}
