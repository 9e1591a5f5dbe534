/**
 * ReplaceField$Key / $Value: keeps, drops and renames top-level fields. A field survives iff
 * it is not excluded and (include is empty or lists it); survivors keep their order, then
 * are renamed. The rebuilt struct is required (copied basics, shared/reference/transforms.md §3).
 * whitelist / blacklist are the pre-2.7 names of include / exclude (removed in Kafka 4.0,
 * still accepted here with a deprecation warning, since older configs carry them).
 */
import { defineField } from '../../config/define.ts';
import type { ConnectField } from '../../events/schema.ts';
import { copyStructSchema, fieldValue, requireMap, requireStruct, SchemaCache, sideSchema, sideValue, withSide } from '../schema-util.ts';
import { keyValuePlugins, replaceNullWithDefault } from './key-value.ts';

const exclude = defineField({
  name: 'exclude', type: 'list', default: [], aliases: ['blacklist'], group: 'Transform', importance: 'medium',
  doc: 'Fields to exclude. This takes precedence over the fields to include.',
});
const include = defineField({
  name: 'include', type: 'list', default: [], aliases: ['whitelist'], group: 'Transform', importance: 'medium',
  doc: 'Fields to include. If specified, only these fields will be used.',
});
const renames = defineField({
  name: 'renames', type: 'list', default: [], group: 'Transform', importance: 'medium',
  doc: 'Field rename mappings, as comma-separated old:new pairs.',
  check: (v) => {
    const bad = v.find((m) => m.split(':').length !== 2);
    return bad === undefined || `Invalid rename mapping: ${bad}; write each mapping as old:new, e.g. renames: nm:name,ts:created_at`;
  },
});

export const replaceFieldPlugins = keyValuePlugins({
  name: 'ReplaceField', fields: [exclude, include, renames, replaceNullWithDefault],
  doc: 'Filter or rename fields.',
  create(side, config) {
    const excluded = new Set(config.get(exclude));
    const included = new Set(config.get(include));
    const renamed = new Map(config.get(renames).map((m) => m.split(':') as [string, string]));
    const withDefault = config.get(replaceNullWithDefault);
    const keep = (name: string) => !excluded.has(name) && (included.size === 0 || included.has(name));
    const target = (name: string) => renamed.get(name) ?? name;
    const cache = new SchemaCache();
    const purpose = 'field replacement';
    return {
      apply(record) {
        const schema = sideSchema(record, side);
        const value = sideValue(record, side);
        if (value === null || value === undefined) return record;
        if (schema === null) {
          const map = requireMap(value, purpose);
          const out: Record<string, unknown> = {};
          for (const [k, v] of Object.entries(map)) if (keep(k)) out[target(k)] = v;
          return withSide(record, side, null, out);
        }
        const struct = requireStruct(value, purpose);
        const outSchema = cache.get(schema, (s) => copyStructSchema(s, (s.fields ?? []).filter((f) => keep(f.name))
          .map((f): ConnectField => ({ name: target(f.name), schema: f.schema }))));
        const out: Record<string, unknown> = {};
        for (const f of schema.fields ?? []) if (keep(f.name)) out[target(f.name)] = fieldValue(struct, f, withDefault);
        return withSide(record, side, outSchema, out);
      },
    };
  },
});
