/**
 * Units whose offset is built only if it is read. The runner reads a unit's offset when the
 * Kafka transaction holding it commits, and only the last unit's of each source partition; a
 * source that hands out one unit per change event can leave thousands of offsets per
 * transaction unbuilt (and the objects they are built from).
 *
 * A subclass holds the values its offset is built from, fixed when the unit is made (the
 * build may run long after: a counter map that later changes must be copied), and builds it
 * once. `offset` is an own enumerable accessor (one getter function shared by every unit, no
 * closure per unit), so a spread copy of a unit, as a plugin that wraps another one's task
 * makes (`{ ...unit, records }`), still carries the offset: the copy builds it. The subclass's
 * own state belongs in #private fields, which a spread does not copy.
 */
import type { JsonMap, SourceRecord, SourceUnit } from './record.ts';

export abstract class DeferredOffsetUnit implements SourceUnit {
  declare readonly offset: JsonMap;
  #built: JsonMap | undefined = undefined;

  constructor(readonly records: readonly SourceRecord[], readonly partition: JsonMap) {
    Object.defineProperty(this, 'offset', OFFSET_PROPERTY);
  }

  /** Whether the offset was built (values it is built from may no longer change). */
  protected get offsetBuilt(): boolean {
    return this.#built !== undefined;
  }

  protected abstract buildOffset(): JsonMap;

  /** The shared getter's body (a static member: the only code outside the class that may read #built). */
  static builtOffset(unit: DeferredOffsetUnit): JsonMap {
    return (unit.#built ??= unit.buildOffset());
  }
}

const OFFSET_PROPERTY: PropertyDescriptor = {
  get(this: DeferredOffsetUnit): JsonMap { return DeferredOffsetUnit.builtOffset(this); },
  enumerable: true,
  configurable: false,
};
