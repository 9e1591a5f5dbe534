/**
 * Units whose offset is built only if it is read. The runner reads a unit's offset when the
 * Kafka transaction holding it commits, and only the last unit's of each source partition; a
 * source that hands out one unit per change event can leave thousands of offsets per
 * transaction unbuilt (and the objects they are built from).
 *
 * A subclass holds the values its offset is built from, fixed when the unit is made (the
 * build may run long after: a counter map that later changes must be copied), and builds it
 * once. The offset is a getter of the prototype: a spread copy (`{ ...unit }`) has none, and
 * the runner refuses such a unit as a plugin defect; copy it as `{ ...unit, offset: unit.offset }`.
 */
import type { JsonMap, SourceRecord, SourceUnit } from './record.ts';

export abstract class DeferredOffsetUnit implements SourceUnit {
  private built: JsonMap | undefined = undefined;

  constructor(readonly records: readonly SourceRecord[], readonly partition: JsonMap) {}

  get offset(): JsonMap {
    return (this.built ??= this.buildOffset());
  }

  /** Whether the offset was built (values it is built from may no longer change). */
  protected get offsetBuilt(): boolean {
    return this.built !== undefined;
  }

  protected abstract buildOffset(): JsonMap;
}
