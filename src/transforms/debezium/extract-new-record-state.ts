/**
 * io.debezium.transforms.ExtractNewRecordState: replaces a change event's envelope by the
 * row state it describes (shared/reference/transforms.md §7.1), so sinks see flat rows.
 *
 * Order per record, as Debezium 3.6 does it: headers from the original value (also for
 * tombstones, where only `op` = "d" applies), then tombstones, then non-envelopes
 * (heartbeats, transaction metadata, schema changes, logical messages) pass unchanged,
 * truncates are dropped, deletes follow the delete plan, creates/updates/reads become
 * `after`. The unwrapped schema is a REQUIRED struct with the row schema's name (Connect
 * rebuilds it with copySchemaBasics); `__deleted` is an optional STRING "true"/"false"
 * (inserted as InsertField's static field, so no prefix applies to it).
 */
import type { RecordHeader, SourceRecord } from '../../events/record.ts';
import { appendHeaders, firstHeader } from '../../events/headers.ts';
import { S, type ConnectField, type ConnectSchema } from '../../events/schema.ts';
import type { Transformation, TransformationPlugin } from '../contracts.ts';
import { TransformError } from '../contracts.ts';
import { copyStructSchema, fieldValue, findField, SchemaCache, type StructValue } from '../schema-util.ts';
import { isEnvelopeSchema } from './envelope-util.ts';
import { extractNewRecordStateConfig, planOf, type ExtractNewRecordStatePlan } from './extract-new-record-state-config.ts';
import { addedFieldSchema, referencedSchema, referencedValue } from './field-reference.ts';

const DELETED = S.optional(S.string());
/** Debezium adds the tombstone's op header with Headers.addString: a STRING schema. */
const OP_HEADER_SCHEMA = S.string();

export class ExtractNewRecordState implements Transformation {
  readonly #plan: ExtractNewRecordStatePlan;
  /** envelope schema -> unwrapped value schema (row fields, __deleted, added fields). */
  readonly #valueSchemas = new SchemaCache();

  constructor(plan: ExtractNewRecordStatePlan) {
    this.#plan = plan;
  }

  apply(record: SourceRecord): SourceRecord | null {
    const plan = this.#plan;
    const tombstone = record.value === null || record.value === undefined;
    const envelope = isEnvelopeSchema(record.valueSchema) && !tombstone;
    if (plan.addHeaders.length > 0 && (envelope || tombstone)) record = this.#withHeaders(record, tombstone);
    if (tombstone) return plan.keepTombstones ? record : null;
    if (!envelope) return record;

    const envSchema = record.valueSchema!;
    const env = record.value as StructValue;
    const after = env['after'] as StructValue | null | undefined;
    const before = env['before'] as StructValue | null | undefined;
    if (!after && !before) return null; // truncate: nothing to extract
    if (!after) return this.#delete(record, envSchema, env, before!);

    let out: SourceRecord = { ...record, valueSchema: this.#schemaFor(envSchema), value: null };
    out = { ...out, value: this.#row(out.valueSchema!, after, env, 'false') };
    out = this.#routed(out, after);
    return this.#dropFields(out);
  }

  #delete(record: SourceRecord, envSchema: ConnectSchema, env: StructValue, before: StructValue): SourceRecord | null {
    switch (this.#plan.deletes) {
      case 'drop':
        return null;
      case 'tombstone':
        return { ...record, valueSchema: null, value: null };
      case 'null':
        // ExtractField of `after`: null value, but the (optional) row schema stays.
        return { ...record, valueSchema: findField(envSchema, 'after')?.schema ?? null, value: null };
      case 'rewrite': {
        const schema = this.#schemaFor(envSchema);
        let out: SourceRecord = { ...record, valueSchema: schema, value: this.#row(schema, before, env, 'true') };
        out = this.#routed(out, before);
        return this.#dropFields(out);
      }
    }
  }

  /** Unwrapped schema: the row schema's basics, required; its fields, then __deleted (rewrite), then added fields. */
  #schemaFor(envSchema: ConnectSchema): ConnectSchema {
    return this.#valueSchemas.get(envSchema, (s) => {
      const row = findField(s, 'after')?.schema;
      if (!row || row.type !== 'struct') throw new TransformError(`Unknown field: after`);
      const fields: ConnectField[] = [...(row.fields ?? [])];
      if (this.#plan.rewrite) fields.push(S.field('__deleted', DELETED));
      for (const ref of this.#plan.addFields) {
        const fs = referencedSchema(ref, s);
        if (fs && !fields.some((f) => f.name === ref.newName)) fields.push(S.field(ref.newName, addedFieldSchema(fs)));
      }
      return copyStructSchema(row, fields);
    });
  }

