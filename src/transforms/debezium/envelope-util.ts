/**
 * How Debezium's transforms recognise a change-event envelope (SmtManager.isValidEnvelope):
 * a non-null value whose schema's name ends with `.Envelope`. Heartbeats, transaction
 * metadata, schema changes and PostgreSQL logical messages carry other schema names and
 * therefore pass through every Debezium transform untouched.
 */
import type { SourceRecord } from '../../events/record.ts';
import type { ConnectSchema } from '../../events/schema.ts';
import type { StructValue } from '../schema-util.ts';

export function isEnvelopeSchema(schema: ConnectSchema | null | undefined): boolean {
  return !!schema && schema.type === 'struct' && typeof schema.name === 'string' && schema.name.endsWith('.Envelope');
}

/** The record's envelope value when it is a change event, else undefined. */
export function envelopeOf(record: SourceRecord): StructValue | undefined {
  if (record.value === null || record.value === undefined || !isEnvelopeSchema(record.valueSchema)) return undefined;
  return record.value as StructValue;
}

/** Truncates (op t) and logical messages (op m) have neither before nor after: Debezium's "generic or truncate" records. */
export function isTruncateOrMessage(env: StructValue): boolean {
  return env['op'] === 't' || env['op'] === 'm';
}
