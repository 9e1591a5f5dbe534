/**
 * TimestampRouter: topic := topic.format with ${topic} and ${timestamp} replaced, the record's
 * timestamp formatted in UTC with timestamp.format. Debezium records carry no timestamp
 * (the producer sets it at send time), so on them it fails unless an earlier transform set one.
 */
import { ConfigDef, defineField } from '../../config/define.ts';
import { TransformError, type TransformationPlugin } from '../contracts.ts';
import { compileDateFormat } from './simple-date-format.ts';
import { KAFKA_TRANSFORMS_PACKAGE, KAFKA_TRANSFORMS_VERSION } from './version.ts';

const topicFormat = defineField({
  name: 'topic.format', type: 'string', default: '${topic}-${timestamp}', group: 'Transform', importance: 'high',
  doc: 'Format string which can contain ${topic} and ${timestamp} as placeholders for the topic and timestamp, respectively.',
});
const timestampFormat = defineField({
  name: 'timestamp.format', type: 'string', default: 'yyyyMMdd', group: 'Transform', importance: 'high',
  doc: 'Format string for the timestamp that is compatible with java.text.SimpleDateFormat (formatted in UTC).',
  check: (v) => { try { compileDateFormat(v); return true; } catch (err) { return `${(err as Error).message}; use SimpleDateFormat letters such as yyyyMMdd or yyyy-MM-dd_HH`; } },
});

export const timestampRouter: TransformationPlugin = {
  kind: 'transformation', className: `${KAFKA_TRANSFORMS_PACKAGE}.TimestampRouter`, aliases: [], version: KAFKA_TRANSFORMS_VERSION,
  configDef: new ConfigDef([topicFormat, timestampFormat]),
  doc: 'Update the record\'s topic field as a function of the original topic value and the record timestamp. This is mainly useful for sink connectors, since the topic field is often used to determine the equivalent entity name in the destination system (e.g. database table or search index name).',
  create(config) {
    const format = config.get(topicFormat);
    const date = compileDateFormat(config.get(timestampFormat));
    return {
      apply(record) {
        if (record.timestamp === undefined || record.timestamp === null) {
          throw new TransformError(`Timestamp missing on record: topic ${record.topic} (Debezium sets none; it is the producer's send time)`);
        }
        const topic = format.replaceAll('${topic}', record.topic).replaceAll('${timestamp}', date(record.timestamp));
        return { ...record, topic };
      },
    };
  },
};
