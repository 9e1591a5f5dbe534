/**
 * The producer settings a connector task's transactional producer runs with: the connector's
 * producer.override.* over the worker's producer.* over the defaults (Connect's order).
 * Only what kafkajs can honour is here; the other producer properties are declared
 * no-effect or refused in src/config/kafka-client-fields.ts.
 */
import type { ParsedValues } from '../config/define.ts';
import type { CompressionName } from './compression-codecs.ts';

export interface ProducerSettings {
  readonly compression: CompressionName;
  /** Largest produce request; sends are split below it and a bigger record is refused. */
  readonly maxRequestBytes: number;
  readonly transactionTimeoutMs: number;
}

/** Kafka's producer default for max.request.size. */
export const DEFAULT_MAX_REQUEST_BYTES = 1_048_576;

export function producerSettings(worker: ParsedValues, connector?: ParsedValues): ProducerSettings {
  const pick = (name: string): unknown => {
    if (connector?.isSet(`producer.override.${name}`)) return connector.value(`producer.override.${name}`);
    if (worker.isSet(`producer.${name}`)) return worker.value(`producer.${name}`);
    return undefined;
  };
  return {
    compression: (pick('compression.type') as CompressionName | undefined) ?? 'none',
    maxRequestBytes: (pick('max.request.size') as number | undefined) ?? DEFAULT_MAX_REQUEST_BYTES,
    // producer.transaction.timeout.ms is Connect's spelling; the top-level one is this daemon's older name.
    transactionTimeoutMs: (pick('transaction.timeout.ms') as number | undefined) ?? (worker.value('transaction.timeout.ms') as number | undefined) ?? 900_000,
  };
}
