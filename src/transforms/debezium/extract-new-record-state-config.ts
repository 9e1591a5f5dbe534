/**
 * ExtractNewRecordState's properties (Debezium 3.6) and how they resolve into one plan.
 *
 * Legacy names: drop.tombstones and delete.handling.mode were replaced by
 * delete.tombstone.handling.mode (Debezium 2.5, removed in 3.2). Debezium 3.6 silently
 * ignores them, which turns a 1.x-era config's "rewrite" deletes into nulls; we keep the
 * 2.5-3.1 reading instead (they apply whenever delete.tombstone.handling.mode is unset,
 * with their own defaults drop.tombstones=true, delete.handling.mode=drop) and warn that
 * they are deprecated. When delete.tombstone.handling.mode is set it wins.
 */
import { ConfigDef, defineField, type ParsedConfig } from '../../config/define.ts';
import { ConfigError } from '../../errors/cdc-error.ts';
import { parseFieldReference, type FieldReference } from './field-reference.ts';

const group = 'ExtractNewRecordState';
const MODES = ['drop', 'tombstone', 'rewrite', 'rewrite-with-tombstone', 'delete-to-tombstone'] as const;
export type DeleteTombstoneMode = (typeof MODES)[number];

const fieldList = (v: readonly string[]): true | string => {
  for (const e of v) {
    const r = parseFieldReference(e, '');
    if (typeof r === 'string') return r;
  }
  return true;
};

export const extractNewRecordStateConfig = new ConfigDef([
  defineField({ name: 'delete.tombstone.handling.mode', type: 'string', enum: MODES, default: 'tombstone', group, importance: 'medium',
    doc: 'What becomes of deletes and tombstones: drop (both dropped), tombstone (delete -> null value, tombstones dropped), rewrite (delete -> the old row with __deleted=true, tombstones dropped), rewrite-with-tombstone (rewrite, tombstones kept), delete-to-tombstone (delete -> tombstone, the original tombstones dropped).' }),
  defineField({ name: 'drop.tombstones', type: 'boolean', default: true, group, importance: 'low',
    deprecated: { replacement: 'delete.tombstone.handling.mode', why: 'Debezium 3.2 removed it; it is read as Debezium 2.5-3.1 did while delete.tombstone.handling.mode is unset' },
    doc: 'Legacy (Debezium < 3.2): false keeps the tombstones that follow deletes. Read only while delete.tombstone.handling.mode is unset.' }),
  defineField({ name: 'delete.handling.mode', type: 'string', enum: ['none', 'drop', 'rewrite'], default: 'drop', group, importance: 'low',
    deprecated: { replacement: 'delete.tombstone.handling.mode', why: 'Debezium 3.2 removed it; it is read as Debezium 2.5-3.1 did while delete.tombstone.handling.mode is unset' },
    doc: 'Legacy (Debezium < 3.2): none (delete -> null value), drop, or rewrite (old row plus __deleted). Read only while delete.tombstone.handling.mode is unset.' }),
  defineField({ name: 'route.by.field', type: 'string', default: '', group, importance: 'low',
    doc: 'Column whose (non-blank) value becomes the record topic; read from the old row for deletes.' }),
  defineField({ name: 'add.fields', type: 'list', default: [], group, importance: 'low', check: fieldList,
    doc: 'Envelope fields appended to the row: [struct.]field[:newName], e.g. op,source.ts_ms,table:tbl.' }),
  defineField({ name: 'add.fields.prefix', type: 'string', default: '__', group, importance: 'low', doc: 'Prefix of the names of added fields.' }),
  defineField({ name: 'add.headers', type: 'list', default: [], group, importance: 'low', check: fieldList,
    doc: 'Envelope fields added as headers, same syntax as add.fields.' }),
  defineField({ name: 'add.headers.prefix', type: 'string', default: '__', group, importance: 'low', doc: 'Prefix of the names of added headers.' }),
  defineField({ name: 'drop.fields.header.name', type: 'string', required: false, group, importance: 'low',
    doc: 'Header holding a list of field names to remove from the value (e.g. written by ExtractChangedRecordState).' }),
  defineField({ name: 'drop.fields.from.key', type: 'boolean', default: false, group, importance: 'low',
    doc: 'Also remove the fields named by drop.fields.header.name from the key.' }),
  defineField({ name: 'drop.fields.keep.schema.compatible', type: 'boolean', default: true, group, importance: 'low',
    doc: 'Remove only optional fields, so the new schema stays compatible with the old one.' }),
  defineField({ name: 'replace.null.with.default', type: 'boolean', default: true, group, importance: 'low',
    doc: 'When __deleted is inserted, a null column with a default is written as its default (Connect\'s Struct.get).' }),
]);

