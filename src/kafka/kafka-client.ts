/**
 * Builds the kafkajs client from worker settings and routes its logs into ours.
 */
import { Kafka, logLevel, type LogEntry } from 'kafkajs';
import type { ParsedConfig } from '../config/define.ts';
import type { Logger } from '../log/logger.ts';

/** bootstrap.servers as host:port entries. */
export function bootstrapBrokers(worker: ParsedConfig): string[] {
  return (worker.getList('bootstrap.servers') ?? [worker.getString('bootstrap.servers') ?? '']).flatMap((b) => b.split(',')).map((b) => b.trim()).filter(Boolean);
}

/** `logs` receives the client's log entries (KafkaReachability.route folds retries into state changes). */
export function createKafka(worker: ParsedConfig, log: Logger, clientId: string, logs?: (entry: LogEntry) => void): Kafka {
  const brokers = bootstrapBrokers(worker);
  const protocol = (worker.getString('security.protocol') ?? 'PLAINTEXT').toUpperCase();
  const sasl = worker.originalsWithPrefix('sasl.');
  const klog = log.child({ component: 'kafkajs' });
  return new Kafka({
    clientId,
    brokers,
    ssl: protocol === 'SSL' || protocol === 'SASL_SSL',
    ...(protocol.startsWith('SASL') && sasl['username'] ? {
      sasl: { mechanism: (sasl['mechanism'] ?? 'plain').toLowerCase() as 'plain', username: sasl['username'], password: sasl['password'] ?? '' },
    } : {}),
    logLevel: logLevel.WARN,
    logCreator: () => logs ?? ((entry: LogEntry) => {
      const { message, ...rest } = entry.log;
      const obj = { ns: entry.namespace, ...rest };
      if (entry.level <= logLevel.ERROR) klog.warn(obj, message); // kafkajs logs retries as errors
      else klog.debug(obj, message);
    }),
  });
}
