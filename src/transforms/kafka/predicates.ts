/** Kafka's predicates: TopicNameMatches, HasHeaderKey, RecordIsTombstone (KIP-585). */
import { ConfigDef, defineField } from '../../config/define.ts';
import type { PredicatePlugin } from '../contracts.ts';
import { compileJavaRegex, regexCheck } from '../java-regex.ts';
import { KAFKA_TRANSFORMS_VERSION } from './version.ts';

const PKG = 'org.apache.kafka.connect.transforms.predicates';

const pattern = defineField({
  name: 'pattern', type: 'string', group: 'TopicNameMatches', importance: 'medium',
  doc: 'Java regular expression matched against the whole topic name.',
  check: (p) => (p === '' ? 'use a non-empty regular expression' : regexCheck(p)),
});

export const topicNameMatches: PredicatePlugin = {
  kind: 'predicate', className: `${PKG}.TopicNameMatches`, aliases: [], version: KAFKA_TRANSFORMS_VERSION,
  configDef: new ConfigDef([pattern]),
  doc: 'A predicate which is true for records with a topic name that matches the configured regular expression.',
  create(config) {
    const re = compileJavaRegex(config.get(pattern));
    const seen = new Map<string, boolean>();
    return {
      test(record) {
        if (record.topic === null || record.topic === undefined) return false;
        let v = seen.get(record.topic);
        if (v === undefined) { v = re.matchesWhole(record.topic); if (seen.size < 10_000) seen.set(record.topic, v); }
        return v;
      },
    };
  },
};

const name = defineField({
  name: 'name', type: 'string', group: 'HasHeaderKey', importance: 'medium',
  doc: 'The header name.', check: (n) => n !== '' || 'use a non-empty header name',
});

export const hasHeaderKey: PredicatePlugin = {
  kind: 'predicate', className: `${PKG}.HasHeaderKey`, aliases: [], version: KAFKA_TRANSFORMS_VERSION,
  configDef: new ConfigDef([name]),
  doc: 'A predicate which is true for records with at least one header with the configured name.',
  create(config) {
    const key = config.get(name);
    // Any header with that key (a key may repeat).
    return { test: (record) => record.headers !== undefined && record.headers.some((h) => h.key === key) };
  },
};

export const recordIsTombstone: PredicatePlugin = {
  kind: 'predicate', className: `${PKG}.RecordIsTombstone`, aliases: [], version: KAFKA_TRANSFORMS_VERSION,
  configDef: new ConfigDef([]),
  doc: 'A predicate which is true for records which are tombstones (i.e. have null value).',
  create: () => ({ test: (record) => record.value === null || record.value === undefined }),
};