  #row(schema: ConnectSchema, row: StructValue, env: StructValue, deleted: 'true' | 'false'): StructValue {
    const out: StructValue = {};
    const rewrite = this.#plan.rewrite;
    const envSchema = schema.fields!;
    for (const f of envSchema) {
      if (f.name === '__deleted' && rewrite) out[f.name] = deleted;
      else if (f.name in row) out[f.name] = rewrite ? fieldValue(row, f, this.#plan.replaceNullWithDefault) : (row[f.name] ?? null);
    }
    for (const ref of this.#plan.addFields) {
      if (findField(schema, ref.newName) && !(ref.newName in row)) out[ref.newName] = referencedValue(ref, env);
    }
    return out;
  }

  #routed(record: SourceRecord, row: StructValue): SourceRecord {
    const field = this.#plan.routeByField;
    if (!field) return record;
    // Struct.getString on a field the row does not have (Connect's DataException text).
    if (!(field in row)) throw new TransformError(`${field} is not a valid field name (route.by.field names a column this table does not have)`);
    const topic = row[field];
    return typeof topic === 'string' && topic.trim() !== '' ? { ...record, topic } : record;
  }

  /** add.headers, appended after the record's own headers (Debezium adds each with Headers.add). */
  #withHeaders(record: SourceRecord, tombstone: boolean): SourceRecord {
    const added: RecordHeader[] = [];
    for (const ref of this.#plan.addHeaders) {
      if (tombstone) {
        if (ref.field === 'op') added.push({ key: ref.newName, schema: OP_HEADER_SCHEMA, value: 'd' });
        continue;
      }
      const schema = referencedSchema(ref, record.valueSchema!);
      if (!schema) continue;
      added.push({ key: ref.newName, schema: addedFieldSchema(schema), value: referencedValue(ref, record.value as StructValue) });
    }
    return appendHeaders(record, added);
  }

  /** drop.fields.header.name: remove the fields the header lists (optional ones only unless told otherwise). */
  #dropFields(record: SourceRecord): SourceRecord {
    const name = this.#plan.dropFieldsHeader;
    if (!name) return record;
    // The first header with that name, as Debezium looks it up.
    const h = firstHeader(record.headers, name);
    const listed = h && Array.isArray(h.value) ? new Set(h.value.map(String)) : undefined;
    if (!listed || listed.size === 0) return record;
    const keep = (f: ConnectField): boolean => !listed.has(f.name) || (this.#plan.dropFieldsKeepSchemaCompatible && !f.schema.optional);
    let out = record;
    if (out.valueSchema?.type === 'struct' && out.value) {
      const [schema, value] = pruned(out.valueSchema, out.value as StructValue, keep);
      out = { ...out, valueSchema: schema, value };
    }
    if (this.#plan.dropFieldsFromKey && out.keySchema?.type === 'struct' && out.key) {
      const [schema, key] = pruned(out.keySchema, out.key as StructValue, keep);
      out = { ...out, keySchema: schema, key };
    }
    return out;
  }
}

function pruned(schema: ConnectSchema, value: StructValue, keep: (f: ConnectField) => boolean): [ConnectSchema, StructValue] {
  const fields = (schema.fields ?? []).filter(keep);
  if (fields.length === schema.fields?.length) return [schema, value];
  const out: StructValue = {};
  for (const f of fields) out[f.name] = value[f.name] ?? null;
  return [copyStructSchema(schema, fields), out];
}

export const extractNewRecordStatePlugin: TransformationPlugin = {
  kind: 'transformation',
  className: 'io.debezium.transforms.ExtractNewRecordState',
  aliases: [],
  version: '3.6.1.Final',
  configDef: extractNewRecordStateConfig,
  doc: 'Replaces a Debezium change event by the new row state (or the old one for rewritten deletes), optionally with envelope fields and headers added.',
  create: (config) => new ExtractNewRecordState(planOf(config)),
};
