/**
 * The properties of a source connector that the runtime itself reads (the task runner's
 * batch and transaction limits, src/runtime/connector-supervisor.ts), declared once here
 * with Debezium's names and defaults (CommonConnectorConfig). Every plugin's ConfigDef
 * includes them (PluginRegistry.register refuses one that does not), and the supervisor
 * reads them through these declarations, never by a string only one plugin declares.
 * The Connect framework properties the runtime reads (topic.creation.*, transforms,
 * converters, errors.*) come from connect-framework-fields.ts the same way.
 */
import { defineField, type FieldDef } from './define.ts';

export const SOURCE_TASK_FIELDS = {
  maxBatchSize: defineField({ name: 'max.batch.size', type: 'int', default: 2048, group: 'Performance', importance: 'low', doc: 'Most events handed to Kafka in one batch; also the most events per Kafka transaction while streaming.', check: (v) => v > 0 || 'use a positive number' }),
  maxQueueSize: defineField({ name: 'max.queue.size', type: 'int', default: 8192, group: 'Performance', importance: 'low', doc: 'Decoded replication messages buffered before the socket is paused.', check: (v, all) => v > (all.value('max.batch.size') as number) || 'make max.queue.size larger than max.batch.size' }),
  pollInterval: defineField({ name: 'poll.interval.ms', type: 'long', default: 500, group: 'Performance', importance: 'low', doc: 'Longest wait for new events before an idle poll returns.' }),
} as const;

/** Fields (by name) a plugin's ConfigDef must declare because the runtime reads them. */
export function runtimeReadFields(): readonly FieldDef[] {
  return Object.values(SOURCE_TASK_FIELDS);
}
