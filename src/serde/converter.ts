/**
 * The contract between the runtime and a serializer: Connect schema + value in,
 * Kafka record bytes out. Implemented by AvroConverter (Schema Registry wire
 * format) and JsonConverter (Connect's JSON, with or without schemas).
 */
import type { ConnectSchema } from '../events/schema.ts';
import type { Logger } from '../log/logger.ts';

export interface Converter {
  /** serialize one key or value for topic; null value -> null (tombstone) */
  fromConnectData(topic: string, isKey: boolean, schema: ConnectSchema | null, value: unknown): Promise<Buffer | null>;
  /**
   * The bytes fromConnectData would give, when they can be had without waiting (the schema's
   * registration is settled); undefined when they cannot, and on any failure: the caller then
   * runs fromConnectData, which waits, retries or reports as the errors.* policy says. Saves the
   * per-record promises of the steady state.
   */
  fromConnectDataNow?(topic: string, isKey: boolean, schema: ConnectSchema | null, value: unknown): Buffer | null | undefined;
}

/** What converters log through: the project's Logger or anything shaped like it. */
export type ConverterLogger = Pick<Logger, 'info' | 'warn' | 'error'>;
