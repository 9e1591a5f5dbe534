/**
 * Kafka Connect's error handling for the conversion stages of a source record
 * (errors.* properties; Connect's RetryWithToleranceOperator and LogReporter):
 * - a retriable failure (Schema Registry unreachable or answering 5xx) is retried with
 *   a delay doubling from 300 ms up to errors.retry.delay.max.ms, until
 *   errors.retry.timeout ms have passed (0: no retry, -1: forever);
 * - a failure that remains is an error: with errors.tolerance=none it ends the task
 *   (the original error is thrown, so a retriable one still restarts the task and a
 *   schema incompatibility still FAILs it with its own message); with all the record is
 *   skipped, counted, and logged when errors.log.enable (key and value only with
 *   errors.log.include.messages; records hold data, never config secrets).
 * The runner still commits the skipped record's offset in the same transaction as the
 * records around it, so a skip is final and exactly-once still holds for the rest.
 */
import type { ParsedConfig } from '../config/define.ts';
import { CdcError, describeError } from '../errors/cdc-error.ts';
import type { ConnectSchema } from '../events/schema.ts';
import type { SourceRecord } from '../events/record.ts';
import type { Logger } from '../log/logger.ts';
import type { TaskMetrics } from '../metrics/task-metrics.ts';
import { render } from '../serde/header-converter.ts';

export type ErrorStage = 'KEY_CONVERTER' | 'VALUE_CONVERTER' | 'HEADER_CONVERTER';

export interface ErrorPolicy {
  readonly tolerance: 'none' | 'all';
  readonly logEnable: boolean;
  readonly includeMessages: boolean;
  /** -1 = forever, 0 = no retry */
  readonly retryTimeoutMs: number;
  readonly retryDelayMaxMs: number;
}

export function errorPolicy(config: ParsedConfig): ErrorPolicy {
  return {
    tolerance: config.getString('errors.tolerance') === 'all' ? 'all' : 'none',
    logEnable: config.getBoolean('errors.log.enable') ?? false,
    includeMessages: config.getBoolean('errors.log.include.messages') ?? false,
    retryTimeoutMs: config.getLong('errors.retry.timeout') ?? 0,
    retryDelayMaxMs: config.getLong('errors.retry.delay.max.ms') ?? 60_000,
  };
}

/** Returned instead of a value when the failure was tolerated and the record is to be skipped. */
export const SKIP: unique symbol = Symbol('skip record');

const RETRY_DELAY_MIN_MS = 300;
const LOGGED_TEXT_MAX = 4096;

export interface ToleranceDeps {
  readonly policy: ErrorPolicy;
  readonly log: Logger;
  readonly metrics: TaskMetrics;
  /** the task's identity in log lines, e.g. inventory-0 */
  readonly taskName: string;
  readonly now?: () => number;
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

export class ToleranceOperator {
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;

  constructor(private readonly deps: ToleranceDeps) {
    this.now = deps.now ?? Date.now;
    this.sleep = deps.sleep ?? abortableSleep;
  }

  /** Runs one stage for one record: its value, SKIP (tolerated), or the error (not tolerated). */
  async execute<T>(stage: ErrorStage, record: SourceRecord, signal: AbortSignal, op: () => Promise<T>): Promise<T | typeof SKIP> {
    const { policy, metrics } = this.deps;
    const started = this.now();
    for (let attempt = 1; ; attempt++) {
      try {
        return await op();
      } catch (err) {
        // A stop interrupts retries: never skip a record only because the task is stopping.
        if (signal.aborted) throw err;
        const retriable = err instanceof CdcError ? err.retriable : false;
        const elapsed = this.now() - started;
        const mayRetry = retriable && !signal.aborted && (policy.retryTimeoutMs === -1 || elapsed < policy.retryTimeoutMs);
        if (mayRetry) {
          const backoff = Math.min(RETRY_DELAY_MIN_MS * 2 ** (attempt - 1), policy.retryDelayMaxMs);
          const delay = policy.retryTimeoutMs === -1 ? backoff : Math.max(0, Math.min(backoff, policy.retryTimeoutMs - elapsed));
          metrics.conversionRetry();
          await this.sleep(delay, signal);
          continue;
        }
        if (policy.tolerance === 'none') {
          metrics.conversionFailure('failed');
          throw err;
        }
        metrics.conversionFailure('skipped');
        if (policy.logEnable) this.report(stage, record, err, attempt);
        return SKIP;
      }
    }
  }

  private report(stage: ErrorStage, record: SourceRecord, err: unknown, attempts: number): void {
    const { policy, log, metrics, taskName } = this.deps;
    const fields: Record<string, unknown> = {
      task: taskName, stage, topic: record.topic, attempts, err: describeError(err),
      ...(err instanceof CdcError ? { code: err.code } : {}),
    };
    if (policy.includeMessages) {
      fields.key = shown(record.keySchema, record.key);
      fields.value = shown(record.valueSchema, record.value);
    }
    log.error(fields, `record skipped: the ${stage === 'KEY_CONVERTER' ? 'key' : stage === 'VALUE_CONVERTER' ? 'value' : 'header'} could not be converted (errors.tolerance=all)`);
    metrics.errorLogged();
  }
}

function shown(schema: ConnectSchema | null, value: unknown): string | null {
  if (value === null || value === undefined) return null;
  let text: string;
  try { text = render('simple', schema, value); } catch { text = String(value); }
  return text.length > LOGGED_TEXT_MAX ? `${text.slice(0, LOGGED_TEXT_MAX)}... (${text.length} characters)` : text;
}

function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) { resolve(); return; }
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
  });
}
