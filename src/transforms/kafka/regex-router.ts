/** RegexRouter: renames the topic when the regex matches the whole topic name (Connect's RegexRouter). */
import { ConfigDef, defineField } from '../../config/define.ts';
import type { TransformationPlugin } from '../contracts.ts';
import { compileJavaRegex, regexCheck } from '../java-regex.ts';
import { KAFKA_TRANSFORMS_PACKAGE, KAFKA_TRANSFORMS_VERSION } from './version.ts';

const regex = defineField({
  name: 'regex', type: 'string', group: 'RegexRouter', importance: 'high',
  doc: 'Java regular expression matched against the whole topic name.', check: regexCheck,
});
const replacement = defineField({
  name: 'replacement', type: 'string', group: 'RegexRouter', importance: 'high',
  doc: 'Replacement for the first match, Java syntax: $1 or ${name} for groups, \\$ for a literal $.',
});

export const regexRouter: TransformationPlugin = {
  kind: 'transformation', className: `${KAFKA_TRANSFORMS_PACKAGE}.RegexRouter`, aliases: [], version: KAFKA_TRANSFORMS_VERSION,
  configDef: new ConfigDef([regex, replacement]),
  doc: 'Update the record topic using the configured regular expression and replacement string.',
  create(config) {
    const re = compileJavaRegex(config.get(regex));
    const repl = config.get(replacement);
    // Topics repeat: remember each topic's new name (Connect computes it per record).
    const renamed = new Map<string, string>();
    return {
      apply(record) {
        let topic = renamed.get(record.topic);
        if (topic === undefined) {
          topic = re.matchesWhole(record.topic) ? re.replaceFirst(record.topic, repl) : record.topic;
          if (renamed.size < 10_000) renamed.set(record.topic, topic);
        }
        return topic === record.topic ? record : { ...record, topic };
      },
    };
  },
};
