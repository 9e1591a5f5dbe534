/**
 * snapshot.mode=configuration_based (Debezium 2.6+): the snapshot's behaviour spelled out as
 * flags instead of a named mode. Each combination this daemon can honour is resolved to the
 * named mode that behaves the same, so the connectors keep one decision table; the others are
 * refused with the named mode to use instead. Database-agnostic: every connector whose
 * snapshot.mode accepts configuration_based includes these fields and calls
 * resolveConfigurationBased().
 */
import { defineField, type ParsedValues } from '../config/define.ts';

const PREFIX = 'snapshot.mode.configuration.based.';

/** Set only together with snapshot.mode=configuration_based (Debezium ignores them otherwise; here that would be a setting accepted and ignored). */
function onlyWithMode(name: string) {
  return (_v: boolean, all: ParsedValues): true | string =>
    !all.isSet(name) || all.value('snapshot.mode') === 'configuration_based'
      || `${name} only applies with snapshot.mode=configuration_based (snapshot.mode is ${String(all.value('snapshot.mode'))}); remove it, or set snapshot.mode=configuration_based`;
}

export const CONFIGURATION_BASED_FIELDS = {
  data: defineField({ name: 'snapshot.mode.configuration.based.snapshot.data', type: 'boolean', default: false, group: 'Snapshot', importance: 'low', doc: 'With snapshot.mode=configuration_based: take a snapshot of the tables\' rows when no completed snapshot is recorded.', check: onlyWithMode(`${PREFIX}snapshot.data`) }),
  schema: defineField({ name: 'snapshot.mode.configuration.based.snapshot.schema', type: 'boolean', default: false, group: 'Snapshot', importance: 'low', doc: 'With snapshot.mode=configuration_based: snapshot the schema (Debezium\'s schema history).', check: onlyWithMode(`${PREFIX}snapshot.schema`),
    noEffect: { why: 'this connector keeps no schema history: every event\'s schema is read from the database catalog when the table is first seen and when it changes' } }),
  startStream: defineField({ name: 'snapshot.mode.configuration.based.start.stream', type: 'boolean', default: false, group: 'Snapshot', importance: 'low', doc: 'With snapshot.mode=configuration_based: stream changes after the snapshot (false: stop once it is done, as initial_only).', check: onlyWithMode(`${PREFIX}start.stream`) }),
  onSchemaError: defineField({ name: 'snapshot.mode.configuration.based.snapshot.on.schema.error', type: 'boolean', default: false, group: 'Snapshot', importance: 'low', doc: 'With snapshot.mode=configuration_based: snapshot the schema again when the schema history is missing or unusable.', check: onlyWithMode(`${PREFIX}snapshot.on.schema.error`),
    noEffect: { why: 'this connector keeps no schema history that could be missing' } }),
  onDataError: defineField({ name: 'snapshot.mode.configuration.based.snapshot.on.data.error', type: 'boolean', default: false, group: 'Snapshot', importance: 'low', doc: 'With snapshot.mode=configuration_based: take a new snapshot when the stored position can no longer be resumed (as when_needed).', check: onlyWithMode(`${PREFIX}snapshot.on.data.error`) }),
} as const;

export type ResolvedSnapshotMode = 'initial' | 'initial_only' | 'no_data' | 'when_needed';

/**
 * The named mode a configuration_based combination behaves as, or the sentence refusing it.
 * Called by snapshot.mode's own check (so validate reports it on snapshot.mode) and by the task config.
 */
export function resolveConfigurationBased(all: Pick<ParsedValues, 'get'>): { mode: ResolvedSnapshotMode } | { problem: string } {
  const F = CONFIGURATION_BASED_FIELDS;
  const data = all.get(F.data), stream = all.get(F.startStream), onDataError = all.get(F.onDataError);
  if (data && stream) return { mode: onDataError ? 'when_needed' : 'initial' };
  if (data) return { mode: 'initial_only' };
  if (stream && !onDataError) return { mode: 'no_data' };
  if (stream) {
    return { problem: `snapshot.mode=configuration_based with ${F.onDataError.name}=true but ${F.data.name}=false (no snapshot at the first start, one when the position is lost) is not supported; set ${F.data.name}=true as well (snapshot.mode=when_needed behaves the same), or ${F.onDataError.name}=false` };
  }
  return { problem: `snapshot.mode=configuration_based with neither ${F.data.name} nor ${F.startStream.name} set to true would neither snapshot nor stream; set one of them to true` };
}

/** snapshot.mode's check for configuration_based: the flags must name a combination this connector can run. */
export function configurationBasedCheck(v: string, all: ParsedValues): true | string {
  if (v !== 'configuration_based') return true;
  const r = resolveConfigurationBased(all);
  return 'problem' in r ? r.problem : true;
}
