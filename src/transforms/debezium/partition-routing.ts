/**
 * io.debezium.transforms.partitions.PartitionRouting: picks the Kafka partition from
 * payload fields (shared/reference/transforms.md §7.4), bit-compatible with Debezium:
 * partition = (Σ hash(value), 32-bit wrapping) & 0x7fffffff, 0x7fffffff mapped to 0,
 * modulo partition.topic.num; hash = Java hashCode (java) or Debezium's MurmurHash3 (murmur).
 *
 * Fields are dotted paths into the envelope; `change.x` means after.x, or before.x for a
 * delete. A field absent from the schema, or null, is skipped; if none is left the record
 * is unchanged. As in Debezium, a path through a null struct (before.x on an insert) is an
 * error, "Unprocessable message".
 */
import { ConfigDef, defineField } from '../../config/define.ts';
import type { SourceRecord } from '../../events/record.ts';
import type { ConnectSchema } from '../../events/schema.ts';
import { TransformError, type Transformation, type TransformationPlugin } from '../contracts.ts';
import { fieldValue, findField, type StructValue } from '../schema-util.ts';
import { envelopeOf, isTruncateOrMessage } from './envelope-util.ts';
import { debeziumMurmurHash, javaHashCode } from './java-hash.ts';

const group = 'partitions';

export const partitionRoutingConfig = new ConfigDef([
  // Debezium 2.1-2.2 spelled it partition.payload.field.
  defineField({ name: 'partition.payload.fields', type: 'list', group, importance: 'high', aliases: ['partition.payload.field'],
    check: (v) => (v.length > 0 && v.every((f) => f.trim() !== '')) || 'list one or more envelope field paths (change, after, before or source, a dot, then a field name), without empty entries',
    doc: 'Payload fields whose values choose the partition; dotted paths into the envelope, change.x = after.x (before.x for deletes).' }),
  defineField({ name: 'partition.topic.num', type: 'int', group, importance: 'high',
    check: (v) => v > 0 || 'use the (positive) number of partitions of the topics this transform applies to',
    doc: 'Number of partitions of the topics this transform applies to (scope it with a TopicNameMatches predicate).' }),
  defineField({ name: 'partition.hash.function', type: 'string', enum: ['java', 'murmur'], default: 'java', group, importance: 'low',
    doc: 'Hash of each field value: java (Java hashCode) or murmur (Debezium MurmurHash3).' }),
]);

type Hash = (value: unknown, schema: ConnectSchema) => number;

export class PartitionRouting implements Transformation {
  readonly #paths: readonly string[][];
  constructor(fields: readonly string[], private readonly partitions: number, private readonly hash: Hash) {
    this.#paths = fields.map((f) => f.split('.').map((p) => p.trim()));
  }

  apply(record: SourceRecord): SourceRecord | null {
    const env = envelopeOf(record);
    if (!env || isTruncateOrMessage(env)) return record;
    let total = 0;
    let found = 0;
    for (const path of this.#paths) {
      const v = this.#lookup(record.valueSchema!, env, path, record);
      if (!v) continue;
      total = (total + this.hash(v.value, v.schema)) | 0;
      found++;
    }
    if (found === 0) return record;
    let normalized = total & 0x7fffffff;
    if (normalized === 0x7fffffff) normalized = 0;
    return { ...record, kafkaPartition: normalized % this.partitions };
  }

  #lookup(envSchema: ConnectSchema, env: StructValue, path: string[], record: SourceRecord): { value: unknown; schema: ConnectSchema } | undefined {
    let schema = envSchema;
    let struct: StructValue | null = env;
    for (let i = 0; i < path.length; i++) {
      let name = path[i]!;
      if (i < path.length - 1 && name === 'change') name = env['op'] === 'd' ? 'before' : 'after';
      const f = findField(schema, name);
      if (!f) return undefined; // Struct.get on an unknown field: DataException, the field is skipped
      if (struct === null) throw new TransformError(`Unprocessable message: ${path.join('.')} goes through a null struct in the record for topic ${record.topic}`);
      const v = fieldValue(struct, f);
      if (i === path.length - 1) return v === null ? undefined : { value: v, schema: f.schema };
      if (f.schema.type !== 'struct') return undefined;
      schema = f.schema;
      struct = v as StructValue | null;
    }
    return undefined;
  }
}

export const partitionRoutingPlugin: TransformationPlugin = {
  kind: 'transformation',
  className: 'io.debezium.transforms.partitions.PartitionRouting',
  aliases: [],
  version: '3.6.1.Final',
  configDef: partitionRoutingConfig,
  doc: 'Chooses the Kafka partition from payload fields, with the same hash and partition numbers as Debezium.',
  create: (c) => new PartitionRouting(c.getList('partition.payload.fields')!, c.getInt('partition.topic.num')!,
    c.getString('partition.hash.function') === 'murmur' ? debeziumMurmurHash : javaHashCode),
};
