/**
 * io.debezium.transforms.ByLogicalTableRouter (and its Debezium 3.7 name
 * io.debezium.transforms.ToLogicalTopicRouter): merges the topics of several physical
 * tables (shards, partitions) into one logical topic (shared/reference/transforms.md §7.2).
 *
 * The key and envelope schemas are renamed after the new topic, so records of all the
 * physical tables share one subject; a key field holding the physical topic keeps keys
 * unique across them (key.enforce.uniqueness). Renamed schemas are cached per
 * (input schema, new topic), bounded by logical.table.cache.size. A topic the regex matches
 * but rewrites to nothing keeps its name, with a WARN for each such record (as Debezium).
 */
import { ConfigDef, defineField, type ParsedConfig } from '../../config/define.ts';
import type { SourceRecord } from '../../events/record.ts';
import { S, type ConnectSchema } from '../../events/schema.ts';
import { adjustName, NAME_ADJUSTMENT_MODES, type NameAdjustmentMode } from '../../serde/name-adjustment.ts';
import type { Transformation, TransformationPlugin } from '../contracts.ts';
import { silentLogger, type Logger } from '../../log/logger.ts';
import { requireStruct, type StructValue } from '../schema-util.ts';
import { envelopeOf } from './envelope-util.ts';
import { compileJavaRegex, regexCheck, type JavaRegex } from '../java-regex.ts';
import { replaceWhole } from './route-regex.ts';

const group = 'Topic routing';

function routerConfig(keyFieldDefault: string, cacheName: string, cacheAliases: readonly string[]): ConfigDef {
  return new ConfigDef([
    defineField({ name: 'topic.regex', type: 'string', group, importance: 'low', check: regexCheck,
      doc: 'Regular expression that must match the whole topic name of the records to reroute.' }),
    defineField({ name: 'topic.replacement', type: 'string', group, importance: 'low',
      doc: 'The new topic, with $1 / ${name} group references into topic.regex (Java replacement syntax).' }),
    defineField({ name: 'key.enforce.uniqueness', type: 'boolean', default: true, group, importance: 'low',
      doc: 'Add a key field holding the original topic, so keys of different physical tables stay distinct.' }),
    defineField({ name: 'key.field.name', type: 'string', default: keyFieldDefault, group, importance: 'low',
      doc: 'Name of the key field added when key.enforce.uniqueness is true.' }),
    defineField({ name: 'key.field.regex', type: 'string', required: false, group, importance: 'low', check: (v, all) => {
      if (!all.value('key.field.replacement')) return 'key.field.replacement must be set (non-empty) when key.field.regex is set';
      return regexCheck(v);
    }, doc: 'Regular expression over the original topic whose replacement (key.field.replacement) becomes the key field value.' }),
    defineField({ name: 'key.field.replacement', type: 'string', required: false, group, importance: 'low',
      doc: 'Replacement applied with key.field.regex to compute the key field value.' }),
    defineField({ name: 'schema.name.adjustment.mode', type: 'string', enum: NAME_ADJUSTMENT_MODES, default: 'none', group, importance: 'low',
      doc: 'How the renamed key and envelope schema names are made valid for Avro: none, avro or avro_unicode.' }),
    defineField({ name: cacheName, type: 'int', default: 16, group, importance: 'low', aliases: cacheAliases,
      check: (v) => v > 0 || 'use a positive number', doc: 'How many renamed schemas are kept per input schema.' }),
  ]);
}

interface RouterOptions {
  readonly topicRegex: JavaRegex;
  readonly replacement: string;
  readonly uniqueness: boolean;
  readonly keyFieldName: string;
  readonly keyFieldRegex: JavaRegex | undefined;
  readonly keyFieldReplacement: string;
  readonly adjustment: NameAdjustmentMode;
  readonly cacheSize: number;
}

/** Bounded (input schema, topic) -> output schema cache; oldest entry evicted first. */
class RenamedSchemas {
  readonly #byInput = new WeakMap<ConnectSchema, Map<string, ConnectSchema>>();
  constructor(private readonly size: number) {}

  get(input: ConnectSchema, topic: string, build: () => ConnectSchema): ConnectSchema {
    let m = this.#byInput.get(input);
    if (!m) this.#byInput.set(input, (m = new Map()));
    let out = m.get(topic);
    if (!out) {
      out = build();
      if (m.size >= this.size) m.delete(m.keys().next().value!);
      m.set(topic, out);
    }
    return out;
  }
}

export class ByLogicalTableRouter implements Transformation {
  readonly #keySchemas: RenamedSchemas;
  readonly #envelopeSchemas: RenamedSchemas;