/** Deletes: dropped, null value keeping the row schema, true tombstone, or old row with __deleted. */
export type DeleteAction = 'drop' | 'null' | 'tombstone' | 'rewrite';

export interface ExtractNewRecordStatePlan {
  readonly deletes: DeleteAction;
  readonly keepTombstones: boolean;
  readonly rewrite: boolean;
  readonly routeByField: string;
  readonly addFields: readonly FieldReference[];
  readonly addHeaders: readonly FieldReference[];
  readonly dropFieldsHeader: string | undefined;
  readonly dropFieldsFromKey: boolean;
  readonly dropFieldsKeepSchemaCompatible: boolean;
  readonly replaceNullWithDefault: boolean;
}

function fromMode(mode: DeleteTombstoneMode): { deletes: DeleteAction; keepTombstones: boolean } {
  switch (mode) {
    case 'drop': return { deletes: 'drop', keepTombstones: false };
    case 'tombstone': return { deletes: 'null', keepTombstones: false };
    case 'rewrite': return { deletes: 'rewrite', keepTombstones: false };
    case 'rewrite-with-tombstone': return { deletes: 'rewrite', keepTombstones: true };
    case 'delete-to-tombstone': return { deletes: 'tombstone', keepTombstones: false };
  }
}

function fromLegacy(c: ParsedConfig): { deletes: DeleteAction; keepTombstones: boolean } {
  const handling = c.getString('delete.handling.mode') ?? 'drop';
  const deletes: DeleteAction = handling === 'none' ? 'null' : handling === 'rewrite' ? 'rewrite' : 'drop';
  return { deletes, keepTombstones: c.getBoolean('drop.tombstones') === false };
}

function refs(entries: readonly string[], prefix: string, property: string): FieldReference[] {
  return entries.map((e) => {
    const r = parseFieldReference(e, prefix);
    if (typeof r === 'string') throw new ConfigError({ code: 'CDC_CONFIG_INVALID', what: r, where: `property ${property}`, fix: 'write entries as [struct.]field[:newName], for example op, or ts_ms qualified by the source struct' });
    return r;
  });
}

export function planOf(c: ParsedConfig): ExtractNewRecordStatePlan {
  const legacy = !c.isSet('delete.tombstone.handling.mode') && (c.isSet('drop.tombstones') || c.isSet('delete.handling.mode'));
  const handling = legacy ? fromLegacy(c) : fromMode(c.getString('delete.tombstone.handling.mode') as DeleteTombstoneMode);
  return {
    ...handling,
    rewrite: handling.deletes === 'rewrite',
    routeByField: (c.getString('route.by.field') ?? '').trim(),
    addFields: refs(c.getList('add.fields') ?? [], c.getString('add.fields.prefix') ?? '__', 'add.fields'),
    addHeaders: refs(c.getList('add.headers') ?? [], c.getString('add.headers.prefix') ?? '__', 'add.headers'),
    dropFieldsHeader: c.getString('drop.fields.header.name') || undefined,
    dropFieldsFromKey: c.getBoolean('drop.fields.from.key') ?? false,
    dropFieldsKeepSchemaCompatible: c.getBoolean('drop.fields.keep.schema.compatible') ?? true,
    replaceNullWithDefault: c.getBoolean('replace.null.with.default') ?? true,
  };
}
