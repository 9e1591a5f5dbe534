/**
 * ValueToKey: the key becomes a struct of the listed value fields, in the listed order. The
 * key schema is unnamed, unversioned and required (not Debezium's <topic>.Key). A null value
 * (a tombstone) fails, as in Connect.
 */
import { ConfigDef, defineField } from '../../config/define.ts';
import type { ConnectSchema } from '../../events/schema.ts';
import type { TransformationPlugin } from '../contracts.ts';
import { TransformError } from '../contracts.ts';
import { fieldValue, findField, requireMap, requireStruct, SchemaCache } from '../schema-util.ts';
import { replaceNullWithDefault } from './key-value.ts';
import { KAFKA_TRANSFORMS_PACKAGE, KAFKA_TRANSFORMS_VERSION } from './version.ts';

const fields = defineField({
  name: 'fields', type: 'list', group: 'Transform', importance: 'high',
  doc: 'Field names on the record value to extract as the record key.', check: (v) => v.length > 0 || 'list at least one field',
});

export const valueToKey: TransformationPlugin = {
  kind: 'transformation', className: `${KAFKA_TRANSFORMS_PACKAGE}.ValueToKey`, aliases: [], version: KAFKA_TRANSFORMS_VERSION,
  configDef: new ConfigDef([fields, replaceNullWithDefault]),
  doc: 'Replace the record key with a new key formed from a subset of fields in the record value.',
  create(config) {
    const names = config.get(fields);
    const withDefault = config.get(replaceNullWithDefault);
    const cache = new SchemaCache();
    const purpose = 'copying fields from value to key';
    return {
      apply(record) {
        const schema = record.valueSchema;
        if (schema === null) {
          const map = requireMap(record.value, purpose);
          const key: Record<string, unknown> = {};
          for (const n of names) {
            if (!(n in map)) throw new TransformError(`Field does not exist: ${n}`);
            key[n] = map[n];
          }
          return { ...record, keySchema: null, key };
        }
        const struct = requireStruct(record.value, purpose);
        const keySchema = cache.get(schema, (s): ConnectSchema => ({
          type: 'struct', optional: false,
          fields: names.map((n) => {
            const f = findField(s, n);
            if (!f) throw new TransformError(`Field does not exist: ${n}`);
            return { name: n, schema: f.schema };
          }),
        }));
        const key: Record<string, unknown> = {};
        for (const f of keySchema.fields!) key[f.name] = fieldValue(struct, findField(schema, f.name)!, withDefault);
        return { ...record, keySchema, key };
      },
    };
  },
};
