/**
 * The unit of one streamed change. Its offset (Debezium's keys, plus the chunked snapshot's and
 * the signal channel's fields as they were when the change was decoded) is built only if the
 * runner reads it: for the last change of a Kafka transaction, not for the thousands before it.
 */
import type { JsonMap, SourceRecord } from '../../src/events/record.ts';
import { DeferredOffsetUnit } from '../../src/events/deferred-offset.ts';
import { withSnapshotOffset } from '../../src/snapshot/companion-support.ts';
import { encodePosition, type PgPosition } from './offsets.ts';

export class PgChangeUnit extends DeferredOffsetUnit {
  // #private: a spread copy of the unit (a wrapping plugin's) carries records, partition and offset only.
  readonly #position: PgPosition;
  #snapshotFields: JsonMap | null = null;
  #initialPending = false;
  #signalFields: JsonMap | null = null;

  /** `position` must not change afterwards (copy mutable parts such as the transaction's counts). */
  constructor(records: readonly SourceRecord[], partition: JsonMap, position: PgPosition) {
    super(records, partition);
    this.#position = position;
  }

  /** The chunked snapshot's offset fields (an object not changed afterwards), merged as withSnapshotOffset does. */
  withSnapshot(fields: JsonMap, initialPending: boolean): this {
    this.unbuilt();
    this.#snapshotFields = fields;
    this.#initialPending = initialPending;
    return this;
  }

  /** The signal hub's offset fields (an object not changed afterwards), merged last. */
  withSignals(fields: JsonMap): this {
    this.unbuilt();
    this.#signalFields = fields;
    return this;
  }

  protected buildOffset(): JsonMap {
    let offset = encodePosition(this.#position);
    if (this.#snapshotFields !== null) offset = withSnapshotOffset(offset, this.#snapshotFields, this.#initialPending);
    if (this.#signalFields !== null) offset = { ...offset, ...this.#signalFields };
    return offset;
  }

  private unbuilt(): void {
    if (this.offsetBuilt) throw new Error('PgChangeUnit: its offset was already read; fields merged now would be lost');
  }
}
