/**
 * Why a task was interrupted, in the words status and the log use. The reason
 * text is stable for one cause (no retry counts or delays in it), so `since`
 * keeps saying when the trouble began and a retry is not a new state.
 * Knows no database: a source error counts as "database unreachable" when its
 * code says so (…_UNREACHABLE) or its message is a socket-level failure.
 */
import { CdcError, SinkError, SourceError, describeError } from '../errors/cdc-error.ts';
import type { KafkaOutage } from '../kafka/kafka-reachability.ts';

export type InterruptionCause = 'kafka' | 'database' | 'other';

export interface Interruption {
  readonly cause: InterruptionCause;
  readonly reason: string;
  /** when the cause began, when known better than "now" (a Kafka outage's first failure) */
  readonly since?: number;
}

const SOCKET_FAILURE = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|EPIPE|Connection terminated|terminating connection|the database system is (starting up|shutting down)|server closed the connection/i;

export function kafkaOutageReason(o: KafkaOutage): string {
  return `Kafka unreachable since ${new Date(o.since).toISOString()} (${o.brokers.join(', ') || 'brokers'}: ${o.error})`;
}

export function interruption(err: unknown, outage: KafkaOutage | null): Interruption {
  const first = describeError(err).split('\n')[0]!;
  if (outage) return { cause: 'kafka', reason: `${kafkaOutageReason(outage)}; retrying from the committed offset once it is back`, since: outage.since };
  if (err instanceof SourceError && (/_UNREACHABLE$/.test(err.code) || SOCKET_FAILURE.test(err.message))) {
    return { cause: 'database', reason: `database unreachable: ${first}; retrying from the committed offset` };
  }
  if (!(err instanceof CdcError) && SOCKET_FAILURE.test(first) && !/kafka/i.test(errName(err))) {
    return { cause: 'database', reason: `database unreachable: ${first}; retrying from the committed offset` };
  }
  if (err instanceof SinkError || /^KafkaJS/.test(errName(err))) return { cause: 'kafka', reason: `Kafka: ${first}; retrying from the committed offset` };
  return { cause: 'other', reason: `retrying from the committed offset after: ${first}` };
}

function errName(err: unknown): string {
  return err instanceof Error ? err.name : '';
}
