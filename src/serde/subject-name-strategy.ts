/**
 * Subject naming (key.subject.name.strategy / value.subject.name.strategy),
 * accepting Confluent's class names or their simple names.
 * debezium-events.md 13.2.
 */
import { ConfigError } from '../errors/cdc-error.ts';

export type SubjectNameStrategy = 'TopicNameStrategy' | 'RecordNameStrategy' | 'TopicRecordNameStrategy';

const PACKAGE = 'io.confluent.kafka.serializers.subject.';
const STRATEGIES: readonly SubjectNameStrategy[] = ['TopicNameStrategy', 'RecordNameStrategy', 'TopicRecordNameStrategy'];

export function parseSubjectNameStrategy(value: string | undefined, property: string): SubjectNameStrategy {
  if (value === undefined || value.trim() === '') return 'TopicNameStrategy';
  const simple = value.trim().startsWith(PACKAGE) ? value.trim().slice(PACKAGE.length) : value.trim();
  const found = STRATEGIES.find((s) => s === simple);
  if (found) return found;
  throw new ConfigError({
    code: 'CDC_CONVERTER_SUBJECT_STRATEGY',
    what: `unknown subject name strategy "${value}"`,
    where: `property ${property}`,
    fix: `use one of ${STRATEGIES.map((s) => PACKAGE + s).join(', ')}`,
  });
}

/** recordName: the Avro schema's full name (record) or type name (anything else), as Confluent's AvroSchema#name. */
export function subjectName(strategy: SubjectNameStrategy, topic: string, isKey: boolean, recordName: string): string {
  switch (strategy) {
    case 'TopicNameStrategy': return `${topic}-${isKey ? 'key' : 'value'}`;
    case 'RecordNameStrategy': return recordName;
    case 'TopicRecordNameStrategy': return `${topic}-${recordName}`;
  }
}
