/**
 * Connect's $Key / $Value pairs: one implementation operating on the key or on the value,
 * published under both inner-class names (ReplaceField$Key, ReplaceField$Value, ...).
 */
import { ConfigDef, defineField, type FieldDef, type ParsedConfig } from '../../config/define.ts';
import type { Transformation, TransformationPlugin } from '../contracts.ts';
import type { RecordSide } from '../schema-util.ts';
import { KAFKA_TRANSFORMS_PACKAGE, KAFKA_TRANSFORMS_VERSION } from './version.ts';

/** KIP-1040 (Kafka 3.9): whether a null field with a schema default is copied as the default. */
export const replaceNullWithDefault = defineField({
  name: 'replace.null.with.default', type: 'boolean', default: true, group: 'Transform', importance: 'medium',
  doc: 'Whether to replace fields that have a default value and that are null to the default value. When set to true, the default value is used, otherwise null is used.',
});

export interface KeyValueSpec {
  /** Simple class name, e.g. ReplaceField. */
  readonly name: string;
  readonly fields: readonly FieldDef[];
  readonly doc: string;
  create(side: RecordSide, config: ParsedConfig): Transformation;
}

export function keyValuePlugins(spec: KeyValueSpec): TransformationPlugin[] {
  const configDef = new ConfigDef(spec.fields);
  return (['key', 'value'] as const).map((side) => ({
    kind: 'transformation' as const,
    className: `${KAFKA_TRANSFORMS_PACKAGE}.${spec.name}$${side === 'key' ? 'Key' : 'Value'}`,
    aliases: [],
    version: KAFKA_TRANSFORMS_VERSION,
    configDef,
    doc: spec.doc,
    create: (config: ParsedConfig) => spec.create(side, config),
  }));
}