  constructor(private readonly o: RouterOptions, private readonly log: Logger = silentLogger()) {
    this.#keySchemas = new RenamedSchemas(o.cacheSize);
    this.#envelopeSchemas = new RenamedSchemas(o.cacheSize);
  }

  apply(record: SourceRecord): SourceRecord | null {
    const topic = replaceWhole(this.o.topicRegex, record.topic, this.o.replacement);
    if (topic === null) return record;
    if (topic === '') {
      this.log.warn({ topic: record.topic, property: 'topic.replacement' }, 'Routing regex returned an empty topic name, propagating original record');
      return record;
    }
    let out: SourceRecord = { ...record, topic };
    if (record.key !== null && record.key !== undefined && record.keySchema) out = { ...out, ...this.#key(record, topic) };
    if (envelopeOf(record)) out = { ...out, valueSchema: this.#envelopeSchema(record.valueSchema!, topic) };
    return out;
  }

  #name(name: string): string {
    return adjustName(name, this.o.adjustment, 'schema');
  }

  #key(record: SourceRecord, topic: string): Pick<SourceRecord, 'keySchema' | 'key'> {
    const key = requireStruct(record.key, 'topic routing');
    const old = record.keySchema!;
    const schema = this.#keySchemas.get(old, topic, () => ({
      ...old,
      name: this.#name(`${topic}.Key`),
      fields: this.o.uniqueness ? [...(old.fields ?? []), S.field(this.o.keyFieldName, S.string())] : old.fields ?? [],
    }));
    if (!this.o.uniqueness) return { keySchema: schema, key };
    const value: StructValue = { ...key, [this.o.keyFieldName]: this.#keyFieldValue(record.topic) };
    return { keySchema: schema, key: value };
  }

  #keyFieldValue(oldTopic: string): string {
    if (!this.o.keyFieldRegex) return oldTopic;
    return replaceWhole(this.o.keyFieldRegex, oldTopic, this.o.keyFieldReplacement) ?? oldTopic;
  }

  #envelopeSchema(env: ConnectSchema, topic: string): ConnectSchema {
    return this.#envelopeSchemas.get(env, topic, () => ({
      ...env,
      name: this.#name(`${topic}.Envelope`),
      fields: (env.fields ?? []).map((f) => (f.name === 'before' || f.name === 'after') && f.schema.type === 'struct'
        ? { name: f.name, schema: { ...f.schema, name: this.#name(`${topic}.Value`) } }
        : f),
    }));
  }
}

function optionsOf(c: ParsedConfig, keyFieldName: string, cacheName: string): RouterOptions {
  const keyRegex = c.getString('key.field.regex');
  return {
    topicRegex: compileJavaRegex(c.getString('topic.regex')!),
    replacement: c.getString('topic.replacement')!,
    uniqueness: c.getBoolean('key.enforce.uniqueness') ?? true,
    keyFieldName: c.getString('key.field.name') ?? keyFieldName,
    keyFieldRegex: keyRegex ? compileJavaRegex(keyRegex) : undefined,
    keyFieldReplacement: c.getString('key.field.replacement') ?? '',
    adjustment: (c.getString('schema.name.adjustment.mode') ?? 'none') as NameAdjustmentMode,
    cacheSize: c.getInt(cacheName) ?? 16,
  };
}

export const byLogicalTableRouterPlugin: TransformationPlugin = {
  kind: 'transformation',
  className: 'io.debezium.transforms.ByLogicalTableRouter',
  aliases: [],
  version: '3.6.1.Final',
  configDef: routerConfig('__dbz__physicalTableIdentifier', 'logical.table.cache.size', []),
  doc: 'Reroutes records of several physical tables to one logical topic, renaming key and envelope schemas and keeping keys unique.',
  create: (c, log) => new ByLogicalTableRouter(optionsOf(c, '__dbz__physicalTableIdentifier', 'logical.table.cache.size'), log),
};

/** Debezium 3.7's name for the same router; its cache property was renamed, the old name still read. */
export const toLogicalTopicRouterPlugin: TransformationPlugin = {
  kind: 'transformation',
  className: 'io.debezium.transforms.ToLogicalTopicRouter',
  aliases: [],
  version: '3.7.0',
  configDef: routerConfig('__dbz__sourceIdentifier', 'logical.destination.cache.size', ['logical.table.cache.size']),
  doc: 'Debezium 3.7 name of ByLogicalTableRouter (default key field __dbz__sourceIdentifier).',
  create: (c, log) => new ByLogicalTableRouter(optionsOf(c, '__dbz__sourceIdentifier', 'logical.destination.cache.size'), log),
};
