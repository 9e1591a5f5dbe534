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

/**
 * Debezium's byte bound of the same queue (CommonConnectorConfig: 0 = no byte bound). What is
 * counted is each source's raw message size (PostgreSQL: the pgoutput message of an XLogData
 * frame; MySQL/MariaDB: the binlog event), a cheap estimate of the decoded size (objects on the
 * heap take a few times more). Declared by each plugin itself, not required of every plugin.
 * The default differs from Debezium's 0 on purpose: max.queue.size alone bounds memory by a
 * count, and 8192 wide rows (BLOB, TEXT, JSON) can hold gigabytes; a byte bound only pauses the
 * reader earlier and never changes what is emitted.
 */
export const MAX_QUEUE_BYTES_FIELD = defineField({ name: 'max.queue.size.in.bytes', type: 'long', default: 67_108_864, group: 'Performance', importance: 'medium',
  doc: 'Bytes of source messages buffered between the reader and the task before the reader pauses (PostgreSQL: the replication socket; MySQL/MariaDB: the binlog connection), as raw message bytes (pgoutput messages, binlog events). 0 = no byte bound (Debezium\'s default; max.queue.size alone then bounds memory). Default 64 MiB, unlike Debezium\'s 0, so that wide rows cannot fill the heap.',
  check: (v) => v >= 0 || 'use 0 (no byte bound) or a positive number of bytes' });

/** Fields (by name) a plugin's ConfigDef must declare because the runtime reads them. */
export function runtimeReadFields(): readonly FieldDef[] {
  return Object.values(SOURCE_TASK_FIELDS);
}
