/**
 * The `add.fields` / `add.headers` entries of ExtractNewRecordState: `[struct.]field[:newName]`.
 * Debezium resolves an unqualified name by where it lives in the envelope (transaction
 * block for id / total_order / data_collection_order, the envelope itself for op and the
 * ts_* stamps, MongoDB's updateDescription for its three fields, otherwise `source`), and
 * names the output `<prefix><field>`, `<prefix><struct>_<field>` or `<prefix><newName>`.
 */
import type { ConnectSchema } from '../../events/schema.ts';
import { findField, type StructValue } from '../schema-util.ts';

const TRANSACTION_FIELDS = new Set(['id', 'total_order', 'data_collection_order']);
const TOP_LEVEL_FIELDS = new Set(['op', 'ts_ms', 'ts_us', 'ts_ns']);
const UPDATE_DESCRIPTION_FIELDS = new Set(['removedFields', 'updatedFields', 'truncatedArrays']);
const QUALIFIERS = new Set(['source', 'transaction', 'updateDescription']);

export interface FieldReference {
  /** The envelope struct holding the field, or null for a top-level envelope field. */
  readonly struct: string | null;
  readonly field: string;
  /** Output field or header name, prefix included. */
  readonly newName: string;
}

/** Parses one entry; returns a sentence saying what is wrong instead when it is malformed. */
export function parseFieldReference(entry: string, prefix: string): FieldReference | string {
  const [path, rename, extra] = entry.split(':').map((s) => s.trim());
  if (!path || extra !== undefined || rename === '') return `"${entry}" is not of the form [struct.]field[:newName]`;
  const parts = path.split('.');
  if (parts.length > 2 || parts.some((p) => p === '')) return `"${entry}" is not of the form [struct.]field[:newName]`;
  if (parts.length === 2) {
    const [struct, field] = parts as [string, string];
    if (!QUALIFIERS.has(struct)) return `"${entry}" names struct "${struct}"; only source, transaction and updateDescription can qualify a field`;
    return { struct, field, newName: prefix + (rename ?? `${struct}_${field}`) };
  }
  const field = parts[0]!;
  return { struct: structOf(field), field, newName: prefix + (rename ?? field) };
}

function structOf(field: string): string | null {
  if (TRANSACTION_FIELDS.has(field)) return 'transaction';
  if (TOP_LEVEL_FIELDS.has(field)) return null;
  if (UPDATE_DESCRIPTION_FIELDS.has(field)) return 'updateDescription';
  return 'source';
}

/** The schema of the referenced field in an envelope schema, or undefined when absent (Debezium then adds nothing). */
export function referencedSchema(ref: FieldReference, envelopeSchema: ConnectSchema): ConnectSchema | undefined {
  if (ref.struct === null) return findField(envelopeSchema, ref.field)?.schema;
  const holder = findField(envelopeSchema, ref.struct)?.schema;
  return holder ? findField(holder, ref.field)?.schema : undefined;
}

/** The referenced value, taken without default replacement; null when its struct is null (snapshot rows have no transaction). */
export function referencedValue(ref: FieldReference, envelope: StructValue): unknown {
  if (ref.struct === null) return envelope[ref.field] ?? null;
  const holder = envelope[ref.struct] as StructValue | null | undefined;
  return holder ? holder[ref.field] ?? null : null;
}

/** The added field's schema: the source schema's type and basics, made optional, without its default. */
export function addedFieldSchema(s: ConnectSchema): ConnectSchema {
  const { defaultValue: _d, ...rest } = s;
  return { ...rest, optional: true };
}
