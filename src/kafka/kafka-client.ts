/**
 * Builds the one kafkajs client every Kafka user of the daemon shares (transactional
 * producers, internal-topic producers and consumers, offset readers, admin, group
 * membership), so the security settings apply to all of them; routes its logs into ours.
 */
import './kafkajs-patch.ts'; // before kafkajs (src/kafka/kafkajs-patch.ts)
import { readFileSync } from 'node:fs';
import { Kafka, logLevel, type LogEntry } from 'kafkajs';
import type { ParsedConfig } from '../config/define.ts';
import type { Logger } from '../log/logger.ts';
import { registerCompressionCodecs } from './compression-codecs.ts';
import { kafkaSecurity, type ReadBytes } from './kafka-security.ts';

/** bootstrap.servers as host:port entries. */
export function bootstrapBrokers(worker: ParsedConfig): string[] {
  return (worker.getList('bootstrap.servers') ?? []).flatMap((b) => b.split(',')).map((b) => b.trim()).filter(Boolean);
}

/** `logs` receives the client's log entries (KafkaReachability.route folds retries into state changes). */
export function createKafka(
  worker: ParsedConfig, log: Logger, clientId: string,
  opts: { readonly logs?: (entry: LogEntry) => void; readonly readFile?: ReadBytes } = {},
): Kafka {
  const brokers = bootstrapBrokers(worker);
  const security = kafkaSecurity(worker, opts.readFile ?? readFileSync);
  const logs = opts.logs;
  registerCompressionCodecs();
  const klog = log.child({ component: 'kafkajs' });
  return new Kafka({
    clientId,
    brokers,
    ...security,
    logLevel: logLevel.WARN,
    logCreator: () => logs ?? ((entry: LogEntry) => {
      const { message, ...rest } = entry.log;
      const obj = { ns: entry.namespace, ...rest };
      if (entry.level <= logLevel.ERROR) klog.warn(obj, message); // kafkajs logs retries as errors
      else klog.debug(obj, message);
    }),
  });
}
