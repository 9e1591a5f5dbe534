/**
 * Kafka Connect's error handling for the transformation and conversion stages of a source record
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
 * The TRANSFORMATION stage is synchronous (transforms are; no retry: a transform failing
 * on a record fails the same way again): with none the task fails naming the record's
 * topic and key, the transform's alias and the cause; with all the record is skipped and
 * the skips of the last minute are summarised for the task's status.
 */
import type { ParsedConfig } from '../config/define.ts';
import { CdcError, describeError } from '../errors/cdc-error.ts';
import type { ConnectSchema } from '../events/schema.ts';
import type { SourceRecord } from '../events/record.ts';
import type { Logger } from '../log/logger.ts';
import type { TaskMetrics } from '../metrics/task-metrics.ts';
import { render } from '../serde/header-converter.ts';

export type ErrorStage = 'TRANSFORMATION' | 'KEY_CONVERTER' | 'VALUE_CONVERTER' | 'HEADER_CONVERTER';

/** What the TRANSFORMATION stage knows about the failing transform. */
export interface TransformFailureInfo {
  readonly alias: string;
  readonly className: string;
  readonly cause: unknown;
}

/** How long a tolerated skip keeps being mentioned in the task's status. */
const SKIP_NOTE_MS = 60_000;

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
  /** Tolerated transform failures of the last minute, for status: count since `first`, and the latest. */
  private skips: { first: number; last: number; count: number; what: string } | null = null;
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

  /**
   * The TRANSFORMATION stage for one record: the chain's result, or SKIP when a transform
   * failed and errors.tolerance=all; with none, a CdcError naming topic, key, alias and cause.
   */
  transform<T>(record: SourceRecord, where: string, op: () => T, failure: (err: unknown) => TransformFailureInfo | null): T | typeof SKIP {
    try {
      return op();
    } catch (err) {
      const info = failure(err);
      if (!info) throw err;
      const { policy, metrics } = this.deps;
      const cause = describeError(info.cause);
      if (policy.tolerance === 'none') {
        metrics.conversionFailure('failed');
        throw new CdcError({
          code: 'CDC_TRANSFORM_FAILED',
          what: `transform ${info.alias} (${info.className}) failed on a record of topic ${record.topic} with key ${shown(record.keySchema, record.key) ?? 'null'}: ${cause}`,
          where: `${where}, property transforms.${info.alias}.type`,
          fix: `correct transforms.${info.alias}.* for such records, or apply it only to the records it can handle with transforms.${info.alias}.predicate (e.g. RecordIsTombstone with negate=true), or set errors.tolerance=all to skip failing records; then restart the task`,
          cause: info.cause,
        });
      }
      metrics.conversionFailure('skipped');
      const now = this.now();
      const what = `transform ${info.alias} failed (${cause.split('\n')[0]})`;
      this.skips = this.skips && now - this.skips.last < SKIP_NOTE_MS
        ? { ...this.skips, last: now, count: this.skips.count + 1, what }
        : { first: now, last: now, count: 1, what };
      if (policy.logEnable) this.report('TRANSFORMATION', record, info.cause, 1, info.className);
      return SKIP;
    }
  }

  /** One sentence for the task's status while records keep being skipped (null after a quiet minute). */
  skipNote(): string | null {
    const s = this.skips;
    if (!s || this.now() - s.last >= SKIP_NOTE_MS) return null;
    return `errors.tolerance=all: ${s.count} record(s) skipped since ${new Date(s.first).toISOString()}, last at ${new Date(s.last).toISOString()}: ${s.what}`;
  }

  private report(stage: ErrorStage, record: SourceRecord, err: unknown, attempts: number, className?: string): void {
    const { policy, log, metrics, taskName } = this.deps;
    const fields: Record<string, unknown> = {
      task: taskName, stage, ...(className ? { class: className } : {}), topic: record.topic, attempts, err: describeError(err),
      ...(err instanceof CdcError ? { code: err.code } : {}),
    };
    if (policy.includeMessages) {
      fields.key = shown(record.keySchema, record.key);
      fields.value = shown(record.valueSchema, record.value);
    }
    const line = stage === 'TRANSFORMATION'
      ? `record skipped: Error encountered in task ${taskName}. Executing stage 'TRANSFORMATION' with class '${className ?? ''}' (errors.tolerance=all)`
      : `record skipped: the ${stage === 'KEY_CONVERTER' ? 'key' : stage === 'VALUE_CONVERTER' ? 'value' : 'header'} could not be converted (errors.tolerance=all)`;
    log.error(fields, line);
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
