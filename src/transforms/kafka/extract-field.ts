/** ExtractField$Key / $Value: replaces the key or value by one of its fields (with that field's schema). */
import { defineField } from '../../config/define.ts';
import { requireMap, requireStruct, sideSchema, sideValue, withSide } from '../schema-util.ts';
import { fieldAt, fieldSyntaxVersion, mapValueAt, parseFieldPath, valueAt } from './field-path.ts';
import { keyValuePlugins, replaceNullWithDefault } from './key-value.ts';

const field = defineField({
  name: 'field', type: 'string', group: 'Transform', importance: 'medium',
  doc: 'Field name to extract (with field.syntax.version=V2, a dotted path to a nested field).',
});

export const extractFieldPlugins = keyValuePlugins({
  name: 'ExtractField', fields: [field, fieldSyntaxVersion, replaceNullWithDefault],
  doc: 'Extract the specified field from a Struct when schema present, or a Map in the case of schemaless data. Any null values are passed through unmodified.',
  create(side, config) {
    const name = config.get(field);
    const path = parseFieldPath(name, config.get(fieldSyntaxVersion));
    const withDefault = config.get(replaceNullWithDefault);
    const purpose = 'field extraction';
    return {
      apply(record) {
        const schema = sideSchema(record, side);
        const value = sideValue(record, side);
        if (schema === null) {
          const map = value === null || value === undefined ? null : requireMap(value, purpose);
          return withSide(record, side, null, map === null ? null : mapValueAt(map, path));
        }
        const struct = value === null || value === undefined ? null : requireStruct(value, purpose);
        const f = schema.type === 'struct' ? fieldAt(schema, path) : undefined;
        if (!f) throw new Error(`Unknown field: ${name}`);
        return withSide(record, side, f.schema, struct === null ? null : valueAt(struct, schema, path, withDefault));
      },
    };
  },
});
